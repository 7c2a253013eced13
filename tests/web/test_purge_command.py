"""`portal purge`: one audit row with counts only, nothing the second time, two at once
without failing or counting twice, a loud failure, and its periods from the settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal import cli, retention
from portal.config import ConfigError, from_environment
from portal.db import drafts
from portal.db.engine import Database
from portal.db.models import Application, AuditEvent, Draft, utcnow
from portal.retention import Counts, Periods
from portal.web.db import database
from tests.conftest import make_app
from tests.web import retention_data as data

PORTAL = Path(sys.executable).with_name("portal")
COUNTS_ONLY = re.compile(r"[a-z_]+=\d+( [a-z_]+=\d+)*")


def old_drafts(app: Flask, how_many: int) -> None:
    with database(app).transaction() as session:
        for _ in range(how_many):
            drafts.create_draft(session, data.cipher(app)).updated_at = utcnow() - timedelta(
                days=31
            )


def purge_rows(app: Flask) -> list[AuditEvent]:
    with database(app).transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == retention.AUDIT_ACTION)
                .order_by(AuditEvent.id)
            )
        )


def count(app: Flask, model: type[Draft] | type[Application]) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_portal_purge_says_what_it_deleted_and_writes_one_audit_row_with_counts_only(
    app: Flask, runner: FlaskCliRunner
) -> None:
    old_drafts(app, 2)
    staff_id = data.caseworker(app)
    data.closed_and_handed_over(app, staff_id, utcnow() - timedelta(days=91))
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 draft(s) untouched for 30 days." in result.stdout
    assert "Deleted 1 application(s) held by their municipality's own system for 90 days" in (
        result.stdout
    )
    run_id = re.search(r"Audit row (purge-[0-9a-f]{16}) written\.", result.stdout)
    assert run_id, result.stdout
    [row] = purge_rows(app)
    assert (row.request_id, row.staff_id, row.application_id) == (run_id.group(1), None, None)
    assert row.municipality_code == retention.EVERY_MUNICIPALITY
    assert row.detail is not None and COUNTS_ONLY.fullmatch(row.detail), row.detail
    assert "drafts=2 handed_over=1 applications=1 " in row.detail


def test_a_second_run_deletes_nothing(app: Flask) -> None:
    old_drafts(app, 3)
    data.closed_and_handed_over(app, data.caseworker(app), utcnow() - timedelta(days=91))
    run = retention.Run(database(app), Periods(), {"575"}, utcnow(), "purge-first")
    first = retention.purge(run)
    assert (first.drafts, first.applications) == (3, 1)
    assert retention.purge(run) == Counts()
    assert len(purge_rows(app)) == 2


def test_two_purges_at_once_neither_fails_nor_counts_a_row_twice(app: Flask) -> None:
    old_drafts(app, 150)
    staff_id = data.caseworker(app)
    long_ago = utcnow() - timedelta(days=91)
    for _ in range(retention.BATCH + 30):  # more than one batch each
        data.closed_and_handed_over(app, staff_id, long_ago)
    start = threading.Barrier(2)
    results: list[Counts | BaseException] = []

    def one_run() -> None:
        db = Database.from_url(app.config["SQLALCHEMY_DATABASE_URI"])  # as another process
        try:
            start.wait()
            run = retention.Run(db, Periods(), {"575"}, utcnow(), f"purge-{secrets.token_hex(8)}")
            results.append(retention.purge(run))
        except BaseException as err:  # reported below, with its type
            results.append(err)
        finally:
            db.engine.dispose()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, Counts) for r in results) and len(results) == 2, results
    counts = [r for r in results if isinstance(r, Counts)]
    assert sum(c.drafts for c in counts) == 150
    assert sum(c.applications for c in counts) == retention.BATCH + 30
    assert count(app, Draft) == count(app, Application) == 0
    assert len(purge_rows(app)) == 2


def test_two_portal_purge_processes_at_once_both_succeed(app: Flask) -> None:
    old_drafts(app, 40)
    env = {**os.environ, "PORTAL_ENV": "test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}  # fmt: skip
    command = [str(PORTAL), "purge"]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    deleted = [int(re.search(r"Deleted (\d+) draft", out).group(1)) for out, _ in outputs]  # type: ignore[union-attr]
    assert sum(deleted) == 40
    assert len(purge_rows(app)) == 2


def test_the_old_names_run_the_same_purge(app: Flask, runner: FlaskCliRunner) -> None:
    old_drafts(app, 1)
    drafts_run = runner.invoke(args=["purge-drafts"])
    outbox_run = runner.invoke(args=["purge-outbox"])
    assert drafts_run.exit_code == outbox_run.exit_code == 0
    assert "Deleted 1 draft(s)" in drafts_run.stdout
    assert "Deleted 0 draft(s)" in outbox_run.stdout
    assert "Deleted 0 application(s)" in outbox_run.stdout
    assert len(purge_rows(app)) == 2


def test_the_command_reads_the_clock_once_and_moves_with_it(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database(app).transaction() as session:
        draft_id = drafts.create_draft(session, data.cipher(app)).id
    monkeypatch.setattr(cli, "utcnow", lambda: utcnow() + timedelta(days=29))
    assert "Deleted 0 draft(s)" in runner.invoke(args=["purge"]).stdout
    monkeypatch.setattr(cli, "utcnow", lambda: utcnow() + timedelta(days=31))
    assert "Deleted 1 draft(s)" in runner.invoke(args=["purge"]).stdout
    assert not data.exists(app, Draft, draft_id)
    assert [r.at > utcnow() + timedelta(days=30) for r in purge_rows(app)] == [False, True]


@pytest.mark.parametrize(("days", "kept"), [(12, True), (10, False)])
def test_the_application_period_comes_from_its_setting(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch, days: int, kept: bool
) -> None:
    monkeypatch.setitem(app.config, "RETENTION_APPLICATION_DAYS", days)
    staff_id = data.caseworker(app)
    application_id = data.closed_and_handed_over(app, staff_id, utcnow() - timedelta(days=11))
    result = runner.invoke(args=["purge"])
    assert f"own system for {days} days" in result.stdout
    assert data.exists(app, Application, application_id) is kept


# -- failing loudly -----------------------------------------------------------------------------

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/portal.sqlite3",
    "postgresql": "postgresql+psycopg://portal:portal@127.0.0.1:9/portal",
}


@pytest.mark.parametrize("backend", UNREACHABLE)
def test_portal_purge_fails_loudly_when_the_database_cannot_be_reached(backend: str) -> None:
    app = make_app(UNREACHABLE[backend])
    try:
        result = app.test_cli_runner().invoke(args=["purge"])
    finally:
        database(app).engine.dispose()
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "portal purge stopped at the step 'drafts': OperationalError" in result.stderr
    assert "Nothing was deleted" in result.stderr


def test_the_installed_command_exits_non_zero_with_the_reason_on_stderr() -> None:
    env = {**os.environ, "PORTAL_ENV": "test", "DATABASE_URL": UNREACHABLE["postgresql"]}
    done = subprocess.run([str(PORTAL), "purge"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("Error: portal purge stopped at the step 'drafts'")
    assert "Connection refused" in done.stderr


def test_a_step_that_fails_stops_the_run_and_the_audit_row_says_so(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(run: retention.Run) -> int:
        raise OperationalError("DELETE FROM audit_event", {}, OSError("disk full"))

    steps = tuple((name, disk_full if name == "audit" else step) for name, step in retention.STEPS)
    monkeypatch.setattr(retention, "STEPS", steps)
    old_drafts(app, 1)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 1
    assert "stopped at the step 'audit': OSError: disk full" in result.stderr
    assert "the audit log has their counts" in result.stderr
    [row] = purge_rows(app)
    assert row.detail is not None and row.detail.startswith("drafts=1 ")
    assert row.detail.endswith(" failed=audit")


# -- the settings ---------------------------------------------------------------------------------


def test_each_period_has_a_setting_and_a_default() -> None:
    defaults = from_environment({"PORTAL_ENV": "test"})
    assert [defaults[f"RETENTION_{k}_DAYS"] for k in ("APPLICATION", "AUDIT", "DEAD_MESSAGE",
            "STAFF_SESSION")] == [90, 365, 30, 30]  # fmt: skip
    assert Periods() == Periods(*(timedelta(days=d) for d in (90, 365, 30, 30)))
    chosen = from_environment({"PORTAL_ENV": "test", "PORTAL_RETENTION_APPLICATION_DAYS": " 180 "})
    assert chosen["RETENTION_APPLICATION_DAYS"] == 180


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "tre", "36501", "²"])
def test_a_period_that_is_not_a_whole_number_of_days_stops_the_start(value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        from_environment({"PORTAL_ENV": "test", "PORTAL_RETENTION_AUDIT_DAYS": value})
    assert str(refused.value) == (
        "Refusing to start: PORTAL_RETENTION_AUDIT_DAYS must be a whole number of days "
        "from 1 to 36500."
    )
