"""D11: while the database cannot answer, every page is the portal's own 503 with Retry-After,
in the visitor's language, never a bare 500; the submit says it was not sent and the answers
are kept; a read that met a dead pooled connection is run again unseen; and it all recovers
by itself. On SQLite and PostgreSQL, with each driver's own errors (tests/fault/test_pg_restart.py
restarts a real server)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select

from portal.db.models import Application
from portal.web import db
from tests.web.helpers import parse, set_language
from tests.web.journey import answer_until, submit, token
from tests.web.staff import staff_client


class Breaker:
    """Swaps the dialect's DBAPI calls (do_execute, do_commit, do_rollback) for failing ones."""

    def __init__(self, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
        self.dialect = db.database(app).engine.dialect
        self.monkeypatch = monkeypatch

    def swap(self, name: str, replacement: Callable[..., Any]) -> None:
        self.monkeypatch.setattr(self.dialect, name, replacement)

    def mend(self) -> None:
        """The database is back."""
        self.monkeypatch.undo()


def driver_error(app: Flask) -> Exception:
    """What each driver raises when the database is away or busy."""
    if db.database(app).backend == "postgresql":
        return psycopg.OperationalError("server closed the connection unexpectedly")
    return sqlite3.OperationalError("database is locked")


@pytest.fixture
def breaker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Breaker]:
    """Mended when the test ends; then no connection may be left checked out."""
    broken = Breaker(app, monkeypatch)
    yield broken
    broken.mend()
    assert db.database(app).engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def applications(app: Flask) -> int:
    with db.database(app).transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Application)) or 0)


def test_a_read_that_meets_a_dead_connection_is_run_again_unseen(
    app: Flask, client: FlaskClient, breaker: Breaker
) -> None:
    answer_until(client, stop="/ansoeg/dage")
    original = db.database(app).engine.dialect.do_execute
    killed: list[bool] = []

    def die_once(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if not killed:
            killed.append(True)
            cursor.connection.close()  # as a restart leaves it: closed under the pool's feet
        original(cursor, statement, parameters, context)

    breaker.swap("do_execute", die_once)
    response = client.get("/ansoeg/dage")
    assert killed == [True]
    assert response.status_code == 200
    assert "Retry-After" not in response.headers


def test_a_page_while_the_database_is_away_is_the_busy_page_in_the_users_language(
    app: Flask, client: FlaskClient, breaker: Breaker
) -> None:
    answer_until(client, stop="/ansoeg/dage")
    error = driver_error(app)

    def away(*_args: Any) -> None:
        raise error

    breaker.swap("do_execute", away)
    response = client.get("/ansoeg/dage")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    html = response.get_data(as_text=True)
    parse(html)
    assert "<h1>Der er travlt lige nu</h1>" in html
    assert 'href="/ansoeg/dage">Prøv igen</a>' in html
    assert error.args[0] not in html  # the driver's words stay in the server

    set_language(client, "en")  # the language is in the cookie: no database needed
    english = client.get("/ansoeg/dage").get_data(as_text=True)
    assert "<h1>We are busy right now</h1>" in english
    assert 'lang="en"' in english


def test_a_page_that_cannot_even_connect_is_the_busy_page(
    app: Flask, client: FlaskClient, breaker: Breaker
) -> None:
    """No pooled connection left and no new one to be had (a restart in progress): the
    question page's keyed read and the submit's say so as every other read does."""
    answer_until(client, stop="/ansoeg/dage")
    error = driver_error(app)

    def refused(*_args: Any, **_kwargs: Any) -> None:
        raise error

    db.database(app).engine.dispose()
    breaker.swap("connect", refused)
    assert client.get("/ansoeg/dage").status_code == 503
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Der er travlt lige nu" in html


def test_a_submit_while_the_database_is_away_is_not_sent_and_keeps_the_answers(
    app: Flask, client: FlaskClient, breaker: Breaker
) -> None:
    answer_until(client)
    form = {"confirm": "y", "csrf_token": token(client.get("/ansoeg/tjek").get_data(as_text=True))}
    error = driver_error(app)

    def away(*_args: Any) -> None:
        raise error

    # The commit fails, and so does every rollback after it, the teardown's included: the one
    # that escaped Flask during a PostgreSQL restart.
    breaker.swap("do_commit", away)
    breaker.swap("do_rollback", away)
    response = client.post("/ansoeg/tjek", data=form)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    html = response.get_data(as_text=True)
    assert "<h1>Ansøgningen er ikke sendt endnu</h1>" in html
    assert "Dine svar er gemt." in html
    assert 'href="/ansoeg/tjek">Prøv igen</a>' in html

    set_language(client, "en")
    english = client.post("/ansoeg/tjek", data=form).get_data(as_text=True)
    assert "<h1>Your application has not been sent yet</h1>" in english
    assert "Your answers are saved." in english

    # The database is back: nothing was stored, the answers are there, one submit is one case.
    breaker.mend()
    assert applications(app) == 0
    assert "Karen Hansen" in client.get("/ansoeg/tjek").get_data(as_text=True)
    assert submit(client).headers["Location"] == "/kvittering"
    assert applications(app) == 1


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (
            sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked")),
            True,
        ),
        (
            sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")),
            False,
        ),
        (
            sa_exc.OperationalError("SELECT", {}, psycopg.OperationalError("connection refused")),
            True,
        ),
        (sa_exc.IntegrityError("INSERT", {}, psycopg.IntegrityError("duplicate key")), False),
        (sa_exc.TimeoutError("QueuePool limit reached"), True),
        (ValueError("not the database"), False),
    ],
)
def test_only_a_database_that_cannot_answer_counts_as_away(
    error: BaseException, unavailable: bool
) -> None:
    """A missing table is a fault in the portal: the 500 page, reported; not "try again"."""
    assert db.is_unavailable(error) is unavailable


def test_a_staff_audit_row_that_cannot_be_written_does_not_escape_the_request(
    app: Flask, breaker: Breaker
) -> None:
    """The audit rows are written before the answer leaves; when the database cannot take
    them, the page is not handed out unlogged: the portal's own 503 page, never an exception
    raised past Flask (where the server would answer its bare 500)."""
    staff = staff_client(app, "575", "ida@vejen.dk")
    original = db.database(app).engine.dialect.do_execute
    error = driver_error(app)
    refused: list[str] = []

    def no_audit(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if statement.startswith("INSERT INTO audit_event"):
            refused.append(statement)
            raise error
        original(cursor, statement, parameters, context)

    breaker.swap("do_execute", no_audit)
    response = staff.get("/sagsbehandler/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    assert "Der er travlt lige nu" in response.get_data(as_text=True)
    assert refused


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (sa_exc.OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked")),
         "database is locked"),
        (sa_exc.OperationalError("SELECT", {}, psycopg.errors.AdminShutdown("terminating")),
         "SQLSTATE 57P01"),
        (sa_exc.OperationalError("SELECT", {}, psycopg.OperationalError("Connection refused")),
         "no connection"),
        (sa_exc.TimeoutError("QueuePool limit reached"), "no free connection in the pool"),
    ],
)  # fmt: skip
def test_the_log_names_why_in_fixed_words_never_the_drivers_message(
    error: BaseException, reason: str
) -> None:
    """The SQLite load test counts "database is locked" in the server's log by these words."""
    assert db.outage_reason(error) == reason
