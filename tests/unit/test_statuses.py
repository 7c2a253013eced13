"""The one definition of which statuses count as open, decided and closed."""

from __future__ import annotations

from portal import statuses
from portal.db.models import Status


def test_every_status_is_either_open_or_closed() -> None:
    assert set(statuses.OPEN).isdisjoint(statuses.CLOSED)
    assert set(statuses.OPEN) | set(statuses.CLOSED) == set(Status)


def test_a_decided_case_is_closed_and_the_citizen_hears_of_it() -> None:
    assert set(statuses.DECIDED) <= set(statuses.CLOSED)
    assert set(statuses.DECIDED) <= set(statuses.NEWS_FOR_CITIZEN)
    assert Status.WITHDRAWN not in statuses.NEWS_FOR_CITIZEN
