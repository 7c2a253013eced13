"""The `portal` command: `portal migrate`, `portal serve`, `portal purge`, `portal create-staff`, ...

`portal` is `flask --app portal` with the app factory built in, so every Flask command
(`portal run`, `portal routes`, `portal shell`) works too.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import click
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, load_dotenv, pass_script_info, with_appcontext
from sqlalchemy import URL, Engine

from portal import cli_staff as staff_commands
from portal import env_file, retention
from portal.config import ConfigError
from portal.db import migrate as migrations
from portal.db import rotation
from portal.db.models import utcnow
from portal.standards.cli import standards
from portal.web import services
from portal.web.db import database


def _load_env_file(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    # Flask's own -e needs python-dotenv, which the portal does not install, and reads quotes
    # and `export` differently from systemd. The file's values replace the environment's, as
    # under systemd, so `portal -e /etc/portal/portal.env …` runs with the units' settings.
    if value is not None:
        try:
            os.environ.update(env_file.read(value))
        except env_file.EnvFileError as err:
            raise click.BadParameter(str(err), ctx=ctx, param=param) from None
    if ctx.obj.load_dotenv_defaults:
        load_dotenv(None)  # Flask's tip when a .env file lies about (python-dotenv absent)


ENV_FILE_OPTION = click.Option(
    ["-e", "--env-file"], type=click.Path(exists=True, dir_okay=False), is_eager=True,
    expose_value=False, callback=_load_env_file,
    help="Read settings from this file, as the systemd units do (EnvironmentFile=): "
    "NAME=value lines, # comments. They replace the same names in the environment.",
)  # fmt: skip


def main() -> None:
    from portal import create_app

    def make_app() -> Flask:
        # Here, not in create_app: the settings, -e's included, are read by now, and only a
        # command typed by hand runs as root (the units run as User=portal).
        refused = env_file.root_in_service_folder(os.environ.get("PORTAL_INSTANCE_PATH"))
        if refused:
            raise ConfigError(refused)
        return create_app()

    cli = FlaskGroup(create_app=make_app, help=__doc__)
    cli.params = [ENV_FILE_OPTION if p.name == "env_file" else p for p in cli.params]
    # Needs no app: found before the app is made, so it neither checks the settings (a new
    # portal.env still says CHANGE-ME) nor creates an instance folder where it is run.
    cli.add_command(new_data_key_command)
    try:
        cli.main(prog_name="portal")
    except ConfigError as err:
        # An unsafe or unusable setting: its one-line reason, not a traceback.
        sys.exit(str(err))


def _where(url: URL) -> str:
    """The database in words, without its password: the operator sees which one was used."""
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return "in-memory SQLite database"
        return f"SQLite database {Path(url.database).resolve()}"
    return f"PostgreSQL database {url.database!r} on {url.host or 'localhost'}:{url.port or 5432}"


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@click.command("migrate")
@with_appcontext
def migrate_command() -> None:
    """Bring the database schema up to date (Alembic upgrade head), creating it when new."""
    engine = database().engine
    where = _where(engine.url)
    path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    new_file = bool(path) and path != ":memory:" and not Path(str(path)).exists()
    before = _revision(engine)
    migrations.upgrade(engine)
    after = _revision(engine)
    if new_file:
        click.echo(f"Created the {where} and its tables (schema revision {after}).")
    elif before is None:
        click.echo(f"Created the tables in the {where} (schema revision {after}).")
    elif before != after:
        click.echo(f"Upgraded the {where} from schema revision {before} to {after}.")
    else:
        click.echo(f"The {where} is up to date (schema revision {after}); nothing changed.")


@click.command("new-data-key")
def new_data_key_command() -> None:
    """Print a new key for PORTAL_DATA_KEYS (put the new key first to rotate)."""
    click.echo(Fernet.generate_key().decode())


def _periods() -> retention.Periods:
    config = current_app.config
    return retention.Periods(
        applications=timedelta(days=config["RETENTION_APPLICATION_DAYS"]),
        audit=timedelta(days=config["RETENTION_AUDIT_DAYS"]),
        dead_messages=timedelta(days=config["RETENTION_DEAD_MESSAGE_DAYS"]),
        staff_sessions=timedelta(days=config["RETENTION_STAFF_SESSION_DAYS"]),
    )


def _summary(counts: retention.Counts, periods: retention.Periods) -> list[str]:
    return [
        f"Deleted {counts.drafts} draft(s) untouched for {retention.DRAFTS.days} days.",
        f"Started the retention period of {counts.handed_over} application(s) decided or "
        f"withdrawn, now held by their municipality's own system.",
        f"Deleted {counts.applications} application(s) held by their municipality's own "
        f"system for {periods.applications.days} days, with their answers, documents, notes, "
        f"messages and status history.",
        f"Deleted {counts.outbox_sent} outbox message(s) sent or unclaimed for "
        f"{retention.SENT_MESSAGES.days} days.",
        f"Deleted {counts.outbox_dead} dead e-mail(s) and notice(s) after "
        f"{periods.dead_messages.days} days.",
        f"Deleted {counts.audit} audit row(s) older than {periods.audit.days} days.",
        f"Deleted {counts.staff_sessions} staff session(s) ended more than "
        f"{periods.staff_sessions.days} days ago.",
        f"Deleted {counts.login_failures} failed login(s) older than "
        f"{retention.LOGIN_FAILURES.seconds // 60} minutes.",
        f"Deleted {counts.mail_counters} mail counter(s) older than a day.",
    ]


def _failure(err: retention.PurgeFailed) -> str:
    cause = err.__cause__
    reason = type(cause).__name__ if cause is not None else "unknown"
    original = getattr(cause, "orig", None)
    if original is not None:
        # The driver's first line says what went wrong (refused, locked, no such column);
        # later lines may quote a row, so they are left out.
        first = (str(original).strip().splitlines() or [""])[0][:300]
        reason = f"{type(original).__name__}: {first}"
    if err.step == retention.STEPS[0][0]:
        done = "Nothing was deleted"
    else:
        done = f"The steps before it are done ({err.counts.detail()})"
    audited = "the audit log has their counts" if err.audited else "no audit row could be written"
    return (
        f"portal purge stopped at the step {err.step!r}: {reason}. {done}; {audited}. "
        f"Run it again once the cause is fixed: nothing is deleted twice."
    )


def _purge() -> None:
    from portal.web.outbox import handoff

    settings = handoff()
    run = retention.Run(
        db=database(),
        periods=_periods(),
        receiving=set(settings.webhooks) | set(settings.api_token_digests),
        now=utcnow(),
        run_id=f"purge-{secrets.token_hex(8)}",
    )
    try:
        counts = retention.purge(run)
    except retention.PurgeFailed as err:
        raise click.ClickException(_failure(err)) from err
    for line in _summary(counts, run.periods):
        click.echo(line)
    click.echo(f"Audit row {run.run_id} written.")


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete what has been kept long enough (README, "Retention"): drafts, applications
    decided or withdrawn and held by the municipality's own system, sent and dead messages,
    old audit rows, ended staff sessions, login and mail counters.

    Run it daily (deploy/systemd/portal-purge.timer, or cron). Several may run at once; a
    second run finds nothing. Writes one audit row with the counts; exits non-zero, saying
    why on stderr, when a step fails.
    """
    _purge()


@click.command("purge-drafts")
@with_appcontext
def purge_drafts_command() -> None:
    """The same as `portal purge` (its name in units and cron lines written before it)."""
    _purge()


@click.command("purge-outbox")
@with_appcontext
def purge_outbox_command() -> None:
    """The same as `portal purge` (its name in units and cron lines written before it)."""
    _purge()


@click.command("rotate-keys")
@with_appcontext
@click.option("--batch-size", type=click.IntRange(1, 100_000), show_default=True,
              default=rotation.DEFAULT_BATCH_SIZE, help="Rows per transaction.")  # fmt: skip
@click.option(
    "--check", is_flag=True, help="Only count what an older key encrypts; change nothing."
)
@click.option("--yes", is_flag=True, help="Do not ask (on a terminal) before re-encrypting.")
def rotate_keys_command(batch_size: int, check: bool, yes: bool) -> None:
    """Re-encrypt every encrypted column with the newest key (the first in PORTAL_DATA_KEYS).

    First give every app server and worker the new key first in PORTAL_DATA_KEYS and restart
    them (README, "Changing the data key"): a server without it cannot read what this
    re-encrypts. Safe to re-run, also after being stopped: each batch commits on its own, and
    what the newest key encrypts already is skipped. Remove an old key only when --check finds
    nothing.
    """
    if not check:
        _before_rotating(yes)
    reports = rotation.rotate_keys(database(), services.cipher(), batch_size, write=not check)
    # A check changes nothing: it says nothing of re-encrypting.
    done = "" if check else "{rotated} re-encrypted, "
    for r in reports:
        click.echo(
            f"{r.name}: {r.values} value(s), {done.format(rotated=r.rotated)}{r.current} already "
            f"on the newest key, "
            + ("" if check else f"{r.changed} changed meanwhile, ")
            + f"{r.pending} on an older key, {r.failed} undecryptable"
        )
    total = {
        f: sum(getattr(r, f) for r in reports) for f in ("values", "rotated", "pending", "failed")
    }
    click.echo(
        f"Total: {total['values']} value(s), {done.format(rotated=total['rotated'])}"
        f"{total['pending']} on an older key, {total['failed']} undecryptable."
    )
    if total["failed"]:
        raise click.ClickException(
            f"{total['failed']} value(s) could not be decrypted with any key in PORTAL_DATA_KEYS."
        )
    if check and total["pending"]:
        raise click.ClickException("Older keys are still in use: run `portal rotate-keys`.")


ROTATION_WARNING = (
    "Before re-encrypting: every app server (portal serve) and every portal worker must already "
    "run with the new key first in PORTAL_DATA_KEYS, restarted since it was added. A server "
    "still on the old keys alone cannot open what is re-encrypted: its queue and case pages "
    "fail until it gets the new key."
)


def _on_terminal() -> bool:
    return sys.stdin.isatty()


def _before_rotating(yes: bool) -> None:
    """Say what must be true first; on a terminal, ask unless --yes (a script is not asked,
    and reads the warning in its log)."""
    click.echo(ROTATION_WARNING, err=True)
    if not yes and _on_terminal():
        click.confirm("Does every server and worker run with the new key?", abort=True, err=True)


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
    if not once:
        # From here a SIGTERM lets the message in hand finish; before it, it simply ends the
        # process. Said on stderr, which is not held back in a buffer as stdout is.
        click.echo("Outbox worker running; SIGTERM stops it after the message in hand.", err=True)
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
    app = info.load_app()
    with app.app_context():
        staff_commands.refuse_demo_staff()
    serve.run(app, settings)


def register(app: Flask) -> None:
    commands = (
        migrate_command, new_data_key_command, *staff_commands.COMMANDS,
        purge_command, purge_drafts_command, purge_outbox_command, rotate_keys_command,
        worker_command,
    )  # fmt: skip
    for command in commands:
        app.cli.add_command(command)
    app.cli.add_command(standards)
    app.cli.add_command(serve_command)
