"""Demo staff in production (2026-12-06 review): `portal demo-data` refuses production, but a
development database put to use in production brought its @demo.invalid accounts along, whose
passwords were printed on a developer's terminal. `portal serve` now refuses to start a
production portal while one of them can log in, and `portal deactivate-demo-staff` ends them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal import serve
from portal.db.models import Application, AuditEvent, StaffUser, Status
from portal.web.db import database
from tests.web.staff import staff_client
from tests.web.test_staff_actions import citizen_with_application

REFUSED = "Refusing to start: the database has"


@pytest.fixture
def production(app: Flask) -> Iterator[Flask]:
    app.config["PORTAL_ENV"] = "production"
    yield app
    app.config["PORTAL_ENV"] = "test"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Flask]:
    """gunicorn is not started: the apps `portal serve` would have served."""
    started: list[Flask] = []
    monkeypatch.setattr(serve, "options", lambda: {})
    monkeypatch.setattr(serve, "run", lambda app, _settings: started.append(app))
    return started


def demo_data(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["demo-data"]).exit_code == 0  # in development, as meant


def test_production_refuses_to_serve_with_demo_staff_and_says_why(
    app: Flask, runner: FlaskCliRunner, served: list[Flask], caplog: pytest.LogCaptureFixture
) -> None:
    demo_data(runner)
    app.config["PORTAL_ENV"] = "production"
    try:
        with caplog.at_level(logging.ERROR):
            result = runner.invoke(args=["serve"])
    finally:
        app.config["PORTAL_ENV"] = "test"
    assert result.exit_code != 0 and served == []
    assert REFUSED in result.output and "10 active demo staff account(s)" in result.output
    assert "admin-575@demo.invalid" in result.output
    assert "portal deactivate-demo-staff" in result.output
    assert any(REFUSED in r.getMessage() for r in caplog.records)  # the log says it too


def test_after_deactivating_them_production_serves(
    app: Flask, runner: FlaskCliRunner, served: list[Flask]
) -> None:
    demo_data(runner)
    app.config["PORTAL_ENV"] = "production"
    production = app
    done = runner.invoke(args=["deactivate-demo-staff"])
    assert done.exit_code == 0, done.output
    assert done.output.count("Deactivated ") == 10
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    assert served == [production]
    app.config["PORTAL_ENV"] = "test"
    with database(production).transaction() as session:
        users = list(session.scalars(select(StaffUser)))
        assert users and not any(u.is_active for u in users)
        noted = session.scalars(select(AuditEvent.action).where(AuditEvent.staff_id.is_(None)))
        assert sorted(noted) == ["staff_deactivate"] * 10


def test_production_without_demo_staff_serves(
    production: Flask, runner: FlaskCliRunner, served: list[Flask]
) -> None:
    staff_client(production, "575", "ida@vejen.dk")
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    assert served == [production]


def test_development_serves_with_its_demo_staff(
    app: Flask, runner: FlaskCliRunner, served: list[Flask]
) -> None:
    demo_data(runner)
    assert runner.invoke(args=["serve"]).exit_code == 0
    assert served == [app]


def test_a_demo_caseworkers_open_case_goes_back_in_the_queue(
    app: Flask, runner: FlaskCliRunner
) -> None:
    demo_data(runner)
    _citizen, _link, application_id = citizen_with_application(app)
    with database(app).transaction() as session:
        demo = session.scalars(
            select(StaffUser).where(StaffUser.email == "sagsbehandler-575@demo.invalid")
        ).one()
        application = session.get(Application, application_id)
        assert application is not None
        application.assigned_to_id = demo.id
        application.status = Status.IN_PROGRESS
    done = runner.invoke(args=["deactivate-demo-staff"])
    assert "sagsbehandler-575@demo.invalid; 1 open case(s) back in the queue." in done.output
    with database(app).transaction() as session:
        assert session.get(Application, application_id).assigned_to_id is None  # type: ignore[union-attr]
        released = session.scalars(
            select(AuditEvent.application_id).where(AuditEvent.action == "release_deactivated")
        )
        assert list(released) == [application_id]
