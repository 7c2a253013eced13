"""How a guidance snapshot is laid out for a person: the answer first, details on demand.

Pure Python (no Flask). It works on the stored snapshot (`Guidance.to_dict`), so the guidance
page, the receipt, its PDF, the status page and the caseworker's copy lay out the same stored
text the same way, older snapshots included.

The promises, each tested:
- "Kort fortalt" first: at most six lines about this person, in a fixed order: one verdict
  with the reason that decided it, the rules the answers touch, cost, transport, how much,
  and the processing time where the standard states one. A general line that a rule shown
  there says for the person (Vejen: fewer days need an assessment) waits in the details.
- The rest in a few groups that the page folds away.
- No statement and no sentence twice on a page; what the standard does not say is one line.
- Every statement keeps exactly one source, numbered in order of first use, listed once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

SUMMARY_MAX = 6
# Which reason decides each verdict: the verdict names it, so it never contradicts it.
DECIDING_EFFECT = {"likely": "supports", "maybe": "maybe", "unlikely": "unlikely"}
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")
# Where a silent standard's line would have stood; the page names the topic instead.
NOT_STATED_TOPICS = (
    "target.age",
    "offers.no_target",
    "scope.days",
    "scope.day_length",
    "scope.duration",
    "costs.free",
    "costs.own_payment",
    "costs.wage",
    "transport.rule",
    "next.unit",
    "next.contact",
    "next.processing_time",
    "next.assessment",
    "next.action_plan",
    "next.follow_up",
    "next.complaint",
    "next.free_choice",
)
# Silences not even named: the person reads the page while applying, here, so that a standard
# does not say how to apply is no news to them, and reads as if they were in the wrong place.
UNSAID_TOPICS = frozenset({"next.apply"})
# Silences said as a line of their own, in "Kort fortalt" when there is room, else under
# "Hvad koster det": whether it costs anything is what most people ask first, and a topic in
# the list at the foot of the page was found too late (second outside walk, Gentofte). And a
# person under 18 where the standard states no age: told so, and to ask (third walk).
SAID_WHEN_SILENT = frozenset({"costs.free", "target.age_below_not_stated"})

Snapshot = dict[str, Any]
StatementDict = dict[str, Any]


@dataclass
class Shown:
    """A statement as shown: its text in one language, less any sentence shown before."""

    id: str
    text: str
    source: dict[str, Any] | None
    ref: int | None = None


@dataclass
class OfferShown:
    name: str
    wished: bool
    fit: str
    about: Shown | None


@dataclass
class Part:
    heading: str | None  # a key the page turns into words, e.g. "for", "against"
    lines: list[Shown]


@dataclass
class Group:
    key: str  # "who", "offers", "money", "scope", "next"
    parts: list[Part] = field(default_factory=list)
    offers: list[OfferShown] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(p.lines for p in self.parts) or bool(self.offers)


@dataclass
class Source:
    number: int
    kind: str
    label: str  # the full citation, as stored with the snapshot
    section: str | None
    law: str | None


@dataclass
class Layout:
    level: str
    lead: list[Shown]  # lines a page shows before the guidance (the receipt's timeline)
    verdict: Shown | None
    summary: list[list[Shown]]  # the verdict's line is summary[0]
    groups: list[Group]
    not_stated: list[str]  # topics, from NOT_STATED_TOPICS
    not_stated_source: Shown | None  # carries the one reference for the not-stated line
    sources: list[Source]
    offers_kind: str


class _Page:
    """What one page has shown so far, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.ids: set[str] = set()
        self.sentences: set[str] = set()

    def show(self, statement: StatementDict | None) -> Shown | None:
        if not statement or statement.get("id") in self.ids:
            return None
        self.ids.add(statement["id"])
        text = statement.get("text", {}).get(self.lang) or ""
        kept = [
            s for s in SENTENCE_END_RE.split(text.strip()) if s and _key(s) not in self.sentences
        ]
        if not kept:
            return None
        self.sentences.update(_key(s) for s in kept)
        return Shown(statement["id"], " ".join(kept), statement.get("source"))

    def show_all(self, statements: Iterable[StatementDict | None]) -> list[Shown]:
        return [s for s in (self.show(x) for x in statements) if s is not None]


def _key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def not_stated(statement: StatementDict | None) -> bool:
    return bool(statement) and (statement or {}).get("source", {}).get("kind") == "not_stated"


def _said(statement: StatementDict) -> bool:
    """Whether a statement may stand as a line: what the standard says, or a silence said."""
    return not not_stated(statement) or statement["id"] in SAID_WHEN_SILENT


def arrange(snapshot: Snapshot, lang: str, lead: Sequence[StatementDict] = ()) -> Layout:
    """The page's layout of `snapshot` in `lang`; `lead` are lines shown above it."""
    page = _Page(lang)
    silent = [
        s
        for s in _all(snapshot)
        if not_stated(s) and s["id"] in NOT_STATED_TOPICS and s["id"] not in SAID_WHEN_SILENT
    ]
    page.ids.update(s["id"] for s in silent)
    page.ids.update(s["id"] for s in _all(snapshot) if not_stated(s) and s["id"] in UNSAID_TOPICS)
    shown_lead = page.show_all(x for x in lead if not not_stated(x))
    fit = snapshot["fit"]
    main = _deciding_reason(fit)
    verdict = page.show(main)
    summary = [[verdict]] if verdict else []
    overflow: list[StatementDict] = []  # rules that did not fit; the rest have a group
    spoken_to: set[str] = set()  # general lines a rule in the summary says for the person
    for candidate, rule in _summary_candidates(snapshot):
        if len(summary) >= SUMMARY_MAX:
            overflow.extend([rule["statement"]] if rule else [])
            continue
        kept = [x for x in candidate if _said(x) and x["id"] not in spoken_to]
        line = page.show_all(kept)
        if line:
            summary.append(line)
            spoken_to.update(rule.get("about", ()) if rule else ())
    groups = [
        g
        for g in (
            _who(page, fit, main, overflow),
            _offers(page, snapshot["offers"]),
            _money(page, snapshot),
            Group("scope", [Part(None, page.show_all(_scope(snapshot)))]),
            Group("next", [Part(None, page.show_all(snapshot["next_steps"]))]),
        )
        if g
    ]
    topics = [s["id"] for s in silent]
    silent_source = Shown("not_stated", "", silent[0]["source"]) if silent else None
    layout = Layout(
        level=fit["level"],
        lead=shown_lead,
        verdict=verdict,
        summary=summary,
        groups=groups,
        not_stated=[t for t in NOT_STATED_TOPICS if t in topics],
        not_stated_source=silent_source,
        sources=[],
        offers_kind=snapshot["offers"].get("kind", "offers"),
    )
    layout.sources = _number(layout, lang)
    return layout


def _all(snapshot: Snapshot) -> Iterator[StatementDict]:
    fit, offers = snapshot["fit"], snapshot["offers"]
    yield from (r["statement"] for r in fit["reasons"])
    yield from fit["look_at"]
    yield fit["can_apply"]
    yield from offers.get("activities", [])
    yield from offers["notes"]
    yield from _present([offers.get("shared_target")])
    yield from _present(m.get("reason") for m in offers["matches"])
    yield from _scope(snapshot)
    yield from _present(snapshot["costs"].values())
    transport = snapshot["transport"]
    yield from _present([transport["rule"], transport["status_line"], transport["how"]])
    yield from _present(snapshot["next_steps"])
    yield from (r["statement"] for r in snapshot["special_rules"])


def _present(items: Iterable[StatementDict | None]) -> Iterator[StatementDict]:
    return (x for x in items if x)


def _deciding_reason(fit: dict[str, Any]) -> StatementDict | None:
    effect = DECIDING_EFFECT.get(fit["level"])
    for reason in fit["reasons"]:
        if reason["effect"] == effect:
            return reason["statement"]  # type: ignore[no-any-return]
    return None


def _summary_candidates(
    snapshot: Snapshot,
) -> Iterator[tuple[list[StatementDict], dict[str, Any] | None]]:
    """Lines 2-6 of "Kort fortalt", most personal first, each with its rule if it is one."""
    for rule in snapshot["special_rules"]:
        yield [rule["statement"]], rule
    costs = snapshot["costs"]
    yield list(_present([costs.get("free"), costs.get("own_payment")])), None
    transport = snapshot["transport"]
    yield [transport["status_line"] or transport["rule"]], None
    yield [snapshot["scope"]["days"]], None
    processing = [s for s in snapshot["next_steps"] if s and s["id"] == "next.processing_time"]
    yield processing, None


def _who(
    page: _Page, fit: dict[str, Any], main: StatementDict | None, overflow: list[StatementDict]
) -> Group:
    reasons = [r for r in fit["reasons"] if r["statement"] is not main]
    supports = [r["statement"] for r in reasons if r["effect"] == "supports"]
    doubts = [r["statement"] for r in reasons if r["effect"] != "supports"]
    group = Group("who")
    if fit["level"] == "likely":
        group.parts.append(Part(None, page.show_all(supports)))
    else:
        # Under a "not sure" verdict, a reason that speaks for the offer says so in a heading.
        group.parts.append(Part("against", page.show_all(doubts)))
        group.parts.append(Part("for", page.show_all(supports)))
    group.parts.append(Part("rules", page.show_all(overflow)))
    group.parts.append(Part("look_at", page.show_all(fit["look_at"])))
    group.parts.append(Part(None, page.show_all([fit["can_apply"]])))
    return group


def _offers(page: _Page, offers: dict[str, Any]) -> Group:
    group = Group("offers")
    group.parts.append(Part(None, page.show_all(offers.get("activities", []))))
    group.parts.append(Part(None, page.show_all(offers["notes"])))
    group.parts.append(Part(None, page.show_all([offers.get("shared_target")])))
    for match in offers["matches"]:
        about = page.show(match.get("reason"))
        name = match["name"].get(page.lang) or match["name"].get("da", "")
        group.offers.append(OfferShown(name, bool(match.get("wished")), match["fit"], about))
    return group


def _money(page: _Page, snapshot: Snapshot) -> Group:
    transport = snapshot["transport"]
    return Group(
        "money",
        [
            Part("costs", page.show_all(snapshot["costs"].values())),
            Part(
                "transport",
                page.show_all([transport["rule"], transport["status_line"], transport["how"]]),
            ),
        ],
    )


def _scope(snapshot: Snapshot) -> list[StatementDict]:
    scope = snapshot["scope"]
    return list(_present([scope.get("days"), scope.get("day_length"), scope.get("duration")]))


def cited(
    statements: Sequence[StatementDict | None], lang: str
) -> tuple[list[Shown], list[Source]]:
    """A few statements outside a guidance (the status page's contact line), numbered."""
    page = _Page(lang)
    shown = page.show_all(statements)
    return shown, _number_lines(shown, lang)


def _shown_in_order(layout: Layout) -> Iterator[Shown]:
    yield from layout.lead
    for line in layout.summary:
        yield from line
    for group in layout.groups:
        for part in group.parts:
            yield from part.lines
        yield from (o.about for o in group.offers if o.about is not None)
    if layout.not_stated_source is not None:
        yield layout.not_stated_source


def _number(layout: Layout, lang: str) -> list[Source]:
    return _number_lines(_shown_in_order(layout), lang)


def _number_lines(lines: Iterable[Shown], lang: str) -> list[Source]:
    """One number per source, in order of first use; every shown line gets its number."""
    numbers: dict[tuple[str, str | None, str | None], Source] = {}
    for shown in lines:
        source = shown.source
        if not source:
            continue
        key = (source.get("kind", ""), source.get("section"), source.get("law"))
        if key not in numbers:
            label = source.get("label", {}).get(lang, "")
            numbers[key] = Source(
                len(numbers) + 1, key[0], label, source.get("section"), source.get("law")
            )
        shown.ref = numbers[key].number
    return list(numbers.values())
