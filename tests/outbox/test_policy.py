"""The retry timing: exponential from a minute to six hours, jittered, Retry-After a floor."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.outbox.queue import Policy
from portal.outbox.webhook import retry_after

POLICY = Policy()


def test_waits_double_from_a_minute_and_stop_growing_at_six_hours() -> None:
    rng = random.Random(1)
    for attempt, base in [(1, 60), (2, 120), (3, 240), (10, 6 * 3600), (40, 6 * 3600)]:
        waits = [POLICY.backoff(attempt, None, rng).total_seconds() for _ in range(200)]
        if base < 6 * 3600:  # the step is a floor: jitter adds up to half of it
            assert base <= min(waits) and max(waits) <= base * 1.5, attempt
        else:  # the longest wait is a ceiling: jitter takes up to a quarter off it
            assert base * 0.75 <= min(waits) and max(waits) <= base, attempt
        assert max(waits) - min(waits) > base / 8  # jitter spreads the workers out


@given(attempts=st.integers(1, 1000), after=st.floats(0, 10**9, allow_nan=False))
def test_retry_after_is_a_floor_capped_at_the_longest_wait(attempts: int, after: float) -> None:
    wait = POLICY.backoff(attempts, after, random.Random(0))
    assert wait >= min(timedelta(seconds=after), POLICY.longest_retry)
    assert wait <= POLICY.longest_retry


def test_a_receiver_asking_for_two_minutes_gets_at_least_two_minutes() -> None:
    assert POLICY.backoff(1, 120, random.Random(0)) >= timedelta(seconds=120)


def test_no_retry_comes_before_the_first_minute_or_after_six_hours() -> None:
    rng = random.Random(2)
    for attempts in range(1, 40):
        for _ in range(50):
            wait = POLICY.backoff(attempts, None, rng)
            assert POLICY.first_retry <= wait <= POLICY.longest_retry, attempts


@given(attempts=st.integers(1, 1000), seed=st.integers(0, 2**32))
def test_every_wait_lies_between_a_minute_and_six_hours(attempts: int, seed: int) -> None:
    wait = POLICY.backoff(attempts, None, random.Random(seed))
    assert timedelta(minutes=1) <= wait <= timedelta(hours=6)


def test_the_default_limit_before_a_message_is_dead_is_three_days() -> None:
    assert Policy().give_up_after == timedelta(days=3)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("-3", 0.0),
        ("Thu, 01 Jan 2026 00:02:00 GMT", 120.0),
        ("Thu, 01 Jan 2026 00:02:00 -0000", 120.0),
        ("Thu, 01 Jan 2026 01:02:00 +0100", 120.0),
        ("Wed, 31 Dec 2025 23:00:00 GMT", 0.0),  # already past: no extra wait
        ("soon", None),
        ("", None),
        ("Thu, 01 Jan 99999 00:00:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_is_read_in_seconds_or_as_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert retry_after(header, now=now) == seconds


@given(st.text(max_size=80))
def test_any_retry_after_header_gives_seconds_or_nothing(header: str) -> None:
    found = retry_after(header)
    assert found is None or found >= 0
