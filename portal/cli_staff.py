"""`portal create-staff`, `portal demo-data`, and the operator's way back in for a locked-out
admin: `portal reset-password` and `portal reset-authenticator`.

Demo accounts never let anyone into production: `portal serve` refuses to start a production
portal whose database has an active one (a development database put to use, say), and
`portal deactivate-demo-staff` is the way out.

The reset commands are for the one case the admin pages cannot help: a municipality whose only
admin has lost their password or their phone. They do what an admin's buttons do
(portal.staff_auth), and each writes an audit row (no staff member; the operator at the
server's terminal), so the municipality's trail shows that the account was reset and when.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import casework, passwords, staff_auth
from portal.db.models import AuditEvent, StaffRole, StaffUser, utcnow
from portal.web import services
from portal.web.db import database


def _municipality_codes() -> set[str]:
    return set(services.standards())


def _create_staff(
    email: str, municipality: str, role: StaffRole, password: str, by_operator: bool = False
) -> bool:
    """Create the account; False when the e-mail address is taken (also by a race). An account
    the operator makes is noted in the trail, and its password, which the operator has seen,
    is changed at the first login, as one an admin makes on the admin page."""
    try:
        with database().transaction() as session:
            user = staff_auth.create_staff(
                session, email, municipality, role, password, issued=by_operator
            )
            if by_operator:
                session.flush()
                _note(session, user, "operator_create_staff")
    except staff_auth.StaffExists:
        return False
    return True


def _note(
    session: Session, user: StaffUser, action: str, application_id: int | None = None
) -> None:
    """The operator's change in the municipality's audit trail: no staff member did it."""
    session.add(
        AuditEvent(
            at=utcnow(), staff_id=None, municipality_code=user.municipality_code, action=action,
            request_id="portal-cli", detail=user.email, application_id=application_id,
        )
    )  # fmt: skip


def _email_problem(email: str) -> str | None:
    """What the admin page would say about this e-mail address (its form's own rule, so the
    command and the page never disagree), in English; None when it is accepted."""
    from flask_babel import force_locale
    from werkzeug.datastructures import MultiDict

    from portal.staff.admin import NewStaffForm

    with force_locale("en"):
        form = NewStaffForm(formdata=MultiDict({"email": email}), meta={"csrf": False})
        form.validate()
        return str(form.email.errors[0]) if form.email.errors else None


@click.command("create-staff")
@with_appcontext
@click.option("--municipality", required=True, help="Kommunekode, e.g. 265 for Roskilde.")
@click.option("--email", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in StaffRole]), default="caseworker",
    show_default=True,
)  # fmt: skip
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_staff_command(municipality: str, email: str, role: str, password_stdin: bool) -> None:
    """Create a caseworker or admin. Without --password-stdin a password is made and shown once.
    Either way the person chooses their own at the first login."""
    if municipality not in _municipality_codes():
        raise click.BadParameter(
            f"unknown kommunekode {municipality!r}", param_hint="--municipality"
        )
    problem = _email_problem(email)
    if problem:
        raise click.BadParameter(problem, param_hint="--email")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else passwords.generate()
    try:
        created = _create_staff(email, municipality, StaffRole(role), password, by_operator=True)
    except passwords.WeakPasswordError as err:
        raise click.ClickException(str(err)) from err
    if not created:
        raise click.ClickException(f"A staff user with the e-mail {email} already exists.")
    click.echo(f"Created {role} {email.strip().lower()} for municipality {municipality}.")
    click.echo("The first login asks them to choose their own password.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@click.command("demo-data")
@with_appcontext
def demo_data_command() -> None:
    """Development only: one demo caseworker and one demo admin per municipality, logins
    printed once."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("Demo data is never created in production.")
    # The admin reaches the admin pages (staff accounts, audit export, hand-off queue), which
    # a caseworker does not; .invalid addresses can never receive mail (RFC 2606).
    demo = (
        ("sagsbehandler", StaffRole.CASEWORKER, "caseworker"),
        ("admin", StaffRole.ADMIN, "admin"),
    )
    for code in sorted(_municipality_codes()):
        for prefix, role, name in demo:
            email = f"{prefix}-{code}{staff_auth.DEMO_DOMAIN}"
            password = passwords.generate()
            if _create_staff(email, code, role, password):
                click.echo(f"Demo {name} for {code}: {email} / {password}")


def refuse_demo_staff() -> None:
    """In production, stop the start when a demo account can log in, saying which and what to
    do, in the log and on the terminal. Elsewhere the demo accounts are what they are for."""
    if current_app.config["PORTAL_ENV"] != "production":
        return
    with database().transaction() as session:
        emails = [user.email for user in staff_auth.active_demo_accounts(session)]
    if emails:
        message = (
            f"Refusing to start: the database has {len(emails)} active demo staff account(s), "
            f"made by `portal demo-data` for development; their passwords are not secret. Run "
            f"`portal deactivate-demo-staff` first."
        )
        current_app.logger.error(message)  # the count only: the log holds no e-mail address
        raise click.ClickException(f"{message} The accounts: {', '.join(emails)}.")


@click.command("deactivate-demo-staff")
@with_appcontext
def deactivate_demo_staff_command() -> None:
    """Deactivate every demo account (`portal demo-data`) and put its open cases back in the
    queue, as an admin's "Deaktiver" does; each is noted in the municipality's trail."""
    now = utcnow()
    with database().transaction() as session:
        for user in staff_auth.active_demo_accounts(session):
            staff_auth.deactivate(session, user, now)
            released = casework.release_open_cases(session, user.municipality_code, user.id, now)
            _note(session, user, "staff_deactivate")
            for application_id in released:
                _note(session, user, "release_deactivated", application_id)
            click.echo(f"Deactivated {user.email}; {len(released)} open case(s) back in the queue.")


@dataclass(frozen=True)
class Reset:
    email: str
    done: bool  # False: the account had nothing to reset, and nothing was changed
    password: str | None = None


def _reset(
    email: str, action: str, change: staff_auth.AccountChange,
    needed: Callable[[StaffUser], bool] = lambda _user: True,
) -> Reset:  # fmt: skip
    """Run an admin's account change on the account with this e-mail address, and note it."""
    with database().transaction() as session:
        address = email.strip().lower()
        user = session.scalar(select(StaffUser).where(StaffUser.email == address))
        if user is None:
            raise click.ClickException(f"No staff user has the e-mail {address}.")
        if not needed(user):
            return Reset(user.email, done=False)
        password = change(session, user, utcnow())
        _note(session, user, action)
        return Reset(user.email, done=True, password=password)


@click.command("reset-password")
@with_appcontext
@click.option("--email", required=True, help="The staff user's e-mail address.")
def reset_password_command(email: str) -> None:
    """A new password for a staff user, shown once; it must be changed at the next login. The
    account is unlocked and every open session ends. For a municipality's only admin: other
    staff get theirs from an admin, on the admin pages."""
    reset = _reset(email, "operator_reset_password", staff_auth.reset_password)
    click.echo(f"New password for {reset.email} (shown once, to be changed at the next login):")
    click.echo(str(reset.password))


def _has_app(user: StaffUser) -> bool:
    return user.totp_secret_enc is not None or user.totp_pending_enc is not None


@click.command("reset-authenticator")
@with_appcontext
@click.option("--email", required=True, help="The staff user's e-mail address.")
def reset_authenticator_command(email: str) -> None:
    """Forget a staff user's authenticator app (a lost or replaced phone): the next login sets
    up a new one. Every open session ends."""
    reset = _reset(
        email, "operator_reset_authenticator", staff_auth.reset_authenticator, needed=_has_app
    )
    if not reset.done:
        click.echo(f"{reset.email} has no authenticator app set up: nothing was changed.")
        return
    click.echo(
        f"The authenticator app of {reset.email} is forgotten: the next login sets up a new one."
    )


COMMANDS = (
    create_staff_command,
    demo_data_command,
    deactivate_demo_staff_command,
    reset_password_command,
    reset_authenticator_command,
)
