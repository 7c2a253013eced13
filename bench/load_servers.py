"""Starting and stopping the servers the load benchmark measures, and one wrk run against one.

Each server is its own process group (gunicorn's master and workers), started with the
environment a production install has and stopped with SIGTERM, as systemd stops the portal.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "load.lua"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server has used so far: the master, its live workers,
        and the workers it has already replaced (reaped children count in the master's own
        cutime/cstime). Unlike requests per second, this does not depend on how much of the
        shared machine the server got."""
        total = _cpu(self.process.pid, children=True)
        for pid in self.worker_pids():
            # One that exited between the listing and the read is counted once it is reaped.
            with contextlib.suppress(FileNotFoundError):
                total += _cpu(pid)
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _cpu(pid: int, children: bool = False) -> float:
    # /proc/<pid>/stat: the fields after the command's closing parenthesis; utime and stime are
    # the 12th and 13th of them, cutime and cstime the 14th and 15th, in clock ticks.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def start(name: str, command: list[str], env: Mapping[str, str], folder: Path) -> Server:
    """Start `command` listening on a free port (PORTAL_BIND); wait until it answers."""
    port = free_port()
    log = folder / f"{name}.log"
    full_env = {**os.environ, **env, "PORTAL_BIND": f"127.0.0.1:{port}"}
    if os.environ.get("PORTAL_CODE"):
        full_env["PYTHONPATH"] = os.environ["PORTAL_CODE"]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and scripts)
            command, env=full_env, stdout=out, stderr=out, cwd=ROOT, start_new_session=True
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError(f"{name} did not listen within 60 s; see {log}")
    # The master listens before it forks (and freezes its heap first): wait for a worker.
    while not server.worker_pids():
        if time.monotonic() > deadline or process.poll() is not None:
            server.stop()
            raise RuntimeError(f"{name} started no worker within 60 s; see {log}")
        time.sleep(0.05)
    return server


def hello_server(env: Mapping[str, str], folder: Path) -> Server:
    return start("hello", [sys.executable, str(ROOT / "bench" / "hello.py")], env, folder)


def portal_server(name: str, env: Mapping[str, str], folder: Path) -> Server:
    metrics = folder / f"metrics-{name}"
    metrics.mkdir(exist_ok=True)
    # As the systemd unit: the workers' metrics files in a folder of their own.
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    return start(name, [str(VENV_BIN / "portal"), "serve"], env, folder)


@dataclass(frozen=True)
class Run:
    """One wrk run: throughput, latency, answers checked, and the client's own CPU use."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    ok: int
    bad: int
    errors: int
    exhausted: int
    sent: int
    statuses: dict[str, int]
    client_cpu: float  # wrk's CPU seconds per wall second (1.0 = one core)
    server_cpu_ms: float  # the server's CPU milliseconds per answered request

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def wrk(
    server: Server,
    requests_file: Path,
    *,
    connections: int,
    duration: float,
    expect: int,
    location: str | None = None,
    once: bool = False,
    threads: int = 2,
) -> Run:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{round(duration)}s", "--timeout", "10s",
        "-s", str(LUA), server.url, "--",
        str(requests_file), str(threads), str(expect), location or "-", "once" if once else "-",
    ]  # fmt: skip
    cpu_before = server.cpu_seconds()
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    server_cpu = server.cpu_seconds() - cpu_before
    assert process.stdout is not None and process.stderr is not None
    out = process.stdout.read().decode()
    process.returncode = os.waitstatus_to_exitcode(status)
    line = next((x for x in out.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk said: {out}{process.stderr.read().decode()}")
    data = json.loads(line.removeprefix("RESULT "))
    seconds = data["duration_us"] / 1e6
    return Run(
        rps=data["requests"] / seconds,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        requests=data["requests"],
        ok=data["ok"],
        bad=data["bad"],
        errors=sum(data["errors"].values()),
        exhausted=data["exhausted_threads"],
        sent=data["sent"],
        statuses=data["statuses"],
        client_cpu=(usage.ru_utime + usage.ru_stime) / wall,
        server_cpu_ms=server_cpu * 1000 / max(1, data["requests"]),
    )
