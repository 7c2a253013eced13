"""On an SQLite file, a process's threads take turns at writing (portal.db.engine.WriterTurns):
a second writer waits for the first one's COMMIT in a lock that wakes it at once, not in
SQLite's busy handler, which sleeps in steps of up to 100 ms. The turn is given back however
the transaction ends, and a wait that runs out is the same "database is locked" the portal
already answers with its "try again" page."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy import exc as sa_exc

from portal.db import engine as engine_module
from portal.db import migrate
from portal.db.engine import Database, WriterTurns
from portal.db.models import Draft
from portal.web.db import is_unavailable


def make_database(tmp_path: Path) -> Database:
    database = Database.from_url(f"sqlite:///{tmp_path}/turns.sqlite3")
    migrate.upgrade(database.engine)
    return database


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Database]:
    database = make_database(tmp_path)
    yield database
    database.engine.dispose()


def write_in_thread(database: Database, outcome: list[Any], draft_id: str) -> threading.Thread:
    """Another request's write, in a thread; `outcome` gets "committed" or the refusal."""

    def run() -> None:
        try:
            with database.transaction() as writer:
                writer.add(Draft(id=draft_id, answers_enc="x", channel="web"))
            outcome.append("committed")
        except sa_exc.OperationalError as err:
            outcome.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_writer_waits_for_the_first_commit_before_it_asks_sqlite(
    sqlite: Database,
) -> None:
    order: list[str] = []

    @event.listens_for(sqlite.engine, "before_cursor_execute")
    def _note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            order.append(f"BEGIN in {threading.current_thread().name}")

    outcome: list[Any] = []
    with sqlite.transaction() as first:
        first.add(Draft(id="a" * 32, answers_enc="x", channel="web"))
        first.flush()
        second = write_in_thread(sqlite, outcome, "b" * 32)
        second.join(timeout=0.3)
        # Still waiting, and it has not sent its BEGIN: it waits for its turn, not on SQLite.
        assert second.is_alive() and order == ["BEGIN in MainThread"]
        order.append("first committed")
    second.join(timeout=10)
    assert outcome == ["committed"]
    assert order == ["BEGIN in MainThread", "first committed", f"BEGIN in {second.name}"]
    with sqlite.read_session() as reader:
        assert reader.scalar(select(func.count()).select_from(Draft)) == 2


@pytest.mark.parametrize("ending", ["error", "closed unfinished", "rolled back"])
def test_the_turn_is_given_back_however_the_transaction_ends(sqlite: Database, ending: str) -> None:
    if ending == "error":
        with pytest.raises(RuntimeError), sqlite.transaction() as writer:
            writer.add(Draft(id="a" * 32, answers_enc="x", channel="web"))
            writer.flush()
            raise RuntimeError("the view failed half-way")
    else:
        writer = sqlite.write_session()
        writer.add(Draft(id="a" * 32, answers_enc="x", channel="web"))
        writer.flush()
        if ending == "rolled back":
            writer.rollback()
        writer.close()
    outcome: list[Any] = []
    # Another thread gets its turn at once; a turn kept would hold it 5 s, then refuse it.
    write_in_thread(sqlite, outcome, "b" * 32).join(timeout=10)
    assert outcome == ["committed"]


def test_a_wait_that_runs_out_is_the_outage_the_portal_already_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    database = make_database(tmp_path)
    outcome: list[Any] = []
    with database.transaction() as first:
        first.add(Draft(id="a" * 32, answers_enc="x", channel="web"))
        first.flush()
        write_in_thread(database, outcome, "b" * 32).join(timeout=10)
    [refused] = outcome
    assert isinstance(refused, sa_exc.OperationalError)
    assert str(refused.orig) == "database is locked" and is_unavailable(refused)
    # Nothing of the refused write was stored, and the next one goes through.
    write_in_thread(database, outcome, "c" * 32).join(timeout=10)
    assert outcome[1:] == ["committed"]
    with database.read_session() as reader:
        assert sorted(reader.scalars(select(Draft.id))) == ["a" * 32, "c" * 32]
    database.engine.dispose()


def in_a_child(run: Callable[[], int]) -> int:
    """`run`'s exit code, run in a forked process, as a gunicorn worker is made."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(run())
        except BaseException:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_processes_take_turns_and_a_forked_worker_inherits_no_turn(tmp_path: Path) -> None:
    turns = WriterTurns(str(tmp_path / "db.sqlite3-writers.lock"), timeout_s=0.3)
    parent = object()
    turns.take(parent)

    def refused_by_the_other_process() -> int:
        try:
            turns.take(object())
        except sa_exc.OperationalError:
            # Its own lock was free (not the parent's, held at the fork), and the file lock,
            # on a file of its own, was not: the parent holds the turn.
            return 0 if turns._abandoned is not None else 2
        return 1

    assert in_a_child(refused_by_the_other_process) == 0
    turns.give_back(parent)

    def takes_it_now() -> int:
        turns.take(object())
        return 0

    assert in_a_child(takes_it_now) == 0
