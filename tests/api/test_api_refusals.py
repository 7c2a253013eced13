"""What the pull API refuses, and how: 401 with a Bearer challenge for any call without a
valid token, 400 with an English sentence for parameters or a body it cannot follow, never a
500, and never a change to an event it refused to acknowledge."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db.models import AuditEvent, OutboxMessage, OutboxState
from portal.web.db import database
from portal.web.logs import JsonFormatter
from tests.api.conftest import TOKENS, VEJEN, apply, call, event_ids

PATHS = [
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/events/1"),
    ("GET", "/api/v1/applications/1/application.pdf"),
    ("POST", "/api/v1/events/1/ack"),
]
HEADERS = {
    "none": None,
    "empty": "",
    "basic": "Basic dmVqZW46aGVtbWVsaWc=",
    "bearer without token": "Bearer",
    "wrong token": "Bearer " + "x" * 40,
    "token as basic": f"Basic {TOKENS[VEJEN]}",
    "token without scheme": TOKENS[VEJEN],
    "token with a tail": f"Bearer {TOKENS[VEJEN]} extra",
    "token cut short": f"Bearer {TOKENS[VEJEN][:-1]}",
    "very long token": "Bearer " + "y" * 100_000,
    "unicode": "Bearer æøå-" + "z" * 40,
}


def audit_rows(app: Flask) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize("method,path", PATHS)
@pytest.mark.parametrize("header", sorted(HEADERS))
def test_a_call_without_a_valid_token_gets_401_and_a_bearer_challenge(
    api_app: Flask, api: FlaskClient, method: str, path: str, header: str
) -> None:
    value = HEADERS[header]
    headers = {} if value is None else {"Authorization": value}
    response = call(api, method, path, None, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="portal-api"')
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"error": "A valid bearer token is required."}
    assert "Set-Cookie" not in response.headers
    assert audit_rows(api_app) == 0  # no municipality to file it under: logged instead


def test_the_scheme_is_read_in_any_case(api: FlaskClient) -> None:
    response = api.get("/api/v1/events", headers={"Authorization": f"bearer {TOKENS[VEJEN]}"})
    assert response.status_code == 200


def test_a_refused_call_is_logged_without_the_token(
    api: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Bearer " + "w" * 40
    with caplog.at_level(logging.INFO, logger="portal"):
        api.get("/api/v1/events", headers={"Authorization": wrong})
        api.get("/api/v1/events", headers={"Authorization": f"Basic {TOKENS[VEJEN]}"})
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "portal.api"]
    assert len(lines) == 2 and all("refused" in line for line in lines)
    assert all("w" * 40 not in line and TOKENS[VEJEN] not in line for line in lines)


BAD_PAGES = [
    "after=-1", "after=abc", "after=", "after=1.5", "after=1e3", "after=0x10", "after=%201",
    "after=%EF%BC%99",  # a fullwidth nine
    "after=%D9%A3",  # an Arabic-Indic three
    "after=%C2%B2",  # a superscript two
    "after=99999999999999999999999999999999", f"after={2**63}", "after=1&after=2",
    "limit=0", "limit=101", "limit=-5", "limit=", "limit=ten", "limit=10000000000000000000000",
    "limit=%00", "after=%F0%9F%98%80",
]  # fmt: skip


@pytest.mark.parametrize("query", BAD_PAGES)
def test_a_bad_cursor_or_limit_gets_400_with_a_sentence(api: FlaskClient, query: str) -> None:
    response = call(api, "GET", f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    message = response.get_json()["error"]
    assert message.endswith(".") and ("after" in message or "limit" in message)


@pytest.mark.parametrize("query", ["after=0", f"after={2**63 - 1}", "limit=1", "limit=100",
                                   "after=007&limit=010", "unknown=1"])  # fmt: skip
def test_cursor_and_limit_at_their_bounds_are_accepted(api: FlaskClient, query: str) -> None:
    response = call(api, "GET", f"/api/v1/events?{query}")
    assert response.status_code == 200
    assert response.get_json() == {"events": [], "next_cursor": None}


@pytest.mark.parametrize(
    "raw", ["0", "-1", "abc", "1.0", "%D9%A3", "99999999999999999999999999", str(2**63), "%20"]
)
def test_an_impossible_id_is_simply_not_found(api: FlaskClient, raw: str) -> None:
    for method, path in (
        ("GET", f"/api/v1/events/{raw}"),
        ("GET", f"/api/v1/applications/{raw}/application.pdf"),
        ("POST", f"/api/v1/events/{raw}/ack"),
    ):
        response = call(api, method, path)
        assert response.status_code == 404, path
        assert response.is_json and "error" in response.get_json()


BAD_BODIES: list[tuple[bytes, str]] = [
    (b"{", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b'"SAG-1"', "application/json"),
    (b'{"case_number": 5}', "application/json"),
    (b'{"case_number": ["SAG-1"]}', "application/json"),
    (b'{"case_number": ""}', "application/json"),
    (b'{"case_number": "   "}', "application/json"),
    (b'{"case_number": "' + b"x" * 101 + b'"}', "application/json"),
    (b'{"case_number": "SAG\\n1"}', "application/json"),
    (b'{"case_number": "SAG\\u00001"}', "application/json"),
    (b'{"case_number": 1e999}', "application/json"),
    (b'{"case_number": ' + b"9" * 5000 + b"}", "application/json"),
    (b'{"caseNumber": "SAG-1"}', "application/json"),
    (b'{"case_number": "SAG-1", "x": 1}', "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b'{"case_number": "SAG-1"}', "text/plain"),
    (b"case_number=SAG-1", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize("body,content_type", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_an_ack_with_a_body_it_cannot_read_gets_400_and_changes_nothing(
    api_app: Flask, api: FlaskClient, body: bytes, content_type: str
) -> None:
    apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    response = call(
        api, "POST", f"/api/v1/events/{event_id}/ack", data=body, content_type=content_type
    )
    assert response.status_code == 400
    assert response.get_json()["error"].endswith(".")
    with database(api_app).transaction() as session:
        message = session.get(OutboxMessage, event_id)
        assert message is not None and message.state is not OutboxState.DELIVERED


@pytest.mark.parametrize(
    "case_number", ["SAG-2026-000017", "27.54.08-G01-17-26", "Sag nr. 17 (Næstved) ✓", "x" * 100]
)
def test_an_ack_keeps_a_case_number_as_given(
    api_app: Flask, api: FlaskClient, case_number: str
) -> None:
    apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    response = call(
        api, "POST", f"/api/v1/events/{event_id}/ack", json={"case_number": f" {case_number} "}
    )
    assert response.status_code == 200
    assert response.get_json()["case_number"] == case_number


def test_a_body_over_the_size_limit_gets_413_as_json(api_app: Flask, api: FlaskClient) -> None:
    apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    body = b'{"case_number": "' + b"x" * (api_app.config["MAX_CONTENT_LENGTH"] + 1) + b'"}'
    response = call(
        api, "POST", f"/api/v1/events/{event_id}/ack", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert "error" in response.get_json()
