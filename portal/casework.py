"""The municipality's queue and the case: every query scoped to one municipality.

No Flask. Another municipality's application is simply not found (the view answers 404),
so a guessed id tells nothing. Claiming is a conditional UPDATE that changes one row or none,
which is correct on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from portal import deadlines, ffb
from portal.applications import Outcome
from portal.cpr import masked as masked_cpr
from portal.db.models import (
    Application,
    AuditEvent,
    CaseNote,
    StaffUser,
    Status,
    StatusEvent,
    utcnow,
)
from portal.statuses import OPEN

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilter:
    status: Status | None = None
    mine: bool = False
    unassigned: bool = False
    cpr_index: str | None = None
    reference: str | None = None
    open_only: bool = False


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row's (received_at, id), so page 20,000 costs what page 1 does."""

    received_at: datetime
    id: int


def list_queue(
    session: Session, municipality: str, staff_id: int, where: QueueFilter,
    after: Cursor | None = None, limit: int = PAGE_SIZE,
) -> list[Application]:  # fmt: skip
    query = select(Application).where(Application.municipality_code == municipality)
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
    if where.open_only:
        query = query.where(Application.status.in_(OPEN))
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


class AlreadyClaimed(Exception):
    def __init__(self, holder: StaffUser | None) -> None:
        super().__init__("claimed by someone else")
        self.holder = holder


def claim(
    session: Session, municipality: str, application_id: int, staff_id: int, now: datetime
) -> None:
    """Take the case if nobody has it. Exactly one of two simultaneous claims wins."""
    result = session.execute(
        update(Application)
        .where(
            Application.id == application_id,
            Application.municipality_code == municipality,
            Application.assigned_to_id.is_(None),
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
    """GDPR art. 15: one person's applications in the municipality, and every action on them."""

    references: list[str]
    events: list[tuple[str, AuditEvent]]  # (reference, event): by application, then by time


def access_request(session: Session, municipality: str, cpr_index: str) -> AccessRequest:
    """Two queries whatever the number of applications: the applications, then every audit
    row of all of them, joined to their reference."""
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
    return AccessRequest(list(references), list(events))


def holder(session: Session, application: Application) -> StaffUser | None:
    """The caseworker who has the case, if anyone has."""
    if application.assigned_to_id is None:
        return None
    return session.get(StaffUser, application.assigned_to_id)


def claim_next(session: Session, municipality: str, staff_id: int, now: datetime) -> int | None:
    """Take the oldest received case nobody has; if another caseworker takes it first, the
    next one. None when the queue has nothing free."""
    for _ in range(10):
        candidate = session.scalar(
            select(Application.id)
            .where(
                Application.municipality_code == municipality,
                Application.assigned_to_id.is_(None),
                Application.status == Status.RECEIVED,
            )
            .order_by(Application.received_at, Application.id)
            .limit(1)
        )
        if candidate is None:
            return None
        try:
            claim(session, municipality, candidate, staff_id, now)
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


def staff_emails(session: Session, municipality: str) -> dict[int, str]:
    """The municipality's staff by id, to name who did what in a trail or an export."""
    rows = session.execute(
        select(StaffUser.id, StaffUser.email).where(StaffUser.municipality_code == municipality)
    ).tuples()
    return dict(rows.all())


# The queue ---------------------------------------------------------------------------------
# A row a caseworker can tell apart at a glance: who, for whom, what for, and how long.

# The stored answers keep their FFB codes whatever language the citizen used, so the needs are
# read from the codes: the kinds of difficulty, then what the person wishes. Two wishes share
# a code (keeping and learning skills); the first key names it.
NEED_KEYS: dict[str, str] = {
    **{code.code: key for key, code in reversed(ffb.WISH_CODES.items())},
    **{code.code: key for key, code in ffb.TARGET_GROUPS.items()},
}
# "The main needs in three or four words": two difficulties and one wish; the rest counted.
DIFFICULTIES_SHOWN = 2
WISHES_SHOWN = 1


@dataclass(frozen=True)
class QueueRow:
    application: Application
    name: str
    masked_cpr: str  # ddmmyy-xxxx; the page shows it only when asked
    applied_by: str  # "self", or the representative's relation: relative, guardian, helper
    difficulties: tuple[str, ...]  # at most two of physical, mental, social
    wishes: tuple[str, ...]  # at most one: social_contact, get_out, ...
    days: int
    holder: str | None  # the caseworker's e-mail
    deadline: date | None  # open cases, where the standard states a processing time
    overdue: bool
    due_soon: bool
    duplicates: tuple[tuple[int, str], ...]  # other open applications, same CPR: (id, reference)
    partly_granted: bool = False  # Status.GRANTED, but for less than was asked for
    more_needs: int = 0  # difficulties and wishes left out of the row


def needs(answers: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """What the application is about, in keys: the first two kinds of difficulty and the
    first wish, in the order the citizen chose them, and how many more were chosen."""
    found: dict[str, list[str]] = {"difficulties": [], "wishes": []}
    for row in answers:
        if row.get("field") in found:
            keys = [NEED_KEYS.get(str(c.get("code"))) for c in row.get("codes", ())]
            found[row["field"]].extend(k for k in keys if k and k not in found[row["field"]])
    difficulties = found["difficulties"][:DIFFICULTIES_SHOWN]
    wishes = found["wishes"][:WISHES_SHOWN]
    more = len(found["difficulties"]) + len(found["wishes"]) - len(difficulties) - len(wishes)
    return tuple(difficulties), tuple(wishes), more


def applied_by(person: dict[str, Any]) -> str:
    """A relative, guardian or helper applied; a caseworker's phone registration speaks of
    the citizen in the third person but is the citizen's own application."""
    if person.get("who", {}).get("who") != "other":
        return "self"
    return str(person.get("relation", {}).get("relation") or "self")


def open_duplicates(
    session: Session, municipality: str, applications: Sequence[Application]
) -> dict[int, tuple[tuple[int, str], ...]]:
    """For each open application on the page, the municipality's other open applications
    with the same CPR number: one query on the keyed digest, never the number itself."""
    digests = {a.cpr_index for a in applications if a.status in OPEN}
    if not digests:
        return {}
    same: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ident, reference, digest in session.execute(
        select(Application.id, Application.reference, Application.cpr_index)
        .where(
            Application.municipality_code == municipality,
            Application.status.in_(OPEN),
            Application.cpr_index.in_(digests),
        )
        .order_by(Application.received_at, Application.id)
    ).tuples():
        same[digest].append((ident, reference))
    return {
        a.id: tuple(other for other in same[a.cpr_index] if other[0] != a.id)
        for a in applications
        if a.status in OPEN and len(same[a.cpr_index]) > 1
    }


def is_partial_grant(cipher: Any, event: StatusEvent) -> bool:
    """A partial grant is stored as Status.GRANTED (a grant, with reasons and complaint
    guidance); only the decision in its status event says it is partial."""
    if event.status is not Status.GRANTED or not event.message_enc:
        return False
    note = cipher.decrypt(event.message_enc)
    decision = note.get("decision") if isinstance(note, dict) else None
    return isinstance(decision, dict) and decision.get("outcome") == Outcome.PARTLY_GRANTED


def partly_granted(session: Session, cipher: Any, applications: Sequence[Application]) -> set[int]:
    """Which of the granted applications were granted in part: one query for the grant
    events of them all; the latest grant of each is the one the case stands on."""
    granted = [a.id for a in applications if a.status is Status.GRANTED]
    if not granted:
        return set()
    events = session.scalars(
        select(StatusEvent)
        .where(StatusEvent.application_id.in_(granted), StatusEvent.status == Status.GRANTED)
        .order_by(StatusEvent.at, StatusEvent.id)
    )
    latest = {event.application_id: event for event in events}  # oldest first: the last wins
    return {ident for ident, event in latest.items() if is_partial_grant(cipher, event)}


def queue_rows(
    session: Session, cipher: Any, municipality: str, applications: Sequence[Application],
    now: datetime, processing_weeks: int | None,
) -> list[QueueRow]:  # fmt: skip
    """The page's rows: two small decryptions per row (the person and the answers; never the
    guidance), the caseworkers' e-mails, the duplicates and the partial grants in one query
    each."""
    holders = staff_emails(session, municipality)
    duplicates = open_duplicates(session, municipality, applications)
    partial = partly_granted(session, cipher, applications)
    today = deadlines.danish_date(now)
    rows = []
    for a in applications:
        person = cipher.decrypt(a.person_enc)
        cpr = str(person.get("identity", {}).get("cpr", ""))
        due = deadlines.due_date(a.received_at, processing_weeks)
        pending = a.status in OPEN
        difficulties, wishes, more = needs(cipher.decrypt(a.answers_enc))
        rows.append(QueueRow(
            application=a, name=str(person.get("identity", {}).get("full_name", "")),
            masked_cpr=masked_cpr(cpr), applied_by=applied_by(person),
            difficulties=difficulties, wishes=wishes, more_needs=more,
            days=(now - a.received_at).days,
            holder=holders.get(a.assigned_to_id) if a.assigned_to_id else None,
            deadline=due if pending else None,
            overdue=pending and deadlines.is_overdue(due, today),
            due_soon=pending and deadlines.is_due_soon(due, today),
            duplicates=duplicates.get(a.id, ()), partly_granted=a.id in partial,
        ))  # fmt: skip
    return rows
