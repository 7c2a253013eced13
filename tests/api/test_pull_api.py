"""The pull API as a municipality's system uses it: page through undelivered events with a
cursor, fetch a document and its PDF, acknowledge; and never see another municipality's."""

from __future__ import annotations

import hashlib
import random
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from portal.db.models import Application, OutboxMessage, OutboxState, utcnow
from portal.handoff import document
from portal.outbox import queue
from portal.web.db import database
from tests.api.conftest import (
    PUBLIC_URL,
    ROSKILDE,
    VEJEN,
    add_status_events,
    apply,
    call,
    event_ids,
)

CPR_DIGITS = "0101901234"  # the journey's CPR number, without its dash


def state_of(app: Flask, event_id: int) -> OutboxMessage:
    with database(app).transaction() as session:
        message = session.get(OutboxMessage, event_id)
        assert message is not None
        session.expunge(message)
        return message


def test_a_municipality_pages_through_25_events_ten_at_a_time(
    api_app: Flask, api: FlaskClient
) -> None:
    application_id = apply(api_app)
    add_status_events(api_app, application_id, VEJEN, 24)
    expected = event_ids(api_app, VEJEN)
    assert len(expected) == 25
    seen: list[int] = []
    cursors: list[int | None] = []
    after = 0
    for _ in range(5):  # bounded: three pages and one spare
        response = call(api, "GET", f"/api/v1/events?after={after}&limit=10")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        body = response.get_json()
        seen += [event["id"] for event in body["events"]]
        cursors.append(body["next_cursor"])
        if body["next_cursor"] is None:
            break
        after = body["next_cursor"]
    assert seen == expected
    assert cursors == [expected[9], expected[19], None]


def test_each_listed_event_carries_its_document(api_app: Flask, api: FlaskClient) -> None:
    application_id = apply(api_app)
    body = call(api, "GET", "/api/v1/events").get_json()
    assert body["next_cursor"] is None
    [event] = body["events"]
    assert event["topic"] == "application.submitted"
    assert event["created_at"].endswith("+00:00")
    doc = event["document"]
    assert doc["event"]["id"] == event["id"]  # the receiver's duplicate key, in both places
    assert doc["event"]["topic"] == event["topic"]
    assert doc["application"]["id"] == application_id
    assert doc["municipality"]["code"] == VEJEN
    assert doc["pdf"]["url"] == f"{PUBLIC_URL}/api/v1/applications/{application_id}/application.pdf"


def test_the_default_page_is_twenty_events(api_app: Flask, api: FlaskClient) -> None:
    add_status_events(api_app, apply(api_app), VEJEN, 21)
    body = call(api, "GET", "/api/v1/events").get_json()
    assert len(body["events"]) == 20
    assert body["next_cursor"] == body["events"][-1]["id"]
    rest = call(api, "GET", f"/api/v1/events?after={body['next_cursor']}").get_json()
    assert len(rest["events"]) == 2 and rest["next_cursor"] is None


def test_an_acknowledged_event_leaves_the_list_and_a_second_ack_answers_200_too(
    api_app: Flask, api: FlaskClient
) -> None:
    application_id = apply(api_app)
    first, second = add_status_events(api_app, application_id, VEJEN, 2)
    response = call(api, "POST", f"/api/v1/events/{first}/ack", json={"case_number": "SAG-2026-17"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    answer = response.get_json()
    assert answer["id"] == first and answer["delivered"] is True
    assert answer["case_number"] == "SAG-2026-17"
    stored = state_of(api_app, first)
    assert stored.state is OutboxState.DELIVERED and stored.delivered_at is not None
    assert stored.receiver_reference == "SAG-2026-17"

    again = call(api, "POST", f"/api/v1/events/{first}/ack", json={"case_number": "ANDET-NUMMER"})
    assert again.status_code == 200
    # The first acknowledgement stands: its time and its case number.
    assert again.get_json() == answer
    assert state_of(api_app, first).receiver_reference == "SAG-2026-17"

    listed = [e["id"] for e in call(api, "GET", "/api/v1/events").get_json()["events"]]
    assert first not in listed and second in listed
    # Still readable one by one, whatever its state.
    one = call(api, "GET", f"/api/v1/events/{first}")
    assert one.status_code == 200
    assert one.get_json()["delivered_at"] == answer["delivered_at"]
    assert call(api, "GET", f"/api/v1/events/{second}").get_json()["delivered_at"] is None


def test_an_ack_needs_no_body(api_app: Flask, api: FlaskClient) -> None:
    apply(api_app)
    [submitted] = event_ids(api_app, VEJEN)
    response = call(api, "POST", f"/api/v1/events/{submitted}/ack")
    assert response.status_code == 200
    assert response.get_json()["case_number"] is None
    assert state_of(api_app, submitted).state is OutboxState.DELIVERED
    assert call(api, "GET", "/api/v1/events").get_json() == {"events": [], "next_cursor": None}


def test_an_ack_wins_over_a_worker_still_pushing_the_same_event(
    api_app: Flask, api: FlaskClient
) -> None:
    """A municipality may use push and pull at once: a worker that holds the event when the
    pull acknowledges it cannot turn it back into a failure afterwards."""
    apply(api_app)
    [event_id] = event_ids(api_app, VEJEN)
    policy = queue.Policy()
    with database(api_app).transaction() as session:
        leased = queue.lease_next(session, utcnow(), policy, {VEJEN}, mail=False)
    assert leased is not None and leased.id == event_id
    assert call(api, "POST", f"/api/v1/events/{event_id}/ack").status_code == 200
    with database(api_app).transaction() as session:
        failed = queue.Outcome.failed("the receiver answered 500")
        assert queue.settle(session, leased, failed, utcnow(), policy, random.Random(1)) is None
    assert state_of(api_app, event_id).state is OutboxState.DELIVERED


def test_the_pdf_is_the_one_the_document_describes(api_app: Flask, api: FlaskClient) -> None:
    application_id = apply(api_app)
    [event] = call(api, "GET", "/api/v1/events").get_json()["events"]
    described = event["document"]["pdf"]
    path = urlsplit(described["url"]).path
    response = call(api, "GET", path)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == described["sha256"]
    assert len(pdf) == described["size"]
    assert response.headers["ETag"] == f'"{described["sha256"]}"'
    assert response.headers["Cache-Control"] == "no-store"
    reference = event["document"]["application"]["reference"]
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{document.pdf_file_name(reference)}"'
    assert described["file_name"] == document.pdf_file_name(reference)
    for personal in (CPR_DIGITS, CPR_DIGITS[:6], "Karen", "Hansen"):
        assert personal not in disposition.replace("-", "")
    # A client that has it already gets a 304 without the bytes.
    cached = call(api, "GET", path, headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304 and cached.get_data() == b""
    assert path == f"/api/v1/applications/{application_id}/application.pdf"


def assert_answered_like_a_missing_id(
    api: FlaskClient, code: str, method: str, theirs: str, missing: str
) -> None:
    """Another municipality's id gets exactly the answer of an id that does not exist."""
    refused, absent = call(api, method, theirs, code), call(api, method, missing, code)
    assert refused.status_code == absent.status_code == 404
    assert refused.get_json() == absent.get_json()


def test_a_municipality_sees_nothing_of_another_and_that_one_nothing_of_it(
    api_app: Flask, api: FlaskClient
) -> None:
    applications = {VEJEN: apply(api_app, VEJEN), ROSKILDE: apply(api_app, ROSKILDE)}
    events = {code: event_ids(api_app, code)[0] for code in applications}
    nothing = max(*applications.values(), *events.values()) + 1000
    for me, other in ((VEJEN, ROSKILDE), (ROSKILDE, VEJEN)):
        listed = call(api, "GET", "/api/v1/events?limit=100", me).get_json()["events"]
        assert [e["id"] for e in listed] == [events[me]]
        assert listed[0]["document"]["municipality"]["code"] == me
        pdf = "/api/v1/applications/{}/application.pdf"
        assert call(api, "GET", pdf.format(applications[me]), me).status_code == 200
        assert call(api, "GET", f"/api/v1/events/{events[me]}", me).status_code == 200
        for method, path, theirs in (
            ("GET", "/api/v1/events/{}", events[other]),
            ("GET", pdf, applications[other]),
            ("POST", "/api/v1/events/{}/ack", events[other]),
        ):
            assert_answered_like_a_missing_id(
                api, me, method, path.format(theirs), path.format(nothing)
            )
        assert state_of(api_app, events[other]).state is not OutboxState.DELIVERED


def test_mail_and_notices_are_not_events(api_app: Flask, api: FlaskClient) -> None:
    application_id = apply(api_app)
    with database(api_app).transaction() as session:
        mail = queue.add_mail(
            session, api_app.extensions["portal.cipher"], municipality_code=VEJEN,
            topic="receipt", to="someone@example.dk", subject="Kvittering", body="...",
            application_id=application_id,
        )  # fmt: skip
        session.flush()
        mail_id = mail.id
    listed = [e["id"] for e in call(api, "GET", "/api/v1/events").get_json()["events"]]
    assert listed == event_ids(api_app, VEJEN) and mail_id not in listed
    assert call(api, "GET", f"/api/v1/events/{mail_id}").status_code == 404
    assert call(api, "POST", f"/api/v1/events/{mail_id}/ack").status_code == 404


def test_the_case_number_acknowledged_for_the_application_is_kept_on_it(
    api_app: Flask, api: FlaskClient
) -> None:
    application_id = apply(api_app)
    [status_event] = add_status_events(api_app, application_id, VEJEN, 1)
    events = call(api, "GET", "/api/v1/events").get_json()["events"]
    [submitted] = [e["id"] for e in events if e["topic"] == "application.submitted"]
    # A later event's number is not the case's; the submitted event's is, and it outlives the
    # message (portal purge deletes it 30 days after).
    call(api, "POST", f"/api/v1/events/{status_event}/ack", json={"case_number": "EVENT-1"})
    assert case_number_of(api_app, application_id) is None
    call(api, "POST", f"/api/v1/events/{submitted}/ack", json={"case_number": "SAG-2026-18"})
    assert case_number_of(api_app, application_id) == "SAG-2026-18"


def case_number_of(app: Flask, application_id: int) -> str | None:
    with database(app).transaction() as session:
        found = session.get(Application, application_id)
        assert found is not None
        return found.case_number
