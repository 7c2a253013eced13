"""Shared pieces of the delivery tests: a municipality pointed at a reference receiver, a
submitted application, the worker run in-process at a chosen time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from flask import Flask
from sqlalchemy import select

from portal.db.models import OutboxKind, OutboxMessage, utcnow
from portal.outbox import targets
from portal.outbox.worker import Tally
from portal.web.db import database
from portal.web.outbox import build_worker
from tests.handoff.receiver import Receiver
from tests.web.journey import answer_until, submit

SCHEMA = Path(__file__).resolve().parents[2] / "docs/schemas/application-event-1.0.0.schema.json"


def handoff_to(receiver: Receiver, code: str = "575") -> targets.Handoff:
    env = {
        f"PORTAL_DELIVERY_URL_{code}": receiver.url,
        f"PORTAL_DELIVERY_SECRET_{code}": receiver.secret,
    }
    if receiver.token:
        env[f"PORTAL_DELIVERY_TOKEN_{code}"] = receiver.token
    return targets.from_environ(env, production=False)


def apply(app: Flask, **overrides: dict[str, Any]) -> None:
    client = app.test_client()
    answer_until(client, **overrides)
    assert submit(client).status_code == 303
    assert client.get("/kvittering").status_code == 200


def run_worker(app: Flask, at: datetime | None = None) -> Tally:
    """`portal worker --once`, in this process, with the clock at `at`."""
    worker = build_worker(app)
    if at is not None:
        worker.clock = lambda: at
    with app.app_context():
        return worker.run_once()


def later(**delta: float) -> datetime:
    return utcnow() + timedelta(**delta)


def deliveries(app: Flask) -> list[OutboxMessage]:
    with database(app).transaction() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == OutboxKind.DELIVERY)
                .order_by(OutboxMessage.id)
            )
        )


def valid(document: dict[str, Any]) -> dict[str, Any]:
    jsonschema.Draft202012Validator(
        json.loads(SCHEMA.read_text()), format_checker=jsonschema.FormatChecker()
    ).validate(document)
    return document
