"""How the applicant and the submitter were identified (portal.identity.applying): every
combination of login, for whom, and Digital Fuldmagt, and reading stored values back."""

from __future__ import annotations

import pytest

from portal.identity import Citizen, LevelOfAssurance
from portal.identity.applying import (
    TYPED,
    Identification,
    Method,
    identify,
    level_name,
    stored,
)

PRIVILEGE = "urn:dk:serviceloven-104:ansoegning"
ME = "1204801234"
GRANDMOTHER = "0502401238"
NEIGHBOUR = "1108381235"
SUBSTANTIAL, HIGH = LevelOfAssurance.SUBSTANTIAL, LevelOfAssurance.HIGH


def citizen(loa: LevelOfAssurance = SUBSTANTIAL, powers: tuple[str, ...] = ()) -> Citizen:
    return Citizen(ME, "Testperson Selvsøger", loa, powers)


def test_without_login_the_applicant_is_typed_and_no_one_is_verified() -> None:
    record = identify(None, False, GRANDMOTHER, PRIVILEGE)
    assert (record.applicant, record.submitter) == (TYPED, TYPED)
    assert record.authority_verified is None
    assert (record.applicant_cpr, record.submitter_cpr) == (GRANDMOTHER, None)
    assert not record.applicant.verified


def test_without_login_for_someone_else_the_authority_is_not_verified() -> None:
    record = identify(None, True, GRANDMOTHER, PRIVILEGE)
    assert (record.applicant, record.submitter) == (TYPED, TYPED)
    assert record.authority_verified is False and record.for_someone_else
    assert (record.applicant_cpr, record.submitter_cpr) == (GRANDMOTHER, None)


@pytest.mark.parametrize("loa", [SUBSTANTIAL, HIGH])
@pytest.mark.parametrize("typed", [None, GRANDMOTHER, ME])
def test_logged_in_for_oneself_the_cpr_is_the_logins(
    loa: LevelOfAssurance, typed: str | None
) -> None:
    record = identify(citizen(loa), False, typed, PRIVILEGE)
    assert record.applicant == record.submitter == Identification(Method.MITID, loa)
    assert record.applicant.verified and record.authority_verified is None
    # Whatever a form may have carried: the login says whose application it is.
    assert record.applicant_cpr == record.submitter_cpr == ME


@pytest.mark.parametrize("powers", [(GRANDMOTHER,), (GRANDMOTHER, NEIGHBOUR)])
def test_logged_in_with_digital_fuldmagt_from_the_applicant_the_authority_is_verified(
    powers: tuple[str, ...],
) -> None:
    record = identify(citizen(HIGH, powers), True, GRANDMOTHER, PRIVILEGE)
    assert record.applicant == Identification(Method.DIGITAL_FULDMAGT, HIGH, PRIVILEGE)
    assert record.submitter == Identification(Method.MITID, HIGH)
    assert record.authority_verified is True
    assert (record.applicant_cpr, record.submitter_cpr) == (GRANDMOTHER, ME)


@pytest.mark.parametrize("powers", [(), (NEIGHBOUR,)])
def test_a_guardian_or_helper_without_fuldmagt_from_the_applicant_is_not_verified(
    powers: tuple[str, ...],
) -> None:
    record = identify(citizen(SUBSTANTIAL, powers), True, GRANDMOTHER, PRIVILEGE)
    assert record.applicant == TYPED
    assert record.submitter == Identification(Method.MITID, SUBSTANTIAL)
    assert record.authority_verified is False
    assert (record.applicant_cpr, record.submitter_cpr) == (GRANDMOTHER, ME)


@pytest.mark.parametrize("logged_in", [None, citizen()])
@pytest.mark.parametrize("cpr", [None, ""])
def test_an_application_for_someone_else_must_name_a_cpr_number(
    logged_in: Citizen | None, cpr: str | None
) -> None:
    with pytest.raises(ValueError, match="no CPR"):
        identify(logged_in, True, cpr, PRIVILEGE)


def test_without_login_for_oneself_a_cpr_number_is_required() -> None:
    with pytest.raises(ValueError, match="no CPR"):
        identify(None, False, None, PRIVILEGE)


def test_a_record_puts_no_cpr_number_in_its_repr() -> None:
    record = identify(citizen(SUBSTANTIAL, (GRANDMOTHER,)), True, GRANDMOTHER, PRIVILEGE)
    assert ME not in repr(record) and GRANDMOTHER not in repr(record)


@pytest.mark.parametrize(
    ("method", "level", "privilege", "expected"),
    [
        (None, None, None, TYPED),  # an application from before login
        ("typed", None, None, TYPED),
        ("mitid", "substantial", None, Identification(Method.MITID, SUBSTANTIAL)),
        ("mitid", "high", None, Identification(Method.MITID, HIGH)),
        ("mitid-digital-fuldmagt", "substantial", PRIVILEGE,
         Identification(Method.DIGITAL_FULDMAGT, SUBSTANTIAL, PRIVILEGE)),
        # Never shown as verified what was not fully stored, nor a value this version lacks.
        ("mitid", None, None, TYPED),
        ("mitid", "low-ish", None, TYPED),
        ("mitid-digital-fuldmagt", "high", None, TYPED),
        ("passport", "high", None, TYPED),
    ],
)  # fmt: skip
def test_stored_values_read_back(
    method: str | None, level: str | None, privilege: str | None, expected: Identification
) -> None:
    assert stored(method, level, privilege) == expected


@pytest.mark.parametrize("loa", [SUBSTANTIAL, HIGH])
def test_every_accepted_level_is_stored_and_read_back(loa: LevelOfAssurance) -> None:
    assert stored("mitid", level_name(loa), None) == Identification(Method.MITID, loa)


def test_a_stored_level_below_substantial_reads_as_typed() -> None:
    # The login refuses it, so such a row was not written by the portal as it is.
    assert stored("mitid", level_name(LevelOfAssurance.LOW), None) == TYPED
