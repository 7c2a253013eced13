"""Citizen login with claims the provider sends from its userinfo endpoint, not in the ID
token (some bridges are set up so): the portal asks userinfo when the ID token lacks what it
needs (or always, when set to), takes only the same subject's claims, and refuses otherwise."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.identity import OIOSAML, Citizen, LevelOfAssurance
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import citizen_of, cookie_session, log_in, logins
from tests.web.helpers import visible_text

SELF = people.PEOPLE["selv"]
RELATIVE = people.PEOPLE["fuldmagt-to"]
IDENTITY = (OIOSAML.cpr, OIOSAML.full_name, OIOSAML.loa)

pytest_plugins = ("tests.oidc.fixtures",)


def userinfo_calls(provider: RunningProvider) -> int:
    return sum(1 for entry in provider.seen()["log"] if entry["endpoint"] == "userinfo")


@pytest.mark.parametrize(
    "withheld",
    [IDENTITY, (OIOSAML.cpr,), (OIOSAML.full_name,), (OIOSAML.loa,)],
    ids=["all", "cpr", "name", "level"],
)
def test_claims_missing_from_the_id_token_are_taken_from_userinfo(
    login_app: Flask, oidc_provider: RunningProvider, withheld: tuple[str, ...]
) -> None:
    client = login_app.test_client()
    claims = {**people.claims(SELF), "sub": "bridge-subject-1"}
    back = log_in(client, oidc_provider, claims, userinfo_only=withheld)
    assert back.status_code == 303, visible_text(back.get_data(as_text=True))
    assert citizen_of(client) == Citizen(SELF.cpr, SELF.name, LevelOfAssurance.SUBSTANTIAL, ())
    assert userinfo_calls(oidc_provider) == 1
    assert logins(login_app) == 1


def test_a_complete_id_token_does_not_ask_userinfo(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    assert log_in(client, oidc_provider, people.claims(RELATIVE)).status_code == 303
    citizen = citizen_of(client)
    assert citizen is not None and len(citizen.may_act_for) == 2
    assert userinfo_calls(oidc_provider) == 0


def test_privileges_sent_only_from_userinfo_are_read_when_set_to_always_ask(
    login_app: Flask, userinfo_login_app: Flask, oidc_provider: RunningProvider
) -> None:
    privileges = OIOSAML.privileges
    assert privileges is not None
    # By default the portal cannot tell "no Digital Fuldmagt" from "sent elsewhere".
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(RELATIVE), userinfo_only=[privileges])
    citizen = citizen_of(client)
    assert citizen is not None and citizen.may_act_for == ()
    assert userinfo_calls(oidc_provider) == 0
    # PORTAL_OIDC_USERINFO=always asks at every login and reads them.
    other = userinfo_login_app.test_client()
    log_in(other, oidc_provider, people.claims(RELATIVE), userinfo_only=[privileges])
    citizen = citizen_of(other)
    assert RELATIVE.powers is not None
    assert citizen is not None and citizen.may_act_for == tuple(sorted(RELATIVE.powers))
    assert userinfo_calls(oidc_provider) == 1


@pytest.mark.parametrize("fault", ["userinfo_other_sub", "userinfo_error"])
def test_userinfo_for_another_subject_or_failing_refuses_the_login(
    login_app: Flask, oidc_provider: RunningProvider, fault: str
) -> None:
    client = login_app.test_client()
    response = log_in(client, oidc_provider, people.claims(SELF), [fault], userinfo_only=IDENTITY)
    assert response.status_code == 400
    text = visible_text(response.get_data(as_text=True))
    assert "Login virkede ikke" in text and "Vi kunne ikke logge dig ind" in text
    assert SELF.cpr not in response.get_data(as_text=True)
    assert logins(login_app) == 0
    assert "citizen_login" not in cookie_session(login_app, client)
    assert citizen_of(client) is None


def test_userinfo_for_another_subject_refuses_even_when_set_to_always_ask(
    userinfo_login_app: Flask, oidc_provider: RunningProvider
) -> None:
    """The ID token alone would have done; a userinfo answer about someone else still means
    something is wrong at the provider, and the login is refused."""
    client = userinfo_login_app.test_client()
    response = log_in(client, oidc_provider, people.claims(SELF), ["userinfo_other_sub"])
    assert response.status_code == 400
    assert logins(userinfo_login_app) == 0
