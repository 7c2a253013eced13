"""What the portal keeps, for how long, and `purge`, which deletes the rest.

README "Retention" is this module in words; `portal purge` runs it once a day. Each
municipality is the data controller, and its own case system is the archive, not the portal:
an application leaves the portal a set time after that system got the event of its closing
status (a decision or a withdrawal). It never leaves while it is open, nor while an event of
it waits, fails or is dead, nor when its municipality takes no events at all.

Safe from cron, also several runs at once: every step is a short transaction of its own, and
on PostgreSQL each first takes a transaction-scoped advisory lock, so two runs take turns
step by step and never count one row twice (SQLite's write transactions take turns anyway:
they begin IMMEDIATE). A run writes one audit row, with its counts and nothing else.
No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Exists, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from portal import mail_throttle, staff_auth
from portal.db import citizen_logins, drafts
from portal.db.engine import Database
from portal.db.models import (
    Application,
    ApplicationDocument,
    AuditEvent,
    CaseNote,
    LoginFailure,
    MailQuota,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    StaffSession,
    StatusEvent,
)
from portal.outbox import queue
from portal.statuses import CLOSED

# The key of the PostgreSQL advisory lock that purge runs take turns on (any fixed number).
LOCK_KEY = 104_104_104
# Applications deleted per transaction: few enough that a caseworker's write never waits long.
BATCH = 100
# The audit row of a run: it acts for every municipality, and no municipality has code 000.
EVERY_MUNICIPALITY = "000"
AUDIT_ACTION = "purge"
AUDIT_DETAIL = 200  # AuditEvent.detail

# Fixed periods, each set by what the rows are for (README "Retention").
DRAFTS = drafts.DRAFT_MAX_AGE  # the "continue later" link and the privacy page promise it
SENT_MESSAGES = queue.KEEP_SENT
LOGIN_FAILURES = staff_auth.ADDRESS_WINDOW  # the throttle reads nothing older
MAIL_COUNTERS = mail_throttle.WINDOW  # likewise the mail limits

# What hangs on an application and goes with it. Its audit rows stay for their own period,
# unlinked (tests/web/test_retention.py fails on a reference to an application not listed).
DEPENDENTS: tuple[tuple[type[Any], InstrumentedAttribute[Any]], ...] = (
    (StatusEvent, StatusEvent.application_id),
    (CaseNote, CaseNote.application_id),
    (ApplicationDocument, ApplicationDocument.application_id),
    (OutboxMessage, OutboxMessage.application_id),
)


@dataclass(frozen=True)
class Periods:
    """The periods a municipality may set (PORTAL_RETENTION_*_DAYS; defaults in README)."""

    applications: timedelta = timedelta(days=90)  # after the closing event was handed over
    audit: timedelta = timedelta(days=365)
    dead_messages: timedelta = timedelta(days=30)  # e-mails and notices, after they died
    staff_sessions: timedelta = timedelta(days=30)  # after the session ended


@dataclass
class Counts:
    """What one run did, step by step, in the order the steps run. Counts only."""

    drafts: int = 0
    handed_over: int = 0  # applications whose period started: marked, not deleted
    applications: int = 0
    outbox_sent: int = 0
    outbox_dead: int = 0
    audit: int = 0
    staff_sessions: int = 0
    login_failures: int = 0
    mail_counters: int = 0
    citizen_logins: int = 0

    def detail(self) -> str:
        return " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))


@dataclass(frozen=True)
class Run:
    db: Database
    periods: Periods
    receiving: Collection[str]  # the municipalities that take events (queue.purge)
    now: datetime
    run_id: str  # the audit row's request id, also printed by `portal purge`


class PurgeFailed(Exception):
    """A step failed. The steps before it stay done (each commits on its own); `audited`
    says whether the audit row with their counts could still be written."""

    def __init__(self, step: str, counts: Counts, audited: bool) -> None:
        super().__init__(step)
        self.step = step
        self.counts = counts
        self.audited = audited


def purge(run: Run) -> Counts:
    """Delete everything the retention table says has been kept long enough."""
    counts = Counts()
    for name, step in STEPS:
        try:
            setattr(counts, name, step(run))
        except SQLAlchemyError as err:
            raise PurgeFailed(name, counts, _try_record(run, counts, failed=name)) from err
    try:
        _record(run, counts)
    except SQLAlchemyError as err:
        raise PurgeFailed("audit row", counts, audited=False) from err
    return counts


@contextmanager
def _turn(db: Database) -> Iterator[Session]:
    """A write transaction of its own, begun once another run's current step has ended."""
    with db.transaction() as session:
        if db.backend == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        yield session


def _rows(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount)


# -- the steps ------------------------------------------------------------------------------


def _drafts(run: Run) -> int:
    with _turn(run.db) as session:
        return drafts.purge_drafts(session, run.now)


def _handed_over(run: Run) -> int:
    """Start the period of each closed application whose latest event the municipality's
    system has, while the outbox still holds that event (it deletes sent events after 30
    days): handed_over_at becomes the time it was delivered."""
    latest = aliased(OutboxMessage)
    delivered_at = (
        select(latest.delivered_at)
        .where(
            latest.id == _latest_event_id(),
            latest.state == OutboxState.DELIVERED,
            latest.event_status == Application.status,
        )
        .correlate(Application)
        .scalar_subquery()
    )
    with _turn(run.db) as session:
        result = session.execute(
            update(Application)
            .where(
                Application.status.in_(CLOSED),
                ~_undelivered(),
                delivered_at.is_not(None),
                or_(
                    Application.handed_over_at.is_(None),
                    Application.handed_over_at != delivered_at,
                ),
            )
            .values(handed_over_at=delivered_at)
            .execution_options(synchronize_session=False)
        )
        return _rows(result)


def _applications(run: Run) -> int:
    """Delete closed applications handed over longer ago than the period, in batches."""
    cutoff = run.now - run.periods.applications
    total = 0
    while True:
        with _turn(run.db) as session:
            # FOR UPDATE (PostgreSQL): a caseworker reopening one now is waited for, and
            # the reopened case no longer matches.
            ids = list(
                session.scalars(
                    select(Application.id)
                    .where(*_expired(cutoff))
                    .order_by(Application.id)
                    .limit(BATCH)
                    .with_for_update()
                )
            )
            deleted = _delete_applications(session, ids) if ids else 0
        total += deleted
        if len(ids) < BATCH or not deleted:
            return total


def _outbox_sent(run: Run) -> int:
    with _turn(run.db) as session:
        return queue.purge(session, run.now, run.receiving)


def _outbox_dead(run: Run) -> int:
    """Dead e-mails and notices (an admin could send them again meanwhile). A dead event
    for the municipality's system stays: its application is not handed over."""
    cutoff = run.now - run.periods.dead_messages
    died = func.coalesce(OutboxMessage.give_up_at, OutboxMessage.created_at)
    return _delete(
        run,
        delete(OutboxMessage).where(
            OutboxMessage.state == OutboxState.DEAD,
            OutboxMessage.kind != OutboxKind.DELIVERY,
            died < cutoff,
        ),
    )


def _audit(run: Run) -> int:
    """Old audit rows, except those of an application still in the portal: its case page
    shows who has seen it for as long as it is there."""
    cutoff = run.now - run.periods.audit
    return _delete(
        run,
        delete(AuditEvent).where(AuditEvent.at < cutoff, AuditEvent.application_id.is_(None)),
    )


def _staff_sessions(run: Run) -> int:
    cutoff = run.now - run.periods.staff_sessions
    return _delete(
        run,
        delete(StaffSession).where(
            or_(StaffSession.expires_at < cutoff, StaffSession.revoked_at < cutoff)
        ),
    )


def _login_failures(run: Run) -> int:
    return _delete(run, delete(LoginFailure).where(LoginFailure.at < run.now - LOGIN_FAILURES))


def _mail_counters(run: Run) -> int:
    # <=, as portal.mail_throttle: a counter is spent at the very end of its window.
    return _delete(run, delete(MailQuota).where(MailQuota.window_start <= run.now - MAIL_COUNTERS))


def _citizen_logins(run: Run) -> int:
    # Nothing of a MitID login is kept once it can no longer be used (its absolute end).
    with _turn(run.db) as session:
        return citizen_logins.purge_citizen_logins(session, run.now)


STEPS: tuple[tuple[str, Callable[[Run], int]], ...] = (
    ("drafts", _drafts),
    # Before the outbox's own purge, which deletes the delivered events that prove it.
    ("handed_over", _handed_over),
    ("applications", _applications),
    ("outbox_sent", _outbox_sent),
    ("outbox_dead", _outbox_dead),
    # After the applications, whose audit rows it unlinked.
    ("audit", _audit),
    ("staff_sessions", _staff_sessions),
    ("login_failures", _login_failures),
    ("mail_counters", _mail_counters),
    ("citizen_logins", _citizen_logins),
)


# -- applications -----------------------------------------------------------------------------


def _latest_event_id() -> Any:
    """The id of the application's latest event for its municipality's system: each status
    change writes one, so the latest carries the current status."""
    return (
        select(func.max(OutboxMessage.id))
        .where(
            OutboxMessage.application_id == Application.id,
            OutboxMessage.kind == OutboxKind.DELIVERY,
        )
        .correlate(Application)
        .scalar_subquery()
    )


def _undelivered() -> Exists:
    """An event of the application that waits, fails or is dead."""
    return (
        exists()
        .where(
            OutboxMessage.application_id == Application.id,
            OutboxMessage.kind == OutboxKind.DELIVERY,
            OutboxMessage.state != OutboxState.DELIVERED,
        )
        .correlate(Application)
    )


def _expired(cutoff: datetime) -> tuple[Any, ...]:
    # An event delivered after the recorded hand-over (a reopened case decided again, just
    # now): the period starts again from it at the next run.
    newer = (
        exists()
        .where(
            OutboxMessage.application_id == Application.id,
            OutboxMessage.kind == OutboxKind.DELIVERY,
            OutboxMessage.delivered_at > Application.handed_over_at,
        )
        .correlate(Application)
    )
    return (
        Application.status.in_(CLOSED),
        Application.handed_over_at < cutoff,
        ~_undelivered(),
        ~newer,
    )


def _delete_applications(session: Session, ids: list[int]) -> int:
    for model, column in DEPENDENTS:
        session.execute(delete(model).where(column.in_(ids)))
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.application_id.in_(ids))
        .values(application_id=None)
        .execution_options(synchronize_session=False)
    )
    return _rows(session.execute(delete(Application).where(Application.id.in_(ids))))


def _delete(run: Run, statement: Any) -> int:
    with _turn(run.db) as session:
        return _rows(session.execute(statement.execution_options(synchronize_session=False)))


# -- the audit row ----------------------------------------------------------------------------


def _record(run: Run, counts: Counts, failed: str | None = None) -> None:
    detail = counts.detail() + (f" failed={failed}" if failed else "")
    with run.db.transaction() as session:
        session.execute(
            insert(AuditEvent).values(
                staff_id=None,
                municipality_code=EVERY_MUNICIPALITY,
                action=AUDIT_ACTION,
                request_id=run.run_id,
                application_id=None,
                detail=detail[:AUDIT_DETAIL],
                at=run.now,
            )
        )


def _try_record(run: Run, counts: Counts, failed: str) -> bool:
    """The audit row of a run that failed: what it did is still recorded, if it can be."""
    try:
        _record(run, counts, failed)
    except SQLAlchemyError:
        return False
    return True
