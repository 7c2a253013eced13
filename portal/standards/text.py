"""Statements: one line of guidance with its source, in Danish and English, in two voices.

A statement addresses the person ("du"/"you"). When a relative applies for someone else, the
portal must speak of that person in the third person, so every statement that addresses the
person also has whole-sentence `da_other`/`en_other` texts with a `{name}` placeholder
(`{Name}` at the start of a sentence). Whole sentences, never glued fragments: they must read
naturally in both languages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

LANGS = ("da", "en")
DEFAULT_NAME = {"da": "personen", "en": "the person"}


class SourceKind(enum.StrEnum):
    SEED = "seed"  # a section of the municipality's published standard
    LAW = "law"  # a general rule of law, cited; only where the standard is silent
    NOT_STATED = "not_stated"  # the standard is silent, and the text says so


@dataclass(frozen=True, slots=True)
class Text:
    da: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


@dataclass(frozen=True, slots=True)
class Source:
    """Where a statement comes from, so a citizen (and a caseworker) can check it."""

    kind: SourceKind
    file: str  # the seed file of the municipality's standard
    municipality: Text
    document: Text  # what the municipality calls its standard, e.g. "kvalitetsstandard"
    section: str | None = None  # SEED: the heading as printed (whitespace normalised)
    law: str | None = None  # LAW: e.g. "retssikkerhedsloven § 67"

    def label(self, lang: str) -> str:
        """A citation for display, e.g. «Gentofte Kommune, kvalitetsstandard, afsnittet »…«»."""
        owner = f"{self.municipality.get(lang)}, {self.document.get(lang)}"
        if self.kind is SourceKind.SEED:
            if lang == "en":
                return f"{owner}, section “{self.section}”"
            return f"{owner}, afsnittet »{self.section}«"
        if self.kind is SourceKind.LAW:
            return f"{self.law} (law)" if lang == "en" else f"{self.law} (lov)"
        if lang == "en":
            return f"{owner}: not stated"
        return f"{owner}: nævnes ikke"

    def to_dict(self) -> dict[str, Any]:
        # The label travels with the snapshot, so a stored guidance shows its sources exactly
        # as the citizen saw them, even after the standard's files change.
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "file": self.file,
            "label": {lang: self.label(lang) for lang in LANGS},
        }
        if self.section is not None:
            out["section"] = self.section
        if self.law is not None:
            out["law"] = self.law
        return out


@dataclass(frozen=True, slots=True)
class Statement:
    """One line of guidance. `id` is its dotted key in the municipality's TOML file."""

    id: str
    source: Source
    text_self: Text
    text_other: Text | None = None  # None: the sentence does not address the person

    def text(self, lang: str, name: str | None = None, other: bool = False) -> str:
        """The text in `lang` ("da"/"en") for the voice used.

        `other` is True when someone applies on the person's behalf; `name` is the person's
        first name when known, else "personen"/"the person".
        """
        if not other or self.text_other is None:
            return self.text_self.get(lang)
        return fill_name(self.text_other.get(lang), lang, name)

    def to_dict(self, other: bool, name: str | None = None) -> dict[str, object]:
        """A snapshot of what was shown: id, source and both languages in the voice used."""
        return {
            "id": self.id,
            "source": self.source.to_dict(),
            "text": {lang: self.text(lang, name, other) for lang in LANGS},
        }


def fill_name(template: str, lang: str, name: str | None) -> str:
    who = name if name else DEFAULT_NAME.get(lang, DEFAULT_NAME["da"])
    return template.replace("{Name}", who[:1].upper() + who[1:]).replace("{name}", who)
