"""The fuzz suite's fixtures: the fuzzer with its oracles, how many examples to make, and the
count of answers by status code, merged across test processes into
test-artifacts/fuzz-counts.json (the figure the hardening issue's closing note quotes).

FUZZ_SCALE=1 (the default, `make test`) is the CI run: hypothesis seeded per field, so CI
sends the same cases each time. `make fuzz` raises it: the whole corpus in each field on its
own, more hypothesis examples per field, random ones."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal.web.db import database
from tests.fuzz.oracles import Fuzzer
from tests.fuzz.values import Scale

ROOT = Path(__file__).resolve().parents[2]
COUNTS = ROOT / "test-artifacts" / "fuzz-counts.json"
STARTED = time.time()


@pytest.fixture(scope="session")
def scale() -> Scale:
    return Scale(max(1, int(os.environ.get("FUZZ_SCALE", "1"))))


@pytest.fixture
def fuzz(app: Flask, request: pytest.FixtureRequest, testrun_uid: str) -> Iterator[Fuzzer]:
    fuzzer = Fuzzer(app, database(app).engine)
    yield fuzzer
    fuzzer.writes.close()
    backend = database(app).backend
    merge_counts(testrun_uid, backend, request.node.nodeid, fuzzer)


def merge_counts(run: str, backend: str, test: str, fuzzer: Fuzzer) -> None:
    """Add one test's counts to the run's file; another run's file is started over."""
    COUNTS.parent.mkdir(parents=True, exist_ok=True)
    with open(COUNTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(COUNTS.read_text()) if COUNTS.exists() else {}
        if data.get("run") != run:
            data = {
                "run": run,
                "requests": 0,
                "by_status": {},
                "by_backend": {},
                "by_endpoint": {},
                "tests": {},
            }
        codes = {str(k): v for k, v in sorted(fuzzer.counts.items())}
        data["requests"] += fuzzer.total
        for bucket in (data["by_status"], data["by_backend"].setdefault(backend, {})):
            for code, n in codes.items():
                bucket[code] = bucket.get(code, 0) + n
        slowest = {k: round(v, 2) for k, v in fuzzer.seconds.most_common(5)}
        data["tests"][test] = {"requests": fuzzer.total, "by_status": codes,
                               "slowest_seconds": slowest}  # fmt: skip
        for endpoint, counter in fuzzer.by_endpoint.items():
            bucket = data["by_endpoint"].setdefault(endpoint, {})
            for code, n in counter.items():
                bucket[str(code)] = bucket.get(str(code), 0) + n
        for bucket in (data["by_status"], *data["by_backend"].values()):
            ordered = dict(sorted(bucket.items()))
            bucket.clear()
            bucket.update(ordered)
        COUNTS.write_text(json.dumps(data, indent=2) + "\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """With `pytest tests/fuzz` (so `make fuzz`) the counts close the run's report."""
    if not COUNTS.exists() or COUNTS.stat().st_mtime < STARTED:
        return
    data = json.loads(COUNTS.read_text())
    terminalreporter.section("fuzz: answers by status code")
    terminalreporter.line(f"{data['requests']} requests: {data['by_status']}")
    for backend, counts in sorted(data["by_backend"].items()):
        terminalreporter.line(f"  {backend}: {counts}")
    terminalreporter.line(f"(written to {COUNTS.relative_to(ROOT)})")
