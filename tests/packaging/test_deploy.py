"""deploy/ as a machine would run it: the systemd units' own command lines and environment file,
then nginx with the example site in front, against the installed wheel and a temporary machine.

The units name the documented places (/opt/portal/venv, /etc/portal/portal.env, /var/lib/portal);
the test maps each to a temporary folder and changes nothing else in the command lines.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.packaging.conftest import (
    REPO_ROOT,
    Client,
    Installed,
    Server,
    Start,
    clean_env,
    free_port,
    needs,
    production_secrets,
    run,
    wait_until_up,
)

pytestmark = pytest.mark.packaging

DEPLOY = REPO_ROOT / "deploy"
UNITS = DEPLOY / "systemd"
WEB_UNIT = UNITS / "portal.service"
PURGE_UNIT = UNITS / "portal-purge.service"
PURGE_TIMER = UNITS / "portal-purge.timer"
WORKER_UNIT = UNITS / "portal-worker.service"
ENV_EXAMPLE = DEPLOY / "portal.env.example"
NGINX_SITE = DEPLOY / "nginx" / "portal.conf"
# The documented places on a server (README, "Production").
VENV, ENV_FILE, STATE = "/opt/portal/venv", "/etc/portal/portal.env", "/var/lib/portal"
RUNTIME = "/run/portal"
HOST = "portal.example.dk"


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as systemd reads it: sections of keys, each key with all its values."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def env_file(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and line[0] != "#")
    return {key.strip(): value.strip() for key, value in pairs}


@dataclass
class Machine:
    """A temporary stand-in for the server: the documented folders, relocated."""

    root: Path
    installed: Installed

    def path(self, real: str) -> str:
        for prefix, here in (
            (VENV, self.installed.venv),
            (ENV_FILE, self.root / "etc/portal/portal.env"),
            (STATE, self.root / "var/lib/portal"),
            (RUNTIME, self.root / "run/portal"),
        ):
            if real == prefix or real.startswith(prefix + "/"):
                return str(here) + real[len(prefix) :]
        raise AssertionError(f"{real} is none of the documented places")

    def command(self, line: str) -> list[str]:
        argv = shlex.split(line.lstrip("-@:+!"))
        assert argv[0].startswith(f"{VENV}/bin/"), f"not the installed portal: {line}"
        return [self.path(argv[0]), *argv[1:]]

    def environment(self, service: dict[str, list[str]]) -> dict[str, str]:
        env = clean_env()
        for name in service.get("EnvironmentFile", []):
            env.update(env_file(Path(self.path(name.lstrip("-"))).read_text(encoding="utf-8")))
        for assignment in service.get("Environment", []):
            for pair in shlex.split(assignment):
                key, _, value = pair.partition("=")
                env[key] = self.path(value) if value.startswith("/") else value
        return env

    def workdir(self, service: dict[str, list[str]]) -> Path:
        """The folders systemd makes before it starts the service; its working directory."""
        for name in service.get("StateDirectory", []):
            Path(self.path(f"/var/lib/{name}")).mkdir(parents=True, exist_ok=True)
        for name in service.get("RuntimeDirectory", []):
            Path(self.path(f"/run/{name}")).mkdir(parents=True, exist_ok=True)
        return Path(self.path(service["WorkingDirectory"][0]))


def filled_env_file(example: str, port: int, machine: Machine) -> str:
    """The example with every CHANGE-ME replaced as README tells an operator to."""
    settings = env_file(example)
    settings.update(production_secrets(), PORTAL_METRICS_TOKEN=secrets.token_urlsafe(32))
    del settings["DATABASE_URL"]  # the embedded SQLite database in PORTAL_INSTANCE_PATH
    settings["PORTAL_INSTANCE_PATH"] = machine.path(settings["PORTAL_INSTANCE_PATH"])
    settings["PORTAL_BIND"] = f"127.0.0.1:{port}"
    settings["PORTAL_WORKERS"] = "2"  # two, so /metrics must add up both (multiprocess mode)
    assert not [key for key, value in settings.items() if "CHANGE-ME" in value]
    return "".join(f"{key}={value}\n" for key, value in settings.items())


@dataclass
class Running:
    machine: Machine
    port: int
    server: Server
    ready: bytes


@pytest.fixture(scope="module")
def web(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """portal.service started as systemd would: ExecStartPre, then ExecStart with NOTIFY_SOCKET."""
    machine = Machine(tmp_path_factory.mktemp("pkg-machine"), installed)
    port = free_port()
    env_path = Path(machine.path(ENV_FILE))
    env_path.parent.mkdir(parents=True)
    env_path.write_text(filled_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"), port, machine))

    service = unit(WEB_UNIT)["Service"]
    env, cwd = machine.environment(service), machine.workdir(service)
    for line in service.get("ExecStartPre", []):
        run(machine.command(line), env=env, cwd=cwd)
    (exec_start,) = service["ExecStart"]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(machine.root / "notify.sock"))
        notify.settimeout(120)
        log = machine.root / "portal.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                machine.command(exec_start),
                env={**env, "NOTIFY_SOCKET": str(machine.root / "notify.sock")},
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(process, log)
        try:
            ready = notify.recv(4096)
            wait_until_up(server, port, "/healthz", HOST)
            yield Running(machine, port, server, ready)
        finally:
            if process.poll() is None:
                server.stop()


def test_every_file_in_deploy_is_run_by_this_test_or_named_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    exercised = {WEB_UNIT, PURGE_UNIT, PURGE_TIMER, WORKER_UNIT, ENV_EXAMPLE, NGINX_SITE}
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file()):
        assert path in exercised, f"{path.relative_to(REPO_ROOT)}: nothing runs it"
        assert str(path.relative_to(REPO_ROOT)) in readme, f"README does not name {path.name}"


def test_the_web_unit_migrates_then_serves_and_tells_systemd_it_is_ready(web: Running) -> None:
    assert web.ready.startswith(b"READY=1")
    service = unit(WEB_UNIT)["Service"]
    assert service["Type"] == ["notify"]
    client = Client(("127.0.0.1", web.port), {"Host": HOST, "X-Forwarded-Proto": "https"})
    assert client.get("/").status == 200
    assert client.get("/ansoeg/hvem").status == 200
    instance = Path(web.machine.path(STATE)) / "instance"
    assert (instance / "portal.sqlite3").is_file()


def test_the_purge_service_runs_the_whole_retention_table_with_the_web_units_settings(
    web: Running,
) -> None:
    service = unit(PURGE_UNIT)["Service"]
    assert service["Type"] == ["oneshot"]
    assert service["EnvironmentFile"] == unit(WEB_UNIT)["Service"]["EnvironmentFile"]
    env, cwd = web.machine.environment(service), web.machine.workdir(service)
    (exec_start,) = service["ExecStart"]
    assert exec_start.split()[1:] == ["purge"]
    shown = run(web.machine.command(exec_start), env=env, cwd=cwd).stdout
    assert "Deleted 0 draft(s) untouched for 30 days." in shown
    assert "Deleted 0 application(s) held by their municipality's own system for 90 days" in shown
    assert "Deleted 0 outbox message(s)" in shown
    assert re.search(r"Audit row purge-[0-9a-f]{16} written\.", shown), shown


def test_the_worker_unit_runs_the_outbox_worker_and_stops_cleanly_on_sigterm(
    web: Running, start: Start
) -> None:
    service = unit(WORKER_UNIT)["Service"]
    assert service["EnvironmentFile"] == unit(WEB_UNIT)["Service"]["EnvironmentFile"]
    env, cwd = web.machine.environment(service), web.machine.workdir(service)
    (exec_start,) = service["ExecStart"]
    log = web.machine.root / "worker.log"
    worker = start(web.machine.command(exec_start), env, cwd, log)
    # Until it says it runs, a SIGTERM would end it before its handler is in place; on a
    # busy machine starting takes longer than any fixed pause.
    deadline = time.monotonic() + 60
    while "Outbox worker running" not in worker.output() and time.monotonic() < deadline:
        assert worker.process.poll() is None, worker.output()
        time.sleep(0.1)
    assert "Outbox worker running" in worker.output()
    time.sleep(0.5)  # into its loop: find the outbox empty and wait for more
    assert worker.process.poll() is None, worker.output()
    assert worker.stop(within=int(service["TimeoutStopSec"][0])) == 0
    assert "Outbox: 0 delivered" in worker.output()


def test_the_purge_timer_starts_the_purge_service_once_a_day() -> None:
    timer = unit(PURGE_TIMER)
    assert timer["Timer"]["Unit"] == [PURGE_UNIT.name]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    (calendar,) = timer["Timer"]["OnCalendar"]
    shown = run([needs("systemd-analyze"), "calendar", "--iterations=2", calendar]).stdout
    elapses = re.findall(r"(?:Next elapse|Iter\. #2): \w+ (\S+ \S+)", shown)
    first, second = (datetime.fromisoformat(e) for e in elapses)
    assert second - first == timedelta(days=1)


def test_systemd_accepts_the_units(web: Running, tmp_path: Path) -> None:
    analyze = needs("systemd-analyze")
    for source in (WEB_UNIT, PURGE_UNIT, PURGE_TIMER, WORKER_UNIT):
        # Only the documented venv moves: systemd checks that the programs exist.
        text = source.read_text(encoding="utf-8").replace(VENV, str(web.machine.installed.venv))
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    names = [str(tmp_path / p.name) for p in (WEB_UNIT, PURGE_UNIT, PURGE_TIMER, WORKER_UNIT)]
    checked = subprocess.run(
        [analyze, "verify", "--man=no", "--generators=no", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def nginx_site(tmp_path: Path, upstream: int, http: int, https: int) -> Path:
    """The example site with only its addresses and certificate swapped for test ones."""
    cert, key = self_signed(tmp_path)
    bind = env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))["PORTAL_BIND"]
    site = NGINX_SITE.read_text(encoding="utf-8")
    for old, new in (
        (f"server {bind};", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/portal/fullchain.pem", str(cert)),
        ("/etc/ssl/portal/privkey.pem", str(key)),
        ("/var/log/nginx/portal.access.log", str(tmp_path / "portal.access.log")),
    ):
        assert old in site, f"{NGINX_SITE.name} no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (tmp_path / "portal.conf").write_text(site, encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
{"user root root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 64; }}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/portal.conf;
}}
""",
        encoding="utf-8",
    )
    return conf


def test_nginx_example_serves_the_portal_over_tls_as_one_proxy_hop(
    web: Running, tmp_path: Path, start: Start
) -> None:
    nginx = needs("nginx")
    http, https = free_port(), free_port()
    conf = nginx_site(tmp_path, web.port, http, https)
    argv = [nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)]
    run([*argv, "-t"])
    proxy = start(argv, clean_env(), tmp_path, tmp_path / "nginx.out")
    wait_until_up(proxy, http, "/", HOST, expect=301)

    plain = Client(("127.0.0.1", http), {"Host": HOST}).get("/ansoeg/hvem?sprog=da")
    assert (plain.status, plain.headers["Location"]) == (
        301,
        f"https://{HOST}/ansoeg/hvem?sprog=da",
    )

    client = Client(("127.0.0.1", https), {"Host": HOST}, https=True)
    page = client.get("/ansoeg/hvem")
    assert page.status == 200
    assert "max-age" in page.headers["Strict-Transport-Security"]
    for asset in re.findall(r'(?:href|src)="(/static/[^"#]+)', page.body):
        assert client.get(asset).status == 200, asset
    # Answer the first question (a write, CSRF-checked against https://HOST as Referer), then
    # ask for the resume link: the portal builds it from X-Forwarded-Proto and -Host.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body)
    assert token is not None
    answered = client.post(
        "/ansoeg/hvem",
        {"csrf_token": token[1], "who": "self"},
        Referer=f"https://{HOST}/ansoeg/hvem",
    )
    assert answered.status == 303
    assert all("Secure" in c for c in answered.headers.get_all("Set-Cookie") or [])
    saved = client.get("/ansoeg/gem")
    assert saved.status == 200
    assert f"https://{HOST}/fortsaet/" in saved.body
    # nginx's $request_id reached the portal and is the id of its log line.
    ids = re.findall(r'"request_id": "([^"]+)"[^\n]*"route": "/ansoeg/gem"', web.server.output())
    assert ids and re.fullmatch(r"[0-9a-f]{32}", ids[-1])
    # /metrics is for Prometheus on PORTAL_BIND, not for the public site, even with the token.
    token = env_file(Path(web.machine.path(ENV_FILE)).read_text())["PORTAL_METRICS_TOKEN"]
    assert client.get("/metrics", Authorization=f"Bearer {token}").status == 404


def test_prometheus_scrapes_every_workers_numbers_on_the_bind_address(web: Running) -> None:
    token = env_file(Path(web.machine.path(ENV_FILE)).read_text())["PORTAL_METRICS_TOKEN"]
    # As Prometheus asks: straight to PORTAL_BIND, with the address as Host.
    direct = Client(("127.0.0.1", web.port))
    assert direct.get("/metrics").status == 404  # no token, no metrics
    page = Client(("127.0.0.1", web.port), {"Host": HOST, "X-Forwarded-Proto": "https"})
    for _ in range(6):
        assert page.get("/ansoeg/hvem").status == 200
    scraped = direct.get("/metrics", Authorization=f"Bearer {token}")
    assert scraped.status == 200
    served = re.search(
        r'portal_http_requests_total\{endpoint="citizen.step",method="GET",status="200"\} (\S+)',
        scraped.body,
    )
    # Six here and more before, whichever of the two workers answered each.
    assert served is not None and float(served[1]) >= 6
    assert list(Path(web.machine.path(RUNTIME)).glob("*.db"))


def test_the_web_unit_stops_within_its_timeout_on_sigterm(web: Running) -> None:
    # KillMode=mixed: SIGTERM to gunicorn's master, which lets the workers finish.
    service = unit(WEB_UNIT)["Service"]
    assert service["KillMode"] == ["mixed"]
    timeout = int(service["TimeoutStopSec"][0])
    assert web.server.stop(within=timeout) == 0
    assert '"Shutting down: Master"' in web.server.output()


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
