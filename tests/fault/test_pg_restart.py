"""PostgreSQL restarted twice (a fast stop, then an immediate one, as a crash) while citizens
submit and read: `portal serve` (2 workers x 2 threads, production settings) on a private
cluster of the test's own; the machine's shared server is never touched.

Every answer is a page or a redirect: while the database is away the portal's own 503 with
Retry-After ("not sent, your answers are kept" for the submit, "busy" for a page), never a 500
and never a cut connection; no request waits longer than the client's deadline; the portal
recovers by itself, so every citizen who tries again gets a receipt; nothing a receipt was
shown for is lost, nothing is stored twice. Counts: test-artifacts/fault-pg-restart.json."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from queue import Empty, SimpleQueue

import pytest

from tests.fault.census import report, take_census
from tests.fault.conftest import MakePortal, cipher_of
from tests.fault.people import BUSY, Citizen
from tests.fault.pgcluster import Cluster
from tests.fault.server import Browser, Portal, Unanswered

pytestmark = [pytest.mark.fault, pytest.mark.xdist_group("fault")]
CITIZENS = 36
SUBMITTERS = 6
READERS = 2
DEADLINE_SECONDS = 90
DOWN_SECONDS = 1.0


class Run:
    """The shared state of one run: who still has to submit, and what readers were told."""

    def __init__(self, citizens: list[Citizen]) -> None:
        self.waiting: SimpleQueue[Citizen] = SimpleQueue()
        for citizen in citizens:
            self.waiting.put(citizen)
        self.sent = 0
        self.lock = threading.Lock()
        self.restarted = threading.Event()
        self.reads: Counter[str] = Counter()
        self.deadline = time.monotonic() + DEADLINE_SECONDS

    def submitter(self) -> None:
        while time.monotonic() < self.deadline:
            try:
                citizen = self.waiting.get_nowait()
            except Empty:
                return
            if citizen.submit() == "receipt":
                with self.lock:
                    self.sent += 1
                time.sleep(0.05)
            else:
                self.waiting.put(citizen)  # "not sent": the citizen tries again in a moment
                time.sleep(0.3)

    def reader(self, browser: Browser) -> None:
        """Reads a citizen's check page (their draft, from the database) until the restarts
        are over."""
        while not self.restarted.is_set() and time.monotonic() < self.deadline:
            try:
                page = browser.get("/ansoeg/tjek")
            except Unanswered as err:
                self.reads[type(err).__name__] += 1
                continue
            clean = page.status == 503 and BUSY in page.body and "Retry-After" in page.headers
            self.reads["busy" if clean else str(page.status)] += 1
            time.sleep(0.02)

    def restarter(self, cluster: Cluster) -> None:
        for mode, after in (("fast", CITIZENS // 4), ("immediate", CITIZENS // 2)):
            while self.sent < after and time.monotonic() < self.deadline:
                time.sleep(0.01)
            cluster.stop(mode)
            time.sleep(DOWN_SECONDS)
            cluster.start()
        self.restarted.set()


def test_a_restarted_database_gives_the_busy_page_and_recovers_by_itself(
    pg_cluster: Cluster, pg_database: str, make_portal: MakePortal
) -> None:
    portal: Portal = make_portal(pg_database, PORTAL_WORKERS="2", PORTAL_THREADS="2")
    people = [Citizen(n, Browser(portal.port)) for n in range(CITIZENS + READERS)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(Citizen.prepare, people))
    prepared = sum(sum(c.browser.statuses.values()) for c in people)
    citizens, readers = people[:CITIZENS], [c.browser for c in people[CITIZENS:]]

    run = Run(citizens)
    restarter = threading.Thread(target=run.restarter, args=(pg_cluster,))
    restarter.start()
    with ThreadPoolExecutor(SUBMITTERS + READERS) as pool:
        for browser in readers:
            pool.submit(run.reader, browser)
        for _ in range(SUBMITTERS):
            pool.submit(run.submitter)
    restarter.join(timeout=DEADLINE_SECONDS)
    assert run.restarted.is_set(), "the restarts did not happen"

    browsers = [c.browser for c in citizens] + readers
    census = take_census(pg_database, cipher_of(portal), citizens, browsers)
    outcomes = Counter(o for c in citizens for o in c.outcomes)
    census.extra = {
        "requests while preparing": prepared,
        "submits": dict(outcomes),
        "reads": dict(run.reads),
        "slowest request (s)": round(max(b.slowest for b in browsers), 2),
        "restarts": 2,
    }
    report("pg-restart", census)
    assert set(outcomes) <= {"receipt", "not sent"}, outcomes
    assert set(run.reads) <= {"200", "busy"}, run.reads
    assert run.reads["busy"] > 0 and outcomes["not sent"] > 0, "no request met the outage"
    assert all(len(set(c.receipts)) == 1 for c in citizens), "not everyone got one receipt"
    assert (census.lost, census.duplicated, census.half_stored) == (0, 0, 0), census
    assert census.applications == CITIZENS
