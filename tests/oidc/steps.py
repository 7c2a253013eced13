"""Steps of a citizen login in tests: through the portal and the real provider, and what
the browser and the database hold afterwards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from portal.db.models import CitizenLogin
from portal.identity import Citizen
from portal.web.citizen_login import current_citizen
from portal.web.db import database
from tests.oidc.running import RunningProvider

# Where the test client's requests are addressed (url_for(..., _external=True) under it).
CALLBACK = "http://localhost/log-ind/retur"
LOGGED_OUT = "http://localhost/log-ud/faerdig"


def at_provider(client: FlaskClient, start: TestResponse) -> TestResponse:
    """Follow the portal's redirect to the provider, and the provider's back to the portal's
    callback (both for real, over HTTP); the callback's answer."""
    assert start.status_code == 302, start.status_code
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def log_in(
    client: FlaskClient,
    provider: RunningProvider,
    claims: Mapping[str, Any],
    faults: Iterable[str] = (),
    path: str = "/log-ind",
    userinfo_only: Iterable[str] = (),
) -> TestResponse:
    provider.next_login(claims, faults, userinfo_only)
    return at_provider(client, client.get(path))


def callback_url(client: FlaskClient, provider: RunningProvider, claims: Mapping[str, Any]) -> str:
    """The callback address the provider sends the browser to, not yet followed."""
    provider.next_login(claims)
    start = client.get("/log-ind")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def cookie_session(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """The Flask session as the browser holds it, decoded (signed, not encrypted)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return {}
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return dict(serializer.loads(cookie.value))


def logins(app: Flask) -> int:
    """How many citizen logins the database holds."""
    with database(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(CitizenLogin)) or 0)


def citizen_of(client: FlaskClient) -> Citizen | None:
    """The citizen the portal sees in this browser now (a page is opened to ask)."""
    with client:
        client.get("/")
        return current_citizen()


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
