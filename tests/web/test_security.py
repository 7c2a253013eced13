"""The security baseline on every response: headers, cookies, CSRF, size limit."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.helpers import set_language


def test_every_page_sends_a_strict_content_security_policy(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) == 16


def test_hsts_is_sent_only_in_production(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_header_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.test_config import build, production

    app = build(monkeypatch, production())
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_session_cookie_holds_only_the_language(client: FlaskClient) -> None:
    set_language(client, "en")
    cookie = client.get_cookie("portal_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    with client.session_transaction() as session:
        assert set(session.keys()) <= {"lang", "csrf_token"}
