"""The portal as an operator gets it: a wheel, installed into a fresh venv outside the checkout
with the locked dependencies, run as a separate process from a folder of its own.

Building and installing costs about 10 s on a warm uv cache, once per session; each started
server a few seconds more. `make test-fast` leaves these tests out (marker `packaging`).
"""

from __future__ import annotations

import base64
import http.client
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_LOCK = REPO_ROOT / "requirements" / "app.txt"
IN_CI = os.environ.get("CI", "").lower() == "true"
# What a server process may inherit from the test run: nothing of the portal's own settings.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "UV_CACHE_DIR")


def needs(tool: str) -> str:
    """The tool's path; skips without it, except in CI, where nothing may skip."""
    found = shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if found is None:
        message = f"{tool} is not installed (.ci/run installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else needs("uv")


def clean_env(**settings: str) -> dict[str, str]:
    env = {key: os.environ[key] for key in PASSED_ON if key in os.environ}
    return {**env, **settings}


def production_secrets() -> dict[str, str]:
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_INDEX_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATA_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Installed:
    venv: Path
    wheel: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def site_packages(self) -> Path:
        return next((self.venv / "lib").glob("python3*/site-packages"))


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist built from the checkout and the wheel built from that sdist, as `make dist`."""
    dist = tmp_path_factory.mktemp("pkg-dist")
    run([uv(), "build", "--quiet", "--out-dir", str(dist), str(REPO_ROOT)])
    return next(dist.glob("portal-*.whl"))


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A fresh venv with requirements/app.txt and the wheel, nothing else."""
    venv = tmp_path_factory.mktemp("pkg-install") / "venv"
    run([uv(), "venv", "--quiet", "--python", sys.executable, str(venv)])
    install = [uv(), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    run([*install, "--require-hashes", "-r", str(APP_LOCK)])
    run([*install, "--no-deps", str(wheel)])
    return Installed(venv, wheel)


def run(
    argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str


@dataclass
class Client:
    """A few HTTP requests to a local server, carrying cookies by hand (the session cookie is
    Secure in production, which http.cookiejar would not send over plain HTTP)."""

    connect: tuple[str, int]
    default_headers: dict[str, str] = field(default_factory=dict)
    https: bool = False
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, None, headers)

    def post(self, path: str, form: Mapping[str, str], **headers: str) -> Response:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, urlencode(form).encode(), headers)

    def request(
        self, method: str, path: str, body: bytes | None, headers: Mapping[str, str]
    ) -> Response:
        if self.https:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                *self.connect, timeout=30, context=context
            )
        else:
            conn = http.client.HTTPConnection(*self.connect, timeout=30)
        sent = {**self.default_headers, **{k.replace("_", "-"): v for k, v in headers.items()}}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for cookie in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(raw.status, raw.headers, text)


@dataclass
class Server:
    """A started server process whose output goes to a file, stopped with SIGTERM."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, within: float = 40) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


Start = Callable[[Sequence[str], Mapping[str, str], Path, Path], Server]


@pytest.fixture
def start() -> Iterator[Start]:
    """start(argv, env, cwd, log) -> Server; every server still running is stopped at the end."""
    servers: list[Server] = []

    def _start(argv: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path) -> Server:
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(argv), env=dict(env), cwd=cwd, stdout=out, stderr=subprocess.STDOUT
            )
        server = Server(process, log)
        servers.append(server)
        return server

    yield _start
    for server in servers:
        if server.process.poll() is None:
            server.stop()


def wait_until_up(
    server: Server, port: int, path: str, host: str, timeout: float = 120, expect: int = 200
) -> None:
    """Until `path` answers `expect` (the app is built before gunicorn listens: seconds)."""
    deadline = time.monotonic() + timeout
    client = Client(("127.0.0.1", port), {"Host": host, "X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"the server stopped (exit {server.process.returncode}):\n{server.output()}"
            )
        try:
            if client.get(path).status == expect:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer on {path} within {timeout} s:\n{server.output()}")
