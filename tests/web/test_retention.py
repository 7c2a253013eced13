"""The retention table (README, "Retention") with a moved clock: each kind of row is kept the
day before its limit and gone the day after; an application leaves the portal only when it is
closed and its municipality's system has it, and takes everything hanging on it along."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal import retention
from portal.db import drafts
from portal.db.base import Base
from portal.db.models import (
    Application,
    AuditEvent,
    CitizenLogin,
    Draft,
    LoginFailure,
    MailQuota,
    OutboxMessage,
    OutboxState,
    StaffSession,
    utcnow,
)
from portal.outbox import queue
from portal.retention import Counts, Periods
from portal.web.db import database
from tests.web import retention_data as data

DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
PERIODS = Periods()


def purge(app: Flask, at: datetime, receiving: frozenset[str] = frozenset({"575"})) -> Counts:
    run = retention.Run(database(app), PERIODS, receiving, at, f"purge-{secrets.token_hex(8)}")
    return retention.purge(run)


# -- each row of the table, a day before and a day after its limit ----------------------------


@dataclass(frozen=True)
class Row:
    """One row of the retention table: how to make one at a time, its limit, its count."""

    make: Callable[[Flask, datetime], tuple[type[Any], Any]]
    limit: timedelta
    counted_as: str
    margin: timedelta = DAY


def _draft(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    with database(app).transaction() as session:
        draft = drafts.create_draft(session, data.cipher(app))
        draft.updated_at = at
        return Draft, draft.id


def _application(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    return Application, data.closed_and_handed_over(app, data.caseworker(app), at)


def _withdrawn_application(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    application_id = data.submitted(app)
    data.withdrawn(app, application_id)
    data.delivered(app, application_id, at)
    return Application, application_id


def _mail(app: Flask, at: datetime, state: OutboxState) -> tuple[type[Any], Any]:
    with database(app).transaction() as session:
        mail = queue.add_mail(session, data.cipher(app), municipality_code="575",
                              topic="mail.resume_link", to="karen@example.dk", subject="Link",
                              body="Fortsæt her")  # fmt: skip
        mail.state = state
        if state is OutboxState.DELIVERED:
            mail.delivered_at = at
        else:
            mail.give_up_at = at
        session.flush()
        return OutboxMessage, mail.id


def _audit_row(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    with database(app).transaction() as session:
        row = AuditEvent(at=at, staff_id=None, municipality_code="575", action="list",
                         request_id="r" * 12, detail="status=* hvem=*")  # fmt: skip
        session.add(row)
        session.flush()
        return AuditEvent, row.id


def _staff_session(app: Flask, at: datetime, logged_out: bool) -> tuple[type[Any], Any]:
    staff_id = data.caseworker(app)
    with database(app).transaction() as session:
        ends = (
            {"revoked_at": at, "expires_at": at + timedelta(hours=8)}
            if logged_out
            else {"expires_at": at}
        )
        row = StaffSession(id=secrets.token_hex(32), staff_id=staff_id,
                           created_at=at - timedelta(hours=8), **ends)  # fmt: skip
        session.add(row)
        return StaffSession, row.id


def _login_failure(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    with database(app).transaction() as session:
        row = LoginFailure(at=at, address_digest="a" * 64)
        session.add(row)
        session.flush()
        return LoginFailure, row.id


def _mail_counter(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    with database(app).transaction() as session:
        session.add(MailQuota(key_digest="k" * 64, window_start=at, sent=3))
        return MailQuota, "k" * 64


def _citizen_login(app: Flask, at: datetime) -> tuple[type[Any], Any]:
    """A MitID login whose eight hours end at `at`."""
    with database(app).transaction() as session:
        row = CitizenLogin(id="c" * 64, created_at=at - timedelta(hours=8), expires_at=at,
                           citizen_enc="x", id_token_enc="x")  # fmt: skip
        session.add(row)
        return CitizenLogin, "c" * 64


TABLE = {
    "draft": Row(_draft, retention.DRAFTS, "drafts"),
    "decided application": Row(_application, PERIODS.applications, "applications"),
    "withdrawn application": Row(_withdrawn_application, PERIODS.applications, "applications"),
    "sent message": Row(
        lambda app, at: _mail(app, at, OutboxState.DELIVERED), retention.SENT_MESSAGES,
        "outbox_sent",
    ),
    "dead e-mail": Row(
        lambda app, at: _mail(app, at, OutboxState.DEAD), PERIODS.dead_messages, "outbox_dead"
    ),
    "audit row": Row(_audit_row, PERIODS.audit, "audit"),
    "ended staff session": Row(
        lambda app, at: _staff_session(app, at, logged_out=False), PERIODS.staff_sessions,
        "staff_sessions",
    ),
    "logged-out staff session": Row(
        lambda app, at: _staff_session(app, at, logged_out=True), PERIODS.staff_sessions,
        "staff_sessions",
    ),
    "failed login": Row(_login_failure, retention.LOGIN_FAILURES, "login_failures", MINUTE),
    "mail counter": Row(_mail_counter, retention.MAIL_COUNTERS, "mail_counters", MINUTE),
    "citizen login": Row(_citizen_login, timedelta(0), "citizen_logins", MINUTE),
}  # fmt: skip


@pytest.mark.parametrize("kind", TABLE)
def test_each_row_of_the_table_is_kept_the_day_before_its_limit_and_gone_the_day_after(
    app: Flask, kind: str
) -> None:
    row = TABLE[kind]
    t0 = utcnow()
    model, key = row.make(app, t0)

    before = purge(app, t0 + row.limit - row.margin)
    assert data.exists(app, model, key)
    assert getattr(before, row.counted_as) == 0

    after = purge(app, t0 + row.limit + row.margin)
    assert not data.exists(app, model, key)
    assert getattr(after, row.counted_as) == 1


def test_every_kind_of_row_in_the_database_has_a_row_in_the_table_or_is_kept_on_purpose() -> None:
    purged = {"draft", "application", "outbox_message", "audit_event", "staff_session",
              "login_failure", "mail_quota", "citizen_login"}  # fmt: skip
    with_the_application = {model.__tablename__ for model, _ in retention.DEPENDENTS}
    # No personal data: a receiver switched off, the last reference number of a year. Staff
    # accounts stay while audit rows and cases name them; admins deactivate them.
    kept = {"delivery_target", "reference_counter", "staff_user"}
    known = purged | with_the_application | kept | {"alembic_version"}
    assert set(Base.metadata.tables) - known == set()


# -- which applications may go ----------------------------------------------------------------


def _open_and_delivered(app: Flask, staff_id: int, at: datetime) -> int:
    application_id = data.submitted(app)
    data.delivered(app, application_id, at)
    return application_id


def _decided_event_in(state: OutboxState | None) -> Callable[[Flask, int, datetime], int]:
    def make(app: Flask, staff_id: int, at: datetime) -> int:
        application_id = _open_and_delivered(app, staff_id, at)
        data.decided(app, application_id, staff_id)
        if state is not None:
            data.last_event_is(app, application_id, state)
        return application_id

    return make


def _decided_in_a_municipality_that_takes_no_events(app: Flask, staff_id: int, at: datetime) -> int:
    application_id = data.submitted(app, municipality="173")
    data.decided(app, application_id, staff_id)
    return application_id


NEVER_DELETED = {
    "open, its submission delivered": _open_and_delivered,
    "decided, the decision waiting": _decided_event_in(None),
    "decided, the decision failing": _decided_event_in(OutboxState.FAILED),
    "decided, the decision dead": _decided_event_in(OutboxState.DEAD),
    "decided, the decision being sent": _decided_event_in(OutboxState.SENDING),
    "decided, no receiver and no API": _decided_in_a_municipality_that_takes_no_events,
}


@pytest.mark.parametrize("case", NEVER_DELETED)
def test_an_application_not_decided_or_not_delivered_is_never_deleted(
    app: Flask, case: str
) -> None:
    staff_id = data.caseworker(app)
    t0 = utcnow()
    kept = NEVER_DELETED[case](app, staff_id, t0)
    gone = data.closed_and_handed_over(app, staff_id, t0)  # beside it, to show the clock ran
    ten_years = t0 + timedelta(days=3653)
    assert purge(app, ten_years).applications == 1
    # Again: the first run deleted the unclaimed events of a municipality that takes none.
    assert purge(app, ten_years + DAY).applications == 0
    assert data.exists(app, Application, kept)
    assert not data.exists(app, Application, gone)


def test_a_reopened_case_is_kept_and_its_period_starts_again_at_the_new_decision(
    app: Flask,
) -> None:
    staff_id = data.caseworker(app)
    t0 = utcnow()
    application_id = data.closed_and_handed_over(app, staff_id, t0)
    assert purge(app, t0 + DAY).handed_over == 1
    data.reopened(app, application_id, staff_id)
    data.delivered(app, application_id, t0 + 2 * DAY)
    assert purge(app, t0 + PERIODS.applications + DAY).applications == 0  # open again

    data.decided(app, application_id, staff_id)
    # Decided again, the decision not yet delivered: kept, though the first hand-over is
    # older than the period by now.
    assert purge(app, t0 + 99 * DAY).applications == 0
    data.delivered(app, application_id, t0 + 100 * DAY)
    # The second decision is delivered; the purge finds it before its period has run.
    assert purge(app, t0 + 100 * DAY + PERIODS.applications - DAY).applications == 0
    assert data.exists(app, Application, application_id)
    assert purge(app, t0 + 100 * DAY + PERIODS.applications + DAY).applications == 1


def test_deleting_an_application_takes_what_hangs_on_it_and_nothing_else(app: Flask) -> None:
    staff_id = data.caseworker(app)
    t0 = utcnow()
    old = data.closed_and_handed_over(app, staff_id, t0 - PERIODS.applications - DAY)
    young = data.closed_and_handed_over(app, staff_id, t0)
    for application_id in (old, young):
        data.with_everything(app, application_id, staff_id, t0)
    young_before = data.hanging_on(app, young)
    assert all(young_before.values())

    assert purge(app, t0).applications == 1

    assert not data.exists(app, Application, old)
    assert set(data.hanging_on(app, old).values()) == {0}
    assert data.hanging_on(app, young) == young_before
    with database(app).transaction() as session:
        # Its audit rows stay for their own period, no longer pointing at it.
        unlinked = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.application_id.is_(None), AuditEvent.action != retention.AUDIT_ACTION
            )
        )
        assert sorted(unlinked) == ["decide", "view"]


def test_every_reference_to_an_application_goes_with_it_or_is_unlinked() -> None:
    references = {
        (table.name, fk.parent.name)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "application"
    }
    handled = {(model.__tablename__, column.key) for model, column in retention.DEPENDENTS}
    assert references == handled | {("audit_event", "application_id")}


def test_an_audit_row_about_an_application_still_in_the_portal_is_kept(app: Flask) -> None:
    staff_id = data.caseworker(app)
    t0 = utcnow()
    application_id = data.submitted(app)
    data.with_everything(app, application_id, staff_id, t0)
    purge(app, t0 + PERIODS.audit + DAY)
    assert data.hanging_on(app, application_id)["audit_event"] == 2
