"""The municipality's overview: received per week, open by status, days to a decision,
overdue cases, and what is still to be sent (the hand-off and e-mails). No Flask; the charts
are drawn as SVG by the template from these numbers."""

from __future__ import annotations

import statistics
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db.models import Application, DeliveryTarget, Status, StatusEvent
from portal.outbox import queue
from portal.statuses import DECIDED, OPEN

WEEKS = 12


@dataclass(frozen=True)
class Overview:
    weeks: list[tuple[datetime, int]]  # Monday of each week, oldest first, and the count
    open_by_status: list[tuple[Status, int]]
    median_days_to_decision: float | None
    decided: int
    overdue: int | None  # None where the municipality states no processing time


def week_start(moment: datetime) -> datetime:
    day = moment - timedelta(days=moment.weekday())
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def overview(
    session: Session, municipality: str, now: datetime, processing_weeks: int | None
) -> Overview:
    first = week_start(now) - timedelta(weeks=WEEKS - 1)
    received = session.scalars(
        select(Application.received_at).where(
            Application.municipality_code == municipality, Application.received_at >= first
        )
    )
    counts = {first + timedelta(weeks=i): 0 for i in range(WEEKS)}
    for moment in received:
        counts[week_start(moment)] = counts.get(week_start(moment), 0) + 1
    by_status: dict[Status, int] = {
        status: count
        for status, count in session.execute(
            select(Application.status, func.count())
            .where(Application.municipality_code == municipality, Application.status.in_(OPEN))
            .group_by(Application.status)
        ).tuples()
    }
    decisions = session.execute(
        select(Application.received_at, func.min(StatusEvent.at))
        .join(StatusEvent, StatusEvent.application_id == Application.id)
        .where(Application.municipality_code == municipality, StatusEvent.status.in_(DECIDED))
        .group_by(Application.id, Application.received_at)
    ).all()
    days = [(decided - received_at).total_seconds() / 86400 for received_at, decided in decisions]
    overdue = None
    if processing_weeks:
        overdue = (
            session.scalar(
                select(func.count())
                .select_from(Application)
                .where(
                    Application.municipality_code == municipality,
                    Application.status.in_(OPEN),
                    Application.received_at < now - timedelta(weeks=processing_weeks),
                )
            )
            or 0
        )
    return Overview(
        weeks=sorted(counts.items()),
        open_by_status=[(s, int(by_status.get(s, 0))) for s in OPEN],
        median_days_to_decision=round(statistics.median(days), 1) if days else None,
        decided=len(days),
        overdue=overdue,
    )


@dataclass(frozen=True)
class HandoffStatus:
    """One line for everyone on the dashboard: what is still to be sent, and whether
    anything needs an admin (messages given up, or the receiver switched off)."""

    waiting: int
    dead: int
    oldest_age: timedelta | None
    receiver_off: bool

    @property
    def needs_admin(self) -> bool:
        return self.dead > 0 or self.receiver_off


def handoff_status(
    session: Session, municipality: str, now: datetime, receiving: Collection[str]
) -> HandoffStatus:
    backlog = queue.backlog(session, municipality, receiving)
    target = session.get(DeliveryTarget, municipality)
    return HandoffStatus(
        # The given-up are counted apart (`dead`), so one message is not said twice.
        waiting=backlog.undelivered - backlog.dead,
        dead=backlog.dead,
        oldest_age=max(timedelta(0), now - backlog.oldest) if backlog.oldest else None,
        receiver_off=target is not None and target.disabled_at is not None,
    )
