"""From a draft's saved answers (step id -> values) to the engine's typed Answers.

Pure Python, no Flask. The web forms store plain JSON; this is the one place that knows how
those values mean the engine's enums, so the forms and the rules never drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from portal.answers import Answers, Applicant, DayLength, Difficulty, HelpLevel, Situation, Wish

YES_NO = {"yes": True, "no": False}


def _values(answers: Mapping[str, Mapping[str, Any]], step: str, field: str) -> list[str]:
    value = answers.get(step, {}).get(field) or []
    return [value] if isinstance(value, str) else list(value)


def _one(answers: Mapping[str, Mapping[str, Any]], step: str, field: str) -> Any:
    return answers.get(step, {}).get(field)


def engine_answers(answers: Mapping[str, Mapping[str, Any]], offer_ids: frozenset[str]) -> Answers:
    """The engine's view of the answers; unknown or "don't know" values become None/empty."""
    born = _one(answers, "age", "birth_date")
    days = _one(answers, "days", "days")
    length = _one(answers, "day_length", "day_length")
    help_level = _one(answers, "help_level", "help_level")
    offer = _one(answers, "offer_wish", "offer")
    return Answers(
        applicant=Applicant.OTHER if _one(answers, "who", "who") == "other" else Applicant.SELF,
        age=_one(answers, "age", "age") if born is None else None,
        birth_date=date.fromisoformat(born) if born else None,
        difficulties=frozenset(
            Difficulty(v)
            for v in _values(answers, "difficulties", "difficulties")
            if v in Difficulty.__members__.values()
        ),
        help_level=HelpLevel(int(help_level)) if help_level is not None else None,
        wishes=frozenset(
            Wish(v) for v in _values(answers, "wishes", "wishes") if v in Wish.__members__.values()
        ),
        situation=frozenset(
            Situation(v)
            for v in _values(answers, "situation", "situation")
            if v in Situation.__members__.values()
        ),
        days_per_week=int(days) if days and str(days).isdigit() else None,
        day_length=DayLength(length) if length in DayLength.__members__.values() else None,
        public_transport_alone=YES_NO.get(_one(answers, "transport", "transport")),
        offer_wish=offer if offer in offer_ids else None,
        offer_wish_text=(_one(answers, "offer_wish", "offer_text") or None)
        if offer == "other"
        else None,
        action_plan_wanted=YES_NO.get(_one(answers, "action_plan", "action_plan")),
    )
