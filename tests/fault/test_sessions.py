"""D8: a request never leaves a database session open, on SQLite and PostgreSQL.

The staff check reads in one session, the action writes in another; before the fix the first
kept its connection (and, on PostgreSQL, an open read transaction) through the write and beyond:
"idle in transaction" for minutes, `portal migrate` waiting on its lock, the pool exhausted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from portal.db.models import Application
from portal.web import db
from tests.web.journey import answer_until, submit
from tests.web.staff import csrf_from, staff_client


def idle_in_transaction(app: Flask) -> int:
    """Connections to this test's database that hold a transaction and do nothing."""
    engine = db.database(app).engine
    if engine.dialect.name != "postgresql":
        return 0  # SQLite has no server; the pool's count below is the whole story there
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND state LIKE 'idle in transaction%'"
                )
            ).scalar_one()
        )


def submitted_application(app: Flask) -> int:
    citizen = app.test_client()
    answer_until(citizen)
    assert submit(citizen).status_code == 303
    with db.database(app).transaction() as session:
        return session.scalars(select(Application.id)).one()


@pytest.fixture
def held_at_commit(app: Flask) -> Iterator[list[int]]:
    """The pool's checked-out count each time a transaction commits."""
    engine = db.database(app).engine
    seen: list[int] = []

    def note(_conn: Any) -> None:
        seen.append(engine.pool.checkedout())  # type: ignore[attr-defined]

    event.listen(engine, "commit", note)
    yield seen
    event.remove(engine, "commit", note)


def test_many_staff_posts_leave_no_session_open(app: Flask, held_at_commit: list[int]) -> None:
    application_id = submitted_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    case = f"/sagsbehandler/sag/{application_id}"
    token = csrf_from(staff, case)
    held_at_commit.clear()
    assert staff.post(f"{case}/tag", data={"csrf_token": token}).status_code == 303
    for n in range(40):
        answer = staff.post(f"{case}/note", data={"text": f"Note {n}", "csrf_token": token})
        assert answer.status_code == 303
    assert staff.post("/sagsbehandler/tag-naeste", data={"csrf_token": token}).status_code == 303
    # While the action's transaction commits, the staff check's read holds no connection.
    assert held_at_commit and max(held_at_commit) == 1, held_at_commit
    assert db.database(app).engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert idle_in_transaction(app) == 0


def test_the_end_of_a_request_closes_every_session_even_when_a_close_fails(app: Flask) -> None:
    closed: list[str] = []

    def failing_close() -> None:
        closed.append("read")
        raise RuntimeError("the database went away")

    with app.test_request_context("/sagsbehandler/", method="POST"):
        read = db.session()
        read.execute(text("SELECT 1"))
        read.close = failing_close  # type: ignore[method-assign]
        write = db._opened(db.database().write_session())  # what @transactional opens
        write.execute(text("SELECT 1"))
        # Leaving the context runs the teardown: it must neither raise nor skip the second.
    assert closed == ["read"]
    assert not write.in_transaction()
    read.invalidate()  # what the teardown fell back to; a second call is harmless
    assert db.database(app).engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert idle_in_transaction(app) == 0


def test_a_transaction_inside_a_transaction_joins_it(app: Flask) -> None:
    opened: list[Session] = []

    @db.transactional
    def inner() -> str:
        opened.append(db.session())
        return "inner"

    @db.transactional
    def outer() -> str:
        opened.append(db.session())
        inner()
        return "outer"

    with app.test_request_context("/", method="POST"):
        outer()
        assert opened[0] is opened[1]
        assert len(g.db_sessions) == 1
    assert db.database(app).engine.pool.checkedout() == 0  # type: ignore[attr-defined]
