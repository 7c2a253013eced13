"""The privacy page with MitID login on: what the login keeps, and the cookie's login handle
(what it is, that it says nothing about the citizen, how long it works), in Danish and
English, readable; with login off the page says nothing about a login."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from portal.db import citizen_logins
from portal.standards.lix import lix
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import cookie_session, log_in
from tests.web.helpers import readable_sentences, set_language, visible_text
from tests.web.test_plain_language import LIX_LIMIT

pytest_plugins = ("tests.oidc.fixtures",)


def test_the_privacy_page_explains_the_login_handle_in_the_cookie(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    # The page's "en time" and "8 timer" are the login's real limits.
    assert timedelta(hours=1) == citizen_logins.IDLE_TIMEOUT
    assert timedelta(hours=8) == citizen_logins.ABSOLUTE_TIMEOUT
    client = login_app.test_client()
    html = client.get("/privatliv").get_data(as_text=True)
    text = visible_text(html)
    assert "husker cookien også, at du er logget ind" in text
    assert "Koden siger ikke noget om dig." in text
    assert "ikke har brugt siden i en time" in text and "senest 8 timer efter" in text
    assert "gemmer vi dit login, til det holder op" in text
    assert lix(" ".join(readable_sentences(html))) <= LIX_LIMIT
    set_language(client, "en")
    english = visible_text(client.get("/privatliv").get_data(as_text=True))
    assert "the cookie also remembers that you are logged in" in english
    assert "The code says nothing about you." in english
    assert "8 hours after you logged in" in english


def test_what_the_page_says_is_what_the_cookie_holds(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    """A random code and two times, nothing about the person."""
    client = login_app.test_client()
    person = people.PEOPLE["fuldmagt-en"]
    assert log_in(client, oidc_provider, people.claims(person)).status_code == 303
    kept = cookie_session(login_app, client)
    assert set(kept) <= {"citizen_login", "citizen_seen", "citizen_until", "lang", "csrf_token"}
    assert isinstance(kept["citizen_login"], str) and len(kept["citizen_login"]) >= 40
    flat = repr(kept)
    assert person.cpr not in flat and person.name not in flat and people.GRANDMOTHER not in flat


def test_with_login_off_the_privacy_page_says_nothing_of_a_login(app: Flask) -> None:
    text = visible_text(app.test_client().get("/privatliv").get_data(as_text=True))
    assert "MitID" not in text and "Digital Fuldmagt" not in text
