"""CPR numbers: how one is shown where it need not be read in full (the birth date and four
x's, the way Danish public services mask it: ddmmyy-xxxx), and what is wrong with a typed one.
One definition of each, so no page shows more and every page gives the same advice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from portal.answers import age_from_birth_date


def masked(cpr: str) -> str:
    """ "010190-xxxx" for "010190-1234" or "0101901234"; "" for no number."""
    digits = cpr.strip()
    return f"{digits[:6]}-xxxx" if digits else ""


class Problem(Enum):
    """Why a typed CPR number is refused: each has its own advice, since "check the birth
    date" is wrong for a number that is one digit short."""

    NOT_DIGITS = "not_digits"  # a letter or a sign other than a dash or a space
    LENGTH = "length"  # only digits, but not ten of them
    NO_SUCH_DATE = "no_such_date"  # ten digits whose first six are no date
    FUTURE = "future"  # a real date, with the 7th digit's century, still to come


def problem(typed: str) -> Problem | None:
    """What is wrong with `typed` as a CPR number (python-stdnum's dk.cpr: dashes and spaces
    allowed, the check digit not used since 2007), or None for a valid number."""
    try:
        stdnum_cpr.validate(typed)
    except InvalidLength:  # a subclass of InvalidFormat, so first
        return Problem.LENGTH
    except InvalidFormat:
        return Problem.NOT_DIGITS
    except InvalidComponent:
        try:
            stdnum_cpr.get_birth_date(typed)
        except InvalidComponent:
            return Problem.NO_SUCH_DATE
        return Problem.FUTURE
    return None


def compact(typed: str) -> str:
    """The number without its spaces and dash, as it is indexed."""
    return str(stdnum_cpr.compact(typed))


def digit_count(typed: str) -> int:
    """How many digits were typed, to tell someone whose number is too short or too long."""
    return len(compact(typed))


def _born(cpr: str) -> date | None:
    """The birth date in the number (its century from the 7th digit); None when it has none."""
    try:
        return stdnum_cpr.get_birth_date(cpr)
    except (ValidationError, ValueError):
        return None


def fits_birth_date(cpr: str, born: str) -> bool:
    """Whether the CPR number's date is the birth date `born` (ISO, as the age step stores
    it): the identity page checks it when the number is typed, and a birth date changed
    afterwards asks the number again when it no longer fits. False for a number that has no
    date, or a birth date that is not one."""
    try:
        given = date.fromisoformat(born)
    except ValueError:
        return False
    return _born(cpr) == given


def fits_age(cpr: str, age: int, today: date) -> bool:
    """Whether a person with this CPR number is `age` years old on `today`, for a person who
    gave an age instead of a birth date. False for a number that has no date."""
    found = _born(cpr)
    return found is not None and age_from_birth_date(found, today) == age


def fits_age_answer(cpr: str, age_answer: Mapping[str, Any], today: date) -> bool:
    """Whether the CPR number agrees with what the age question holds: the birth date when
    one was given, else the age; true when it holds neither."""
    born, age = age_answer.get("birth_date"), age_answer.get("age")
    if isinstance(born, str) and born:
        return fits_birth_date(cpr, born)
    if isinstance(age, int):
        return fits_age(cpr, age, today)
    return True
