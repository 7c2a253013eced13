"""The guidance engine: a citizen's answers + a municipality's standard -> guidance.

Pure Python (no Flask). Guidance says what might apply and why, every line with its source;
it never refuses: even "unlikely" comes with "you can always apply" and what the municipality
will look at. The engine only picks statements from the standard (whose texts are checked
against the published standard); it writes no text of its own. Deterministic: pass `today`.

Usage:
    standards = load_all()
    result = guidance(answers, standards["157"], today=date(2026, 1, 5))
    result.fit.level, [s.text("da", name, result.other) for s in result.lines()]
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from portal.answers import (
    Answers,
    Applicant,
    DayLength,
    Difficulty,
    HelpLevel,
    Situation,
    Wish,
)
from portal.standards import (
    Costs,
    Effect,
    NextSteps,
    Offer,
    Rule,
    Scope,
    Standard,
    Statement,
    TargetGroup,
    Text,
    TransportCondition,
)
from portal.standards.model import AGE_ASKED_BELOW, OfferKind, Offers, Transport

__all__ = [
    "Answers",
    "Applicant",
    "DayLength",
    "Difficulty",
    "Effect",
    "Fit",
    "FitLevel",
    "Guidance",
    "HelpLevel",
    "OfferFit",
    "OfferGuidance",
    "OfferMatch",
    "Reason",
    "Situation",
    "TransportGuidance",
    "TransportStatus",
    "TriggeredRule",
    "Wish",
    "guidance",
]

FUNCTION_DIFFICULTIES = frozenset({Difficulty.PHYSICAL, Difficulty.MENTAL})


class FitLevel(enum.StrEnum):
    LIKELY = "likely"
    MAYBE = "maybe"
    UNLIKELY = "unlikely"


class OfferFit(enum.StrEnum):
    MATCHES = "matches"  # the offer's name says it is for a difficulty the person gave
    UNKNOWN = "unknown"  # the name says nothing, or no difficulties were given
    DIFFERS = "differs"  # the name says it is for others; still listed, last


class TransportStatus(enum.StrEnum):
    MAY_BE_COVERED = "may_be_covered"
    MAY_NOT_BE_COVERED = "may_not_be_covered"
    DEPENDS = "depends"  # the answers do not tell yet
    NOT_STATED = "not_stated"


@dataclass(frozen=True, slots=True)
class Reason:
    statement: Statement
    effect: Effect


@dataclass(frozen=True, slots=True)
class Fit:
    level: FitLevel
    reasons: tuple[Reason, ...]  # includes the triggered rules that changed the level
    look_at: tuple[Statement, ...]  # what the municipality will look at
    can_apply: Statement  # always shown: guidance is never a refusal


@dataclass(frozen=True, slots=True)
class OfferMatch:
    offer: Offer
    fit: OfferFit
    wished: bool
    reason: Statement | None  # what the standard says of this offer alone, if anything


@dataclass(frozen=True, slots=True)
class OfferGuidance:
    kind: OfferKind
    notes: tuple[Statement, ...]  # how the municipality chooses an offer
    shared_target: Statement | None  # said once of all the offers
    activities: tuple[Statement, ...]  # what a person does there
    matches: tuple[OfferMatch, ...]  # wished first, then matching, unknown, differing


@dataclass(frozen=True, slots=True)
class TransportGuidance:
    condition: TransportCondition
    status: TransportStatus
    rule: Statement
    status_line: Statement | None  # what the rule means for these answers
    how: Statement | None


@dataclass(frozen=True, slots=True)
class TriggeredRule:
    id: str
    effect: Effect
    statement: Statement
    law: str | None  # the law a threshold in the rule's condition comes from
    # The general lines this rule speaks to for the person: a rule fired by the days they
    # want is about the days (Vejen: fewer days need an assessment), so "Kort fortalt" says
    # it once, in the rule, and leaves the general line to the details.
    about: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Guidance:
    code: str
    municipality: Text
    document: Text  # what the municipality calls its standard
    version: str  # the standard file's version: a stored guidance traces to its text
    other: bool  # someone applies on the person's behalf: speak of them, not to them
    fit: Fit
    offers: OfferGuidance
    scope: Scope
    costs: Costs
    transport: TransportGuidance
    next_steps: NextSteps
    special_rules: tuple[TriggeredRule, ...]

    def text(self, statement: Statement, lang: str, name: str | None = None) -> str:
        """A statement's text in `lang` in this guidance's voice."""
        return statement.text(lang, name, self.other)

    def lines(self) -> Iterator[Statement]:
        """Every statement, in display order, each once."""
        seen: set[str] = set()
        for statement in self._all_lines():
            if statement.id not in seen:
                seen.add(statement.id)
                yield statement

    def _all_lines(self) -> Iterator[Statement]:
        yield from (r.statement for r in self.fit.reasons)
        yield from self.fit.look_at
        yield self.fit.can_apply
        yield from self.offers.activities
        yield from self.offers.notes
        yield from _present(self.offers.shared_target, *(m.reason for m in self.offers.matches))
        yield from (self.scope.days, self.scope.day_length, self.scope.duration)
        yield from (self.costs.free, self.costs.own_payment, self.costs.wage)
        transport = self.transport
        yield from _present(transport.rule, transport.status_line, transport.how)
        yield from _next_lines(self.next_steps)
        yield from (r.statement for r in self.special_rules)

    def to_dict(self, name: str | None = None) -> dict[str, Any]:
        """A JSON-serialisable snapshot of exactly what was shown, in both languages."""

        def s(statement: Statement | None) -> dict[str, object] | None:
            return None if statement is None else statement.to_dict(self.other, name)

        return {
            "municipality": {
                "code": self.code,
                "name": {"da": self.municipality.da, "en": self.municipality.en},
                "document": {"da": self.document.da, "en": self.document.en},
            },
            "standard_version": self.version,
            "voice": "other" if self.other else "self",
            "fit": {
                "level": self.fit.level.value,
                "reasons": [
                    {"effect": r.effect.value, "statement": s(r.statement)}
                    for r in self.fit.reasons
                ],
                "look_at": [s(x) for x in self.fit.look_at],
                "can_apply": s(self.fit.can_apply),
            },
            "offers": {
                "kind": self.offers.kind.value,
                "activities": [s(x) for x in self.offers.activities],
                "notes": [s(x) for x in self.offers.notes],
                "shared_target": s(self.offers.shared_target),
                "matches": [_match_dict(m, s(m.reason)) for m in self.offers.matches],
            },
            "scope": {k: s(getattr(self.scope, k)) for k in ("days", "day_length", "duration")},
            "costs": {k: s(getattr(self.costs, k)) for k in ("free", "own_payment", "wage")},
            "transport": {
                "condition": self.transport.condition.value,
                "status": self.transport.status.value,
                "rule": s(self.transport.rule),
                "status_line": s(self.transport.status_line),
                "how": s(self.transport.how),
            },
            "next_steps": [s(x) for x in _next_lines(self.next_steps)],
            "special_rules": [
                {
                    "id": r.id,
                    "effect": r.effect.value,
                    "law": r.law,
                    "about": list(r.about),
                    "statement": s(r.statement),
                }
                for r in self.special_rules
            ],
        }


def guidance(answers: Answers, standard: Standard, today: date | None = None) -> Guidance:
    """What might apply to this person in this municipality, and why."""
    today = today or date.today()
    age = answers.age_on(today)
    triggered = tuple(r for r in standard.rules if r.triggered(answers, age, today))
    return Guidance(
        code=standard.code,
        municipality=standard.name,
        document=standard.document,
        version=standard.version,
        other=answers.applicant is Applicant.OTHER,
        fit=_fit(answers, standard.target, age, triggered),
        offers=_offers(answers, standard.offers),
        scope=standard.scope,
        costs=standard.costs,
        transport=_transport(answers, standard.transport),
        next_steps=standard.next_steps,
        special_rules=tuple(_triggered(r) for r in triggered),
    )


def _fit(
    answers: Answers, target: TargetGroup, age: int | None, triggered: tuple[Rule, ...]
) -> Fit:
    reasons = list(_age_reasons(age, target))
    if answers.difficulties:
        reasons.append(Reason(target.group_match, Effect.SUPPORTS))
    else:
        reasons.append(Reason(target.group_unknown, Effect.MAYBE))
    reasons.extend(_help_reasons(answers.help_level, target))
    reasons.extend(_need_reasons(answers.wishes, target))
    reasons.extend(Reason(r.statement, r.effect) for r in triggered if r.effect is not Effect.INFO)
    return Fit(_level(reasons), tuple(reasons), _look_at(answers, target), target.can_apply)


def _age_reasons(age: int | None, target: TargetGroup) -> tuple[Reason, ...]:
    """Under the standard's own age limit: unlikely. Under 18 where it states none: not sure,
    and the line says the standard does not say (portal.standards.model.AGE_ASKED_BELOW)."""
    if age is None:
        return ()
    if target.min_age is not None and age < target.min_age and target.age_below is not None:
        return (Reason(target.age_below, Effect.UNLIKELY),)
    unstated = target.age_below_not_stated
    if target.min_age is None and age < AGE_ASKED_BELOW and unstated is not None:
        return (Reason(unstated, Effect.MAYBE),)
    return ()


def _help_reasons(level: HelpLevel | None, target: TargetGroup) -> tuple[Reason, ...]:
    if level is None:
        return ()
    levels = target.function_levels
    if levels is None:
        alone = target.manages_alone
        if level is HelpLevel.ON_MY_OWN and alone is not None:
            return (Reason(alone, Effect.MAYBE),)
        return ()
    if level in levels.primary:
        return (Reason(levels.primary_text, Effect.SUPPORTS),)
    if level in levels.sometimes:
        return (Reason(levels.sometimes_text, Effect.MAYBE),)
    return (Reason(levels.outside_text, Effect.UNLIKELY),)


def _need_reasons(wishes: frozenset[Wish], target: TargetGroup) -> tuple[Reason, ...]:
    if not wishes:
        return ()
    if not wishes & target.need_wishes:
        return (Reason(target.needs_unmatched, Effect.MAYBE),)
    return tuple(Reason(n.statement, Effect.SUPPORTS) for n in target.needs if n.wishes & wishes)


def _level(reasons: list[Reason]) -> FitLevel:
    effects = {r.effect for r in reasons}
    if Effect.UNLIKELY in effects:
        return FitLevel.UNLIKELY
    if Effect.MAYBE in effects:
        return FitLevel.MAYBE
    return FitLevel.LIKELY


def _look_at(answers: Answers, target: TargetGroup) -> tuple[Statement, ...]:
    extra: tuple[Statement, ...] = ()
    levels = target.function_levels
    # The exception concerns the top of the scale only (Næstved: level 4).
    at_top = levels is not None and answers.help_level == max(levels.primary)
    if at_top and levels is not None and levels.exception is not None:
        extra = (levels.exception,)
    return (target.group, target.age, *target.look_at, *extra)


def _offers(answers: Answers, offers: Offers) -> OfferGuidance:
    # Every offer is listed: the standards say too little of whom each is for to leave one
    # out. Only an offer whose own name says it fits the answers moves up.
    matches = [
        OfferMatch(o, _offer_fit(o, answers.difficulties), answers.offer_wish == o.id, o.target)
        for o in offers.items
    ]
    order = {OfferFit.MATCHES: 0, OfferFit.UNKNOWN: 1, OfferFit.DIFFERS: 2}
    matches.sort(key=lambda m: (not m.wished, order[m.fit]))
    return OfferGuidance(
        offers.kind, offers.notes, offers.shared_target, offers.activities, tuple(matches)
    )


def _offer_fit(offer: Offer, difficulties: frozenset[Difficulty]) -> OfferFit:
    if not offer.name_says or not difficulties:
        return OfferFit.UNKNOWN
    return OfferFit.MATCHES if offer.name_says & difficulties else OfferFit.DIFFERS


def _transport(answers: Answers, transport: Transport) -> TransportGuidance:
    status = _transport_status(transport.condition, answers)
    line = {
        TransportStatus.MAY_BE_COVERED: transport.covered,
        TransportStatus.MAY_NOT_BE_COVERED: transport.not_covered,
        TransportStatus.DEPENDS: transport.depends,
    }.get(status)
    return TransportGuidance(transport.condition, status, transport.rule, line, transport.how)


def _transport_status(condition: TransportCondition, answers: Answers) -> TransportStatus:
    if condition is TransportCondition.NOT_STATED:
        return TransportStatus.NOT_STATED
    # None: the answers do not tell. The function rules concern physical or mental function.
    function = (
        None if not answers.difficulties else bool(answers.difficulties & FUNCTION_DIFFICULTIES)
    )
    alone = answers.public_transport_alone
    need = None if alone is None else not alone
    facts: tuple[bool | None, ...]
    if condition is TransportCondition.REDUCED_FUNCTION:
        facts = (function,)
    elif condition is TransportCondition.CANNOT_USE_PUBLIC_TRANSPORT:
        facts = (need,)
    else:
        facts = (function, need)
    if False in facts:
        return TransportStatus.MAY_NOT_BE_COVERED
    if None in facts:
        return TransportStatus.DEPENDS
    return TransportStatus.MAY_BE_COVERED


def _triggered(rule: Rule) -> TriggeredRule:
    return TriggeredRule(rule.id, rule.effect, rule.statement, rule.law, rule.about)


def _next_lines(steps: NextSteps) -> Iterator[Statement]:
    yield from _present(
        steps.unit,
        steps.apply,
        steps.contact,
        steps.processing_time,
        steps.assessment,
        steps.clarification,
        steps.action_plan,
        steps.follow_up,
        steps.complaint,
        steps.complaint_deadline,
        steps.free_choice,
        *steps.notes,
    )


def _present(*statements: Statement | None) -> Iterator[Statement]:
    return (s for s in statements if s is not None)


def _match_dict(match: OfferMatch, reason: dict[str, object] | None) -> dict[str, object]:
    name = match.offer.name
    return {
        "id": match.offer.id,
        "name": {"da": name.da, "en": name.en},
        "fit": match.fit.value,
        "wished": match.wished,
        "reason": reason,
    }
