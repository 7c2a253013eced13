"""Backups as the README's "Backup and restore" section takes them, restored into a fresh
instance that has nothing but the backup and the escrowed keys: every application decrypts,
its status link works; without the data key nothing does."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy.engine import make_url

from portal.crypto import DataCipher, DecryptionError
from portal.db import migrate
from portal.web.db import database
from tests.conftest import IN_CI, make_app
from tests.web.encrypted import fill, read_all


def need(tool: str, optional: bool = False) -> str:
    """The tool's path; without it the test skips (fails in CI, unless it is optional)."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (apt-get install postgresql-client / sqlite3)"
        if IN_CI and not optional:
            pytest.fail(message)
        pytest.skip(message)
    return found


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# The commands of the README's "Backup and restore" section.
PYTHON_BACKUP = (
    "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))"
)


def sqlite_backup(app: Flask, target: Path, tmp_path: Path) -> str:
    """`sqlite3.Connection.backup`, the online backup API, as the README's one-liner."""
    database_file = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or ""
    subprocess.run([sys.executable, "-c", PYTHON_BACKUP, database_file, str(target)], check=True)
    return f"sqlite:///{target}"


def sqlite_cli_backup(app: Flask, target: Path, tmp_path: Path) -> str:
    """`sqlite3 portal.sqlite3 ".backup 'file'"`, the same API from the shell."""
    database_file = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or ""
    # Optional: the Python variant above needs nothing but Python.
    subprocess.run(
        [need("sqlite3", optional=True), database_file, f".backup '{target}'"], check=True
    )
    return f"sqlite:///{target}"


@pytest.fixture
def fresh_database(app: Flask) -> Iterator[str]:
    """An empty PostgreSQL database beside the test one, dropped afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"restore_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    subprocess.run(
        [need("createdb"), "-h", url.host or "", "-p", str(url.port or 5432), "-U",
         url.username or "", name],
        check=True, env={**os.environ, "PGPASSWORD": url.password or ""},
    )  # fmt: skip
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_postgresql(app: Flask, dump: Path, target_url: str) -> str:
    """pg_dump --format=custom, then pg_restore into an empty database."""
    source = libpq(app.config["SQLALCHEMY_DATABASE_URI"])
    subprocess.run([need("pg_dump"), "--format=custom", f"--file={dump}", source], check=True)
    subprocess.run(
        [need("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={libpq(target_url)}",
         str(dump)],
        check=True,
    )  # fmt: skip
    return target_url


def fresh_instance(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **config: object
) -> Flask:
    """A new portal with its own, empty instance folder: only the database and the keys."""
    folder = tmp_path / "fresh-instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(folder))
    restored = make_app(url, **config)
    migrate.upgrade(database(restored).engine)  # what a deployment runs; already up to date
    return restored


def check_restored(app: Flask, restored: Flask, links: list[str], tmp_path: Path) -> None:
    original = read_all(app)
    try:
        assert read_all(restored) == original
        assert sum(1 for table, _, column in original if column == "person_enc") == 2
        client = restored.test_client()
        for link in links:
            response = client.get(link)
            assert response.status_code == 200
            assert "Sådan går det med ansøgningen" in response.get_data(as_text=True)
        # Without the escrowed data key the backup is worth nothing.
        stranger = DataCipher(Fernet.generate_key().decode(), app.config["INDEX_KEY"])
        with pytest.raises(DecryptionError):
            read_all(restored, stranger)
    finally:
        database(restored).engine.dispose()


# Each backup on its own database only (the `app` fixture would run both on both).
ON_SQLITE = pytest.mark.parametrize("migrated_app", ["sqlite"], indirect=True)
ON_POSTGRESQL = pytest.mark.parametrize("migrated_app", ["postgresql"], indirect=True)


@ON_SQLITE
@pytest.mark.parametrize("backup", [sqlite_backup, sqlite_cli_backup])
def test_a_sqlite_backup_restores_into_a_fresh_instance(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backup: object
) -> None:
    links = fill(app)
    target = tmp_path / "backup" / "portal-2026-12-05.sqlite3"
    target.parent.mkdir()
    url = backup(app, target, tmp_path)  # type: ignore[operator]
    restored_file = tmp_path / "fresh-instance" / "portal.sqlite3"
    restored_file.parent.mkdir()
    shutil.copy(target, restored_file)
    restored = fresh_instance(f"sqlite:///{restored_file}", tmp_path, monkeypatch)
    assert url != restored.config["SQLALCHEMY_DATABASE_URI"]
    check_restored(app, restored, links, tmp_path)


@ON_POSTGRESQL
def test_a_pg_dump_restores_into_a_fresh_instance(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_database: str
) -> None:
    assert database(app).backend == "postgresql"
    links = fill(app)
    target_url = fresh_database
    url = restore_postgresql(app, tmp_path / "portal.dump", target_url)
    check_restored(app, fresh_instance(url, tmp_path, monkeypatch), links, tmp_path)
