"""One processing deadline for the queue, the case page and the municipality's document."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal import deadlines
from portal.handoff.document import processing_deadline


def test_an_application_in_just_after_midnight_in_summer_is_due_by_the_danish_date() -> None:
    # 00:30 on 21 October in Denmark (summer time) is 22:30 on the 20th in UTC; two weeks
    # later Denmark is on winter time. Counting from the moment gave 3 November.
    received = datetime(2026, 10, 20, 22, 30, tzinfo=UTC)
    assert deadlines.due_date(received, 2) == date(2026, 11, 4)


def test_no_processing_time_gives_no_deadline() -> None:
    assert deadlines.due_date(datetime(2026, 1, 1, tzinfo=UTC), None) is None
    assert deadlines.due_date(datetime(2026, 1, 1, tzinfo=UTC), 0) is None


def test_a_naive_moment_is_taken_as_utc() -> None:
    assert deadlines.due_date(datetime(2026, 7, 1, 22, 30), 1) == date(2026, 7, 9)


@given(
    received=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
    weeks=st.integers(1, 52),
)
def test_the_queue_and_the_document_name_the_same_day(received: datetime, weeks: int) -> None:
    due = deadlines.due_date(received, weeks)
    assert due is not None
    assert processing_deadline(received, weeks) == due.isoformat()
    assert due - deadlines.danish_date(received) == timedelta(weeks=weeks)


def test_overdue_from_the_day_after_and_due_soon_within_the_week() -> None:
    due = date(2026, 3, 10)
    assert not deadlines.is_overdue(due, date(2026, 3, 10))
    assert deadlines.is_overdue(due, date(2026, 3, 11))
    assert deadlines.is_due_soon(due, date(2026, 3, 10))
    assert deadlines.is_due_soon(due, date(2026, 3, 4))
    assert not deadlines.is_due_soon(due, date(2026, 3, 3))
    assert not deadlines.is_due_soon(due, date(2026, 3, 11))
    assert not deadlines.is_overdue(None, date(2026, 3, 11))
    assert not deadlines.is_due_soon(None, date(2026, 3, 11))
