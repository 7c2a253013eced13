"""The `portal` command: `portal migrate`, `portal create-staff`, `portal demo-data`, ...

`portal` is `flask --app portal` with the app factory built in, so every Flask command
(`portal run`, `portal routes`, `portal shell`) works too.
"""

from __future__ import annotations

import sys

import click
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, pass_script_info, with_appcontext

from portal import passwords, staff_auth
from portal.config import ConfigError
from portal.db import drafts, rotation
from portal.db import migrate as migrations
from portal.db.models import StaffRole, utcnow
from portal.standards.cli import standards
from portal.web import services
from portal.web.db import database


def main() -> None:
    from portal import create_app

    cli = FlaskGroup(create_app=lambda: create_app(), help=__doc__)
    try:
        cli.main(prog_name="portal")
    except ConfigError as err:
        # An unsafe or unusable setting: its one-line reason, not a traceback.
        sys.exit(str(err))


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Bring the database schema up to date (Alembic upgrade head)."""
    db = database()
    migrations.upgrade(db.engine)
    click.echo(f"Database is up to date ({db.backend}).")


@click.command("new-data-key")
def new_data_key_command() -> None:
    """Print a new key for PORTAL_DATA_KEYS (put the new key first to rotate)."""
    click.echo(Fernet.generate_key().decode())


def _municipality_codes() -> set[str]:
    return set(services.standards())


def _create_staff(email: str, municipality: str, role: StaffRole, password: str) -> bool:
    """Create the account; False when the e-mail address is taken (also by a race)."""
    try:
        with database().transaction() as session:
            staff_auth.create_staff(session, email, municipality, role, password)
    except staff_auth.StaffExists:
        return False
    return True


@click.command("create-staff")
@with_appcontext
@click.option("--municipality", required=True, help="Kommunekode, e.g. 265 for Roskilde.")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in StaffRole]), default="caseworker")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_staff_command(municipality: str, email: str, role: str, password_stdin: bool) -> None:
    """Create a caseworker or admin. Without --password-stdin a password is made and shown once."""
    if municipality not in _municipality_codes():
        raise click.BadParameter(
            f"unknown kommunekode {municipality!r}", param_hint="--municipality"
        )
    password = sys.stdin.readline().rstrip("\n") if password_stdin else passwords.generate()
    try:
        created = _create_staff(email, municipality, StaffRole(role), password)
    except passwords.WeakPasswordError as err:
        raise click.ClickException(str(err)) from err
    if not created:
        raise click.ClickException(f"A staff user with the e-mail {email} already exists.")
    click.echo(f"Created {role} {email.strip().lower()} for municipality {municipality}.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@click.command("demo-data")
@with_appcontext
def demo_data_command() -> None:
    """Development only: one demo caseworker per municipality, logins printed once."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("Demo data is never created in production.")
    for code in sorted(_municipality_codes()):
        email = f"sagsbehandler-{code}@demo.invalid"
        password = passwords.generate()
        if _create_staff(email, code, StaffRole.CASEWORKER, password):
            click.echo(f"Demo caseworker for {code}: {email} / {password}")


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command() -> None:
    """Delete drafts nobody has touched for 30 days (run it daily, e.g. from cron)."""
    with database().transaction() as session:
        count = drafts.purge_drafts(session)
    click.echo(f"Deleted {count} draft(s) untouched for 30 days.")


@click.command("purge-outbox")
@with_appcontext
def purge_outbox_command() -> None:
    """Delete what the outbox sent more than 30 days ago (run it daily, beside purge-drafts)."""
    from portal.outbox import queue
    from portal.web.outbox import handoff

    settings = handoff()
    receiving = set(settings.webhooks) | set(settings.api_token_digests)
    with database().transaction() as session:
        count = queue.purge(session, utcnow(), receiving)
    click.echo(f"Deleted {count} outbox message(s) sent or unclaimed for 30 days.")


@click.command("rotate-keys")
@with_appcontext
@click.option("--batch-size", type=click.IntRange(1, 100_000), show_default=True,
              default=rotation.DEFAULT_BATCH_SIZE, help="Rows per transaction.")  # fmt: skip
@click.option(
    "--check", is_flag=True, help="Only count what an older key encrypts; change nothing."
)
def rotate_keys_command(batch_size: int, check: bool) -> None:
    """Re-encrypt every encrypted column with the newest key (the first in PORTAL_DATA_KEYS).

    Safe to re-run, also after being stopped: each batch commits on its own, and what the
    newest key encrypts already is skipped. Remove an old key only when --check finds nothing.
    """
    reports = rotation.rotate_keys(database(), services.cipher(), batch_size, write=not check)
    for r in reports:
        click.echo(
            f"{r.name}: {r.values} value(s), {r.rotated} re-encrypted, {r.current} already on "
            f"the newest key, {r.changed} changed meanwhile, {r.pending} on an older key, "
            f"{r.failed} undecryptable"
        )
    total = {
        f: sum(getattr(r, f) for r in reports) for f in ("values", "rotated", "pending", "failed")
    }
    click.echo(
        f"Total: {total['values']} value(s), {total['rotated']} re-encrypted, "
        f"{total['pending']} on an older key, {total['failed']} undecryptable."
    )
    if total["failed"]:
        raise click.ClickException(
            f"{total['failed']} value(s) could not be decrypted with any key in PORTAL_DATA_KEYS."
        )
    if check and total["pending"]:
        raise click.ClickException("Older keys are still in use: run `portal rotate-keys`.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (cron, tests).")
@click.option("--idle", type=click.FloatRange(0.05, 60), default=2.0, show_default=True,
              help="Seconds to wait when nothing is due.")  # fmt: skip
@with_appcontext
def worker_command(once: bool, idle: float) -> None:
    """Send what the outbox holds: deliveries to the municipalities' systems, notices and
    e-mails. Runs until SIGTERM or SIGINT, finishing the message in hand; several may run at
    once, on PostgreSQL and SQLite alike."""
    import signal
    import threading

    from portal.web.outbox import build_worker

    worker = build_worker(current_app._get_current_object())  # type: ignore[attr-defined]
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    tally = worker.run_once(stop) if once else worker.run(stop, idle)
    click.echo(
        f"Outbox: {tally.delivered} delivered, {tally.failed} to retry, {tally.dead} dead, "
        f"{tally.lost} taken over by another worker."
    )


@click.command("serve")
@click.option("--print-config", is_flag=True, help="Print the gunicorn settings and exit.")
@pass_script_info
def serve_command(info: ScriptInfo, print_config: bool) -> None:
    """Serve the portal with gunicorn: production in one command.

    Settings come from PORTAL_BIND, PORTAL_WORKERS, PORTAL_THREADS, PORTAL_TIMEOUT,
    PORTAL_GRACEFUL_TIMEOUT, PORTAL_KEEPALIVE and PORTAL_MAX_REQUESTS (see portal/serve.py).
    """
    from portal import serve

    try:
        settings = serve.options()
    except serve.ServeConfigError as err:
        raise click.ClickException(str(err)) from err
    if print_config:
        for key in sorted(settings):
            if key != "logconfig_dict":
                click.echo(f"{key} = {settings[key]!r}")
        return
    serve.run(info.load_app(), settings)


def register(app: Flask) -> None:
    commands = (
        migrate_command, new_data_key_command, create_staff_command, demo_data_command,
        purge_drafts_command, purge_outbox_command, rotate_keys_command, worker_command,
    )  # fmt: skip
    for command in commands:
        app.cli.add_command(command)
    app.cli.add_command(standards)
    app.cli.add_command(serve_command)
