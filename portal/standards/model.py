"""A municipality's § 104 standard as a typed, frozen tree.

Built once at start-up by the loader; the guidance engine only reads it. Anything the engine
would otherwise compute per call (sets of wishes, the offers by id) is computed here.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from portal.answers import Answers, DayLength, Difficulty, Situation, Wish
from portal.standards.text import Statement, Text


class Effect(enum.StrEnum):
    """What a triggered rule does to the fit with the target group."""

    SUPPORTS = "supports"  # a reason for "likely"
    INFO = "info"  # worth knowing; the fit is unchanged
    MAYBE = "maybe"
    UNLIKELY = "unlikely"


# Where a standard states no age limit, a person under 18 (the age of majority) is told that it
# does not say whether the offer is for them, and to ask. The portal's own question, never a
# limit of the offer: the line says the standard is silent. (Where a standard states an age,
# its own `min_age` decides.)
AGE_ASKED_BELOW = 18


class OfferKind(enum.StrEnum):
    """What the standard's list names: offers to choose between, or providers that run them
    (Næstved lists two providers, not offers)."""

    OFFERS = "offers"
    PROVIDERS = "providers"


class TransportCondition(enum.StrEnum):
    """On which condition the municipality pays for transport (the five differ)."""

    REDUCED_FUNCTION = "reduced_function"  # significantly reduced physical/mental function
    REDUCED_FUNCTION_AND_NEED = "reduced_function_and_need"  # ... and a need for transport
    CANNOT_USE_PUBLIC_TRANSPORT = "cannot_use_public_transport"
    NOT_STATED = "not_stated"


@dataclass(frozen=True, slots=True)
class Condition:
    """All given tests must hold. A rule triggers when any one of its conditions holds."""

    situation_any: frozenset[Situation] = frozenset()
    situation_none: frozenset[Situation] = frozenset()
    wishes_any: frozenset[Wish] = frozenset()
    difficulties_any: frozenset[Difficulty] = frozenset()
    help_level_in: frozenset[int] = frozenset()
    days_per_week_below: int | None = None
    day_length_any: frozenset[DayLength] = frozenset()
    # An age threshold must come from law: `law` cites it, `born_before_year` keeps the
    # threshold honest when the law's age depends on the year of birth.
    age_at_least: int | None = None
    born_before_year: int | None = None
    law: str | None = None

    def holds(self, answers: Answers, age: int | None, today: date) -> bool:
        if self.situation_any and not self.situation_any & answers.situation:
            return False
        if self.situation_none & answers.situation:
            return False
        if self.wishes_any and not self.wishes_any & answers.wishes:
            return False
        if self.difficulties_any and not self.difficulties_any & answers.difficulties:
            return False
        if self.help_level_in and answers.help_level not in self.help_level_in:
            return False
        if self.days_per_week_below is not None and not (
            answers.days_per_week is not None and answers.days_per_week < self.days_per_week_below
        ):
            return False
        if self.day_length_any and answers.day_length not in self.day_length_any:
            return False
        return self._age_holds(answers, age, today)

    def _age_holds(self, answers: Answers, age: int | None, today: date) -> bool:
        if self.age_at_least is None:
            return True
        if age is None or age < self.age_at_least:
            return False
        if self.born_before_year is None:
            return True
        # With only an age, the person may have been born as late as today.year - age.
        latest_birth_year = answers.birth_date.year if answers.birth_date else today.year - age
        return latest_birth_year < self.born_before_year


@dataclass(frozen=True, slots=True)
class Rule:
    """A municipality-specific rule that some answers trigger (e.g. one offer at a time)."""

    id: str
    effect: Effect
    when: tuple[Condition, ...]
    statement: Statement

    def triggered(self, answers: Answers, age: int | None, today: date) -> bool:
        return any(c.holds(answers, age, today) for c in self.when)

    @property
    def law(self) -> str | None:
        return next((c.law for c in self.when if c.law), None)

    @property
    def about(self) -> tuple[str, ...]:
        """The scope lines this rule speaks to for the person: a rule fired by the days they
        want is about the days (portal.guidance.TriggeredRule.about)."""
        days = any(c.days_per_week_below is not None for c in self.when)
        length = any(c.day_length_any for c in self.when)
        return (*(("scope.days",) if days else ()), *(("scope.day_length",) if length else ()))


@dataclass(frozen=True, slots=True)
class Need:
    """A need the standard names (e.g. social contact), and the wishes that express it."""

    id: str
    wishes: frozenset[Wish]
    statement: Statement


@dataclass(frozen=True, slots=True)
class FunctionLevels:
    """Næstved's rule: mainly levels 3-4, sometimes 1-2, rarely not 4 (see its file)."""

    primary: frozenset[int]
    sometimes: frozenset[int]
    primary_text: Statement
    sometimes_text: Statement
    outside_text: Statement
    exception: Statement | None  # e.g. someone at level 4 may still be found outside


@dataclass(frozen=True, slots=True)
class TargetGroup:
    group: Statement
    group_match: Statement
    group_unknown: Statement
    age: Statement
    min_age: int | None
    age_below: Statement | None
    # Where the standard states no age: said to a person under AGE_ASKED_BELOW.
    age_below_not_stated: Statement | None
    manages_alone: Statement | None  # needed where there are no function levels
    needs: tuple[Need, ...]
    needs_unmatched: Statement
    look_at: tuple[Statement, ...]
    can_apply: Statement
    function_levels: FunctionLevels | None
    need_wishes: frozenset[Wish] = field(init=False)

    def __post_init__(self) -> None:
        wishes: frozenset[Wish] = frozenset().union(*(n.wishes for n in self.needs))
        object.__setattr__(self, "need_wishes", wishes)


@dataclass(frozen=True, slots=True)
class Offer:
    id: str
    name: Text
    # Whom the offer's own name says it is for (e.g. "Autismetilbud …"): never more than
    # the name says, and empty when the name says nothing; the check holds it to the name.
    name_says: frozenset[Difficulty]
    target: Statement | None  # what the standard says of this offer alone, if anything


@dataclass(frozen=True, slots=True)
class Offers:
    items: tuple[Offer, ...]
    notes: tuple[Statement, ...]  # how offers are chosen: nearest, own first, elsewhere
    kind: OfferKind = OfferKind.OFFERS
    shared_target: Statement | None = None  # one note for all items (e.g. "not said whom")
    activities: tuple[Statement, ...] = ()  # what a person does there, from the standard
    by_id: Mapping[str, Offer] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({o.id: o for o in self.items}))


@dataclass(frozen=True, slots=True)
class Scope:
    days_min: int | None
    days_max: int | None
    day_lengths: frozenset[DayLength]  # empty: the standard does not say
    days: Statement
    day_length: Statement
    duration: Statement


@dataclass(frozen=True, slots=True)
class Costs:
    free: Statement
    own_payment: Statement
    wage: Statement


@dataclass(frozen=True, slots=True)
class Transport:
    condition: TransportCondition
    rule: Statement
    covered: Statement | None
    not_covered: Statement | None
    depends: Statement | None
    how: Statement | None  # how the transport happens, where stated


@dataclass(frozen=True, slots=True)
class NextSteps:
    unit: Statement
    apply: Statement
    contact: Statement
    processing_time: Statement
    processing_weeks: int | None
    assessment: Statement
    action_plan: Statement
    follow_up: Statement
    complaint: Statement
    complaint_deadline: Statement | None
    complaint_weeks: int | None
    # For the decision letter, where the standard says it: where the complaint goes and who
    # looks at it again (no deadline, no "you will be told how": the letter itself is that),
    # and from when the deadline runs. Else the letter says the law's.
    complaint_route: Statement | None
    complaint_start: Statement | None
    free_choice: Statement
    clarification: Statement | None
    notes: tuple[Statement, ...]


@dataclass(frozen=True, slots=True)
class Standard:
    code: str  # kommunekode, e.g. "157"
    name: Text
    document: Text
    seed_file: str
    version: str  # first 16 hex chars of sha256 of the file's bytes
    path: str
    target: TargetGroup
    offers: Offers
    scope: Scope
    costs: Costs
    transport: Transport
    next_steps: NextSteps
    rules: tuple[Rule, ...]
    statements: tuple[Statement, ...]  # every statement in the file (in schema order)

    def statement(self, statement_id: str) -> Statement:
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(statement_id)
