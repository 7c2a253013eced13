"""Deliveries to a municipality's receiver (the reference receiver, a real local server):
down, failing, slow, asking to wait, gone. Each case arrives once; the citizen never waits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from portal.db.models import ApplicationDocument, DeliveryTarget, OutboxState
from portal.web.db import database
from tests.handoff.receiver import Receiver, running_receiver
from tests.outbox.delivery import apply, deliveries, handoff_to, later, run_worker, valid


@pytest.fixture
def receiver(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with running_receiver(tmp_path, token="t" * 40) as running:
        monkeypatch.setitem(app.extensions, "portal.handoff", handoff_to(running))
        monkeypatch.setitem(app.config, "OUTBOX_SEND_TIMEOUT_SECONDS", 1.0)
        yield running


def test_with_the_receiver_down_the_citizen_gets_the_receipt_and_the_case_arrives_later(
    app: Flask, receiver: Receiver
) -> None:
    receiver.stop()
    apply(app)  # the receipt is shown: nothing was sent in the request
    tally = run_worker(app)
    assert (tally.delivered, tally.failed) == (0, 1)
    [message] = deliveries(app)
    assert message.state is OutboxState.FAILED and "Connection failed" in (message.last_error or "")

    receiver.start()
    assert run_worker(app, at=later(minutes=5)).delivered == 1
    [case] = receiver.cases()
    [event] = receiver.events()
    document = valid(json.loads(event["body"]))
    assert event["webhook_id"] == str(message.id) == str(document["event"]["id"])
    [message] = deliveries(app)
    assert message.state is OutboxState.DELIVERED and message.attempts == 2
    assert message.receiver_reference == f"SAG-{case['case_number']}"
    # The PDF the document points to is the one stored, byte for byte.
    with database(app).transaction() as session:
        pdf = session.get(ApplicationDocument, message.application_id)
        assert pdf is not None
        stored = app.extensions["portal.cipher"].decrypt_bytes(pdf.pdf_enc)
    assert document["pdf"]["sha256"] == hashlib.sha256(stored).hexdigest() == pdf.sha256
    assert document["pdf"]["size"] == len(stored)


def test_500_then_a_timeout_then_retry_after_then_200_delivers_one_case(
    app: Flask, receiver: Receiver
) -> None:
    receiver.plan({"status": 500}, {"delay": 2.0}, {"status": 503, "retry_after": 600})
    apply(app)
    moment = later()
    for step in range(3):
        assert run_worker(app, at=moment).failed == 1, step
        [message] = deliveries(app)
        answered_503_at, moment = moment, message.next_attempt_at
    assert "503" in (message.last_error or "")
    # Retry-After: 600 is honoured: no attempt before ten minutes have passed.
    assert (message.next_attempt_at - answered_503_at).total_seconds() >= 600
    assert run_worker(app, at=answered_503_at + timedelta(seconds=590)).attempts == 0
    assert run_worker(app, at=answered_503_at + timedelta(seconds=601)).delivered == 1
    [message] = deliveries(app)
    assert message.state is OutboxState.DELIVERED and message.attempts == 4
    # The timed-out attempt may have been stored by the receiver as well: still one case,
    # one event, found again by its webhook-id.
    assert len(receiver.cases()) == 1 and len(receiver.events()) == 1
    assert receiver.arrivals() == {str(message.id): 4}


def test_410_switches_the_receiver_off_and_nothing_more_is_sent_to_it(
    app: Flask, receiver: Receiver
) -> None:
    receiver.plan({"status": 410})
    apply(app)
    assert run_worker(app).failed == 1
    apply(app)
    assert run_worker(app, at=later(hours=7)).attempts == 0
    assert sum(receiver.arrivals().values()) == 1
    with database(app).transaction() as session:
        target = session.get(DeliveryTarget, "575")
        assert target is not None and target.disabled_at is not None
        assert "410" in (target.disabled_reason or "")
    assert [m.state for m in deliveries(app)] == [OutboxState.FAILED, OutboxState.PENDING]


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried_not_lost(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.handoff.signing import new_secret
    from portal.outbox import targets

    wrong = targets.from_environ(
        {"PORTAL_DELIVERY_URL_575": receiver.url, "PORTAL_DELIVERY_SECRET_575": new_secret(),
         "PORTAL_DELIVERY_TOKEN_575": receiver.token or ""}, production=False,
    )  # fmt: skip
    monkeypatch.setitem(app.extensions, "portal.handoff", wrong)
    apply(app)
    assert run_worker(app).failed == 1
    assert receiver.cases() == []
    [message] = deliveries(app)
    assert "401" in (message.last_error or "") and message.state is OutboxState.FAILED


def test_the_municipality_s_kle_action_facet_reaches_its_document(
    app: Flask, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions, "portal.handoff", handoff_to(receiver, kle_facet="G01"))
    apply(app)
    assert run_worker(app).delivered == 1
    [event] = receiver.events()
    kle = valid(json.loads(event["body"]))["classification"]["kle"]
    assert kle == {
        "subject": {"code": "27.54.08", "display": "Aktivitets- og samværstilbud"},
        "action_facet": "G01",
    }


def test_without_a_facet_setting_the_document_names_none(app: Flask, receiver: Receiver) -> None:
    apply(app)
    assert run_worker(app).delivered == 1
    [event] = receiver.events()
    assert valid(json.loads(event["body"]))["classification"]["kle"]["action_facet"] is None
