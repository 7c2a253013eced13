"""The portal as production runs it (`portal serve`: gunicorn, gthread workers) in a process of
its own on a free loopback port, and an HTTP client with a deadline on every request.

The server gets production settings (secrets of the run's own, TRUSTED_HOSTS, one proxy hop);
the client talks to it as nginx would (Host, X-Forwarded-Proto: https) and keeps the cookies by
hand, since they are Secure and the connection is plain HTTP.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from portal.db import migrate
from portal.db.engine import Database

HOST = "portal.test"
# No request may take longer; one that does counts as hung, and hung requests fail the test.
REQUEST_TIMEOUT = 20.0
PORTAL = str(Path(sys.executable).with_name("portal"))
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(database_url: str, instance: Path, **settings: str) -> dict[str, str]:
    """What `portal serve` runs with: production, with keys made for this run."""
    env = {key: os.environ[key] for key in PASSED_ON if key in os.environ}
    return {
        **env,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_INDEX_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATA_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "TRUSTED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_BIND": f"127.0.0.1:{free_port()}",
        **settings,
    }


class Unanswered(Exception):
    """The request got no HTTP answer: refused, reset, or cut off by a killed process."""


class Hung(Unanswered):
    """No answer within REQUEST_TIMEOUT."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def token(self) -> str:
        found = TOKEN_RE.search(self.body)
        assert found, f"no CSRF token on the page ({self.status})"
        return found.group(1)


@dataclass
class Browser:
    """One visitor: its cookies, and every answer's status counted."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    slowest: float = 0.0  # seconds, of any request that got an answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path, None)

    def post(self, path: str, form: Mapping[str, object]) -> Answer:
        return self.request("POST", path, urlencode(form, doseq=True).encode())

    def request(self, method: str, path: str, body: bytes | None) -> Answer:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Connection": "close"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Production checks it on HTTPS (WTF_CSRF_SSL_STRICT): the form's own page.
            headers["Referer"] = f"https://{HOST}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        began = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except TimeoutError as err:
            self._count("hung")
            raise Hung(f"{method} {path}") from err
        except (OSError, http.client.HTTPException) as err:
            self._count("no answer")
            raise Unanswered(f"{method} {path}: {type(err).__name__}") from err
        finally:
            conn.close()
        for cookie in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self._count(str(raw.status))
        self.slowest = max(self.slowest, time.monotonic() - began)
        return Answer(raw.status, raw.headers, text)

    def _count(self, key: str) -> None:
        self.statuses[key] = self.statuses.get(key, 0) + 1


@dataclass
class Portal:
    """`portal serve` with `env`; started by start(), its output in `log`."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    pids: set[int] = field(default_factory=set)  # every process it ever had, for cleanup

    @property
    def port(self) -> int:
        return int(self.env["PORTAL_BIND"].rsplit(":", 1)[1])

    def migrate(self) -> None:
        """What `portal migrate` does, in this process (a second interpreter costs seconds)."""
        database = Database.from_url(self.env["DATABASE_URL"])
        try:
            migrate.upgrade(database.engine)
        finally:
            database.engine.dispose()

    def start(self, within: float = 60) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [PORTAL, "serve"], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.pids.add(self.process.pid)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped:\n{self.output()[-3000:]}"
            try:
                if Browser(self.port).get("/livez").status == 200 and self.workers():
                    return
            except Unanswered:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not answer within {within} s")

    def workers(self) -> list[int]:
        assert self.process is not None
        found = children(self.process.pid)
        self.pids.update(found)
        return found

    def kill_worker(self) -> int:
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def kill_master(self, within: float = 30) -> None:
        """SIGKILL the master; its workers notice and leave; wait until all are gone."""
        assert self.process is not None
        workers = self.workers()
        self.process.kill()
        self.process.wait()
        deadline = time.monotonic() + within
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "workers outlived their master"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.pids:  # nothing of ours may outlive the test
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
