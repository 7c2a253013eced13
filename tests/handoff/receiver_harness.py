"""The reference receiver (docs/receiver/receiver.py) with faults on demand, for the tests.

    python tests/handoff/receiver_harness.py --port P --db D --secret S --plan PLAN.json
                                             [--token T] [--tolerance SECONDS]

Before it handles a POST, the harness takes the first entry of the plan file (a JSON list; the
file is read for each request and written back without that entry, under a file lock, so
threads and the test process never lose an entry):

- ``{"status": 500}``: answer 500 and store nothing; ``"retry_after": 120`` adds that
  ``Retry-After`` header (e.g. with 503). 410 tells the portal to stop sending.
- ``{"delay": 5.0}``: wait that long, then handle normally (a sender's timeout; a worker killed
  mid-delivery). A delay may be combined with ``status`` or ``close``.
- ``{"close": true}``: read the request and drop the connection without an answer.

An empty plan handles every request normally. Every POST is recorded in a ``requests`` table
of the receiver's database (webhook-id, arrival time, status, outcome) as it arrives, so a test
can count how often each webhook-id came, failed or not.

The receiver is imported by its path, as a municipality would run it: it is no package.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import json
import os
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

RECEIVER_PATH = Path(__file__).resolve().parents[2] / "docs" / "receiver" / "receiver.py"

REQUESTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    received_at REAL NOT NULL,
    status INTEGER,
    outcome TEXT NOT NULL
)
"""


# --- The plan file, shared with tests/handoff/receiver.py -----------------------------------


@contextlib.contextmanager
def plan_lock(plan_path: Path) -> Iterator[None]:
    """An exclusive lock on the plan, across the harness's threads and the test process: flock
    locks belong to an open file, so each holder opens its own."""
    with open(plan_path.with_name(plan_path.name + ".lock"), "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def write_plan(plan_path: Path, entries: list[dict[str, Any]]) -> None:
    """Replace the plan at once (a reader sees the old list or the new, never half)."""
    partial = plan_path.with_name(plan_path.name + ".partial")
    partial.write_text(json.dumps(entries))
    os.replace(partial, plan_path)


def take_entry(plan_path: Path) -> dict[str, Any]:
    """The plan's first entry, removed from the file; {} when the plan is empty."""
    with plan_lock(plan_path):
        entries = json.loads(plan_path.read_text()) if plan_path.exists() else []
        if not entries:
            return {}
        write_plan(plan_path, entries[1:])
    entry: dict[str, Any] = entries[0]
    return entry


# --- The request log ------------------------------------------------------------------------


_local = threading.local()


def _execute(db_path: Path, sql: str, parameters: tuple[Any, ...] = ()) -> int | None:
    # One connection per thread, kept: opening and closing one per statement checkpoints the
    # WAL each time, and no fsync per logged request (WAL keeps it safe from a killed
    # process). Both would otherwise dominate a thousand-message test.
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(db_path, timeout=10, isolation_level=None)
        connection.execute("PRAGMA synchronous=NORMAL")
        _local.connection = connection
    return connection.execute(sql, parameters).lastrowid


def record_arrival(db_path: Path, webhook_id: str) -> int | None:
    return _execute(
        db_path,
        "INSERT INTO requests (webhook_id, received_at, outcome) VALUES (?, ?, 'received')",
        (webhook_id, time.time()),
    )


def record_outcome(db_path: Path, row: int | None, status: int | None, outcome: str) -> None:
    _execute(db_path, "UPDATE requests SET status = ?, outcome = ? WHERE id = ?",
             (status, outcome, row))  # fmt: skip


# --- The handler ----------------------------------------------------------------------------


def load_receiver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reference_receiver", RECEIVER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def fault_injecting(base: type, plan_path: Path, db_path: Path) -> type:
    """The receiver's handler, preceded by the plan's next entry."""

    class FaultInjectingHandler(base):  # type: ignore[misc]
        row: int | None = None

        def do_POST(self) -> None:
            self.webhook_id = self.headers.get("webhook-id", "-")[:100]
            self.row = record_arrival(db_path, self.webhook_id)
            try:
                entry = take_entry(plan_path)
                if entry:
                    self.follow(entry)
                else:
                    super().do_POST()
            finally:
                # Again, for what only the sending showed ("sender gone").
                record_outcome(db_path, self.row, self.status, self.outcome)

        def answer(self, status: int, payload: dict[str, str], outcome: str = "",
                   extra_headers: dict[str, str] | None = None) -> None:  # fmt: skip
            # Recorded before the sender can read the answer, so a test that has it finds the
            # request's row complete.
            record_outcome(db_path, self.row, status, f"{status} {outcome}".strip())
            super().answer(status, payload, outcome, extra_headers)

        def follow(self, entry: dict[str, Any]) -> None:
            with contextlib.suppress(Exception):
                self.read_body()  # so the sender never sees a reset for unread data
            time.sleep(float(entry.get("delay", 0)))
            if entry.get("close"):
                self.outcome = "closed (plan)"
                record_outcome(db_path, self.row, None, self.outcome)
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                self.log_line()
            elif "status" in entry:
                extra = {"Retry-After": str(entry["retry_after"])} if "retry_after" in entry else {}
                self.answer(int(entry["status"]), {"error": "planned"}, "(plan)", extra)
                self.log_line()
            else:
                super().do_POST()

    return FaultInjectingHandler


def main(argv: list[str] | None = None) -> None:
    receiver = load_receiver()
    parser = argparse.ArgumentParser(description="The reference receiver with a fault plan")
    parser.add_argument("--plan", type=Path, required=True)
    ours, rest = parser.parse_known_args(argv)
    args = receiver.parse_args(rest)
    if not ours.plan.exists():
        write_plan(ours.plan, [])
    handler = fault_injecting(receiver.ReceiverHandler, ours.plan, args.db)
    server = receiver.make_server(args, handler)
    _execute(args.db, REQUESTS_SCHEMA)
    receiver.serve(server)


if __name__ == "__main__":
    main()
