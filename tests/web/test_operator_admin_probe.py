"""The second outside walk's findings on accounts: an account the operator creates is in the
trail and its password is the person's own only after the first login; an admin cannot reset
their own password or app from the staff list (someone at an unlocked screen could lock them
out); the operator's reset of an account without an app changes nothing."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from portal import passwords
from portal.db.models import AuditEvent, StaffRole, StaffUser
from portal.web.db import database
from tests.web.staff import csrf_from, staff_client

ADMIN = "/sagsbehandler/admin/medarbejdere"


def account(app: Flask, email: str) -> StaffUser:
    with database(app).transaction() as session:
        return session.scalars(select(StaffUser).where(StaffUser.email == email)).one()


def trail(app: Flask) -> list[tuple[str, int | None, str | None]]:
    with database(app).transaction() as session:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(r.action, r.staff_id, r.detail) for r in rows]


def test_an_account_the_operator_creates_is_noted_and_its_password_changed_at_first_login(
    app: Flask, runner: FlaskCliRunner
) -> None:
    args = ["create-staff", "--municipality", "265", "--email", "chef@roskilde.dk",
            "--role", "admin", "--password-stdin"]  # fmt: skip
    result = runner.invoke(args=args, input="en lang og god adgangskode\n")
    assert result.exit_code == 0, result.output
    assert "The first login asks them to choose their own password." in result.output
    user = account(app, "chef@roskilde.dk")
    assert user.must_change_password
    assert passwords.verify(user.password_hash, "en lang og god adgangskode")
    assert trail(app) == [("operator_create_staff", None, "chef@roskilde.dk")]


def test_demo_accounts_are_not_noted_or_forced_to_change(
    app: Flask, runner: FlaskCliRunner
) -> None:
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert not account(app, "admin-265@demo.invalid").must_change_password
    assert trail(app) == []


def test_resetting_an_account_without_an_app_changes_nothing(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(args=["create-staff", "--municipality", "265", "--email", "ida@roskilde.dk"])
    before = trail(app)
    result = runner.invoke(args=["reset-authenticator", "--email", "ida@roskilde.dk"])
    assert result.exit_code == 0
    assert "ida@roskilde.dk has no authenticator app set up: nothing was changed." in result.output
    assert trail(app) == before


def test_an_admin_cannot_reset_their_own_password_or_app_from_the_list(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    me = account(app, "chef@vejen.dk")
    page = admin.get(ADMIN).get_data(as_text=True)
    assert f"{ADMIN}/{me.id}/nulstil" not in page
    assert 'href="/sagsbehandler/adgangskode">Skift din adgangskode</a>' in page
    for action in ("nulstil", "nulstil-app", "deaktiver"):
        response = admin.post(
            f"{ADMIN}/{me.id}/{action}", data={"csrf_token": csrf_from(admin, ADMIN)}
        )
        assert response.status_code == 400, action
    assert account(app, "chef@vejen.dk").password_hash == me.password_hash
    assert admin.get(ADMIN).status_code == 200  # still logged in


def test_a_cpr_number_written_with_a_space_is_found(app: Flask) -> None:
    from tests.web.test_staff import submitted

    vejen = submitted(app, "575", "010190-1234")
    client = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(client, "/sagsbehandler/")
    found = client.post("/sagsbehandler/soeg", data={"query": "010190 1234", "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert vejen.reference in found
