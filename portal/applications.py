"""The application's lifecycle: submit, read by status link, withdraw.

No Flask here: the functions take a SQLAlchemy session and a cipher, so tests and the CLI can
call them directly. Each transition checks its preconditions and raises a named error that
the view turns into a message.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.crypto import DataCipher, token_digest
from portal.db.models import (
    Application,
    Channel,
    Draft,
    Status,
    StatusEvent,
    utcnow,
)
from portal.outbox import queue as outbox
from portal.statuses import DECIDED, OPEN


class ApplicationError(Exception):
    """A lifecycle rule was broken; the view shows a message, never a 500."""


class NotWithdrawable(ApplicationError):
    pass


@dataclass(frozen=True)
class Submission:
    """What the citizen gave, ready to store. `person` and `answers` are encrypted."""

    draft_key: str
    municipality_code: str
    standard_version: str
    cpr: str
    person: dict[str, Any]
    answers: list[dict[str, Any]]
    guidance: dict[str, Any]
    for_someone_else: bool
    channel: Channel = Channel.WEB
    registrar_id: int | None = None


@dataclass(frozen=True)
class Receipt:
    application: Application
    status_token: str
    representative_token: str | None


def find_by_draft_key(session: Session, draft_key: str) -> Application | None:
    return session.scalar(select(Application).where(Application.draft_key == draft_key))


# The year's counter (ReferenceCounter), raised by one in one atomic upsert, so concurrent
# submits never share a number. Text, written once: the same SQL serves SQLite (3.35+) and
# PostgreSQL, and SQLAlchemy caches its compiled form; the dialect's insert() with
# on_conflict_do_update() was built and compiled again on every submit (a sixth of its time).
_NEXT_REFERENCE = text(
    "INSERT INTO reference_counter (year, value) VALUES (:year, 1) "
    "ON CONFLICT (year) DO UPDATE SET value = reference_counter.value + 1 RETURNING value"
)
_DRAFT_KEY_USED = select(Application.id).where(Application.draft_key == bindparam("draft_key"))


def draft_key_used(session: Session, draft_key: str) -> bool:
    """Whether the draft has become an application: one keyed read of the id alone."""
    return session.scalar(_DRAFT_KEY_USED, {"draft_key": draft_key}) is not None


def next_reference(session: Session, now: datetime) -> str:
    """AS-<year>-<number>: one atomic upsert, so concurrent submits never share a number."""
    number = session.connection().execute(_NEXT_REFERENCE, {"year": now.year}).scalar_one()
    return f"AS-{now.year}-{number:06d}"


@dataclass(frozen=True)
class Prepared:
    """A submission made ready before its transaction: its links drawn and its personal data
    encrypted and indexed (`columns`, the application's own values). The slow part of a
    submit, done first so a write transaction holds its lock for the statements alone."""

    draft_key: str
    municipality_code: str
    channel: Channel
    columns: dict[str, Any]
    status_token: str
    representative_token: str | None


def prepare(
    cipher: DataCipher, submission: Submission, columns: Mapping[str, Any] | None = None
) -> Prepared:
    """Encrypt what the application stores and draw its links; no database. `columns`: more
    of the application's values to store with it (how the applicant was identified)."""
    status_token = secrets.token_urlsafe(16)
    # A representative gets a link of their own; a caseworker registering by phone does not.
    with_representative = submission.for_someone_else and submission.registrar_id is None
    rep_token = secrets.token_urlsafe(16) if with_representative else None
    person = {**submission.person, "links": {"status": status_token, "representative": rep_token}}
    values = {
        "draft_key": submission.draft_key,
        "municipality_code": submission.municipality_code,
        "status": Status.RECEIVED,
        "channel": submission.channel,
        "registrar_id": submission.registrar_id,
        "standard_version": submission.standard_version,
        "cpr_index": cipher.index(submission.cpr),
        "person_enc": cipher.encrypt(person),
        "answers_enc": cipher.encrypt(submission.answers),
        "guidance_enc": cipher.encrypt(submission.guidance),
        "status_token_digest": token_digest(status_token),
        "representative_token_digest": token_digest(rep_token) if rep_token else None,
        **(columns or {}),
    }
    return Prepared(submission.draft_key, submission.municipality_code, submission.channel,
                    values, status_token, rep_token)  # fmt: skip


def submit(
    session: Session, cipher: DataCipher, submission: Submission, *, looked_up: bool = False
) -> Receipt:
    """Store the application, its first status and its outbox message in the caller's
    transaction, and delete the draft. Idempotent on the draft key: a second call, even a
    concurrent one, returns the first call's application.

    `looked_up`: the caller has already found, in this transaction, that the draft key has no
    application, so the look is not made twice. A concurrent submit that commits after that
    look still loses at the insert (the unique draft key) and is answered below."""
    return store(session, cipher, prepare(cipher, submission), looked_up=looked_up)


# The draft as it was read, and only so: deleted by the statement that checks it is unchanged.
_CLAIM_DRAFT = delete(Draft).where(
    Draft.id == bindparam("draft_id"), Draft.answers_enc == bindparam("answers_enc")
)
_DELETE_DRAFT = delete(Draft).where(Draft.id == bindparam("draft_id"))


def claim_draft(session: Session, draft_key: str, answers_enc: str) -> bool:
    """Delete the draft if it still holds exactly the answers read before the transaction
    (`answers_enc`, whose every save is a new ciphertext). True: it was unchanged and not yet
    sent (a sent draft is deleted with its submit), and no other submit can take it now; the
    caller stores the application with `store(..., claimed=True)` in the same transaction.
    False: changed, sent or gone since it was read; nothing was written."""
    params = {"draft_id": draft_key, "answers_enc": answers_enc}
    return bool(session.connection().execute(_CLAIM_DRAFT, params).rowcount)


def store(
    session: Session, cipher: DataCipher, prepared: Prepared, *, looked_up: bool = False,
    claimed: bool = False,
) -> Receipt:  # fmt: skip
    """`submit`'s statements, for a `prepare`d submission. The draft goes first: every submit
    takes the draft's row before the application's key, in that order, so two submits of one
    draft on PostgreSQL wait for each other instead of deadlocking. `claimed`: the caller has
    already deleted it (claim_draft), which also means no application has its key yet."""
    if not claimed:
        existing = None if looked_up else find_by_draft_key(session, prepared.draft_key)
        if existing is not None:
            return receipt_for(cipher, existing)
        session.connection().execute(_DELETE_DRAFT, {"draft_id": prepared.draft_key})
    now = utcnow()
    application = Application(**prepared.columns, received_at=now, updated_at=now)
    if claimed:
        # The draft is this transaction's: no other submit can insert its key now (each
        # deletes the draft first, and waits for or misses this one), so no savepoint.
        _insert(session, application, now)
    else:
        try:
            with session.begin_nested():
                # Numbered inside the savepoint: a submit that loses the race for its draft
                # rolls its number back, so parallel clicks on one draft leave no gaps.
                _insert(session, application, now)
        except IntegrityError:
            # A concurrent submit of the same draft won the race; theirs is the application.
            winner = find_by_draft_key(session, prepared.draft_key)
            if winner is None:
                raise
            return receipt_for(cipher, winner)
    session.add(StatusEvent(application_id=application.id, status=Status.RECEIVED, at=now,
                            actor="citizen"))  # fmt: skip
    outbox.add_event(session, application.id, application.municipality_code,
                     "application.submitted", Status.RECEIVED.value)  # fmt: skip
    session.flush()
    return Receipt(application, prepared.status_token, prepared.representative_token)


def _insert(session: Session, application: Application, now: datetime) -> None:
    application.reference = next_reference(session, now)
    session.add(application)
    session.flush()


def receipt_for(cipher: DataCipher, application: Application) -> Receipt:
    links = cipher.decrypt(application.person_enc).get("links", {})
    return Receipt(application, links["status"], links.get("representative"))


def find_by_status_token(session: Session, token: str) -> tuple[Application, bool] | None:
    """The application a status link opens, and whether it is the representative's link."""
    digest = token_digest(token)
    application = session.scalar(
        select(Application).where(Application.status_token_digest == digest)
    )
    if application is not None:
        return application, False
    application = session.scalar(
        select(Application).where(Application.representative_token_digest == digest)
    )
    return (application, True) if application is not None else None


def history(session: Session, application: Application) -> list[StatusEvent]:
    return list(
        session.scalars(
            select(StatusEvent)
            .where(StatusEvent.application_id == application.id)
            .order_by(StatusEvent.at, StatusEvent.id)
        )
    )


def withdraw(session: Session, application: Application, by_representative: bool) -> None:
    if application.status not in OPEN:
        raise NotWithdrawable(application.status.value)
    now = utcnow()
    application.status = Status.WITHDRAWN
    application.updated_at = now
    actor = "representative" if by_representative else "citizen"
    session.add(StatusEvent(application_id=application.id, status=Status.WITHDRAWN, at=now,
                            actor=actor))  # fmt: skip
    outbox.add_event(session, application.id, application.municipality_code,
                     "application.withdrawn", Status.WITHDRAWN.value)  # fmt: skip
    session.flush()


class NotAssigned(ApplicationError):
    """Only the caseworker who has taken the case may act on it."""


class WrongStatus(ApplicationError):
    """The action does not fit the application's status (e.g. deciding a withdrawn case)."""


class Outcome(enum.StrEnum):
    """What the municipality decided. A partial grant is a grant (Status.GRANTED) that gives
    less than was asked for, so, like a refusal, it needs reasons and complaint guidance."""

    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


@dataclass(frozen=True)
class Decision:
    """A decision as stored (`asdict`) in its status event.

    `granted` is what decisions stored before partial grants carry, and all older readers
    look at; it stays, true for any grant. `outcome` says which grant; it is derived from
    `granted` when missing (a stored decision from before). `complaint` is the complaint
    guidance given with a decision that is not a full grant (portal.decisions), kept with
    the decision so its letter never changes when a standard does.
    """

    granted: bool
    decided_on: str  # ISO date of the decision
    reasons: str = ""
    offer: str = ""
    days_per_week: int | None = None
    day_length: str = ""
    transport: bool | None = None
    outcome: Outcome | None = None
    complaint: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.outcome is None:
            derived = Outcome.GRANTED if self.granted else Outcome.REFUSED
            object.__setattr__(self, "outcome", derived)
        else:
            object.__setattr__(self, "outcome", Outcome(self.outcome))
        if self.granted != (self.outcome is not Outcome.REFUSED):
            raise ValueError("granted must agree with the outcome")

    @classmethod
    def made(cls, outcome: Outcome, decided_on: str, **details: Any) -> Decision:
        return cls(outcome is not Outcome.REFUSED, decided_on, outcome=outcome, **details)

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Decision:
        """A decision read back from its event, whichever version stored it."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in stored.items() if k in known})

    @property
    def fully_granted(self) -> bool:
        return self.outcome is Outcome.GRANTED

    @property
    def status(self) -> Status:
        return Status.GRANTED if self.granted else Status.REFUSED

    @property
    def decided_date(self) -> date:
        return date.fromisoformat(self.decided_on)

    def stored(self) -> dict[str, Any]:
        return {**asdict(self), "outcome": str(self.outcome)}


def _staff_event(
    session: Session, cipher: DataCipher, application: Application, staff_id: int,
    status: Status, note: dict[str, Any] | None,
) -> None:  # fmt: skip
    now = utcnow()
    application.status = status
    application.updated_at = now
    session.add(StatusEvent(
        application_id=application.id, status=status, at=now, actor="staff", staff_id=staff_id,
        message_enc=cipher.encrypt(note) if note else None,
    ))  # fmt: skip
    outbox.add_event(session, application.id, application.municipality_code,
                     "application.status_changed", status.value)  # fmt: skip
    session.flush()


class Changed(ApplicationError):
    """The case has changed since the page the caseworker acted from was shown: they would
    act on a case they have not seen as it is."""


def status_count(session: Session, application: Application) -> int:
    """How many status changes the case has had. A case page carries it in its action forms;
    every change adds one and none is ever removed, so a post from a page shown before any
    change carries a smaller number than the case has now."""
    counted = select(func.count()).where(StatusEvent.application_id == application.id)
    return int(session.scalar(counted) or 0)


def _check(
    session: Session, application: Application, staff_id: int, allowed: Collection[Status],
    seen: int | None,
) -> None:  # fmt: skip
    """The holder, a fitting status, and (`seen`, given by a form) the case as it was shown.
    In that order: a second click of one decision is told that the case is decided. The row
    is read again under a lock first (PostgreSQL; SQLite's writers take turns anyway), so of
    two posts at once the second sees what the first did instead of deciding it again."""
    session.flush()  # the caller's own changes first: a refresh would drop them
    session.refresh(application, with_for_update=True)
    if application.assigned_to_id != staff_id:
        raise NotAssigned(application.reference)
    if application.status not in allowed:
        raise WrongStatus(application.status.value)
    if seen is not None and seen != status_count(session, application):
        raise Changed(application.reference)


def start_work(
    session: Session, cipher: DataCipher, application: Application, staff_id: int
) -> None:
    """Taking a received case puts it under way; the citizen's status page says so."""
    if application.status is Status.RECEIVED and application.assigned_to_id == staff_id:
        _staff_event(session, cipher, application, staff_id, Status.IN_PROGRESS, None)


def request_information(
    session: Session, cipher: DataCipher, application: Application, staff_id: int, message: str,
    seen: int | None = None,
) -> None:  # fmt: skip
    _check(session, application, staff_id, OPEN, seen)
    _staff_event(session, cipher, application, staff_id, Status.AWAITING_CITIZEN, {"text": message})


def decide(
    session: Session,
    cipher: DataCipher,
    application: Application,
    staff_id: int,
    decision: Decision,
    seen: int | None = None,
) -> None:
    _check(session, application, staff_id, OPEN, seen)
    _staff_event(
        session, cipher, application, staff_id, decision.status, {"decision": decision.stored()}
    )


def reopen(
    session: Session, cipher: DataCipher, application: Application, staff_id: int, reason: str,
    seen: int | None = None,
) -> None:  # fmt: skip
    # A decided case only: a withdrawn application is the citizen's to withdraw, and a case
    # reopened from it could be decided, sending a letter about what nobody applies for.
    _check(session, application, staff_id, DECIDED, seen)
    _staff_event(
        session,
        cipher,
        application,
        staff_id,
        Status.IN_PROGRESS,
        {"text": reason, "internal": True},
    )
