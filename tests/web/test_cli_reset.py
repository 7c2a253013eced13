"""`portal reset-password` and `portal reset-authenticator`: the operator's way back in for a
municipality whose only admin has lost their password or phone. They do what an admin's
buttons do, and the trail records that the operator did it."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal import passwords, staff_auth
from portal.db.models import AuditEvent, StaffRole, StaffUser, utcnow
from portal.web.db import database

OLD_PASSWORD = "en lang og god adgangskode"


def admin_with_trouble(app: Flask) -> tuple[int, str]:
    """Roskilde's only admin, with an authenticator app and a session open somewhere, then
    locked out by failed logins; their id and the session's token."""
    with database(app).transaction() as session:
        user = staff_auth.create_staff(
            session, "ida@roskilde.dk", "265", StaffRole.ADMIN, OLD_PASSWORD
        )
        user.totp_secret_enc = "a secret, encrypted"
        user.totp_last_step = 123
        opened = staff_auth.open_session(session, user, utcnow())
        user.failed_logins = 10
        user.locked_until = utcnow() + timedelta(minutes=15)
        return user.id, opened.token


def account(app: Flask, staff_id: int, token: str) -> tuple[StaffUser, bool]:
    """The account as stored, and whether the session of `token` still logs it in."""
    with database(app).transaction() as session:
        user = session.get(StaffUser, staff_id)
        assert user is not None
        return user, staff_auth.current_staff(session, token, utcnow()) is not None


def trail(app: Flask) -> list[tuple[str, int | None, str, str | None, str]]:
    with database(app).transaction() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(r.action, r.staff_id, r.municipality_code, r.detail, r.request_id) for r in rows]


def test_reset_password_gives_a_new_one_to_change_and_unlocks(
    app: Flask, runner: FlaskCliRunner
) -> None:
    staff_id, token = admin_with_trouble(app)
    result = runner.invoke(args=["reset-password", "--email", " Ida@Roskilde.dk "])
    assert result.exit_code == 0, result.output
    password = result.output.strip().splitlines()[-1]
    user, logged_in = account(app, staff_id, token)
    assert passwords.verify(user.password_hash, password)
    assert not passwords.verify(user.password_hash, OLD_PASSWORD)
    assert user.must_change_password  # the operator has seen it
    assert user.failed_logins == 0 and user.locked_until is None
    assert not logged_in
    assert user.totp_secret_enc is not None  # the app is another command
    assert trail(app) == [("operator_reset_password", None, "265", "ida@roskilde.dk", "portal-cli")]


def test_reset_authenticator_forgets_the_app_and_ends_the_sessions(
    app: Flask, runner: FlaskCliRunner
) -> None:
    staff_id, token = admin_with_trouble(app)
    result = runner.invoke(args=["reset-authenticator", "--email", "ida@roskilde.dk"])
    assert result.exit_code == 0, result.output
    assert "next login sets up a new one" in result.output
    user, logged_in = account(app, staff_id, token)
    assert user.totp_secret_enc is None and user.totp_last_step is None
    assert not logged_in
    assert passwords.verify(user.password_hash, OLD_PASSWORD)  # the password is kept
    assert trail(app) == [
        ("operator_reset_authenticator", None, "265", "ida@roskilde.dk", "portal-cli")
    ]


def test_an_unknown_address_changes_nothing(app: Flask, runner: FlaskCliRunner) -> None:
    staff_id, token = admin_with_trouble(app)
    for command in ("reset-password", "reset-authenticator"):
        result = runner.invoke(args=[command, "--email", "ida@vejen.dk"])
        assert result.exit_code != 0
        assert "No staff user has the e-mail ida@vejen.dk." in result.output
    user, logged_in = account(app, staff_id, token)
    assert logged_in  # the open session is untouched
    assert user.locked_until is not None and user.totp_secret_enc is not None
    assert trail(app) == []
