"""The caseworker's side of an application's lifecycle: take the case, ask the citizen for
more, decide, reopen; the decision as stored; and the rules each step keeps, whose named
errors the view turns into a message (the citizen's side is portal.applications).

No Flask here: the functions take a SQLAlchemy session and a cipher, so tests and the CLI can
call them directly.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.crypto import DataCipher
from portal.db.models import Application, Status, StatusEvent, utcnow
from portal.outbox import queue as outbox
from portal.statuses import DECIDED, OPEN


class ApplicationError(Exception):
    """A lifecycle rule was broken; the view shows a message, never a 500."""


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
