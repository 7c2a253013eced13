"""The retry timing: exponential from a minute to six hours, jittered, Retry-After a floor."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from portal.outbox.queue import Policy

POLICY = Policy()


def test_waits_double_from_a_minute_and_stop_growing_at_six_hours() -> None:
    rng = random.Random(1)
    for attempt, base in [(1, 60), (2, 120), (3, 240), (10, 6 * 3600), (40, 6 * 3600)]:
        waits = [POLICY.backoff(attempt, None, rng).total_seconds() for _ in range(200)]
        assert base / 2 <= min(waits) and max(waits) <= base, attempt
        assert max(waits) - min(waits) > base / 4  # jitter spreads the workers out


@given(attempts=st.integers(1, 1000), after=st.floats(0, 10**9, allow_nan=False))
def test_retry_after_is_a_floor_capped_at_the_longest_wait(attempts: int, after: float) -> None:
    wait = POLICY.backoff(attempts, after, random.Random(0))
    assert wait >= min(timedelta(seconds=after), POLICY.longest_retry)
    assert wait <= POLICY.longest_retry


def test_a_receiver_asking_for_two_minutes_gets_at_least_two_minutes() -> None:
    assert POLICY.backoff(1, 120, random.Random(0)) >= timedelta(seconds=120)
