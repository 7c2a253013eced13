"""Rows for the retention tests, each made at a chosen time: applications through the real
lifecycle (portal.applications, portal.lifecycle), their delivery as the worker or the pull
API records it."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from portal import applications, lifecycle, retention
from portal.applications import Submission
from portal.db.models import (
    Application,
    ApplicationDocument,
    AuditEvent,
    CaseNote,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    StaffRole,
    StaffUser,
    Status,
    utcnow,
)
from portal.lifecycle import Decision, Outcome
from portal.outbox import queue
from portal.web.db import database

_serial = itertools.count(1)


def cipher(app: Flask) -> Any:
    return app.extensions["portal.cipher"]


def caseworker(app: Flask, municipality: str = "575") -> int:
    with database(app).transaction() as session:
        user = StaffUser(
            email=f"sb{next(_serial)}-{secrets.token_hex(3)}@example.dk",
            municipality_code=municipality,
            role=StaffRole.CASEWORKER,
            password_hash="not-a-hash",
        )
        session.add(user)
        session.flush()
        return user.id


def submitted(app: Flask, municipality: str = "575") -> int:
    """A web application as the citizen's submit stores it: received, one event waiting."""
    submission = Submission(
        draft_key=secrets.token_urlsafe(24),
        municipality_code=municipality,
        standard_version="test",
        cpr=f"0101{next(_serial) % 100:02d}1234",
        person={"full_name": "Karen Hansen", "cpr": "010190-1234"},
        answers=[{"question": "Hvad hedder du?", "answer": "Karen Hansen"}],
        guidance={},
        for_someone_else=False,
    )
    with database(app).transaction() as session:
        return applications.submit(session, cipher(app), submission).application.id


def decided(app: Flask, application_id: int, staff_id: int) -> None:
    """Taken and decided (granted) by the caseworker: one more event waiting."""
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        application.assigned_to_id = staff_id
        decision = Decision.made(Outcome.GRANTED, utcnow().date().isoformat())
        lifecycle.decide(session, cipher(app), application, staff_id, decision)


def reopened(app: Flask, application_id: int, staff_id: int) -> None:
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        lifecycle.reopen(session, cipher(app), application, staff_id, "Ny oplysning.")


def withdrawn(app: Flask, application_id: int) -> None:
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        applications.withdraw(session, application, by_representative=False)


def delivered(app: Flask, application_id: int, at: datetime) -> None:
    """Every waiting event of the application reaches the municipality's system at `at`."""
    with database(app).transaction() as session:
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.application_id == application_id,
                OutboxMessage.kind == OutboxKind.DELIVERY,
                OutboxMessage.state != OutboxState.DELIVERED,
            )
            .values(state=OutboxState.DELIVERED, delivered_at=at)
        )


def last_event_is(app: Flask, application_id: int, state: OutboxState) -> None:
    with database(app).transaction() as session:
        latest = session.scalar(
            select(func.max(OutboxMessage.id)).where(
                OutboxMessage.application_id == application_id,
                OutboxMessage.kind == OutboxKind.DELIVERY,
            )
        )
        session.execute(update(OutboxMessage).where(OutboxMessage.id == latest).values(state=state))


def closed_and_handed_over(app: Flask, staff_id: int, at: datetime, **kw: Any) -> int:
    """Submitted, decided and delivered at `at`: its period starts then."""
    application_id = submitted(app, **kw)
    decided(app, application_id, staff_id)
    delivered(app, application_id, at)
    return application_id


def with_everything(app: Flask, application_id: int, staff_id: int, at: datetime) -> None:
    """What hangs on an application besides its events: a note, its PDF, a mail about it,
    and two audit rows that refer to it."""
    with database(app).transaction() as session:
        session.add(
            CaseNote(
                application_id=application_id,
                staff_id=staff_id,
                at=at,
                text_enc=cipher(app).encrypt("Ringede til Karen."),
            )
        )
        session.add(
            ApplicationDocument(
                application_id=application_id,
                sha256="0" * 64,
                size=3,
                pdf_enc=cipher(app).encrypt_bytes(b"PDF"),
            )
        )
        mail = queue.add_mail(
            session, cipher(app), municipality_code="575", topic="mail.status",
            to="karen@example.dk", subject="Status", body="Din sag", application_id=application_id,
        )  # fmt: skip
        mail.state, mail.delivered_at = OutboxState.DELIVERED, at
        for action in ("view", "decide"):
            session.add(
                AuditEvent(
                    at=at, staff_id=staff_id, municipality_code="575", action=action,
                    application_id=application_id, request_id="r" * 12,
                )
            )  # fmt: skip


def hanging_on(app: Flask, application_id: int) -> dict[str, int]:
    """How many rows of each kind refer to the application."""
    references: list[tuple[type[Any], Any]] = [
        *retention.DEPENDENTS,
        (AuditEvent, AuditEvent.application_id),
    ]
    with database(app).transaction() as session:
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(column == application_id)
            )
            or 0
            for model, column in references
        }


def exists(app: Flask, model: type[Any], key: Any) -> bool:
    with database(app).transaction() as session:
        return session.get(model, key) is not None


def status_of(app: Flask, application_id: int) -> Status | None:
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        return application.status if application else None
