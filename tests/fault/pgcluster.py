"""A throwaway PostgreSQL cluster of the test's own, on a free loopback port, made with Debian's
binaries (/usr/lib/postgresql/<version>/bin). The fault tests restart it; the machine's shared
server (which other tests use) is never touched.

As root the binaries run as the `postgres` user (initdb refuses root). Authentication is
`trust` on 127.0.0.1 only, fsync off: it lives for one test session in a folder under /tmp.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.fault.server import free_port

BIN_GLOB = "/usr/lib/postgresql/*/bin"


def binaries() -> Path | None:
    """The newest installed version's bin folder that has initdb and pg_ctl, or None."""
    found = sorted(
        (p for p in Path("/").glob(BIN_GLOB.lstrip("/")) if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


@dataclass
class Cluster:
    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "portal") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        command = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-instructions", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip

    def start(self, *settings: str) -> None:
        options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1",
                   "-c fsync=off", "-c full_page_writes=off", "-c max_connections=200",
                   *(f"-c {s}" for s in settings)]  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                  "-t", "60", "-o", " ".join(options), "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def create_database(self, name: str = "portal") -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def wait_ready(self, within: float = 30) -> None:
        deadline = time.monotonic() + within
        while True:
            try:
                psycopg.connect(
                    host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                    connect_timeout=2,
                ).close()  # fmt: skip
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def new_cluster(bin_dir: Path) -> Cluster:
    """Made and started; the caller removes it. A folder under /tmp, owned by postgres when
    running as root (pytest's tmp_path sits under a folder only root may enter)."""
    root = Path(tempfile.mkdtemp(prefix="portal-fault-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(bin_dir, root, free_port())
    cluster.init()
    cluster.start()
    cluster.create_database()
    return cluster
