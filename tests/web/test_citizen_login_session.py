"""The citizen's login session (issue 13): what the cookie holds, a fresh session at the
callback, expiry, logout at the portal and at the provider, the settings checked at start-up,
and a portal without login exactly as before."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import requests
from flask import Flask
from sqlalchemy import select, update

from portal.config import ConfigError
from portal.db import citizen_logins
from portal.db.models import CitizenLogin, utcnow
from portal.web.citizen_login import current_citizen
from portal.web.db import database
from tests.conftest import make_app
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import (
    LOGGED_OUT,
    citizen_of,
    cookie_session,
    log_in,
    logins,
    query_of,
)
from tests.web.helpers import visible_text

SELF = people.PEOPLE["selv"]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# The provider and the app with login on (fixtures of their own module, for every test here).
pytest_plugins = ("tests.oidc.fixtures",)


def test_the_cookie_holds_a_handle_and_no_personal_data(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    person = people.PEOPLE["fuldmagt-to"]
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(person))
    kept = cookie_session(login_app, client)
    assert set(kept) == {"citizen_login", "citizen_seen", "citizen_until"}
    raw = client.get_cookie(login_app.config["SESSION_COOKIE_NAME"])
    assert raw is not None
    assert person.powers is not None
    for secret in (person.cpr, person.name, *person.powers, *person.name.split()):
        assert secret not in repr(kept) and secret not in raw.value
    with database(login_app).transaction() as session:
        row = session.scalars(select(CitizenLogin)).one()
    assert row.id == citizen_logins.digest(kept["citizen_login"])
    assert person.cpr not in row.citizen_enc and person.name not in row.citizen_enc


def test_the_session_starts_afresh_at_the_callback(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    # What an attacker might plant, or an earlier visit left: a handle and a draft id.
    with client.session_transaction() as planted:
        planted["citizen_login"] = "planted-handle"
        planted["draft"] = "planted-draft"
        planted["lang"] = "en"
    log_in(client, oidc_provider, people.claims(SELF))
    first = cookie_session(login_app, client)
    assert first["citizen_login"] != "planted-handle"
    assert "draft" not in first and first["lang"] == "en"
    # Logged in, /log-ind just goes on; gone idle, it is a new login, with a new handle, and
    # the first login's row goes.
    assert client.get("/log-ind").status_code == 303
    with client.session_transaction() as kept:
        kept["citizen_seen"] = int(time.time() - 3601)
    log_in(client, oidc_provider, people.claims(SELF))
    second = cookie_session(login_app, client)
    assert second["citizen_login"] != first["citizen_login"]
    assert logins(login_app) == 1
    assert citizen_of(client) is not None


def test_a_login_ends_after_an_hour_idle_or_eight_hours_in_all(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    with client.session_transaction() as kept:
        kept["citizen_seen"] = int(time.time() - 3601)
    assert citizen_of(client) is None
    with client.session_transaction() as kept:
        kept["citizen_seen"] = int(time.time())
    assert citizen_of(client) is not None
    with database(login_app).transaction() as session:
        session.execute(update(CitizenLogin).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert citizen_of(client) is None


def test_pages_keep_the_login_from_going_idle(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    with client.session_transaction() as kept:
        kept["citizen_seen"] = int(time.time() - 3000)
    client.get("/privatliv")
    assert time.time() - cookie_session(login_app, client)["citizen_seen"] < 60


def test_the_purge_deletes_logins_past_their_eight_hours_only(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    for _ in range(2):
        log_in(login_app.test_client(), oidc_provider, people.claims(SELF))
    now = utcnow()
    with database(login_app).transaction() as session:
        assert citizen_logins.purge_citizen_logins(session, now) == 0
        later = now + citizen_logins.ABSOLUTE_TIMEOUT + timedelta(seconds=1)
        assert citizen_logins.purge_citizen_logins(session, later) == 2
    assert logins(login_app) == 0


def test_logout_ends_the_portal_login_and_the_providers(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    start = client.get("/").get_data(as_text=True)
    assert "Du er logget ind med MitID" in visible_text(start)
    token = TOKEN.search(start)
    assert token is not None
    response = client.post("/log-ud", data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    assert logins(login_app) == 0
    assert "citizen_login" not in cookie_session(login_app, client)
    location = response.headers["Location"]
    assert location.startswith(oidc_provider.issuer + "/end_session?")
    assert query_of(location)["post_logout_redirect_uri"] == LOGGED_OUT
    assert "id_token_hint" in query_of(location)
    answer = requests.get(location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(LOGGED_OUT)
    seen = oidc_provider.seen()
    ends = [entry for entry in seen["log"] if entry["endpoint"] == "end_session"]
    assert len(ends) == 1 and ends[0]["ended"] and ends[0]["id_token_hint"]
    assert seen["sessions"] == {ends[0]["sid"]: False}
    back = client.get(answer.headers["Location"].removeprefix("http://localhost"))
    assert back.status_code == 200
    assert "Du er logget ud" in visible_text(back.get_data(as_text=True))
    assert citizen_of(client) is None


def test_logout_needs_its_csrf_token(login_app: Flask, oidc_provider: RunningProvider) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    assert client.post("/log-ud").status_code == 400
    assert logins(login_app) == 1


def test_logout_of_a_login_already_purged_ends_at_the_portal(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    token = TOKEN.search(client.get("/").get_data(as_text=True))
    assert token is not None
    with database(login_app).transaction() as session:
        citizen_logins.purge_citizen_logins(session, utcnow() + timedelta(days=1))
    response = client.post("/log-ud", data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    assert response.headers["Location"] == LOGGED_OUT
    assert "citizen_login" not in cookie_session(login_app, client)


def test_pages_let_the_logout_form_reach_the_provider(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    policy = login_app.test_client().get("/").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_a_provider_that_does_not_answer_gets_the_busy_page(app: Flask) -> None:
    settings = {"PORTAL_CITIZEN_LOGIN": "oidc", "PORTAL_OIDC_ISSUER": "http://127.0.0.1:9",
                "PORTAL_OIDC_CLIENT_ID": "c", "PORTAL_OIDC_CLIENT_SECRET": "s"}  # fmt: skip
    down = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **settings)
    try:
        response = down.test_client().get("/log-ind")
        assert response.status_code == 503
        assert "Login virker ikke lige nu" in visible_text(response.get_data(as_text=True))
        assert response.headers["Retry-After"]
    finally:
        database(down).engine.dispose()


@pytest.mark.parametrize(
    ("settings", "named"),
    [({"PORTAL_CITIZEN_LOGIN": "maybe"}, "PORTAL_CITIZEN_LOGIN"),
     ({"PORTAL_CITIZEN_LOGIN": "oidc"}, "PORTAL_OIDC_ISSUER"),
     ({"PORTAL_OIDC_ISSUER": "https://login.example.dk"}, "PORTAL_OIDC_ISSUER")],
)  # fmt: skip
def test_a_wrong_login_setting_stops_start_up_with_one_line(
    app: Flask, settings: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        make_app(app.config["SQLALCHEMY_DATABASE_URI"], **settings)
    message = str(refused.value)
    assert "\n" not in message and named in message and message.startswith("Refusing to start")


def test_without_login_the_routes_are_not_there_and_the_start_page_is_as_before(
    app: Flask,
) -> None:
    client = app.test_client()
    for path in ["/log-ind", "/log-ind/retur?code=a&state=b", "/log-ud/faerdig"]:
        assert client.get(path).status_code == 404, path
    assert client.post("/log-ud").status_code in (400, 404)
    start = client.get("/")
    html = start.get_data(as_text=True)
    assert "MitID" not in html and "/log-ind" not in html and "/log-ud" not in html
    assert "form-action 'self';" in start.headers["Content-Security-Policy"]
    assert not [rule for rule in app.url_map.iter_rules() if "log-" in rule.rule]
    with client:
        client.get("/")
        assert current_citizen() is None


def test_static_files_do_not_vary_by_the_login(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    log_in(client, oidc_provider, people.claims(SELF))
    with client.session_transaction() as kept:
        kept["citizen_seen"] = int(time.time() - 3000)
    with client.get("/static/css/portal.css") as response:
        assert response.status_code == 200
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers
