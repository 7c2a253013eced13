"""The whole life of an application, with the clock moved: sent by a citizen, delivered by the
worker to a municipality's receiver (a real local server), decided, delivered again; kept for
the period after that, then gone from the portal, status link and all, while the receiver
keeps the case."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from portal import retention
from portal.db.models import Application, utcnow
from portal.retention import Periods
from portal.web.db import database
from tests.handoff.receiver import Receiver, running_receiver
from tests.outbox.delivery import handoff_to, run_worker
from tests.web import retention_data as data
from tests.web.journey import answer_until, status_links, submit

PERIOD = Periods().applications


@pytest.fixture
def receiver(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with running_receiver(tmp_path) as running:
        monkeypatch.setitem(app.extensions, "portal.handoff", handoff_to(running))
        monkeypatch.setitem(app.config, "OUTBOX_SEND_TIMEOUT_SECONDS", 5.0)
        yield running


def purge_at(app: Flask, at: datetime) -> retention.Counts:
    run = retention.Run(database(app), Periods(), {"575"}, at, f"purge-{secrets.token_hex(8)}")
    return retention.purge(run)


def test_a_decided_application_leaves_the_portal_the_period_after_its_decision_arrived(
    app: Flask, receiver: Receiver
) -> None:
    citizen = app.test_client()
    answer_until(citizen)
    assert submit(citizen).status_code == 303
    [status_link, *_] = status_links(citizen.get("/kvittering").get_data(as_text=True))
    assert run_worker(app).delivered == 1  # the submission
    with database(app).transaction() as session:
        application_id = session.scalar(select(Application.id))
    assert application_id is not None

    # Decided, but the receiver is down when the worker tries: not handed over yet.
    data.decided(app, application_id, data.caseworker(app))
    receiver.stop()
    assert run_worker(app, at=utcnow() + timedelta(days=30)).delivered == 0
    assert purge_at(app, utcnow() + timedelta(days=30, hours=1)).handed_over == 0
    receiver.start()
    arrived = utcnow() + timedelta(days=31)
    assert run_worker(app, at=arrived).delivered == 1

    assert purge_at(app, arrived + PERIOD - timedelta(days=1)).applications == 0
    assert citizen.get(status_link).status_code == 200
    assert purge_at(app, arrived + PERIOD + timedelta(days=1)).applications == 1
    assert citizen.get(status_link).status_code == 404
    assert data.hanging_on(app, application_id)["outbox_message"] == 0
    [case] = receiver.cases()  # the municipality's system still has it
    assert len(receiver.events()) == 2
    assert case
