"""The operator's path, as the probe of 2026-12-06 walked it: `portal migrate` says what it did
and where, `portal create-staff` refuses what the admin page refuses, `portal demo-data`
gives a way into the admin pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal.db.models import StaffRole, StaffUser
from portal.web.db import database
from tests.conftest import make_app


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
        assert url.password and url.password not in result.output
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
