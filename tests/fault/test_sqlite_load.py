"""SQLite under load: `portal serve` with 4 workers x 2 threads (gthread, production settings),
200 simulated citizens answering and submitting, each a question at a time, while caseworkers
take the next case and note on it, for FAULT_SECONDS (30 in `make test`, 120 in `make fault`).

Zero "database is locked" (in any answer or in the server's log), no 5xx, no lost or doubled
application, and PRAGMA integrity_check says ok afterwards. Counts:
test-artifacts/fault-sqlite-load.json."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import SimpleQueue

import pytest

from tests.fault.census import report, sqlite_integrity, take_census
from tests.fault.conftest import MakePortal, cipher_of
from tests.fault.people import Caseworker, Citizen, make_caseworkers
from tests.fault.server import Browser, Unanswered

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]
CITIZENS = 200
CLIENT_THREADS = 12
CASEWORKERS = 2
CASE_RE = re.compile(r"^/sagsbehandler/sag/(\d+)$")
Walk = tuple[Citizen, Iterator[None]]


class Crowd:
    """200 citizens with a journey open at once, each a step (a GET and a POST) at a time. Most
    steps go to the 24 at the front, in turn, so that applications keep arriving within the
    run; every fourth goes to the 176 behind, in turn. Whoever submits makes room: the longest
    waiting moves up and a new citizen arrives, so the crowd stays at 200 until time is up."""

    FRONT = 24

    def __init__(self, port: int, until: float) -> None:
        self.port = port
        self.until = until
        self.lock = threading.Lock()
        self.everyone: list[Citizen] = []
        self.front: SimpleQueue[Walk] = SimpleQueue()
        self.back: SimpleQueue[Walk] = SimpleQueue()
        self.picks = 0
        self.failures: Counter[str] = Counter()
        for n in range(CITIZENS):
            (self.front if n < self.FRONT else self.back).put(self.arrive())

    def arrive(self) -> Walk:
        with self.lock:
            citizen = Citizen(len(self.everyone), Browser(self.port))
            self.everyone.append(citizen)
        return citizen, citizen.steps()

    def pick(self) -> tuple[SimpleQueue[Walk], Walk]:
        with self.lock:
            self.picks += 1
            lane = self.back if self.picks % 4 == 0 else self.front
        return lane, lane.get()

    def work(self) -> None:
        while time.monotonic() < self.until:
            lane, (citizen, steps) = self.pick()
            try:
                next(steps)
            except StopIteration:
                outcome = citizen.submit()
                if outcome != "receipt":
                    self.failures[f"submit: {outcome}"] += 1
                self.make_room(lane)
                continue
            except (AssertionError, Unanswered) as err:
                self.failures[f"step: {err}"[:80]] += 1
                self.make_room(lane)
                continue
            lane.put((citizen, steps))

    def make_room(self, lane: SimpleQueue[Walk]) -> None:
        if lane is self.front:
            self.front.put(self.back.get())
        self.back.put(self.arrive())


def take_cases(caseworker: Caseworker, until: float, tally: Counter[str]) -> None:
    """Take the next free case and write a note on it, again and again."""
    caseworker.login()
    token = caseworker.token()
    while time.monotonic() < until:
        taken = caseworker.claim_next(token)
        case = CASE_RE.match(taken.location) if taken.status == 303 else None
        none_free = taken.status == 303 and "ingen-ledige" in taken.location
        tally["claimed" if case else "none free" if none_free else f"claim {taken.status}"] += 1
        if case:
            noted = caseworker.note(int(case.group(1)), "Ringet op, afventer svar.", token)
            tally["noted" if noted.status == 303 else f"note answered {noted.status}"] += 1
        time.sleep(0.05)


def test_sqlite_with_four_workers_never_locks_under_200_citizens_and_claims(
    make_portal: MakePortal, tmp_path: Path, fault_seconds: float
) -> None:
    path = tmp_path / "load.sqlite3"
    url = f"sqlite:///{path}"
    portal = make_portal(url, PORTAL_WORKERS="4", PORTAL_THREADS="2")
    cipher = cipher_of(portal)
    caseworkers = make_caseworkers(url, cipher, portal.port, "575", CASEWORKERS)
    until = time.monotonic() + fault_seconds
    crowd = Crowd(portal.port, until)
    staff: Counter[str] = Counter()
    with ThreadPoolExecutor(CLIENT_THREADS + CASEWORKERS) as pool:
        running = [pool.submit(take_cases, c, until, staff) for c in caseworkers]
        running += [pool.submit(crowd.work) for _ in range(CLIENT_THREADS)]
        for future in running:
            future.result()
    portal.stop()

    browsers = [c.browser for c in crowd.everyone] + [c.browser for c in caseworkers]
    census = take_census(url, cipher, crowd.everyone, browsers)
    locked = portal.output().count("database is locked")
    integrity = sqlite_integrity(path)
    census.extra = {
        "seconds": fault_seconds,
        "citizens": len(crowd.everyone),
        "staff": dict(staff),
        "failures": dict(crowd.failures),
        "database is locked": locked,
        "integrity_check": integrity,
        "slowest request (s)": round(max(b.slowest for b in browsers), 2),
    }
    report("sqlite-load", census)
    assert locked == 0
    assert integrity == "ok"
    assert not crowd.failures, crowd.failures
    assert not [s for s in census.statuses if not s.startswith(("2", "3"))], census.statuses
    assert staff["claimed"] > 0 and set(staff) <= {"claimed", "noted", "none free"}, staff
    assert census.receipts > 0
    assert (census.lost, census.duplicated, census.half_stored) == (0, 0, 0), census
    assert census.applications == census.receipts
