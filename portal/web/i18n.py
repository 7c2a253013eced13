"""Language choice: Danish by default, English on request, remembered in the session."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request, session, url_for
from flask_babel import get_locale


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


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


def init_app(app: Flask) -> None:
    # Globals rather than a context processor: no per-render work unless a template asks.
    app.jinja_env.globals.update(language_links=_language_links, current_lang=_current_lang)
