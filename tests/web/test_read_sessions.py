"""Read sessions begin no transaction (portal.db.engine): on SQLite no BEGIN is sent for a
page's reads, while a write session still begins with BEGIN IMMEDIATE; a read sees what was
committed when it ran, and a reader never holds up a writer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from portal.db import migrate
from portal.db.engine import Database
from portal.db.models import Draft


def sent(engine: Engine) -> list[str]:
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).upper())

    return statements


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Database]:
    database = Database.from_url(f"sqlite:///{tmp_path}/read.sqlite3")
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def test_a_sqlite_read_session_sends_only_its_query(sqlite: Database) -> None:
    statements = sent(sqlite.engine)
    reader = sqlite.read_session()
    assert reader.scalar(select(func.count()).select_from(Draft)) == 0
    reader.close()
    assert len(statements) == 1 and statements[0].startswith("SELECT")


def test_a_sqlite_write_session_still_begins_immediate(sqlite: Database) -> None:
    statements = sent(sqlite.engine)
    with sqlite.transaction() as writer:
        writer.scalar(select(func.count()).select_from(Draft))
    assert statements[0] == "BEGIN IMMEDIATE" and statements[1].startswith("SELECT")


def test_a_read_sees_what_was_committed_and_never_blocks_a_writer(sqlite: Database) -> None:
    reader = sqlite.read_session()
    count = select(func.count()).select_from(Draft)
    assert reader.scalar(count) == 0
    # The reader is still open: a writer commits past it (no lock held, no snapshot pinned).
    with sqlite.transaction() as writer:
        writer.add(Draft(id="d" * 32, answers_enc="x", channel="web"))
    assert reader.scalar(count) == 1
    reader.close()
