"""Fixtures for the fault tests: the served portal on SQLite or on a private PostgreSQL cluster,
its data cipher, and how long the load runs. Every process started here is stopped here.

FAULT_SECONDS sets how long the SQLite load test runs: 30 by default (`make test`), 120 with
`make fault`. The counts each fault test prints also close the run's report."""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from portal.crypto import DataCipher
from tests.fault.census import ARTIFACTS
from tests.fault.pgcluster import Cluster, binaries, new_cluster
from tests.fault.server import Portal, production_env

IN_CI = os.environ.get("CI", "").lower() == "true"
STARTED = time.time()
MakePortal = Callable[..., Portal]


@pytest.fixture(scope="session")
def fault_seconds() -> float:
    return float(os.environ.get("FAULT_SECONDS", "30"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL of the run's own, which the tests may stop and start."""
    found = binaries()
    if found is None:
        message = "PostgreSQL's initdb and pg_ctl are not installed (/usr/lib/postgresql/*/bin)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    cluster = new_cluster(found)
    yield cluster
    cluster.remove()


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> str:
    """A fresh database in the private cluster for one test."""
    name = f"fault_{secrets.token_hex(4)}"
    pg_cluster.create_database(name)
    return pg_cluster.url(name)


@pytest.fixture
def make_portal(tmp_path: Path) -> Iterator[MakePortal]:
    """make_portal(database_url, **settings): migrated, started, and stopped at the end."""
    made: list[Portal] = []

    def _make(database_url: str, **settings: str) -> Portal:
        instance = tmp_path / f"instance-{len(made)}"
        instance.mkdir()
        portal = Portal(production_env(database_url, instance, **settings), tmp_path / "serve.log")
        made.append(portal)
        portal.migrate()
        portal.start()
        return portal

    yield _make
    for portal in made:
        portal.stop()


def cipher_of(portal: Portal) -> DataCipher:
    return DataCipher(portal.env["PORTAL_DATA_KEYS"], portal.env["PORTAL_INDEX_KEY"])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The counts of the fault tests that ran (from any test process) close the report."""
    written = sorted(p for p in ARTIFACTS.glob("fault-*.json") if p.stat().st_mtime >= STARTED)
    if not written:
        return
    terminalreporter.section("fault tests: counts")
    for path in written:
        counts = json.loads(path.read_text())
        counts.pop("extra", None)
        terminalreporter.line(f"{path.stem}: {counts}")
