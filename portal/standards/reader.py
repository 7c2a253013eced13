"""A small typed walker over parsed TOML that collects every problem with its dotted key.

It never stops at the first problem: `portal standards check FILE` should list them all, so a
municipality can fix its file in one go. Where a value is missing or wrong the walker returns a
placeholder and records the problem; the loader refuses the file if any problem was recorded.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from portal.standards.laws import LAWS
from portal.standards.text import Source, SourceKind, Statement, Text

E = TypeVar("E", bound=enum.Enum)

STATEMENT_KEYS = ("da", "en", "da_other", "en_other", "source", "law", "not_stated", "quote")
# `quote`: a short verbatim snippet of the seed that a statement restates. Never shown; the
# seed check (seedcheck.py) finds it under the cited section and holds the text to its hedges.
QUOTE_WORDS_MIN = 3
QUOTE_CHARS_MAX = 240
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Second-person words: a sentence with one of them addresses the person, so it needs a
# third-person twin for when a relative applies on the person's behalf.
SECOND_PERSON = {
    "da": frozenset({"du", "dig", "din", "dit", "dine"}),
    "en": frozenset({"you", "your", "yours", "yourself"}),
}
# Figures must be written as digits, so the test against the seed text can see every one.
NUMBER_WORDS = {
    "da": frozenset({"to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti"})
    | frozenset({"elleve", "tolv", "fjorten", "tyve"}),
    "en": frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine"})
    | frozenset({"ten", "eleven", "twelve", "fourteen", "twenty", "fortnight"}),
}
NOT_STATED_WORD = {"da": "ikke", "en": "not"}
# A general rule of law is said as law in its own right ("Efter loven har du 4 uger ..."), so
# nobody takes it for the municipality's own words.
LAW_WORDS = {
    "da": frozenset({"lov", "loven", "love", "lovene", "lovens"}),
    "en": frozenset({"law", "laws", "act"}),
}
TOKEN_RE = re.compile(r"[^\W\d_]+")
PLACEHOLDER_RE = re.compile(r"\{[^}]*\}")


@dataclass
class Context:
    """What every statement's source needs, and the sink for problems."""

    file: str
    seed_file: str = ""
    municipality: Text = field(default_factory=lambda: Text("", ""))
    document: Text = field(default_factory=lambda: Text("", ""))
    problems: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.file}: {key}: {message}")


class Node:
    """A TOML table at a dotted path. Keys never read are reported as unknown by `finish`."""

    def __init__(self, ctx: Context, data: dict[str, Any], path: str) -> None:
        self.ctx = ctx
        self.data = data
        self.path = path
        self.seen: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str) -> Any:
        self.seen.add(name)
        return self.data.get(name)

    def has(self, name: str) -> bool:
        return name in self.data

    def finish(self) -> None:
        for name in self.data:
            if name not in self.seen:
                self.ctx.problem(self.key(name), "unknown key (a typo?)")

    def table(self, name: str, required: bool = True) -> Node | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.ctx.problem(self.key(name), "missing table")
            return None
        if not isinstance(value, dict):
            self.ctx.problem(self.key(name), "must be a table")
            return None
        return Node(self.ctx, value, self.key(name))

    def subtables(self, name: str, required: bool = False) -> Iterator[tuple[str, Node]]:
        """The keyed sub-tables of `name`, in file order (e.g. [offers.items.kaerhoej])."""
        node = self.table(name, required)
        if node is None:
            return
        for key in node.data:
            child = node.table(key)
            if not KEY_RE.match(key):
                self.ctx.problem(node.key(key), "id must be lowercase letters, digits and _")
            if child is not None:
                yield key, child

    def string(self, name: str, required: bool = True) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.ctx.problem(self.key(name), "missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.ctx.problem(self.key(name), "must be non-empty text")
            return ""
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        """An optional whole number in [low, high]."""
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.ctx.problem(self.key(name), f"must be a whole number from {low} to {high}")
            return None
        return value

    def int_set(self, name: str, low: int, high: int) -> frozenset[int]:
        value = self.raw(name)
        if value is None:
            return frozenset()
        ok = isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value
        )
        if not ok:
            self.ctx.problem(self.key(name), f"must be a list of whole numbers {low}-{high}")
            return frozenset()
        return frozenset(value)

    def enum_set(self, name: str, kind: type[E]) -> frozenset[E]:
        value = self.raw(name)
        if value is None:
            return frozenset()
        allowed = [m.value for m in kind]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            self.ctx.problem(self.key(name), f"must be a list of: {', '.join(allowed)}")
            return frozenset()
        return frozenset(kind(v) for v in value)

    def enum(self, name: str, kind: type[E], default: E) -> E:
        value = self.raw(name)
        allowed = [m.value for m in kind]
        if value not in allowed:
            self.ctx.problem(self.key(name), f"must be one of: {', '.join(allowed)}")
            return default
        return kind(value)

    def text(self, name: str) -> Text:
        """A {da, en} pair (names and labels: no voice, no source)."""
        node = self.table(name)
        if node is None:
            return Text("", "")
        text = Text(node.string("da"), node.string("en"))
        node.finish()
        return text

    def statement(self, name: str, required: bool = True) -> Statement | None:
        node = self.table(name, required)
        if node is None:
            return None
        statement = node.as_statement()
        node.finish()
        return statement

    def as_statement(self) -> Statement:
        """Read this table's statement keys; the caller may read other keys first."""
        texts = {k: self._text_field(k) for k in ("da", "en", "da_other", "en_other")}
        source = self._source()
        self._check_quote(source)
        for lang in ("da", "en"):
            own, other_text = texts[lang], texts[f"{lang}_other"]
            own_words = tokens(own)
            self._check_voice(lang, own, own_words, other_text)
            self._check_numbers(lang, own_words | tokens(other_text))
            if source.kind is SourceKind.NOT_STATED and NOT_STATED_WORD[lang] not in own_words:
                self.ctx.problem(self.key(lang), "a 'not stated' text must say so plainly")
            if source.kind is SourceKind.LAW and own and not own_words & LAW_WORDS[lang]:
                self.ctx.problem(
                    self.key(lang), "a text that cites law must say so (e.g. 'Efter loven ...')"
                )
        other = None
        if texts["da_other"] or texts["en_other"]:
            other = Text(
                texts["da_other"] or texts["da"] or "", texts["en_other"] or texts["en"] or ""
            )
        statement = Statement(self.path, source, Text(texts["da"] or "", texts["en"] or ""), other)
        self.ctx.statements.append(statement)
        return statement

    def _text_field(self, name: str) -> str | None:
        required = name in ("da", "en")
        if not required and not self.has(name):
            self.raw(name)
            return None
        value = self.string(name, required)
        if value and value.rstrip()[-1] not in ".!?":
            self.ctx.problem(self.key(name), "must be whole sentences ending in . ! or ?")
        return value or None

    def _source(self) -> Source:
        given = [k for k in ("source", "law", "not_stated") if self.raw(k) is not None]
        ctx = self.ctx

        def source(kind: SourceKind, section: str | None = None, law: str | None = None) -> Source:
            return Source(kind, ctx.seed_file, ctx.municipality, ctx.document, section, law)

        if len(given) != 1:
            ctx.problem(self.key("source"), "give exactly one of: source, law, not_stated")
            return source(SourceKind.NOT_STATED)
        if given[0] == "source":
            return source(SourceKind.SEED, section=" ".join(self.string("source").split()))
        if given[0] == "law":
            law = self.string("law")
            if law and law not in LAWS:
                ctx.problem(self.key("law"), "unknown law; add it to portal/standards/laws.py")
            return source(SourceKind.LAW, law=law)
        if self.data["not_stated"] is not True:
            ctx.problem(self.key("not_stated"), "must be true (or use source/law)")
        return source(SourceKind.NOT_STATED)

    def _check_quote(self, source: Source) -> None:
        value = self.raw("quote")
        if value is None:
            return
        if not isinstance(value, str) or not (
            len(value.split()) >= QUOTE_WORDS_MIN and len(value) <= QUOTE_CHARS_MAX
        ):
            self.ctx.problem(
                self.key("quote"),
                f"must be a verbatim snippet of the seed, {QUOTE_WORDS_MIN} words to "
                f"{QUOTE_CHARS_MAX} characters",
            )
        elif source.kind is not SourceKind.SEED:
            self.ctx.problem(self.key("quote"), "only a statement with a source section quotes")

    def _check_voice(
        self, lang: str, own: str | None, own_words: frozenset[str], other: str | None
    ) -> None:
        if own is None:
            return
        if PLACEHOLDER_RE.search(own):
            self.ctx.problem(self.key(lang), "placeholders belong in the *_other text only")
        addresses = sorted(own_words & SECOND_PERSON[lang])
        if addresses and other is None:
            self.ctx.problem(
                self.key(lang),
                f"addresses the person ('{addresses[0]}') but has no {lang}_other text",
            )
        if other is None:
            return
        if not addresses:
            self.ctx.problem(self.key(f"{lang}_other"), f"given, but {lang} does not address")
        if tokens(other) & SECOND_PERSON[lang]:
            self.ctx.problem(self.key(f"{lang}_other"), "must speak of the person, not to them")
        placeholders = set(PLACEHOLDER_RE.findall(other))
        if not placeholders or not placeholders <= {"{name}", "{Name}"}:
            self.ctx.problem(self.key(f"{lang}_other"), "must use {name} or {Name} (and no other)")

    def _check_numbers(self, lang: str, words: frozenset[str]) -> None:
        found = sorted(words & NUMBER_WORDS[lang])
        if found:
            self.ctx.problem(self.key(lang), f"write the number '{found[0]}' as digits")


def tokens(text: str | None) -> frozenset[str]:
    """The lowercase words of a text (placeholders like {name} count as the word 'name')."""
    return frozenset(TOKEN_RE.findall(text.lower())) if text else frozenset()
