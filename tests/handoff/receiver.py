"""The reference receiver as a real local server for tests: a subprocess on 127.0.0.1.

    with running_receiver(tmp_path) as receiver:
        receiver.plan({"status": 500}, {"delay": 2.0})   # the next two POSTs fail, then normal
        ... point the portal at receiver.url with receiver.secret (and receiver.token) ...
        assert receiver.arrivals() == {"17": 3}
        assert len(receiver.cases()) == 1

It runs tests/handoff/receiver_harness.py (the reference receiver with a fault plan); its
stderr goes to ``receiver.log_path`` and is shown when it fails to start.
"""

from __future__ import annotations

import http.client
import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.handoff.signing import new_secret
from tests.handoff.receiver_harness import write_plan

HARNESS = Path(__file__).with_name("receiver_harness.py")
HOST = "127.0.0.1"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, step: float = 0.02) -> Any:
    """The first truthy value of ``condition()``, polled until ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


@dataclass
class Receiver:
    url: str
    secret: str
    token: str | None
    db_path: Path
    plan_path: Path
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    tolerance: int = 300

    # --- the plan and what arrived ---

    def plan(self, *entries: dict[str, Any]) -> None:
        """Replace the plan: the next POSTs follow these entries in order, then behave."""
        write_plan(self.plan_path, list(entries))

    def planned(self) -> list[dict[str, Any]]:
        """The entries not yet used."""
        return list(json.loads(self.plan_path.read_text()))

    def cases(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM cases ORDER BY case_number")

    def events(self) -> list[dict[str, Any]]:
        """One per webhook-id, in the order stored."""
        return self._rows("SELECT * FROM events ORDER BY received_at, webhook_id")

    def requests(self) -> list[dict[str, Any]]:
        """Every POST received, failed or not, in order: webhook_id, received_at (epoch
        seconds), status (None while in hand, or for a dropped connection), outcome."""
        return self._rows("SELECT * FROM requests ORDER BY id")

    def arrivals(self) -> dict[str, int]:
        """webhook-id -> how many times it was received (every request, failed or not)."""
        rows = self._rows("SELECT webhook_id, COUNT(*) AS n FROM requests GROUP BY webhook_id")
        return {row["webhook_id"]: row["n"] for row in rows}

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _rows(self, sql: str) -> list[dict[str, Any]]:
        connection = sqlite3.connect(self.db_path, timeout=10)
        connection.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in connection.execute(sql)]
        finally:
            connection.close()

    # --- HTTP, for tests that speak to it directly ---

    def post(
        self, body: bytes, headers: dict[str, str], path: str = "/events", timeout: float = 5.0
    ) -> tuple[int, dict[str, str], bytes]:
        """POST and return (status, headers with lower-case names, body)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, answer_headers, response.read()
        finally:
            connection.close()

    def healthy(self) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=1.0)
        try:
            connection.request("GET", "/health")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    # --- the process ---

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL): the receiver is down until start()."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)

    def start(self) -> None:
        """Start it again on the same port, with the same database and plan."""
        if self.process.poll() is None:
            raise RuntimeError("the receiver is already running")
        self.process = _spawn(self.port, self.db_path, self.plan_path, self.secret, self.token,
                              self.tolerance, self.log_path)  # fmt: skip
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the receiver did not start:\n{self.log()}")
            time.sleep(0.02)


def _spawn(
    port: int,
    db_path: Path,
    plan_path: Path,
    secret: str,
    token: str | None,
    tolerance: int,
    log_path: Path,
) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(HARNESS), "--host", HOST, "--port", str(port),
               "--db", str(db_path), "--plan", str(plan_path), "--secret", secret,
               "--tolerance", str(tolerance)]  # fmt: skip
    if token:
        command += ["--token", token]
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)


@contextmanager
def running_receiver(
    tmp_path: Path, token: str | None = None, tolerance: int = 300
) -> Iterator[Receiver]:
    """A reference receiver on a free port of 127.0.0.1 with a fresh secret and database,
    healthy when yielded (at most 10 s), stopped afterwards. Several may run at once."""
    port = free_port()
    folder = tmp_path / f"receiver-{port}"
    folder.mkdir()
    secret = new_secret()
    db_path, plan_path, log_path = folder / "cases.sqlite3", folder / "plan.json", folder / "log"
    write_plan(plan_path, [])
    process = _spawn(port, db_path, plan_path, secret, token, tolerance, log_path)
    receiver = Receiver(
        url=f"http://{HOST}:{port}/events",
        secret=secret,
        token=token,
        db_path=db_path,
        plan_path=plan_path,
        process=process,
        port=port,
        log_path=log_path,
        tolerance=tolerance,
    )
    try:
        receiver._wait_healthy()
        yield receiver
    finally:
        receiver.stop()
