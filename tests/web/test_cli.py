"""The portal command: migrate, create-staff, demo-data, new-data-key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal import passwords
from portal.db.models import StaffRole, StaffUser
from portal.web.db import database


def staff_users(app: Flask) -> list[StaffUser]:
    with database(app).transaction() as session:
        return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def test_migrate_brings_the_database_up_to_date(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_create_staff_makes_an_account_and_shows_its_password_once(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["create-staff", "--municipality", "265", "--email", "Ida@Roskilde.dk"]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    [user] = staff_users(app)
    assert user.email == "ida@roskilde.dk"
    assert user.municipality_code == "265"
    assert user.role is StaffRole.CASEWORKER
    assert passwords.verify(user.password_hash, password)
    assert user.must_change_password  # the operator has seen it


def test_create_staff_reads_a_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    args = ["create-staff", "--municipality", "157", "--email", "a@gentofte.dk",
            "--role", "admin", "--password-stdin"]  # fmt: skip
    result = runner.invoke(args=args, input="en lang og god adgangskode\n")
    assert result.exit_code == 0, result.output
    assert "shown once" not in result.output
    [user] = staff_users(app)
    assert user.role is StaffRole.ADMIN
    assert passwords.verify(user.password_hash, "en lang og god adgangskode")


@pytest.mark.parametrize("password", ["kort", "adgangskode123", "123456789012"])
def test_create_staff_refuses_short_or_common_passwords(
    app: Flask, runner: FlaskCliRunner, password: str
) -> None:
    args = ["create-staff", "--municipality", "157", "--email", "a@gentofte.dk",
            "--password-stdin"]  # fmt: skip
    result = runner.invoke(args=args, input=password + "\n")
    assert result.exit_code != 0
    assert staff_users(app) == []


def test_create_staff_refuses_an_unknown_municipality(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["create-staff", "--municipality", "999", "--email", "x@y.dk"])
    assert result.exit_code != 0
    assert "999" in result.output
    assert staff_users(app) == []


def test_create_staff_refuses_a_taken_email(app: Flask, runner: FlaskCliRunner) -> None:
    args = ["create-staff", "--municipality", "370", "--email", "a@naestved.dk"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(
        args=["create-staff", "--municipality", "370", "--email", "A@naestved.dk"]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert len(staff_users(app)) == 1


def test_demo_data_creates_one_caseworker_per_municipality_once(
    app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert first.output.count("Demo caseworker") == 5
    second = runner.invoke(args=["demo-data"])
    assert "Demo caseworker" not in second.output
    caseworkers = [u for u in staff_users(app) if u.role is StaffRole.CASEWORKER]
    assert sorted(u.municipality_code for u in caseworkers) == [
        "157", "173", "265", "370", "575"
    ]  # fmt: skip


def test_demo_data_is_never_created_in_production(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["PORTAL_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo-data"])
    finally:
        app.config["PORTAL_ENV"] = "test"
    assert result.exit_code != 0
    assert staff_users(app) == []


def test_new_data_key_prints_a_valid_fernet_key(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["new-data-key"])
    Fernet(result.output.strip().encode())


def test_purge_drafts_deletes_only_drafts_untouched_for_30_days(
    app: Flask, runner: FlaskCliRunner
) -> None:
    from datetime import timedelta

    from portal.db import drafts
    from portal.db.models import Draft, utcnow

    with database(app).transaction() as session:
        old = drafts.create_draft(session, app.extensions["portal.cipher"])
        drafts.create_draft(session, app.extensions["portal.cipher"])
        old.updated_at = utcnow() - timedelta(days=30, minutes=1)
    result = runner.invoke(args=["purge-drafts"])
    assert "Deleted 1 draft" in result.output
    with database(app).transaction() as session:
        assert len(list(session.scalars(select(Draft)))) == 1
