"""Shared pieces of the delivery tests: a municipality pointed at a reference receiver, a
submitted application, the worker run in-process at a chosen time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from flask import Flask
from sqlalchemy import select

from portal import applications
from portal.db.models import (
    Application,
    ApplicationDocument,
    OutboxKind,
    OutboxMessage,
    utcnow,
)
from portal.outbox import targets
from portal.outbox.worker import Tally
from portal.web.db import database
from portal.web.outbox import build_worker
from portal.web.services import cipher
from tests.handoff.receiver import Receiver
from tests.web.journey import answer_until, submit

SCHEMA = Path(__file__).resolve().parents[2] / "docs/schemas/application-event-1.1.0.schema.json"


def handoff_to(
    receiver: Receiver, code: str = "575", kle_facet: str | None = None
) -> targets.Handoff:
    env = {
        f"PORTAL_DELIVERY_URL_{code}": receiver.url,
        f"PORTAL_DELIVERY_SECRET_{code}": receiver.secret,
    }
    if kle_facet:
        env[f"PORTAL_KLE_FACET_{code}"] = kle_facet
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


def many_applications(app: Flask, count: int) -> None:
    """`count` applications: one through the web journey, the rest as copies of it (each its
    own draft key, reference and event). Their PDF is a stand-in: here only delivery counts."""
    apply(app)
    with app.app_context(), database(app).transaction() as session:
        first = session.scalars(select(Application)).one()
        data = cipher()
        template = applications.Submission(
            draft_key="", municipality_code=first.municipality_code,
            standard_version=first.standard_version, cpr="0101901234",
            person=data.decrypt(first.person_enc), answers=data.decrypt(first.answers_enc),
            guidance=data.decrypt(first.guidance_enc), for_someone_else=False,
        )  # fmt: skip
        for number in range(count - 1):
            applications.submit(session, data, replace(template, draft_key=f"load-{number}"))
        session.flush()
        pdf = data.encrypt_bytes(b"%PDF-1.7 stand-in")
        for application_id in session.scalars(select(Application.id)):
            session.add(ApplicationDocument(
                application_id=application_id, sha256="0" * 64, size=17, pdf_enc=pdf))  # fmt: skip
