"""What admins, the dashboard and the metrics may see of the outbox. No Flask.

Only plain values leave here: ids, kinds, topics, states, counts, times, the last error (which
the worker writes without personal data) and the application's readable reference. An
e-mail's address and body stay encrypted in `payload_enc` and are never read here, so no page
built from these can show them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db.models import Application, DeliveryTarget, OutboxKind, OutboxMessage, OutboxState
from portal.outbox import queue
from portal.outbox.targets import Handoff

# -- how the municipality's hand-off is set up -----------------------------------------------


@dataclass(frozen=True)
class Setup:
    receiver_host: str | None  # the push receiver's host name: never its path or token
    pull_api: bool
    notice_address: str | None  # masked

    @property
    def portal_only(self) -> bool:
        """Neither push nor pull: the staff queue in the portal is the whole hand-off."""
        return self.receiver_host is None and not self.pull_api


def mask_address(address: str) -> str:
    """ "postkasse@vejen.dk" as "p…@vejen.dk": enough to recognise, not to copy."""
    local, at, domain = address.partition("@")
    return f"{local[:1]}…{at}{domain}" if at else "…"


def describe_setup(handoff: Handoff, code: str) -> Setup:
    webhook = handoff.webhooks.get(code)
    notice = handoff.notice_addresses.get(code)
    return Setup(
        receiver_host=(urlsplit(webhook.url).hostname or "?") if webhook else None,
        pull_api=code in handoff.api_token_digests,
        notice_address=mask_address(notice) if notice else None,
    )


@dataclass(frozen=True)
class TargetState:
    disabled_at: datetime | None
    disabled_reason: str | None


def target_state(session: Session, code: str) -> TargetState:
    """Whether the portal has switched the receiver off (it answered 410 Gone), and why."""
    target = session.get(DeliveryTarget, code)
    if target is None:
        return TargetState(None, None)
    return TargetState(target.disabled_at, target.disabled_reason)


# -- failing and dead messages -----------------------------------------------------------------


@dataclass(frozen=True)
class TroubledRow:
    id: int
    kind: OutboxKind
    topic: str
    state: OutboxState
    reference: str | None  # the application's readable reference, where there is one
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None  # None when dead: nothing more will be tried
    created_at: datetime


def troubled_rows(session: Session, code: str, limit: int = 100) -> list[TroubledRow]:
    """The municipality's failing and dead messages (dead first), with their references."""
    messages = queue.troubled(session, code, limit)
    ids = {m.application_id for m in messages if m.application_id is not None}
    references: dict[int, str] = {}
    if ids:
        references = dict(
            session.execute(
                select(Application.id, Application.reference).where(
                    Application.id.in_(ids), Application.municipality_code == code
                )
            )
            .tuples()
            .all()
        )
    return [
        TroubledRow(
            id=m.id, kind=m.kind, topic=m.topic, state=m.state,
            reference=references.get(m.application_id) if m.application_id else None,
            attempts=m.attempts, last_error=m.last_error,
            next_attempt_at=None if m.state is OutboxState.DEAD else m.next_attempt_at,
            created_at=m.created_at,
        )
        for m in messages
    ]  # fmt: skip


# -- the case page ---------------------------------------------------------------------------


# -- the metrics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BacklogCell:
    municipality_code: str | None
    kind: OutboxKind
    state: OutboxState
    count: int
    oldest: datetime  # created_at of the oldest message in the cell


@dataclass(frozen=True)
class Snapshot:
    cells: list[BacklogCell]
    disabled: Mapping[str, bool]  # every municipality that has a target row: switched off?


def snapshot(session: Session, receiving: Collection[str]) -> Snapshot:
    """Every municipality's undelivered messages by kind and state, in one grouped query:
    what someone waits for (queue.awaited), so an alert on age never fires for the kept
    events of a municipality that takes none."""
    rows = session.execute(
        select(
            OutboxMessage.municipality_code, OutboxMessage.kind, OutboxMessage.state,
            func.count(), func.min(OutboxMessage.created_at),
        )
        .where(OutboxMessage.state.in_(queue.UNDELIVERED), queue.awaited(receiving))
        .group_by(OutboxMessage.municipality_code, OutboxMessage.kind, OutboxMessage.state)
        .order_by(OutboxMessage.municipality_code, OutboxMessage.kind, OutboxMessage.state)
    ).tuples()  # fmt: skip
    cells = [
        BacklogCell(code, kind, state, count, oldest) for code, kind, state, count, oldest in rows
    ]
    disabled = {
        code: at is not None
        for code, at in session.execute(
            select(DeliveryTarget.municipality_code, DeliveryTarget.disabled_at).order_by(
                DeliveryTarget.municipality_code
            )
        ).tuples()
    }
    return Snapshot(cells, disabled)
