"""Creating a caseworker whose e-mail is taken, one after the other or at the same moment,
from the admin page or the CLI, gives a clear message and never a 500 or a traceback. Staff
accounts are made in one place, staff_auth.create_staff; on PostgreSQL the unique constraint
decides a true race (the loser's insert waits for the winner, then fails), on SQLite the write
lock taken at the start of the transaction makes the loser wait and then see the winner's row."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError

from portal import staff_auth
from portal.db.models import StaffRole, StaffUser
from portal.web.db import database
from tests.web.helpers import set_language
from tests.web.staff import PASSWORD, csrf_from, staff_client

LIST = "/sagsbehandler/admin/medarbejdere"
TAKEN_DA = "Der findes allerede en medarbejder med den e-mail."
TAKEN_EN = "A staff member with that e-mail already exists."
SHOWN_ONCE = '<strong class="break-all">'


def accounts(app: Flask, email: str) -> int:
    with database(app).transaction() as session:
        query = select(func.count()).select_from(StaffUser).where(StaffUser.email == email)
        return int(session.scalar(query) or 0)


def wait_until_blocked(app: Flask) -> None:
    """Until a second writer waits for the first: on PostgreSQL its insert waits on the row
    lock of the uncommitted duplicate; on SQLite its BEGIN IMMEDIATE waits for the write lock."""
    if database(app).backend != "postgresql":
        time.sleep(0.5)
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 30
    with database(app).engine.connect() as conn:
        while time.monotonic() < deadline:
            found = conn.execute(waiting).scalar()
            conn.commit()  # a fresh statistics snapshot next time
            if found:
                return
            time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first")


class IntegrityErrors:
    """Counts the integrity errors the database raised (proof that a race really happened)."""

    def __init__(self, app: Flask) -> None:
        self.count = 0
        self.engine = database(app).engine
        event.listen(self.engine, "handle_error", self._seen)

    def _seen(self, context: Any) -> None:
        if isinstance(context.sqlalchemy_exception, IntegrityError):
            self.count += 1

    def close(self) -> None:
        event.remove(self.engine, "handle_error", self._seen)


def while_first_holds_the_email(app: Flask, second: Callable[[], Any]) -> tuple[Any, int]:
    """Run `second` while another transaction has created ida@vejen.dk but not committed it;
    commit that transaction once `second` waits for it. Returns what `second` returned and how
    many integrity errors the database raised meanwhile."""
    errors = IntegrityErrors(app)
    first = database(app).write_session()
    try:
        staff_auth.create_staff(first, "ida@vejen.dk", "575", StaffRole.CASEWORKER, PASSWORD)

        def commit_when_blocked() -> None:
            wait_until_blocked(app)
            first.commit()

        committer = threading.Thread(target=commit_when_blocked)
        committer.start()
        result = second()
        committer.join(timeout=60)
    finally:
        first.close()
        errors.close()
    return result, errors.count


def test_two_sessions_creating_one_caseworker_give_one_account_and_staff_exists(
    app: Flask,
) -> None:
    def second() -> str:
        try:
            with database(app).transaction() as session:
                staff_auth.create_staff(session, " IDA@Vejen.dk ", "575", StaffRole.ADMIN, PASSWORD)
        except staff_auth.StaffExists:
            return "exists"
        return "created"

    outcome, integrity_errors = while_first_holds_the_email(app, second)
    assert outcome == "exists"
    assert accounts(app, "ida@vejen.dk") == 1
    if database(app).backend == "postgresql":
        # The look-up missed the uncommitted row: the constraint decided, as it should.
        assert integrity_errors == 1


def test_the_cli_loses_a_race_with_one_line_and_exit_code_1(
    app: Flask, runner: FlaskCliRunner
) -> None:
    def second() -> Any:
        return runner.invoke(
            args=["create-staff", "--municipality", "575", "--email", "ida@vejen.dk"]
        )

    result, _ = while_first_holds_the_email(app, second)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: A staff user with the e-mail ida@vejen.dk already exists."
    ]
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert accounts(app, "ida@vejen.dk") == 1


def test_admins_posting_the_same_new_caseworker_at_once_get_one_account_and_messages(
    app: Flask,
) -> None:
    admins = [staff_client(app, "575", f"chef{n}@vejen.dk", StaffRole.ADMIN) for n in range(4)]
    tokens = [csrf_from(admin, LIST) for admin in admins]
    barrier = threading.Barrier(len(admins))
    results: list[tuple[int, str] | BaseException] = []

    def create(n: int) -> None:
        barrier.wait()
        try:
            response = admins[n].post(
                LIST, data={"email": "ny@vejen.dk", "role": "caseworker", "csrf_token": tokens[n]}
            )
            results.append((response.status_code, response.get_data(as_text=True)))
        except BaseException as err:  # the test client re-raises what would be a 500
            results.append(err)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(len(admins))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [r for r in results if isinstance(r, BaseException)] == []
    pages = [r for r in results if isinstance(r, tuple)]
    assert sorted(status for status, _ in pages) == [200] * len(admins)
    assert sum(SHOWN_ONCE in html for _, html in pages) == 1
    assert sum(TAKEN_DA in html for _, html in pages) == len(admins) - 1
    assert accounts(app, "ny@vejen.dk") == 1


@pytest.mark.parametrize(("lang", "message"), [("da", TAKEN_DA), ("en", TAKEN_EN)])
def test_a_taken_email_is_a_field_error_in_the_users_language(
    app: Flask, lang: str, message: str
) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    set_language(admin, lang)
    for attempt in range(2):
        response = admin.post(
            LIST,
            data={"email": "NY@vejen.dk", "role": "caseworker",
                  "csrf_token": csrf_from(admin, LIST)},
        )  # fmt: skip
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert (message in html) == (attempt == 1)
    assert 'id="email-error"' in html or "form-error-message" in html
    assert accounts(app, "ny@vejen.dk") == 1


def test_only_a_taken_email_becomes_staff_exists(app: Flask) -> None:
    """Any other integrity error (here: a municipality code of the wrong length) is a bug and
    must not be dressed up as "already exists"."""
    with pytest.raises(IntegrityError), database(app).transaction() as session:
        staff_auth.create_staff(session, "x@vejen.dk", "57", StaffRole.CASEWORKER, PASSWORD)
