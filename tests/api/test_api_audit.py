"""Every call that gets past the token leaves an audit row under the calling municipality:
what was done, to which application, with the request id, and never the token."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.api import events
from portal.db.models import AuditEvent
from portal.web.db import database
from tests.api.conftest import ROSKILDE, TOKENS, VEJEN, apply, call, event_ids


def audit(app: Flask) -> list[dict[str, object]]:
    with database(app).engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).mappings()
        return [dict(row) for row in rows]


def test_each_kind_of_call_is_audited_with_its_application_and_request_id(
    api_app: Flask, api: FlaskClient
) -> None:
    application_id = apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    calls = [
        ("GET", "/api/v1/events?limit=5", "api_list", None),
        ("GET", f"/api/v1/events/{event_id}", "api_event", application_id),
        (
            "GET",
            f"/api/v1/applications/{application_id}/application.pdf",
            "api_pdf",
            application_id,
        ),
        ("POST", f"/api/v1/events/{event_id}/ack", "api_ack", application_id),
        ("POST", f"/api/v1/events/{event_id}/ack", "api_ack", application_id),
    ]
    request_ids = []
    for method, path, _action, _application in calls:
        response = call(api, method, path)
        assert response.status_code == 200, path
        request_ids.append(response.headers["X-Request-ID"])
    rows = audit(api_app)
    assert [(r["action"], r["application_id"]) for r in rows] == [
        (action, application) for _m, _p, action, application in calls
    ]
    assert [r["request_id"] for r in rows] == request_ids
    assert {r["municipality_code"] for r in rows} == {VEJEN}
    assert {r["staff_id"] for r in rows} == {None}
    assert rows[0]["detail"] == "after=0 limit=5 returned=1"
    assert rows[3]["detail"] == f"event {event_id} acknowledged"
    assert rows[4]["detail"] == f"event {event_id} acknowledged again"


def test_refused_and_missing_calls_are_audited_too(api_app: Flask, api: FlaskClient) -> None:
    roskilde_application = apply(api_app, ROSKILDE)
    [roskilde_event] = event_ids(api_app, ROSKILDE)
    assert call(api, "GET", "/api/v1/events?limit=0").status_code == 400
    assert call(api, "GET", f"/api/v1/events/{roskilde_event}").status_code == 404
    pdf = f"/api/v1/applications/{roskilde_application}/application.pdf"
    assert call(api, "GET", pdf).status_code == 404
    ack = f"/api/v1/events/{roskilde_event}/ack"
    assert call(api, "POST", ack, data=b"{", content_type="application/json").status_code == 400
    rows = audit(api_app)
    assert [(r["action"], r["municipality_code"], r["application_id"]) for r in rows] == [
        ("api_list", VEJEN, None),
        ("api_event", VEJEN, None),  # Roskilde's application is not named in Vejen's trail
        ("api_pdf", VEJEN, None),
        ("api_ack", VEJEN, None),
    ]
    assert [r["detail"] for r in rows] == [
        "refused: limit must be a whole number from 1 to 100.", "event not found",
        "application not found", "refused: The body is not valid JSON.",
    ]  # fmt: skip


def test_no_audit_row_holds_a_token_or_personal_data(api_app: Flask, api: FlaskClient) -> None:
    application_id = apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    call(api, "GET", "/api/v1/events")
    call(api, "GET", f"/api/v1/applications/{application_id}/application.pdf")
    call(api, "POST", f"/api/v1/events/{event_id}/ack", json={"case_number": "SAG-1"})
    text = repr(audit(api_app))
    assert len(audit(api_app)) == 3
    for secret in (*TOKENS.values(), "Karen", "Hansen", "010190", "Vestergade"):
        assert secret not in text


def test_the_longest_request_id_from_the_proxy_is_kept_whole(
    api_app: Flask, api: FlaskClient
) -> None:
    long_id = "proxy-" + "a" * 58  # 64 characters: the longest portal.web.logs accepts
    response = call(api, "GET", "/api/v1/events", headers={"X-Request-ID": long_id})
    assert response.headers["X-Request-ID"] == long_id
    [row] = audit(api_app)
    assert row["request_id"] == long_id


def test_a_fault_answers_500_as_json_and_is_audited(
    api_app: Flask, api: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a fault deep down")

    monkeypatch.setitem(api_app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(events, "undelivered", broken)
    response = call(api, "GET", "/api/v1/events")
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] in response.get_json()["error"]
    assert "fault deep down" not in response.get_data(as_text=True)
    [row] = audit(api_app)
    assert (row["action"], row["detail"]) == ("api_list", "answered 500")


def test_nothing_is_handed_out_when_the_audit_row_cannot_be_written(
    api_app: Flask, api: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    application_id = apply(api_app)

    def refuse(*_args: object) -> None:
        raise OperationalError("INSERT INTO audit_event", {}, Exception("disk full"))

    monkeypatch.setattr(events, "write_audit", refuse)
    for path in ("/api/v1/events", f"/api/v1/applications/{application_id}/application.pdf"):
        response = call(api, "GET", path)
        # 503 where the driver's error reads as the database being away (PostgreSQL's
        # OperationalError), else 500; either way nothing is handed out.
        assert response.status_code in (500, 503)
        assert response.is_json and b"%PDF" not in response.get_data()
        assert "document" not in response.get_json()


def test_the_systems_calls_show_by_name_in_who_has_seen_the_case(
    api_app: Flask, api: FlaskClient
) -> None:
    from tests.web.staff import staff_client

    application_id = apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    assert call(api, "GET", f"/api/v1/events/{event_id}").status_code == 200
    assert call(api, "POST", f"/api/v1/events/{event_id}/ack").status_code == 200
    caseworker = staff_client(api_app, VEJEN, "ida@vejen.dk")
    html = caseworker.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    assert "Kommunens system hentede en hændelse i sagen" in html
    assert "Kommunens system bekræftede, at det har fået en hændelse" in html
    assert "api_" not in html
