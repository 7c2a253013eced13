"""Names and a MitID login (portal.identity.prefill, portal.journey.changed_at): the
representative step is offered the citizen's own name, and a Digital Fuldmagt person's typed
name can be changed from the check page while the login's CPR number, birth date and
authority cannot."""

from __future__ import annotations

from portal import journey
from portal.identity import Citizen, LevelOfAssurance
from portal.identity.prefill import NAME_STEP, representative_name, with_login

ME = Citizen("1204801234", "Testperson Selvsøger", LevelOfAssurance.SUBSTANTIAL)
RELATIVE = Citizen("2306751231", "Testperson Pårørende", LevelOfAssurance.HIGH, ("0502401238",))
TYPED = {"full_name": "Karen Hansen", "cpr": "010190-1234"}


def test_the_representative_is_offered_the_logins_own_name_when_applying_for_someone() -> None:
    assert representative_name({"who": {"who": "other"}}, RELATIVE) == RELATIVE.name


def test_no_name_is_offered_for_oneself_without_login_or_on_a_registration() -> None:
    assert representative_name({"who": {"who": "self"}}, ME) is None
    assert representative_name({}, ME) is None
    assert representative_name({"who": {"who": "other"}}, None) is None
    registration = {"who": {"who": "other"}, journey.REGISTRATION: {"channel": "phone"}}
    assert representative_name(registration, RELATIVE) is None


def chosen(name: str = "Inger Hansen") -> dict[str, object]:
    return with_login(
        {"who": {"who": "other"}, "fuldmagt": {"person": "0502401238"},
         NAME_STEP: {"full_name": name}},
        RELATIVE,
    )  # fmt: skip


def test_a_digital_fuldmagt_persons_name_is_changed_at_the_name_step_and_nothing_else() -> None:
    answers = chosen()
    assert journey.fixed("identity", answers)
    assert journey.changed_at("identity", "full_name", answers) == NAME_STEP
    assert journey.changed_at("identity", "cpr", answers) is None
    assert journey.changed_at("age", "birth_date", answers) is None
    assert journey.changed_at("authority", "authority", answers) is None


def test_the_name_step_changes_the_identity_and_keeps_the_logins_cpr_number() -> None:
    answers = with_login({**chosen(), NAME_STEP: {"full_name": "Inger M. Hansen"}}, RELATIVE)
    assert answers["identity"]["full_name"] == "Inger M. Hansen"
    assert answers["identity"]["cpr"] == "050240-1238"


def test_for_oneself_the_logins_name_has_no_change_link() -> None:
    answers = with_login({"who": {"who": "self"}}, ME)
    assert journey.changed_at("identity", "full_name", answers) is None
    assert journey.changed_at("identity", "cpr", answers) is None


def test_a_typed_identity_is_changed_at_its_own_step() -> None:
    answers = with_login({"who": {"who": "other"}, "identity": TYPED}, None)
    assert journey.changed_at("identity", "full_name", answers) == "identity"
    assert journey.changed_at("identity", "cpr", answers) == "identity"
