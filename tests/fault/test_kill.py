"""SIGKILL of a gunicorn worker, and then of the master, while citizens submit (`portal serve`,
2 workers x 2 threads, production settings), on SQLite and on a private PostgreSQL.

Whenever a receipt was shown, the application is stored whole (its first status, its outbox
event, its draft gone). Where none was, nothing is half-stored, and once the server is back a
resubmit of the same draft gives a receipt and exactly one application; submitting again after
that shows the same receipt. Counts: test-artifacts/fault-kill-<backend>.json."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fault.census import report, take_census
from tests.fault.conftest import MakePortal, cipher_of
from tests.fault.people import Citizen
from tests.fault.server import Browser, Portal

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]
CITIZENS = 32
THREADS = 8


def submit_under_fire(portal: Portal, citizens: list[Citizen]) -> list[int]:
    """Everyone submits at once; after a sixth, a quarter and a half of the answers a
    worker is killed, then another, then the master. Returns the killed workers."""
    done = threading.Semaphore(0)
    killed: list[int] = []

    def fire() -> None:
        for share in (CITIZENS // 6, CITIZENS // 4):
            for _ in range(share):
                done.acquire()
            killed.append(portal.kill_worker())
        for _ in range(CITIZENS // 2 - CITIZENS // 4 - CITIZENS // 6):
            done.acquire()
        portal.kill_master()

    def submit(citizen: Citizen) -> None:
        citizen.submit()
        done.release()

    killer = threading.Thread(target=fire)
    killer.start()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(submit, citizens))
    killer.join(timeout=60)
    assert not killer.is_alive()
    return killed


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_workers_and_master_lose_and_double_nothing(
    backend: str, make_portal: MakePortal, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path}/kill.sqlite3"
    else:
        url = request.getfixturevalue("pg_database")
    portal = make_portal(url, PORTAL_WORKERS="2", PORTAL_THREADS="2")
    cipher = cipher_of(portal)
    citizens = [Citizen(n, Browser(portal.port)) for n in range(CITIZENS)]
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(Citizen.prepare, citizens))

    killed = submit_under_fire(portal, citizens)
    browsers = [c.browser for c in citizens]
    during = take_census(url, cipher, citizens, browsers)
    assert (during.lost, during.duplicated, during.half_stored) == (0, 0, 0), during

    portal.start()  # the operator (or systemd) starts it again
    unanswered = [c for c in citizens if not c.receipts]
    for citizen in citizens:
        for _ in range(3):
            if citizen.submit() == "receipt":
                break
    after = take_census(url, cipher, citizens, browsers)
    after.extra = {
        "workers killed": len(killed),
        "master killed": 1,
        "receipts before the restart": during.receipts,
        "stored before the restart": during.applications,
        "resubmitted after the restart": len(unanswered),
        "outcomes": outcome_counts(citizens),
    }
    report(f"kill-{backend}", after)
    assert len(killed) == 2
    assert unanswered, "the master's death cut off no submit: the fault came too late"
    assert all(len(set(c.receipts)) == 1 for c in citizens), "a citizen without one receipt"
    assert (after.lost, after.duplicated, after.half_stored) == (0, 0, 0), after
    assert after.applications == CITIZENS


def outcome_counts(citizens: list[Citizen]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for citizen in citizens:
        for outcome in citizen.outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
    return dict(sorted(counts.items()))
