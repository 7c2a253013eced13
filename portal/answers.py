"""What a citizen (or a relative) has told us: a typed, immutable, self-validating value.

Pure Python, no Flask. The web layer builds an `Answers` from a draft; because the value
validates itself, the guidance engine and everything after it can trust it. Every field but
`applicant` is optional so a half-filled draft still gives guidance.

Enum values are stable lowercase strings (HelpLevel: the ints 0-4): they are stored in drafts
and in guidance snapshots, so never rename a value, only add new ones.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

OFFER_ID_MAX = 64
FREE_TEXT_MAX = 500
AGE_MAX = 130
EARLIEST_BIRTH_DATE = date(1890, 1, 1)


class Applicant(enum.StrEnum):
    """Who fills in the answers: the person themself, or someone on their behalf."""

    SELF = "self"
    OTHER = "other"


class Difficulty(enum.StrEnum):
    """Self-reported target groups (FFB): the caseworker confirms them, the portal does not."""

    PHYSICAL = "physical"
    MENTAL = "mental"
    SOCIAL = "social"


class HelpLevel(enum.IntEnum):
    """How much help daily life takes, in five plain steps.

    The citizen's own description, matching the 0-4 steps of the function level scale
    Næstved publishes. It is never a VUM assessment: that is the caseworker's.
    """

    ON_MY_OWN = 0
    A_LITTLE = 1
    SOME = 2
    A_LOT = 3
    EVERYTHING = 4


class Wish(enum.StrEnum):
    """What the person hopes to get from an offer.

    The last four are things some municipalities say a § 104 offer does not cover; they are
    asked so the engine can say so early, not to stop anyone.
    """

    SOCIAL_CONTACT = "social_contact"
    GET_OUT = "get_out"
    KEEP_SKILLS = "keep_skills"
    LEARN_SKILLS = "learn_skills"
    ACTIVITIES = "activities"
    STRUCTURE = "structure"
    CARE = "care"
    JOB_OR_EDUCATION_SUPPORT = "job_or_education_support"
    ESCORT = "escort"
    PRACTICAL_HELP = "practical_help"
    THERAPY = "therapy"


class Situation(enum.StrEnum):
    """What the person already takes part in, or where they live."""

    JOB_OR_EDUCATION = "job_or_education"
    PROTECTED_EMPLOYMENT = "protected_employment"
    CLUB_OR_ASSOCIATION = "club_or_association"
    OPEN_OFFER = "open_offer"
    OTHER_104_OFFER = "other_104_offer"
    BOTILBUD_WITH_ACTIVITIES = "botilbud_with_activities"


class DayLength(enum.StrEnum):
    FULL = "full"
    HALF = "half"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Answers:
    """The answers that bear on guidance. Raises ValueError on impossible values."""

    applicant: Applicant
    age: int | None = None
    birth_date: date | None = None
    difficulties: frozenset[Difficulty] = field(default_factory=frozenset)
    help_level: HelpLevel | None = None
    wishes: frozenset[Wish] = field(default_factory=frozenset)
    situation: frozenset[Situation] = field(default_factory=frozenset)
    days_per_week: int | None = None
    day_length: DayLength | None = None
    public_transport_alone: bool | None = None
    offer_wish: str | None = None
    offer_wish_text: str | None = None
    action_plan_wanted: bool | None = None

    def __post_init__(self) -> None:
        _check_enum("applicant", self.applicant, Applicant)
        _check_optional_int("age", self.age, 0, AGE_MAX)
        _check_birth_date(self.birth_date)
        _check_enum_set("difficulties", self.difficulties, Difficulty)
        if self.help_level is not None:
            _check_enum("help_level", self.help_level, HelpLevel)
        _check_enum_set("wishes", self.wishes, Wish)
        _check_enum_set("situation", self.situation, Situation)
        _check_optional_int("days_per_week", self.days_per_week, 1, 5)
        if self.day_length is not None:
            _check_enum("day_length", self.day_length, DayLength)
        for name in ("public_transport_alone", "action_plan_wanted"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{name} must be True, False or None")
        _check_text("offer_wish", self.offer_wish, OFFER_ID_MAX)
        _check_text("offer_wish_text", self.offer_wish_text, FREE_TEXT_MAX)

    def age_on(self, today: date) -> int | None:
        """The age on `today`: from the birth date when known (it is exact), else as given."""
        if self.birth_date is None:
            return self.age
        return age_from_birth_date(self.birth_date, today)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (sets sorted), the inverse of `from_dict`."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, frozenset):
                value = sorted(str(v) for v in value)
            elif isinstance(value, HelpLevel):
                value = int(value)
            elif isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, date):
                value = value.isoformat()
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answers:
        """Build from `to_dict` output (e.g. a stored draft). Raises ValueError on bad data."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown answer fields: {', '.join(sorted(unknown))}")
        try:
            return cls(
                applicant=Applicant(data["applicant"]),
                age=data.get("age"),
                birth_date=_opt(data.get("birth_date"), date.fromisoformat),
                difficulties=frozenset(Difficulty(v) for v in data.get("difficulties", ())),
                help_level=_opt(data.get("help_level"), HelpLevel),
                wishes=frozenset(Wish(v) for v in data.get("wishes", ())),
                situation=frozenset(Situation(v) for v in data.get("situation", ())),
                days_per_week=data.get("days_per_week"),
                day_length=_opt(data.get("day_length"), DayLength),
                public_transport_alone=data.get("public_transport_alone"),
                offer_wish=data.get("offer_wish"),
                offer_wish_text=data.get("offer_wish_text"),
                action_plan_wanted=data.get("action_plan_wanted"),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"bad answers: {exc!r}") from exc


def age_from_birth_date(born: date, today: date) -> int:
    """Whole years lived on `today`: one more on the birthday itself, never below 0."""
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return max(today.year - born.year - int(before_birthday), 0)


def _opt(value: Any, convert: Any) -> Any:
    return None if value is None else convert(value)


def _check_enum(name: str, value: object, kind: type[enum.Enum]) -> None:
    if not isinstance(value, kind):
        raise ValueError(f"{name} must be a {kind.__name__}, not {value!r}")


def _check_enum_set(name: str, value: object, kind: type[enum.Enum]) -> None:
    if not isinstance(value, frozenset):
        raise ValueError(f"{name} must be a frozenset of {kind.__name__}")
    for item in value:
        _check_enum(name, item, kind)


def _check_optional_int(name: str, value: object, low: int, high: int) -> None:
    if value is None:
        return
    # bool is an int subclass; True days a week is a bug, not an answer.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")


def _check_birth_date(value: object) -> None:
    if value is None:
        return
    if not isinstance(value, date) or value < EARLIEST_BIRTH_DATE:
        raise ValueError(f"birth_date must be a date from {EARLIEST_BIRTH_DATE.isoformat()}")


def _check_text(name: str, value: object, max_length: int) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise ValueError(f"{name} must be non-blank text of at most {max_length} characters")
