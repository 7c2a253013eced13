"""Small text helpers for templates."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from babel import dates
from flask_babel import format_time, get_locale, to_user_timezone
from flask_babel import gettext as _
from markupsafe import Markup, escape

SHY = "\u00ad"
# Long Danish compounds that appear in headings. Chromium has no Danish hyphenation
# dictionary, so without a soft hyphen a 375 px screen breaks them at an arbitrary letter.
_BREAKS = {
    "tilgængelighedserklæring": "tilgængeligheds" + SHY + "erklæring",
    "samværstilbud": "samværs" + SHY + "tilbud",
    "aktivitetstilbud": "aktivitets" + SHY + "tilbud",
    "databeskyttelsesforordningen": "databeskyttelses" + SHY + "forordningen",
}
_PATTERN = re.compile("|".join(_BREAKS), re.IGNORECASE)


def soft_hyphens(text: object) -> Markup:
    """Escape the text and put soft hyphens at the joints of known long compounds."""

    def joint(match: re.Match[str]) -> str:
        word = match.group(0)
        plain = _BREAKS[word.lower()]
        return word[0] + plain[1:] if word[0].isupper() else plain

    return Markup(_PATTERN.sub(joint, str(escape(text))))  # noqa: S704 (input escaped above)


# Babel's plain "en" is American English ("December 5, 2026"); the portal's English is British
# ("5 December 2026"). Only the date pattern changes: the catalogue stays "en".
DATE_LOCALES = {"en": "en_GB"}


def when(moment: datetime) -> str:
    """A date and time in the user's language and the Danish time zone."""
    return _("%(date)s kl. %(time)s", date=day(moment), time=format_time(moment, "HH:mm"))


def day(moment: datetime | date) -> str:
    """A date in words in the user's language; a datetime is first put in the Danish time zone."""
    if isinstance(moment, datetime):
        moment = to_user_timezone(moment)
    lang = str(get_locale() or "da")
    return dates.format_date(moment, "long", locale=DATE_LOCALES.get(lang, lang))


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(value: object) -> str:
    """What a user typed, safe to echo into a form: control characters (refused by the
    validators anyway) become U+FFFD, since HTML cannot carry them."""
    return _CONTROL.sub("\ufffd", str(value))


def answer_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored answer (question and answer as the citizen saw them) as a summary-list row."""
    return {"key": row["question"], "value": row["answer"]}


def iso_when(value: str) -> str:
    """A stored ISO timestamp (e.g. when consent was given) shown like every other time."""
    return when(datetime.fromisoformat(value))
