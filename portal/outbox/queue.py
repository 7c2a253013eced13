"""Writing, leasing and settling outbox messages: correct with many workers at once.

A worker leases one due message in a short transaction of its own (PostgreSQL: FOR UPDATE
SKIP LOCKED, so workers pass each other by; SQLite: the write transaction begins IMMEDIATE,
so leases are taken one at a time), sends it with no transaction open, then settles it in
another short transaction. The lease is a random token and an expiry (kept in
`next_attempt_at`): a worker that dies mid-send loses the message to the next worker when the
lease runs out, and its late answer is ignored because its token no longer matches. So a
message can reach a receiver twice, never at the same time, and the receiver deduplicates on
its id (the webhook-id).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select, true, update
from sqlalchemy.orm import Session

from portal.crypto import DataCipher
from portal.db.models import Application, DeliveryTarget, OutboxKind, OutboxMessage, OutboxState

# The event whose answer names the municipality's case; later events' answers do not.
SUBMITTED = "application.submitted"
DUE_STATES = (OutboxState.PENDING, OutboxState.FAILED, OutboxState.SENDING)
UNDELIVERED = (OutboxState.PENDING, OutboxState.FAILED, OutboxState.SENDING, OutboxState.DEAD)
EVENT_TOPICS = ("application.submitted", "application.status_changed", "application.withdrawn")


@dataclass(frozen=True)
class Policy:
    """Retry timing. Defaults from the issue: 1 minute doubling up to 6 hours, dead after 3
    days, and a 5 minute lease (longer than any send: the HTTP and SMTP timeouts are 30 s)."""

    first_retry: timedelta = timedelta(minutes=1)
    longest_retry: timedelta = timedelta(hours=6)
    give_up_after: timedelta = timedelta(days=3)
    lease: timedelta = timedelta(minutes=5)

    def backoff(self, attempts: int, retry_after: float | None, rng: random.Random) -> timedelta:
        """Exponential with jitter, so workers that failed together do not return together;
        a receiver's Retry-After is a floor (capped at the longest wait)."""
        # Capped exponent: after a few dozen attempts 2**n overflows a timedelta.
        base = min(self.longest_retry, self.first_retry * 2 ** min(30, max(0, attempts - 1)))
        # The jitter goes up from the step, so no retry comes before the first minute; at the
        # top of the ladder it goes down from the longest wait, which is never exceeded.
        if base < self.longest_retry:
            wait: timedelta = min(self.longest_retry, base + base / 2 * rng.random())
        else:
            wait = base - base / 4 * rng.random()
        if retry_after is not None:
            wait = max(wait, min(self.longest_retry, timedelta(seconds=max(0.0, retry_after))))
        return wait


@dataclass(frozen=True)
class Outcome:
    """How one attempt went. `error` is shown to admins: never personal data."""

    delivered: bool
    error: str | None = None
    retry_after: float | None = None
    receiver_reference: str | None = None
    gone: bool = False  # the receiver answered 410: switch the target off

    @classmethod
    def ok(cls, receiver_reference: str | None = None) -> Outcome:
        return cls(True, receiver_reference=receiver_reference)

    @classmethod
    def failed(cls, error: str, retry_after: float | None = None) -> Outcome:
        return cls(False, error=error[:300], retry_after=retry_after)


@dataclass(frozen=True)
class Leased:
    """A message a worker holds; plain values, so no session stays open while it sends."""

    id: int
    lease: str
    kind: OutboxKind
    topic: str
    municipality_code: str | None
    application_id: int | None
    event_status: str | None
    payload_enc: str | None
    body_enc: str | None
    attempts: int
    created_at: datetime


# -- writing ------------------------------------------------------------------------------


def add_event(
    session: Session, application_id: int, municipality_code: str, topic: str, status: str
) -> OutboxMessage:
    if topic not in EVENT_TOPICS:
        raise ValueError(f"unknown event topic {topic}")
    message = OutboxMessage(
        kind=OutboxKind.DELIVERY,
        topic=topic,
        municipality_code=municipality_code,
        application_id=application_id,
        event_status=status,
    )
    session.add(message)
    return message


def add_mail(
    session: Session, cipher: DataCipher, *, municipality_code: str | None, topic: str, to: str,
    subject: str, body: str, application_id: int | None = None,
    kind: OutboxKind = OutboxKind.MAIL,
) -> OutboxMessage:  # fmt: skip
    """An e-mail, encrypted at rest like the rest of the citizen's data: the address and the
    links in the body are personal."""
    message = OutboxMessage(
        kind=kind,
        topic=topic,
        municipality_code=municipality_code,
        application_id=application_id,
        payload_enc=cipher.encrypt({"to": to, "subject": subject, "body": body}),
    )
    session.add(message)
    return message


# -- leasing and settling -----------------------------------------------------------------


def _eligible(push_codes: Collection[str], mail: bool) -> Any:
    disabled = select(DeliveryTarget.municipality_code).where(
        DeliveryTarget.disabled_at.is_not(None)
    )
    deliveries = and_(
        OutboxMessage.kind == OutboxKind.DELIVERY,
        OutboxMessage.municipality_code.in_(list(push_codes)) if push_codes else false(),
        OutboxMessage.municipality_code.not_in(disabled),
    )
    if not mail:
        return deliveries
    return or_(deliveries, OutboxMessage.kind.in_([OutboxKind.MAIL, OutboxKind.NOTICE]))


def lease_next(
    session: Session, now: datetime, policy: Policy, push_codes: Collection[str], mail: bool
) -> Leased | None:
    """Take the next due message, in the caller's (short, write) transaction."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.state.in_(DUE_STATES),
            OutboxMessage.next_attempt_at <= now,
            _eligible(push_codes, mail),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = session.scalars(query).first()
    if message is None:
        return None
    token = secrets.token_hex(16)
    message.state = OutboxState.SENDING
    message.lease = token
    message.attempts += 1
    message.next_attempt_at = now + policy.lease
    if message.give_up_at is None:
        message.give_up_at = now + policy.give_up_after
    session.flush()
    return Leased(
        id=message.id,
        lease=token,
        kind=message.kind,
        topic=message.topic,
        municipality_code=message.municipality_code,
        application_id=message.application_id,
        event_status=message.event_status,
        payload_enc=message.payload_enc,
        body_enc=message.body_enc,
        attempts=message.attempts,
        created_at=message.created_at,
    )


def held(session: Session, leased: Leased) -> OutboxMessage | None:
    """The message, if this worker's lease still holds it."""
    message = session.get(OutboxMessage, leased.id)
    if message is None or message.lease != leased.lease:
        return None
    return message


def settle(
    session: Session, leased: Leased, outcome: Outcome, now: datetime, policy: Policy,
    rng: random.Random,
) -> OutboxState | None:  # fmt: skip
    """Record the attempt; None when the lease was lost (another worker has the message)."""
    message = held(session, leased)
    if message is None:
        return None
    message.lease = None
    if outcome.delivered:
        message.state = OutboxState.DELIVERED
        message.delivered_at = now
        message.last_error = None
        message.receiver_reference = outcome.receiver_reference
        if message.kind is not OutboxKind.DELIVERY:
            message.payload_enc = None  # a sent e-mail's address and text are not kept
        if message.topic == SUBMITTED:
            note_case_number(session, message.application_id, outcome.receiver_reference)
        return message.state
    message.last_error = outcome.error
    if outcome.gone and message.municipality_code:
        disable_target(session, message.municipality_code, outcome.error or "410 Gone", now)
    give_up_at = message.give_up_at or now
    if now >= give_up_at:
        message.state = OutboxState.DEAD
        return message.state
    wait = policy.backoff(message.attempts, outcome.retry_after, rng)
    message.state = OutboxState.FAILED
    # One last attempt at the limit rather than none after it.
    message.next_attempt_at = min(now + wait, give_up_at)
    return message.state


def note_case_number(session: Session, application_id: int | None, case: str | None) -> None:
    """Keep the case number the municipality's system gave on receiving the application (its
    answer to application.submitted) on the application, which outlives the message."""
    if application_id is None or not case:
        return
    session.execute(
        update(Application)
        .where(Application.id == application_id, Application.case_number.is_(None))
        .values(case_number=case[:100])
        .execution_options(synchronize_session=False)
    )


def disable_target(session: Session, code: str, reason: str, now: datetime) -> None:
    target = session.get(DeliveryTarget, code) or DeliveryTarget(municipality_code=code)
    target.disabled_at = now
    target.disabled_reason = reason[:300]
    session.add(target)


def enable_target(session: Session, code: str, now: datetime) -> None:
    """An admin switched the receiver on again: what waited for it is due now."""
    target = session.get(DeliveryTarget, code)
    if target is not None:
        target.disabled_at = None
        target.disabled_reason = None
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.municipality_code == code,
            OutboxMessage.kind == OutboxKind.DELIVERY,
            OutboxMessage.state.in_((OutboxState.PENDING, OutboxState.FAILED)),
        )
        .values(next_attempt_at=now)
    )


def send_again(
    session: Session, message_id: int, municipality_code: str, now: datetime, policy: Policy
) -> bool:
    """An admin's "send again" for a failed or dead message of their own municipality: due
    now, with a fresh retry limit. False when there is no such message."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.municipality_code == municipality_code,
            OutboxMessage.state.in_((OutboxState.FAILED, OutboxState.DEAD)),
        )
        .values(
            state=OutboxState.PENDING, next_attempt_at=now, give_up_at=now + policy.give_up_after
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


KEEP_SENT = timedelta(days=30)


def purge(session: Session, now: datetime, receiving: Collection[str]) -> int:
    """Delete what was sent more than 30 days ago, and the events of municipalities that take
    none (`receiving`: the codes with a receiver or an API token) once 30 days old; failing
    and dead messages stay for the admins. Returns how many went."""
    cutoff = now - KEEP_SENT
    sent = and_(OutboxMessage.state == OutboxState.DELIVERED, OutboxMessage.delivered_at < cutoff)
    unwanted = and_(
        OutboxMessage.kind == OutboxKind.DELIVERY,
        OutboxMessage.state == OutboxState.PENDING,
        OutboxMessage.created_at < cutoff,
        or_(
            OutboxMessage.municipality_code.not_in(list(receiving)) if receiving else true(),
            OutboxMessage.municipality_code.is_(None),
        ),
    )
    result = session.execute(delete(OutboxMessage).where(or_(sent, unwanted)))
    return int(result.rowcount)  # type: ignore[attr-defined]


# -- looking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    undelivered: int
    failing: int
    dead: int
    oldest: datetime | None  # created_at of the oldest undelivered message


def awaited(receiving: Collection[str]) -> ColumnElement[bool]:
    """Messages someone waits for: every e-mail, and the events of municipalities that take
    events (`receiving`). The others' events are kept a while, but nobody is behind on them."""
    deliveries = OutboxMessage.municipality_code.in_(list(receiving)) if receiving else false()
    return or_(OutboxMessage.kind != OutboxKind.DELIVERY, deliveries)


def backlog(
    session: Session, municipality_code: str | None = None,
    receiving: Collection[str] | None = None,
) -> Backlog:  # fmt: skip
    """What has not left yet: for one municipality (its admins) or all. With `receiving`,
    only what someone waits for (see `awaited`)."""
    scope: list[ColumnElement[bool]] = [OutboxMessage.state.in_(UNDELIVERED)]
    if receiving is not None:
        scope.append(awaited(receiving))
    if municipality_code is not None:
        scope.append(OutboxMessage.municipality_code == municipality_code)
    counts = dict(
        session.execute(
            select(OutboxMessage.state, func.count()).where(*scope).group_by(OutboxMessage.state)
        )
        .tuples()
        .all()
    )
    oldest = session.scalar(select(func.min(OutboxMessage.created_at)).where(*scope))
    return Backlog(
        undelivered=sum(counts.values()),
        failing=counts.get(OutboxState.FAILED, 0),
        dead=counts.get(OutboxState.DEAD, 0),
        oldest=oldest,
    )


def troubled(session: Session, municipality_code: str, limit: int = 100) -> list[OutboxMessage]:
    """Failing and dead messages, dead first (sorted by name: dead < failed), oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.municipality_code == municipality_code,
                OutboxMessage.state.in_((OutboxState.FAILED, OutboxState.DEAD)),
            )
            .order_by(OutboxMessage.state, OutboxMessage.created_at, OutboxMessage.id)
            .limit(limit)
        )
    )
