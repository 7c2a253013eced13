"""The municipality's queue and the case: every query scoped to one municipality.

No Flask. Another municipality's application is simply not found (the view answers 404),
so a guessed id tells nothing. Claiming is a conditional UPDATE that changes one row or none,
which is correct on PostgreSQL and SQLite alike. A case held by a deactivated account counts as
held by nobody, so no case is ever stuck with someone who can no longer log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session, load_only

from portal.db.models import (
    Application,
    AuditEvent,
    CaseNote,
    StaffUser,
    Status,
    utcnow,
)
from portal.statuses import OPEN

PAGE_SIZE = 50

# What a queue row shows or is built from (portal.queue_rows): not the guidance, which is
# most of a row's bytes (25 kB of 31 kB in the load benchmark's applications), nor the tokens'
# digests. Any other column read from a queue row raises instead of loading quietly, one
# statement per row.
QUEUE_COLUMNS = (
    Application.id, Application.reference, Application.status, Application.channel,
    Application.received_at, Application.cpr_index, Application.person_enc,
    Application.answers_enc, Application.assigned_to_id, Application.identified_by,
    Application.identified_level, Application.authority_verified,
    Application.fuldmagt_privilege, Application.submitter_index, Application.registrar_id,
)  # fmt: skip


@dataclass(frozen=True)
class QueueFilter:
    status: Status | None = None
    mine: bool = False
    unassigned: bool = False
    cpr_index: str | None = None
    reference: str | None = None
    reference_number: int | None = None  # the number after the year, in any year
    open_only: bool = False
    ids: tuple[int, ...] | None = None  # a search's hits, shown again after its redirect


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row's (received_at, id), so page 20,000 costs what page 1 does."""

    received_at: datetime
    id: int


def list_queue(
    session: Session, municipality: str, staff_id: int, where: QueueFilter,
    after: Cursor | None = None, limit: int = PAGE_SIZE,
) -> list[Application]:  # fmt: skip
    query = (
        select(Application)
        .options(load_only(*QUEUE_COLUMNS, raiseload=True))
        .where(Application.municipality_code == municipality)
    )
    if where.status is not None:
        query = query.where(Application.status == where.status)
    if where.mine:
        query = query.where(Application.assigned_to_id == staff_id)
    if where.unassigned:
        query = query.where(Application.assigned_to_id.is_(None))
    if where.cpr_index:
        query = query.where(Application.cpr_index == where.cpr_index)
    if where.reference:
        query = query.where(Application.reference == where.reference)
    if where.reference_number is not None:
        query = query.where(Application.reference.like(f"AS-%-{where.reference_number:06d}"))
    if where.open_only:
        query = query.where(Application.status.in_(OPEN))
    if where.ids is not None:
        query = query.where(Application.id.in_(where.ids))
    if after is not None:
        query = query.where(
            or_(
                Application.received_at > after.received_at,
                and_(Application.received_at == after.received_at, Application.id > after.id),
            )
        )
    query = query.order_by(Application.received_at, Application.id).limit(limit)
    return list(session.scalars(query))


def get_application(session: Session, municipality: str, application_id: int) -> Application | None:
    return session.scalar(
        select(Application).where(
            Application.id == application_id, Application.municipality_code == municipality
        )
    )


def free_to_take() -> ColumnElement[bool]:
    """Nobody can work on the case: it has no holder, or its holder's account is deactivated
    (deactivation releases the open cases, but not those of accounts deactivated before it
    did). Inside the claim's UPDATE, PostgreSQL re-checks this on the row a simultaneous
    winner wrote; the winner is active, so the second claim changes nothing."""
    inactive = select(StaffUser.id).where(StaffUser.is_active.is_(False))
    return or_(Application.assigned_to_id.is_(None), Application.assigned_to_id.in_(inactive))


class AlreadyClaimed(Exception):
    def __init__(self, holder: StaffUser | None) -> None:
        super().__init__("claimed by someone else")
        self.holder = holder


def claim(
    session: Session, municipality: str, application_id: int, staff_id: int, now: datetime,
    only: tuple[Status, ...] | None = None,
) -> None:  # fmt: skip
    """Take the case if nobody has it (and, with `only`, while its status is one of those).
    Exactly one of two simultaneous claims wins."""
    still = (Application.status.in_(only),) if only is not None else ()
    result = session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.municipality_code == municipality,
            free_to_take(),
            *still,
        )
        .values(assigned_to_id=staff_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        # A column query, not the session's copy of the application: that copy may have been
        # read before the winner's claim and would name nobody as the holder.
        holder_id = session.scalar(
            select(Application.assigned_to_id).where(
                Application.id == application_id, Application.municipality_code == municipality
            )
        )
        if holder_id == staff_id:
            return
        raise AlreadyClaimed(session.get(StaffUser, holder_id) if holder_id else None)


def release(
    session: Session, municipality: str, application_id: int, staff_id: int, now: datetime
) -> bool:
    result = session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.municipality_code == municipality,
            Application.assigned_to_id == staff_id,
        )
        .values(assigned_to_id=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def release_open_cases(
    session: Session, municipality: str, staff_id: int, now: datetime
) -> list[int]:
    """Put every open case of a caseworker back in the queue (when their account is
    deactivated); the ids of the cases released, one audit row each. A decided case keeps its
    caseworker: that is who decided it."""
    released = session.scalars(
        update(Application)
        .where(
            Application.municipality_code == municipality,
            Application.assigned_to_id == staff_id,
            Application.status.in_(OPEN),
        )
        .values(assigned_to_id=None, updated_at=now)
        .returning(Application.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(released)


def open_cases_held(session: Session, municipality: str) -> dict[int, int]:
    """How many open cases each of the municipality's staff holds, by staff id."""
    rows = session.execute(
        select(Application.assigned_to_id, func.count())
        .where(
            Application.municipality_code == municipality,
            Application.assigned_to_id.is_not(None),
            Application.status.in_(OPEN),
        )
        .group_by(Application.assigned_to_id)
    ).tuples()
    return {staff_id: count for staff_id, count in rows if staff_id is not None}


@dataclass(frozen=True)
class AuditRecord:
    staff_id: int
    municipality_code: str
    action: str
    request_id: str
    application_id: int | None = None
    detail: str | None = None
    at: datetime | None = None


def write_audit(engine: Engine, records: list[AuditRecord]) -> None:
    """Write audit rows on a connection of their own, committed at once. The web layer calls
    this after the request's own transaction has committed or rolled back, so a rollback
    cannot take them along and, on SQLite, they never wait for the request's write lock."""
    if not records:
        return
    with engine.begin() as conn:
        conn.execute(
            insert(AuditEvent),
            [
                {
                    "staff_id": r.staff_id, "municipality_code": r.municipality_code,
                    "action": r.action, "request_id": r.request_id,
                    "application_id": r.application_id, "detail": r.detail,
                    "at": r.at or utcnow(),
                }
                for r in records
            ],
        )  # fmt: skip


def audit_trail(session: Session, municipality: str, application_id: int) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.application_id == application_id,
                AuditEvent.municipality_code == municipality,
            )
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )


@dataclass(frozen=True)
class AccessRequest:
    """GDPR art. 15: one person's applications in the municipality, every action on them, and
    every action about the person with no application to it (a CPR search, an access request)."""

    references: list[str]
    events: list[tuple[str, AuditEvent]]  # (reference, event): by application, then by time
    about_person: list[AuditEvent]  # by time


def access_request(
    session: Session, municipality: str, cpr_index: str, person_ref: str
) -> AccessRequest:
    """Three queries whatever the number of applications: the applications, every audit row
    of all of them joined to their reference, and the rows whose detail names the person
    (`person_ref`, as the web layer writes it: a search for the CPR number, whether it found
    anything or not, and an earlier access request)."""
    mine = (Application.municipality_code == municipality, Application.cpr_index == cpr_index)
    references = session.scalars(
        select(Application.reference).where(*mine).order_by(Application.id)
    )
    events = session.execute(
        select(Application.reference, AuditEvent)
        .join(AuditEvent, AuditEvent.application_id == Application.id)
        .where(*mine, AuditEvent.municipality_code == municipality)
        .order_by(Application.id, AuditEvent.at, AuditEvent.id)
    ).tuples()
    about_person = session.scalars(about_person_query(municipality, person_ref))
    return AccessRequest(list(references), list(events), list(about_person))


def about_person_query(municipality: str, person_ref: str) -> Select[tuple[AuditEvent]]:
    """The audit rows about the person with no application to them. ix_audit_event_person
    answers it in index order; a test reads the query plan of this very statement."""
    return (
        select(AuditEvent)
        .where(AuditEvent.municipality_code == municipality, AuditEvent.detail == person_ref)
        .order_by(AuditEvent.at, AuditEvent.id)
    )


def holder(session: Session, application: Application) -> StaffUser | None:
    """The caseworker who has the case, if anyone has: a deactivated account holds nothing."""
    if application.assigned_to_id is None:
        return None
    user = session.get(StaffUser, application.assigned_to_id)
    return user if user is not None and user.is_active else None


def claim_next(session: Session, municipality: str, staff_id: int, now: datetime) -> int | None:
    """Take the oldest open case nobody has, whatever its open status: a new one, one its
    caseworker let go, or one left waiting for the citizen's answer when its caseworker's
    account was deactivated. If another caseworker takes it first, the next one. None when
    the queue has nothing free."""
    for _ in range(10):
        candidate = session.scalar(
            select(Application.id)
            .where(
                Application.municipality_code == municipality,
                free_to_take(),
                Application.status.in_(OPEN),
            )
            .order_by(Application.received_at, Application.id)
            .limit(1)
        )
        if candidate is None:
            return None
        try:
            # Still open: the citizen may withdraw it between the look and the claim.
            claim(session, municipality, candidate, staff_id, now, only=OPEN)
        except AlreadyClaimed:
            continue
        return candidate
    return None


def add_note(
    session: Session, cipher: Any, application: Application, staff_id: int, text: str, now: datetime
) -> None:
    session.add(CaseNote(application_id=application.id, staff_id=staff_id, at=now,
                         text_enc=cipher.encrypt(text)))  # fmt: skip
    session.flush()


def notes(session: Session, application: Application) -> list[CaseNote]:
    return list(
        session.scalars(
            select(CaseNote)
            .where(CaseNote.application_id == application.id)
            .order_by(CaseNote.at, CaseNote.id)
        )
    )


def staff_emails(session: Session, municipality: str, active_only: bool = False) -> dict[int, str]:
    """The municipality's staff by id, to name who did what in a trail or an export; with
    `active_only`, who can hold a case now (a deactivated account holds nothing)."""
    query = select(StaffUser.id, StaffUser.email).where(StaffUser.municipality_code == municipality)
    if active_only:
        query = query.where(StaffUser.is_active.is_(True))
    return dict(session.execute(query).tuples().all())
