"""Citizen login with MitID (issue 13): the code flow against a real provider on 127.0.0.1,
each way it can fail, and what is stored. Session, logout and settings are in
test_citizen_login_session.py."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.identity import OIOSAML, Citizen, LevelOfAssurance
from portal.standards.lix import lix
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import (
    callback_url,
    citizen_of,
    cookie_session,
    log_in,
    logins,
    query_of,
)
from tests.web.helpers import readable_sentences, set_language, visible_text

SELF = people.PEOPLE["selv"]

# The provider and the app with login on (fixtures of their own module, for every test here).
pytest_plugins = ("tests.oidc.fixtures",)


def test_a_citizen_logs_in_for_themselves(login_app: Flask, oidc_provider: RunningProvider) -> None:
    client = login_app.test_client()
    back = log_in(client, oidc_provider, people.claims(SELF))
    assert back.status_code == 303
    assert back.headers["Location"] == "/"
    assert citizen_of(client) == Citizen(SELF.cpr, SELF.name, LevelOfAssurance.SUBSTANTIAL, ())
    assert logins(login_app) == 1


@pytest.mark.parametrize("key", ["fuldmagt-en", "fuldmagt-to"])
def test_a_relative_with_digital_fuldmagt_may_act_for_the_people_who_gave_it(
    login_app: Flask, oidc_provider: RunningProvider, key: str
) -> None:
    person = people.PEOPLE[key]
    client = login_app.test_client()
    assert log_in(client, oidc_provider, people.claims(person)).status_code == 303
    citizen = citizen_of(client)
    assert citizen is not None and citizen.cpr == person.cpr
    assert person.powers is not None
    assert citizen.may_act_for == tuple(sorted(person.powers))
    assert len(citizen.may_act_for) == {"fuldmagt-en": 1, "fuldmagt-to": 2}[key]


def test_a_login_returns_to_the_page_it_was_asked_from_on_this_site_only(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    claims = people.claims(SELF)
    assert (
        log_in(client, oidc_provider, claims, path="/log-ind?next=/ansoeg").headers["Location"]
        == "/ansoeg"
    )
    other = login_app.test_client()
    back = log_in(other, oidc_provider, claims, path="/log-ind?next=https://evil.example/")
    assert back.headers["Location"] == "/"


def refused(app: Flask, client: FlaskClient, response_status: int, status: int) -> str:
    """The refusal page's text, after checking that nothing of the login was kept."""
    assert response_status == status
    assert logins(app) == 0
    kept = cookie_session(app, client)
    assert "citizen_login" not in kept
    assert not [key for key in kept if key.startswith("_state_")]
    assert citizen_of(client) is None
    return visible_text(client.get("/").get_data(as_text=True))


def test_a_login_at_level_low_is_refused(login_app: Flask, oidc_provider: RunningProvider) -> None:
    client = login_app.test_client()
    response = log_in(client, oidc_provider, people.claims(people.PEOPLE["lav"]))
    assert "MitID-appen" in visible_text(response.get_data(as_text=True))
    refused(login_app, client, response.status_code, 403)


@pytest.mark.parametrize(
    "fault",
    ["wrong_aud", "wrong_iss", "expired", "no_nonce", "wrong_nonce", "bad_signature",
     "unsigned", "no_id_token", "token_error"],
)  # fmt: skip
def test_a_token_that_does_not_pass_is_refused_and_nothing_is_stored(
    login_app: Flask, oidc_provider: RunningProvider, fault: str
) -> None:
    client = login_app.test_client()
    response = log_in(client, oidc_provider, people.claims(SELF), faults=[fault])
    assert "Vi kunne ikke logge dig ind" in visible_text(response.get_data(as_text=True))
    refused(login_app, client, response.status_code, 400)


def test_a_replayed_callback_is_refused(login_app: Flask, oidc_provider: RunningProvider) -> None:
    client = login_app.test_client()
    url = callback_url(client, oidc_provider, people.claims(SELF))
    before = client.get_cookie(login_app.config["SESSION_COOKIE_NAME"])
    assert before is not None
    assert client.get(url).status_code == 303
    # Again in the same browser: its state was used up.
    assert client.get(url).status_code == 400
    # Again with the cookie from before the login (a copied cookie and a copied address):
    # the portal takes the state, but the provider gives a code once.
    thief = login_app.test_client()
    thief.set_cookie(before.key, before.value)
    replay = thief.get(url)
    assert replay.status_code == 400
    assert "citizen_login" not in cookie_session(login_app, thief)
    assert logins(login_app) == 1


def test_a_callback_without_a_pending_login_is_refused(login_app: Flask) -> None:
    client = login_app.test_client()
    for query in ["", "?code=abc", "?code=abc&state=xyz", "?state=" + "x" * 5000]:
        response = client.get("/log-ind/retur" + query)
        assert response.status_code == 400, query
    assert logins(login_app) == 0


@pytest.mark.parametrize(
    ("error", "words"),
    [("access_denied", "Du stoppede login med MitID"),
     ("server_error", "Vi kunne ikke logge dig ind"),
     ("<script>alert(1)</script>" * 100, "Vi kunne ikke logge dig ind")],
)  # fmt: skip
def test_an_error_from_the_provider_gets_a_page_of_its_own(
    login_app: Flask, error: str, words: str
) -> None:
    client = login_app.test_client()
    response = client.get("/log-ind/retur", query_string={"error": error, "state": "s"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in visible_text(html)
    assert "<script>alert" not in html


def test_the_provider_cancelling_is_refused_with_its_page(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    response = log_in(client, oidc_provider, people.claims(SELF), faults=["access_denied"])
    assert "Du stoppede login med MitID" in visible_text(response.get_data(as_text=True))
    refused(login_app, client, response.status_code, 400)


@pytest.mark.parametrize("missing", ["cpr", "full_name"])
def test_a_login_without_cpr_or_name_is_refused(
    login_app: Flask, oidc_provider: RunningProvider, missing: str
) -> None:
    claims = people.claims(SELF)
    del claims[getattr(OIOSAML, missing)]
    client = login_app.test_client()
    response = log_in(client, oidc_provider, claims)
    assert "Vi fik ikke dit navn og CPR-nummer" in visible_text(response.get_data(as_text=True))
    refused(login_app, client, response.status_code, 403)


def test_an_unreadable_privilege_document_is_refused(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    claims = people.claims(SELF)
    assert OIOSAML.privileges is not None
    claims[OIOSAML.privileges] = "PD94bWwgdmVyc2lvbj0iMS4wIj8+PCFET0NUWVBFIGE+"  # <!DOCTYPE
    client = login_app.test_client()
    response = log_in(client, oidc_provider, claims)
    assert "fuldmagter" in visible_text(response.get_data(as_text=True))
    refused(login_app, client, response.status_code, 403)


def test_the_refusal_page_speaks_the_visitors_language(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    set_language(client, "en")
    response = log_in(client, oidc_provider, people.claims(people.PEOPLE["lav"]))
    text = visible_text(response.get_data(as_text=True))
    assert "MitID app" in text
    assert "Log in again" in text or "Try to log in again" in text
    assert cookie_session(login_app, client).get("lang") == "en"


def test_the_login_pages_read_at_lix_35_or_below(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    pages = {"start, not logged in": client.get("/")}
    for problem, fault in [("cancelled", ["access_denied"]), ("failed", ["wrong_aud"])]:
        pages[problem] = log_in(client, oidc_provider, people.claims(SELF), faults=fault)
    for problem, key in [("low", "lav")]:
        pages[problem] = log_in(client, oidc_provider, people.claims(people.PEOPLE[key]))
    claims = people.claims(SELF)
    del claims[OIOSAML.cpr]
    pages["no identity"] = log_in(client, oidc_provider, claims)
    assert OIOSAML.privileges is not None
    pages["privileges"] = log_in(
        client, oidc_provider, {**people.claims(SELF), OIOSAML.privileges: "bm90IHhtbA=="}
    )
    log_in(client, oidc_provider, people.claims(SELF))
    pages["start, logged in"] = client.get("/")
    pages["logged out"] = client.get("/log-ud/faerdig")
    scores = {
        name: lix(" ".join(readable_sentences(page.get_data(as_text=True))))
        for name, page in pages.items()
    }
    assert {name: round(score, 1) for name, score in scores.items() if score > 35} == {}


def test_starting_again_and_again_keeps_one_pending_login_in_the_cookie(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    for _ in range(30):
        assert client.get("/log-ind").status_code == 302
    pending = [key for key in cookie_session(login_app, client) if key.startswith("_state_")]
    assert len(pending) == 1
    # The newest one still logs in.
    assert log_in(client, oidc_provider, people.claims(SELF)).status_code == 303


@pytest.mark.parametrize(
    "code", ["", "\x00", "x" * 10_000, "ø\u202e", "' OR 1=1 --", "%ff%fe"], ids=range(6)
)
def test_a_hostile_code_with_the_right_state_is_refused_by_the_provider_not_a_500(
    login_app: Flask, oidc_provider: RunningProvider, code: str
) -> None:
    client = login_app.test_client()
    url = callback_url(client, oidc_provider, people.claims(SELF))
    state = query_of(url)["state"]
    response = client.get("/log-ind/retur", query_string={"state": state, "code": code})
    assert response.status_code == 400
    assert logins(login_app) == 0


def test_behind_a_broker_the_login_reads_the_brokers_claim_names(
    broker_login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = broker_login_app.test_client()
    assert log_in(client, oidc_provider, people.claims(SELF, "broker")).status_code == 303
    assert citizen_of(client) == Citizen(SELF.cpr, SELF.name, LevelOfAssurance.SUBSTANTIAL, ())
    # A bridge's OIOSAML names mean nothing to it: no CPR number, so refused.
    other = broker_login_app.test_client()
    refused = log_in(other, oidc_provider, people.claims(SELF, "oiosaml"))
    assert refused.status_code == 403
