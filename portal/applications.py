"""The citizen's side of the application's lifecycle: submit, read by status link, withdraw.
The caseworker's steps (take, ask for more, decide, reopen) and the decision are in
portal.lifecycle.

No Flask here: the functions take a SQLAlchemy session and a cipher, so tests and the CLI can
call them directly. Each transition checks its preconditions and raises a named error that
the view turns into a message.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, text
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
from portal.lifecycle import ApplicationError
from portal.outbox import queue as outbox
from portal.statuses import OPEN


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
