"""The typed ORM models. Alembic migrations, not these classes, create the schema.

Every column holding data encrypted with PORTAL_DATA_KEYS (a Fernet token from
portal.crypto.DataCipher) is named `*_enc`: `portal rotate-keys` re-encrypts exactly those.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, UTCDateTime

# The largest id an INTEGER column holds (32 bits, as on PostgreSQL): ids from a URL or a form
# beyond it are refused before they reach the database, which would answer with an error.
ROW_ID_MAX = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class StaffRole(enum.StrEnum):
    CASEWORKER = "caseworker"
    ADMIN = "admin"


class StaffUser(Base):
    """A caseworker or admin; belongs to exactly one municipality."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint("length(municipality_code) = 3", name="municipality_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(3), index=True)
    # Stored lower-cased so that login and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(
        Enum(
            StaffRole,
            name="staff_role",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    # Someone else made the password and saw it (an admin, the operator): its holder chooses
    # their own at the next login, before any page opens.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=func.now()
    )
    # Consecutive failed logins; reset by a successful login or an admin's unlock.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # TOTP second factor: the secret (encrypted), one waiting for confirmation during
    # enrolment, and the last time step used, so a code cannot be used twice.
    totp_secret_enc: Mapped[str | None] = mapped_column(Text)
    totp_pending_enc: Mapped[str | None] = mapped_column(Text)
    totp_last_step: Mapped[int | None] = mapped_column()


class Channel(enum.StrEnum):
    """How the application reached the municipality."""

    WEB = "web"
    PHONE = "phone"
    COUNTER = "counter"
    LETTER = "letter"


class Status(enum.StrEnum):
    """The application's place in the municipality's queue."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_CITIZEN = "awaiting_citizen"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


def _str_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class Draft(Base):
    """Answers not yet submitted. The browser holds only the id, in the signed session cookie."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Indexed: the purge of drafts untouched for 30 days selects on it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    answers_enc: Mapped[str] = mapped_column(Text)
    channel: Mapped[Channel] = mapped_column(_str_enum(Channel, "channel"), default=Channel.WEB)


class Application(Base):
    """A submitted application in its municipality's queue. Personal data is encrypted."""

    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_queue", "municipality_code", "status", "received_at", "id"),
        # The unfiltered queue, oldest first: without it the database sorts every row of the
        # municipality for each page (measured: 34 ms at 1M applications instead of flat).
        Index("ix_application_queue_all", "municipality_code", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    # The draft id is the idempotency key: a second submit of the same draft finds this row.
    draft_key: Mapped[str] = mapped_column(String(48), unique=True)
    municipality_code: Mapped[str] = mapped_column(String(3))
    status: Mapped[Status] = mapped_column(_str_enum(Status, "status"), default=Status.RECEIVED)
    channel: Mapped[Channel] = mapped_column(_str_enum(Channel, "channel"), default=Channel.WEB)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    standard_version: Mapped[str] = mapped_column(String(32))
    cpr_index: Mapped[str] = mapped_column(String(64), index=True)
    person_enc: Mapped[str] = mapped_column(Text)
    answers_enc: Mapped[str] = mapped_column(Text)
    guidance_enc: Mapped[str] = mapped_column(Text)
    status_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    representative_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # The caseworker who typed in a phone, counter or letter application; None from the web.
    registrar_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # When the municipality's own system got the event of the closing status (decided or
    # withdrawn): the start of the retention period. Set by `portal purge` (portal.retention)
    # while the outbox still holds the delivered event; None until then.
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # How the applicant was identified (portal.identity.applying, stored by
    # portal.own_applications): a Method value, the level of the MitID login behind it
    # ("substantial", "high"; also a typed applicant's submitter's), the Digital Fuldmagt
    # privilege used, and whether a representative's authority was verified
    # (None: applied themselves). NULL everywhere: made before login existed, read as typed.
    identified_by: Mapped[str | None] = mapped_column(String(30))
    identified_level: Mapped[str | None] = mapped_column(String(20))
    authority_verified: Mapped[bool | None] = mapped_column()
    fuldmagt_privilege: Mapped[str | None] = mapped_column(String(255))
    # The keyed index (DataCipher.index, as cpr_index) of the logged-in submitter's CPR
    # number, never the number: "Mine ansøgninger" finds what they submitted for others.
    submitter_index: Mapped[str | None] = mapped_column(String(64), index=True)
    # The case number the municipality's own system answered with when it received the
    # application (a push's 2xx or a pull's acknowledgement). Kept here, not only on the
    # outbox message, which `portal purge` deletes 30 days after it was sent.
    case_number: Mapped[str | None] = mapped_column(String(100))


class StatusEvent(Base):
    """One change of status, shown to the citizen in plain words on the status page."""

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[Status] = mapped_column(_str_enum(Status, "status"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(20))  # citizen, staff or system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    message_enc: Mapped[str | None] = mapped_column(Text)


class OutboxKind(enum.StrEnum):
    """What leaves the portal: an event for the municipality's own system, a notice to its
    functional mailbox, or an e-mail to a citizen or representative."""

    DELIVERY = "delivery"
    NOTICE = "notice"
    MAIL = "mail"


class OutboxState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt
    SENDING = "sending"  # leased by a worker until next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # the last attempt failed; retried at next_attempt_at
    DEAD = "dead"  # gave up after the retry limit; an admin may send it again


class OutboxMessage(Base):
    """One thing to send, written in the transaction of the user action that caused it and
    sent afterwards by `portal worker` (portal.outbox). Its id is the receiver's duplicate key
    (the webhook-id). Personal data (an e-mail's address and body) is in `payload_enc`."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # What the worker polls: due messages in the states it may take.
        Index("ix_outbox_message_due", "state", "next_attempt_at"),
        # The pull API and the admin page: a municipality's undelivered events, in order.
        Index("ix_outbox_message_municipality", "municipality_code", "kind", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(_str_enum(OutboxKind, "outbox_kind"))
    topic: Mapped[str] = mapped_column(String(50))
    # None only for a resume link mailed before a municipality was chosen.
    municipality_code: Mapped[str | None] = mapped_column(String(3))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    # The application's status after the event (deliveries); never personal data.
    event_status: Mapped[str | None] = mapped_column(String(20))
    payload_enc: Mapped[str | None] = mapped_column(Text)
    # The exact body of the first attempt, so every retry sends the same bytes.
    body_enc: Mapped[str | None] = mapped_column(Text)
    state: Mapped[OutboxState] = mapped_column(
        _str_enum(OutboxState, "outbox_state"), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set at the first attempt: after it, a failed message is dead. "Send again" moves it.
    give_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The lease of the worker sending it: only that worker may record the outcome.
    lease: Mapped[str | None] = mapped_column(String(32))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why the last attempt failed, in words without personal data (status code, timeout).
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The receiving system's own case number, if it answered with one.
    receiver_reference: Mapped[str | None] = mapped_column(String(100))


class DeliveryTarget(Base):
    """A municipality's receiver, as far as the portal has learnt about it: a receiver that
    answers 410 Gone is switched off until an admin switches it on again."""

    __tablename__ = "delivery_target"

    municipality_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_reason: Mapped[str | None] = mapped_column(String(300))


class ApplicationDocument(Base):
    """The application's PDF for the case file, made once (by the worker, at the first
    delivery or the first pull) so every event and every fetch refers to the same bytes."""

    __tablename__ = "application_document"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    pdf_enc: Mapped[str] = mapped_column(Text)


class ReferenceCounter(Base):
    """The last reference number used in a year: AS-2026-000123 is the 123rd of 2026."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(default=0)


class StaffSession(Base):
    """A caseworker's login. Kept on the server, so logout, deactivation and "log out
    everywhere" take effect on the very next request. The browser holds a random token;
    the table holds its digest."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginFailure(Base):
    """A failed login, for throttling per address; the address is stored as a keyed digest."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    address_digest: Mapped[str] = mapped_column(String(64), index=True)


class AuditEvent(Base):
    """One staff read, search, export, reveal or change. Written in a transaction of its
    own, so it survives a rollback of the business transaction. Never edited; `portal purge`
    (portal.retention) deletes it after its retention period, and unlinks it from an
    application it deletes (application_id becomes None)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        # The access request's rows about a person with no application to them (a CPR
        # search, an earlier access request): by municipality and detail, oldest first.
        # Without it that read scanned every audit row the municipality ever wrote.
        Index("ix_audit_event_person", "municipality_code", "detail", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: the purge of old rows selects on it.
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(String(3))
    action: Mapped[str] = mapped_column(String(30))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    # As long as a request id may be (portal.web.logs: a proxy's id, up to 64 characters).
    request_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(200))


class CaseNote(Base):
    """A caseworker's internal note. Never shown to the citizen; encrypted like the rest."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text_enc: Mapped[str] = mapped_column(Text)


class MailQuota(Base):
    """How many mails visitors made the portal send about one draft or application, or to one
    address, since `window_start` (portal.mail_throttle). The key is a keyed HMAC
    (PORTAL_INDEX_KEY) of what is counted: never an address, nor a draft's id."""

    __tablename__ = "mail_quota"

    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Indexed: expired counters are deleted by it.
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent: Mapped[int] = mapped_column(default=0)


class CitizenLogin(Base):
    """A citizen's MitID login (portal.db.citizen_logins). Kept on the server, so the browser
    holds a random handle and nothing personal; the table holds the handle's digest, the
    citizen and the provider's ID token (for its logout), both encrypted."""

    __tablename__ = "citizen_login"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the handle
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Indexed: the purge deletes by it.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    citizen_enc: Mapped[str] = mapped_column(Text)
    id_token_enc: Mapped[str] = mapped_column(Text)
