"""The pull API's rules and queries: paging parameters, the acknowledgement's body, a
municipality's events and applications, the acknowledgement itself, and the audit row.

Pure (no Flask): the views in portal.api.routes parse with these functions and query through
them, always with the calling municipality's code, so scoping lives here once. An id of another
municipality is simply not found: the caller cannot tell it from an id that does not exist.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, insert, select, update
from sqlalchemy.orm import Session

from portal.db.models import (
    Application,
    AuditEvent,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    utcnow,
)
from portal.outbox import queue

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Ids are SQL INTEGER columns (32 bits on PostgreSQL): a larger value would overflow the
# database, not the rule. A cursor may be any 64-bit number; beyond the last id it finds none.
MAX_ID = 2**31 - 1
MAX_CURSOR = 2**63 - 1
MAX_CASE_NUMBER = 100  # OutboxMessage.receiver_reference
AUDIT_REQUEST_ID = 64  # AuditEvent.request_id
AUDIT_DETAIL = 200  # AuditEvent.detail


class ParameterError(ValueError):
    """A request the API cannot follow; the message is the English sentence the caller gets."""


@dataclass(frozen=True)
class Page:
    after: int = 0
    limit: int = DEFAULT_LIMIT


# -- parsing ----------------------------------------------------------------------------------


def parse_id(raw: str) -> int | None:
    """A path id: ASCII digits for a positive integer in range, else None (answered as "not
    found", like any id the caller does not own). `str.isdigit` alone would take "٣" or "²"."""
    if not raw or len(raw) > 19 or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def _one(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = args.get(name) or []
    if len(values) > 1:
        raise ParameterError(f"Give {name} at most once.")
    return values[0] if values else None


def _whole(name: str, raw: str, low: int, high: int) -> int:
    if not raw or len(raw) > 19 or not (raw.isascii() and raw.isdigit()):
        raise ParameterError(f"{name} must be a whole number from {low} to {high}.")
    value = int(raw)
    if not low <= value <= high:
        raise ParameterError(f"{name} must be a whole number from {low} to {high}.")
    return value


def parse_page(args: Mapping[str, Sequence[str]]) -> Page:
    """`after` (an event id, the cursor; default 0) and `limit` (1 to 100; default 20), each
    given at most once. `args` maps a name to every value given (werkzeug's MultiDict.to_dict
    with flat=False, or a plain dict in tests)."""
    after = _one(args, "after")
    limit = _one(args, "limit")
    return Page(
        after=0 if after is None else min(MAX_ID, _whole("after", after, 0, MAX_CURSOR)),
        limit=DEFAULT_LIMIT if limit is None else _whole("limit", limit, 1, MAX_LIMIT),
    )


def parse_ack(body: bytes, content_type: str | None) -> str | None:
    """The acknowledgement's optional body, `{"case_number": "..."}`: the receiver's own case
    number, which staff then see on the case. No body at all is an acknowledgement without one."""
    if not body.strip():
        return None
    if (content_type or "").split(";", 1)[0].strip().lower() != "application/json":
        raise ParameterError("Send the body as application/json, or send no body.")
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # bad UTF-8 and too-long integers are ValueErrors
        raise ParameterError("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ParameterError('The body must be a JSON object, e.g. {"case_number": "..."}.')
    if set(data) - {"case_number"}:
        raise ParameterError("Unknown field in the body: only case_number is accepted.")
    return case_number(data.get("case_number"))


def case_number(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ParameterError("case_number must be a string.")
    text = value.strip()
    # Staff read it on the case page: no line breaks or other control characters.
    if not text or any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ParameterError("case_number must be printable text, not empty.")
    if len(text) > MAX_CASE_NUMBER:
        raise ParameterError(f"case_number must be at most {MAX_CASE_NUMBER} characters.")
    return text


# -- queries ----------------------------------------------------------------------------------


def _events(municipality_code: str) -> Select[tuple[OutboxMessage]]:
    """The municipality's delivery events: the one scope every query below starts from."""
    return select(OutboxMessage).where(
        OutboxMessage.kind == OutboxKind.DELIVERY,
        OutboxMessage.municipality_code == municipality_code,
    )


def undelivered(session: Session, municipality_code: str, page: Page) -> list[OutboxMessage]:
    """Events not yet delivered (by push or acknowledgement) after the cursor, oldest first."""
    return list(
        session.scalars(
            _events(municipality_code)
            .where(OutboxMessage.state != OutboxState.DELIVERED, OutboxMessage.id > page.after)
            .order_by(OutboxMessage.id)
            .limit(page.limit)
        )
    )


def find_event(session: Session, municipality_code: str, event_id: int) -> OutboxMessage | None:
    """One event of the municipality, whatever its state."""
    query = _events(municipality_code).where(OutboxMessage.id == event_id)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def find_application(
    session: Session, municipality_code: str, application_id: int
) -> Application | None:
    return session.scalars(
        select(Application).where(
            Application.id == application_id, Application.municipality_code == municipality_code
        )
    ).first()


@dataclass(frozen=True)
class Ack:
    event_id: int
    application_id: int | None
    first: bool  # False when the event had already been delivered or acknowledged
    delivered_at: datetime | None
    case_number: str | None


def acknowledge(
    session: Session, municipality_code: str, event_id: int, case: str | None, now: datetime
) -> Ack | None:
    """Mark the event delivered, in the caller's transaction; None when the municipality has
    no such event. Conditional, so two acknowledgements (or one racing the worker's push)
    change the row once; the lease is cleared so a worker still sending it cannot settle it.
    A later acknowledgement keeps the first one's time and case number."""
    changed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == event_id,
            OutboxMessage.kind == OutboxKind.DELIVERY,
            OutboxMessage.municipality_code == municipality_code,
            OutboxMessage.state != OutboxState.DELIVERED,
        )
        .values(
            state=OutboxState.DELIVERED,
            delivered_at=now,
            receiver_reference=case,
            lease=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    message = find_event(session, municipality_code, event_id)
    if message is None:
        return None
    if message.topic == queue.SUBMITTED:
        queue.note_case_number(session, message.application_id, message.receiver_reference)
    return Ack(
        event_id=message.id,
        application_id=message.application_id,
        first=changed.rowcount == 1,  # type: ignore[attr-defined]
        delivered_at=message.delivered_at,
        case_number=message.receiver_reference,
    )


# -- the audit row ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCall:
    """One call to the API, for the audit trail. `detail` holds ids and counts only."""

    municipality_code: str
    action: str
    request_id: str
    application_id: int | None = None
    detail: str | None = None


def write_audit(engine: Engine, call: ApiCall) -> None:
    """On a connection of its own, committed at once, after the request's own transaction
    has ended: it survives that transaction's rollback, and on SQLite never waits for it."""
    with engine.begin() as conn:
        conn.execute(
            insert(AuditEvent).values(
                staff_id=None,
                municipality_code=call.municipality_code,
                action=call.action,
                request_id=call.request_id[:AUDIT_REQUEST_ID],
                application_id=call.application_id,
                detail=call.detail[:AUDIT_DETAIL] if call.detail else None,
                at=utcnow(),
            )
        )
