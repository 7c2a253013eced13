"""Who the questions speak to: "du" when people apply for themselves, the person's first name
(or "personen") when someone applies for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel.speaklater import LazyString

from portal.web.i18n import gettext as _
from portal.web.i18n import language


@dataclass(frozen=True)
class Voice:
    other: bool
    first_name: str | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, Mapping[str, Any]]) -> Voice:
        if answers.get("who", {}).get("who") != "other":
            return cls(other=False)
        name = answers.get("applicant_name", {}).get("first_name") or None
        return cls(other=True, first_name=name)

    @property
    def name(self) -> str:
        return self.first_name or _("personen")

    @property
    def Name(self) -> str:
        name = self.name
        return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Q:
    """One text in both voices: `self` speaks to "du", `other` uses %(name)s / %(Name)s."""

    self: LazyString | str | Localized
    other: LazyString | str | None = None

    def say(self, voice: Voice) -> str:
        if voice.other and self.other is not None:
            return str(self.other) % {"name": voice.name, "Name": voice.Name}
        return str(self.self)


class Localized:
    """A bilingual text from the standards, shown in the request's language."""

    SUFFIXES = (" Kommune", " Municipality")

    def __init__(self, text: Any, short: bool = False) -> None:
        self.text = text
        self.short = short

    def __str__(self) -> str:
        value = str(self.text.get(language()))
        if self.short:
            for suffix in self.SUFFIXES:
                value = value.removesuffix(suffix)
        return value
