"""What a MitID login answers in the journey (portal.identity.prefill): for oneself the login's
name, CPR number and birth date, fixed; for someone else never the login's identity; a Digital
Fuldmagt person chosen answers the authority; without a login, nothing from one is kept."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from portal import journey
from portal.identity import Citizen, LevelOfAssurance
from portal.identity.prefill import OFFERS, from_login, with_login

ME = Citizen("1204801234", "Testperson Selvsøger", LevelOfAssurance.SUBSTANTIAL)
RELATIVE = Citizen("2306751231", "Testperson Pårørende", LevelOfAssurance.HIGH, ("0502401238",))
TYPED = {"full_name": "Karen Hansen", "cpr": "010190-1234"}


def test_for_oneself_the_identity_and_birth_date_are_the_logins_and_fixed() -> None:
    answers = with_login({"who": {"who": "self"}, "identity": TYPED}, ME)
    assert answers["identity"]["full_name"] == ME.name
    assert answers["identity"]["cpr"] == "120480-1234"
    assert answers["age"]["birth_date"] == "1980-04-12"
    assert journey.fixed("identity", answers) and journey.fixed("age", answers)
    assert not journey.may_visit("identity", answers)


def test_changing_to_someone_else_drops_the_logins_identity() -> None:
    mine = with_login({"who": {"who": "self"}}, ME)
    theirs = with_login({**mine, "who": {"who": "other"}}, ME)
    assert "identity" not in theirs and "age" not in theirs


def test_a_fuldmagt_person_chosen_answers_the_authority_and_someone_else_does_not() -> None:
    base = {"who": {"who": "other"}}
    offered = with_login(base, RELATIVE)
    assert offered[OFFERS] == {"may_act_for": ["0502401238"]}
    assert journey.first_unanswered(offered).id == "fuldmagt"
    chosen = with_login({**offered, "fuldmagt": {"person": "0502401238"}}, RELATIVE)
    assert chosen["authority"]["authority"] == "power_of_attorney"
    assert journey.fixed("authority", chosen) and "identity" not in chosen
    other = with_login({**chosen, "fuldmagt": {"person": "other"}}, RELATIVE)
    assert "authority" not in other
    # A person not (or no longer) in the login's Digital Fuldmagt answers nothing.
    assert "authority" not in with_login({**base, "fuldmagt": {"person": "0101901234"}}, RELATIVE)


def test_a_caseworkers_registration_takes_nothing_from_a_login() -> None:
    answers = with_login({"who": {"who": "self"}, journey.REGISTRATION: {"channel": "phone"}}, ME)
    assert "identity" not in answers and OFFERS not in answers


steps = st.sampled_from([s.id for s in journey.STEPS] + [OFFERS])
values = st.dictionaries(st.sampled_from(["who", "from_login", "person", "cpr"]),
                         st.sampled_from(["self", "other", "mitid", "0502401238", "x"]))  # fmt: skip


@given(st.dictionaries(steps, values), st.sampled_from([None, ME, RELATIVE]))
def test_the_answers_never_keep_what_the_login_does_not_say(
    answers: dict[str, Any], citizen: Citizen | None
) -> None:
    made = with_login(answers, citizen)
    assert with_login(made, citizen) == made
    if citizen is None:
        assert not any(from_login(made, key) for key in made) and OFFERS not in made
    if made.get("who", {}).get("who") != "self" and "identity" in made:
        assert made["identity"] == answers["identity"] and not from_login(made, "identity")
