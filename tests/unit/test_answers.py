"""Answers validate themselves, so the web layer and the engine can trust them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.answers import (
    Answers,
    Applicant,
    DayLength,
    Difficulty,
    HelpLevel,
    Situation,
    Wish,
)

FULL = Answers(
    applicant=Applicant.OTHER,
    age=None,
    birth_date=date(1980, 6, 15),
    difficulties=frozenset({Difficulty.MENTAL, Difficulty.SOCIAL}),
    help_level=HelpLevel.SOME,
    wishes=frozenset({Wish.SOCIAL_CONTACT, Wish.THERAPY}),
    situation=frozenset({Situation.OPEN_OFFER}),
    days_per_week=3,
    day_length=DayLength.HALF,
    public_transport_alone=False,
    offer_wish="kaerhoej",
    offer_wish_text="Et sted tæt på hjemmet",
    action_plan_wanted=True,
)


def test_a_draft_with_only_the_applicant_is_valid() -> None:
    answers = Answers(applicant=Applicant.SELF)
    assert answers.difficulties == frozenset()
    assert answers.age_on(date(2026, 1, 1)) is None


@pytest.mark.parametrize(
    "change",
    [
        {"age": -1},
        {"age": 131},
        {"age": True},
        {"days_per_week": 0},
        {"days_per_week": 6},
        {"days_per_week": 2.5},
        {"birth_date": date(1889, 12, 31)},
        {"birth_date": "1980-01-01"},
        {"difficulties": {Difficulty.MENTAL}},
        {"difficulties": frozenset({"mental"})},
        {"wishes": frozenset({Situation.OPEN_OFFER})},
        {"situation": frozenset({Wish.CARE})},
        {"help_level": 3},
        {"day_length": "half"},
        {"public_transport_alone": "yes"},
        {"action_plan_wanted": 1},
        {"offer_wish": "   "},
        {"offer_wish": "x" * 65},
        {"offer_wish_text": "x" * 501},
        {"applicant": "self"},
    ],
)
def test_impossible_values_raise_value_error(change: dict[str, Any]) -> None:
    values = {"applicant": Applicant.SELF, **change}
    with pytest.raises(ValueError):
        Answers(**values)


def test_answers_are_immutable() -> None:
    with pytest.raises(AttributeError):
        FULL.age = 3  # type: ignore[misc]


def test_age_comes_from_the_birth_date_on_the_given_day() -> None:
    assert FULL.age_on(date(2026, 6, 14)) == 45
    assert FULL.age_on(date(2026, 6, 15)) == 46


def test_a_birth_date_wins_over_a_typed_age() -> None:
    answers = Answers(applicant=Applicant.SELF, age=20, birth_date=date(2000, 1, 1))
    assert answers.age_on(date(2030, 1, 1)) == 30


def test_answers_round_trip_through_json() -> None:
    data = json.loads(json.dumps(FULL.to_dict()))
    assert Answers.from_dict(data) == FULL
    assert data["difficulties"] == ["mental", "social"]
    assert data["help_level"] == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"applicant": "nobody"},
        {"applicant": "self", "wishes": ["to_win_the_lottery"]},
        {"applicant": "self", "help_level": 7},
        {"applicant": "self", "birth_date": "not a date"},
        {"applicant": "self", "colour": "blue"},
        {"applicant": "self", "difficulties": 5},
    ],
)
def test_bad_stored_answers_raise_value_error(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Answers.from_dict(data)


def test_enum_values_are_stable_lowercase_strings() -> None:
    for kind in (Applicant, Difficulty, Wish, Situation, DayLength):
        for member in kind:
            assert member.value == member.name.lower()
    assert [int(level) for level in HelpLevel] == [0, 1, 2, 3, 4]


@settings(max_examples=200, deadline=None, database=None)
@given(age=st.integers(), days=st.integers())
def test_out_of_range_numbers_never_make_valid_answers(age: int, days: int) -> None:
    valid = 0 <= age <= 130 and 1 <= days <= 5
    try:
        Answers(applicant=Applicant.SELF, age=age, days_per_week=days)
    except ValueError:
        assert not valid
    else:
        assert valid
