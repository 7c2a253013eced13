"""The operator's path, as the probe of 2026-12-06 walked it: `portal migrate` says what it did
and where, `portal create-staff` refuses what the admin page refuses, `portal demo-data`
gives a way into the admin pages, `portal rotate-keys` says first what must be true."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess, run

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal import cli, env_file
from portal.config import DEV_DATA_KEY
from portal.db.models import Application, StaffRole, StaffUser
from portal.web.db import database
from tests.conftest import make_app
from tests.web.encrypted import fill
from tests.web.staff import staff_client

NEW_KEY = Fernet.generate_key().decode()


def staff_users(app: Flask) -> list[StaffUser]:
    with database(app).transaction() as session:
        return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def test_migrate_on_a_new_instance_says_it_created_the_database_and_where(
    tmp_path: Path,
) -> None:
    path = tmp_path / "fresh" / "portal.sqlite3"
    path.parent.mkdir()
    app = make_app(f"sqlite:///{path}")
    try:
        first = app.test_cli_runner().invoke(args=["migrate"])
        second = app.test_cli_runner().invoke(args=["migrate"])
    finally:
        database(app).engine.dispose()
    assert first.exit_code == 0, first.output
    assert "Created the SQLite database" in first.output
    assert str(path) in first.output
    assert "up to date" not in first.output
    assert second.exit_code == 0, second.output
    assert "is up to date" in second.output and str(path) in second.output


def test_migrate_names_the_database_but_never_its_password(
    app: Flask, runner: FlaskCliRunner
) -> None:
    url = database(app).engine.url
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.output
    if url.get_backend_name() == "postgresql":
        assert repr(url.database) in result.output and str(url.host) in result.output
        # CI's password ("portal") is also part of its database's name: look past the name.
        rest = result.output.replace(repr(url.database), "")
        assert url.password and url.password not in rest
    else:
        assert str(url.database) in result.output


@pytest.mark.parametrize("email", ["notanemail", "ida@", "@roskilde.dk", "ida@roskilde", "  "])
def test_create_staff_refuses_what_the_admin_page_refuses(
    app: Flask, runner: FlaskCliRunner, email: str
) -> None:
    args = ["create-staff", "--municipality", "265", "--email", email, "--role", "admin"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "--email" in result.output
    assert "Password" not in result.output
    assert staff_users(app) == []


def test_create_staff_says_the_admin_pages_words_in_english(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-staff", "--municipality", "265", "--email", "x"])
    assert "like this: name@example.dk" in result.output


def test_demo_data_gives_each_municipality_an_admin_too(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    admins = [u for u in staff_users(app) if u.role is StaffRole.ADMIN]
    assert sorted(u.municipality_code for u in admins) == ["157", "173", "265", "370", "575"]
    for admin in admins:
        assert f"Demo admin for {admin.municipality_code}: {admin.email} / " in result.output


@pytest.fixture
def rotated_app(app: Flask) -> Iterator[Flask]:
    """The same database, served with a new key put first (the old one still listed)."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], DATA_KEYS=f"{NEW_KEY},{DEV_DATA_KEY}")
    yield other
    database(other).engine.dispose()


def pending(app: Flask) -> int:
    result = app.test_cli_runner().invoke(args=["rotate-keys", "--check"])
    line = next(line for line in result.output.splitlines() if line.startswith("Total:"))
    return int(re.search(r"(\d+) on an older key", line).group(1))  # type: ignore[union-attr]


def test_rotate_keys_says_first_that_every_server_needs_the_new_key(
    app: Flask, rotated_app: Flask
) -> None:
    fill(app)
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    warning = result.output.index("every app server (portal serve) and every portal worker")
    assert warning < result.output.index("Total:")
    assert pending(rotated_app) == 0


def test_rotate_keys_on_a_terminal_asks_and_a_no_changes_nothing(
    app: Flask, rotated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(app)
    before = pending(rotated_app)
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys"], input="n\n")
    assert result.exit_code != 0
    assert "Does every server and worker run with the new key?" in result.output
    assert "Total:" not in result.output
    assert before > 0 and pending(rotated_app) == before
    # --yes is the answer given in advance: nothing is asked, everything is re-encrypted.
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Does every" not in result.output
    assert pending(rotated_app) == 0


def test_rotate_keys_check_neither_warns_nor_asks(
    app: Flask, rotated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys", "--check"])
    assert result.exit_code == 0, result.output
    assert "Does every" not in result.output and "Before re-encrypting" not in result.output


def test_a_server_without_the_new_key_shows_the_portals_error_page(
    app: Flask, rotated_app: Flask
) -> None:
    """What the warning is about: the rotation done too early, a caseworker on a server that
    still has the old key alone gets the portal's error page with its code, not a bare 500."""
    fill(app)
    assert rotated_app.test_cli_runner().invoke(args=["rotate-keys"]).exit_code == 0
    # As in production: an exception is answered, not raised into the test.
    old_server = make_app(app.config["SQLALCHEMY_DATABASE_URI"], PROPAGATE_EXCEPTIONS=False)
    try:
        client = staff_client(old_server, "575", "ole@vejen.dk")
        with database(app).transaction() as session:
            application_id = session.scalars(select(Application.id)).first()
        for path in ("/sagsbehandler/", f"/sagsbehandler/sag/{application_id}"):
            response = client.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 500, path
            assert '<html lang="da"' in html and response.headers["X-Request-ID"] in html, path
            assert "DecryptionError" not in html, path
    finally:
        database(old_server).engine.dispose()


def portal(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    """The installed `portal` command in a clean environment (no settings of the test run)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_"))}
    return run(
        [sys.executable, "-c", "from portal.cli import main; main()", *args],
        cwd=cwd, env={**clean, **(env or {})}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_env_file_option_reads_the_units_settings_file(tmp_path: Path) -> None:
    """`portal -e /etc/portal/portal.env …`, which `portal --help` offers, works without
    python-dotenv, reads the file as systemd does, and its values win over the environment."""
    instance = tmp_path / "instance"
    settings = tmp_path / "portal.env"
    settings.write_text(
        "# comment\n; another\n\n"
        f"PORTAL_INSTANCE_PATH = {instance}\n"
        f"DATABASE_URL=sqlite:///{tmp_path}/from-file.sqlite3\n",
        encoding="utf-8",
    )
    elsewhere = {"DATABASE_URL": f"sqlite:///{tmp_path}/from-environment.sqlite3"}
    result = portal("-e", str(settings), "migrate", cwd=tmp_path, env=elsewhere)
    assert result.returncode == 0, result.stderr
    assert f"Created the SQLite database {tmp_path}/from-file.sqlite3" in result.stdout
    assert not (tmp_path / "from-environment.sqlite3").exists()
    help_text = portal("--help", cwd=tmp_path, env={"PORTAL_INSTANCE_PATH": str(instance)})
    assert "--env-file" in help_text.stdout and "python-dotenv" not in help_text.stdout


@pytest.mark.parametrize(
    "line", ['SECRET_KEY="s3cret-value"', "SECRET_KEY='s3cret-value'", "SECRET_KEY=s3cret\\value",
             "export SECRET_KEY=s3cret-value", "s3cret-value"],
)  # fmt: skip
def test_the_env_file_refuses_what_systemd_would_read_differently(
    tmp_path: Path, line: str
) -> None:
    settings = tmp_path / "portal.env"
    settings.write_text(f"PORTAL_ENV=test\n{line}\n", encoding="utf-8")
    result = portal("-e", str(settings), "migrate", cwd=tmp_path)
    assert result.returncode == 2
    assert "line 2" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert not (tmp_path / "instance").exists()


def test_new_data_key_needs_no_settings_and_leaves_no_instance_folder(tmp_path: Path) -> None:
    """Step 3 of README's Production: portal.env still says CHANGE-ME, run as root anywhere."""
    result = portal("new-data-key", cwd=tmp_path, env={"PORTAL_ENV": "production"})
    assert result.returncode == 0, result.stderr
    Fernet(result.stdout.strip().encode())
    assert list(tmp_path.iterdir()) == []


def test_the_example_settings_file_is_read_as_systemd_reads_it() -> None:
    example = env_file.read(Path(__file__).parents[2] / "deploy" / "portal.env.example")
    assert example["PORTAL_ENV"] == "production"
    assert example["DATABASE_URL"] == "postgresql+psycopg://portal:CHANGE-ME@127.0.0.1/portal"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can be refused")
def test_root_is_refused_where_the_service_user_keeps_its_files(tmp_path: Path) -> None:
    """Run as root, `portal -e /etc/portal/portal.env create-staff …` made the static cache
    in /var/lib/portal root's, and the service could no longer start."""
    home = tmp_path / "var-lib-portal"
    home.mkdir()
    os.chown(home, 65534, 65534)  # nobody, standing in for the portal user
    settings = tmp_path / "portal.env"
    settings.write_text(
        f"PORTAL_INSTANCE_PATH={home}/instance\nDATABASE_URL=sqlite:///{tmp_path}/p.sqlite3\n",
        encoding="utf-8",
    )
    result = portal("-e", str(settings), "migrate", cwd=tmp_path)
    assert result.returncode == 1
    assert "runuser -u" in result.stderr and "-- portal" in result.stderr
    assert list(home.iterdir()) == [] and not (tmp_path / "p.sqlite3").exists()
    os.chown(home, 0, 0)  # the folder root owns: root may
    assert portal("-e", str(settings), "migrate", cwd=tmp_path).returncode == 0
