"""Whole years lived, as the age step compares a given age with a birth date."""

from __future__ import annotations

from datetime import date

import pytest

from portal.answers import Answers, Applicant, age_from_birth_date


@pytest.mark.parametrize(
    ("born", "today", "years"),
    [
        (date(1960, 12, 5), date(2026, 12, 4), 65),  # the day before the birthday
        (date(1960, 12, 5), date(2026, 12, 5), 66),  # the birthday itself
        (date(1960, 12, 5), date(2026, 12, 6), 66),
        (date(2000, 2, 29), date(2026, 2, 28), 25),  # a leap-day birthday in a common year
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2026, 12, 5), date(2026, 12, 5), 0),  # born today
    ],
)
def test_age_counts_whole_years_and_turns_on_the_birthday(
    born: date, today: date, years: int
) -> None:
    assert age_from_birth_date(born, today) == years


def test_the_answers_age_is_the_birth_dates_when_both_are_known() -> None:
    answers = Answers(Applicant.SELF, age=40, birth_date=date(1960, 12, 5))
    assert answers.age_on(date(2026, 12, 5)) == 66
    assert Answers(Applicant.SELF, age=40).age_on(date(2026, 12, 5)) == 40
