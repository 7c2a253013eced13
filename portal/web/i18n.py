"""Language choice: Danish by default, English on request, remembered in the session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, request, session, url_for
from flask_babel import force_locale, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup
from wtforms.i18n import messages_path

from portal.web.assets import static_url


def select_locale() -> Locale:
    """The request's locale, parsed once per language: Flask-Babel hands what this returns to
    Locale.parse, which takes a Locale as it is but builds a new one from a code (about 10 µs,
    a fiftieth of a question page)."""
    chosen = session.get("lang")
    if chosen not in current_app.config["LANGUAGES"]:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"]
    found = _LOCALES.get(chosen)
    if found is None:
        found = _LOCALES[chosen] = Locale.parse(chosen)
    return found


_LOCALES: dict[str, Locale] = {}


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only same-site paths, so the language switch cannot become an open redirect."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target


def _language_links() -> list[dict[str, str | bool]]:
    current = str(get_locale())
    here = request.full_path.rstrip("?") if request.endpoint else "/"
    names = {"da": "Dansk", "en": "English"}
    # DKFDS styles the first entry as the chosen language, so the current one goes first.
    codes = sorted(current_app.config["LANGUAGES"], key=lambda code: code != current)
    return [
        {
            "code": code,
            "name": names[code],
            "href": url_for("pages.set_language", code=code, next=here),
            "current": code == current,
        }
        for code in codes
    ]


def _current_lang() -> str:
    return str(get_locale())


NULL_TRANSLATIONS = NullTranslations()


def _translations() -> Any:
    # Flask-Babel resolves its context on every call, about 35 us each; a page has dozens of
    # messages, so the request keeps the catalogue once it has looked it up.
    if not has_app_context():
        return NULL_TRANSLATIONS  # e.g. a lazy message printed after its request ended
    try:
        return g._portal_translations
    except AttributeError:
        g._portal_translations = get_translations()
        return g._portal_translations


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.") in the request's language, for a form's
    Meta.get_translations. flask_wtf loads that catalogue from disk once per request, and
    every field declared without a label asks for it; this keeps one per language."""

    def __init__(self) -> None:
        self._catalogues: dict[str, Any] = {}

    def gettext(self, string: str) -> str:
        own = _OWN_WORDS.get(string)
        if own is not None and has_app_context():
            return str(own)
        return str(self._catalogue().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        own = _OWN_WORDS.get(singular)
        if own is not None and has_app_context():
            return str(own)
        return str(self._catalogue().ungettext(singular, plural, n))

    def _catalogue(self) -> Any:
        if not has_app_context():
            return NULL_TRANSLATIONS
        # Once a request, as _translations: a form asks for every field it builds.
        try:
            return g._portal_wtforms_messages
        except AttributeError:
            pass
        lang = language()
        found = self._catalogues.get(lang)
        if found is None:
            found = Translations.load(messages_path(), [lang], domain="wtforms")
            self._catalogues[lang] = found
        g._portal_wtforms_messages = found
        return found


WTFORMS_MESSAGES = WTFormsMessages()


def language() -> str:
    """The request's language code ("da", "en"), looked up once: str(get_locale()) costs a
    few microseconds and a page asks for it many times (every text from a standard)."""
    if not has_app_context():
        return "da"
    try:
        return str(g._portal_language)
    except AttributeError:
        found = g._portal_language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return found


def forget_translations() -> None:
    """Call after changing the locale inside a request (e.g. a mail in another language)."""
    g.pop("_portal_translations", None)
    g.pop("_portal_wtforms_messages", None)
    g.pop("_portal_language", None)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Translate in `language` for the length of the block (a mail to someone who applied in
    another language than the one now asking), in a request or in a bare app context."""
    forget_translations()
    try:
        with force_locale(language):
            yield
    finally:
        forget_translations()


def gettext(message: str, **variables: Any) -> str:
    """flask_babel.gettext with the request's catalogue looked up once."""
    text = str(_translations().ugettext(message))
    return text % variables if variables else text


def lazy_gettext(message: str, **variables: Any) -> LazyString:
    """A form label or message defined at import time, translated when it is shown."""
    return LazyString(gettext, message, **variables)


# Jinja's own newstyle wrappers go through Context.call and always %-format; these do the
# same job (escape, then fill the named placeholders) in a third of the time.
@pass_context
def _gettext(context: Any, message: str, **variables: Any) -> str:
    text = _translations().ugettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (our own catalogue; the placeholders get escaped)
    return text % variables if (variables or "%" in text) else text  # type: ignore[no-any-return]


@pass_context
def _ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
    text = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 (as in _gettext)
    return text % {"num": num, **variables}  # type: ignore[no-any-return]


def init_app(app: Flask) -> None:
    # Globals rather than a context processor: no per-render work unless a template asks.
    app.jinja_env.globals.update(
        language_links=_language_links, current_lang=_current_lang, static_url=static_url
    )
    app.jinja_env.globals.update(gettext=_gettext, _=_gettext, ngettext=_ngettext)
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]


# WTForms has no Danish catalogue, so a tampered choice or an overlong value answered a Danish
# page in English. These are the messages its fields and validators can still give here (every
# field's own validators carry our words already); WTForms fills the %(...)d placeholders
# itself after translating, so ours keep them. Danish has one form for both numbers.
_OWN_WORDS: dict[str, Any] = {
    "Not a valid choice.": lazy_gettext("Vælg et af svarene på listen."),
    "Invalid Choice: could not coerce.": lazy_gettext("Vælg et af svarene på listen."),
    "'%(value)s' is not a valid choice for this field.": lazy_gettext(
        "Vælg kun blandt svarene på listen."
    ),
    "Invalid choice(s): one or more data inputs could not be coerced.": lazy_gettext(
        "Vælg kun blandt svarene på listen."
    ),
    "Not a valid integer value.": lazy_gettext("Skriv et helt tal."),
    "Not a valid date value.": lazy_gettext("Skriv en dato, der findes."),
    "This field is required.": lazy_gettext("Udfyld feltet."),
    "Invalid email address.": lazy_gettext("Skriv e-mailen sådan her: navn@eksempel.dk."),
    "Field cannot be longer than %(max)d character.": lazy_gettext("Skriv højst %(max)d tegn."),
    "Field must be at least %(min)d character long.": lazy_gettext("Skriv mindst %(min)d tegn."),
    "Number must be between %(min)s and %(max)s.": lazy_gettext(
        "Skriv et tal fra %(min)s til %(max)s."
    ),
}
