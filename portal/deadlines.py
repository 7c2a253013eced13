"""The processing deadline, reckoned one way for the caseworker's queue, the case page and the
municipality's document: the Danish date the application arrived plus the standard's weeks.

Adding weeks to the moment of arrival instead (as the queue once did) moves the day across a
change to or from summer time: an application in at 00:30 Danish summer time was due a day
earlier in the queue than in the document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
SOON = timedelta(days=7)


def danish_date(moment: datetime) -> date:
    """The date in Denmark at `moment`; the database keeps UTC, a naive value is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(DANISH_TIME).date()


def due_date(received_at: datetime, weeks: int | None) -> date | None:
    """The day the answer is due. None where the standard states no processing time: nothing
    is invented."""
    if not weeks:
        return None
    return danish_date(received_at) + timedelta(weeks=weeks)


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def is_due_soon(due: date | None, today: date) -> bool:
    """Due today or within the coming week, and not yet past."""
    return due is not None and today <= due < today + SOON
