"""Shared fixtures: the app on each database backend, a client, a CLI runner.

Every web test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL points at one (CI
sets it). With CI=true a missing PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.db import migrate
from portal.db.base import Base
from portal.web.db import database
from tests.log_scan import portal_log_scan  # noqa: F401 (every log line of the run is scanned)

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"]


def backend_url(backend: str, tmp_dir: str) -> str:
    if backend == "sqlite":
        # A file, not :memory:, so WAL and several connections behave as in production.
        return f"sqlite:///{tmp_dir}/portal-test.sqlite3"
    if not PG_URL:
        message = "PostgreSQL not available: set TEST_DATABASE_URL (CI does, via .ci/run)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return worker_database(PG_URL)


def worker_database(url: str) -> str:
    """With pytest-xdist each worker process gets a database of its own (gw0 uses
    portal_test_gw0, …), made on first use beside TEST_DATABASE_URL's: the tests empty and
    migrate their schema, which two processes must not do to one database at once."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def make_app(url: str, **overrides: object) -> Flask:
    config = {
        "PORTAL_ENV": "test",
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SERVER_NAME": None,
        **overrides,
    }
    return create_app(config)


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    url = backend_url(request.param, str(tmp_path_factory.mktemp(request.param)))
    app = make_app(url)
    engine = database(app).engine
    if request.param == "postgresql":
        # A previous, interrupted run may have left tables behind.
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield app
    engine.dispose()


def _empty_tables(app: Flask) -> None:
    with database(app).transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(table.delete())


@pytest.fixture
def app(migrated_app: Flask) -> Iterator[Flask]:
    yield migrated_app
    _empty_tables(migrated_app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def mails(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Mails are written to a folder instead of sent; yields the folder."""
    app.config["MAIL_FOLDER"] = str(tmp_path)
    yield tmp_path
    app.config.pop("MAIL_FOLDER")


# Tests that share an expensive session fixture run in one pytest-xdist worker (with
# `--dist loadgroup`): the installed wheel and its machine, the browser and its live server.
XDIST_GROUPS = {"tests/packaging/test_wheel.py": "wheel", "tests/packaging/test_deploy.py": "wheel",
                "tests/browser/": "browser"}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        for prefix, group in XDIST_GROUPS.items():
            if path.startswith(prefix):
                item.add_marker(pytest.mark.xdist_group(group))
