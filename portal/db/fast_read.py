"""One keyed SELECT on a pooled driver connection: the question pages' draft read.

Through a SQLAlchemy Session, or even a Core Connection, a one-row read by primary key costs
about 130-200 µs of Python (the session's state machine, the execution context, the result
object) around 20 µs of SQLite; a question page makes one per request, and under load that
was the largest part of the page that was not Flask's. Here the statement is compiled once
per dialect, and each read takes a connection from the engine's own pool (so its checkout
checks, such as PostgreSQL's hung-up test, still run), sends the SQL with the column types'
own bind and result processors, and hands the connection back.

Reads only, in autocommit (no BEGIN and no ROLLBACK): each statement sees what was committed
when it ran, exactly as the portal's read sessions do (portal.db.engine). A driver error is
raised as SQLAlchemy would raise it (a DBAPIError that says whether the connection was lost,
which is then discarded), so the portal's "database unavailable" handling sees no difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy import exc as sa_exc


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Parameter names in the order a positional driver (sqlite3) wants them; None for named.
    order: tuple[str, ...] | None
    binds: Mapping[str, Callable[[Any], Any] | None]
    results: Sequence[Callable[[Any], Any] | None]


class FastRead:
    """A SELECT with bound parameters, run straight on the driver, compiled once per engine."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[int, _Compiled] = {}

    def first(self, engine: Engine, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row, each value as SQLAlchemy would give it, or None."""
        compiled = self._compiled.get(id(engine.dialect)) or self._compile(engine)
        values = {
            name: process(params[name]) if process else params[name]
            for name, process in compiled.binds.items()
        }
        sent = tuple(values[n] for n in compiled.order) if compiled.order is not None else values
        conn = _checked_out(engine)
        try:
            row = _run(engine, conn, compiled.sql, sent)
        finally:
            conn.close()  # back to the pool
        if row is None:
            return None
        return tuple(p(v) if p else v for p, v in zip(compiled.results, row, strict=True))

    def _compile(self, engine: Engine) -> _Compiled:
        dialect = engine.dialect
        compiled = self.statement.compile(dialect=dialect)
        binds = {name: bind.type.bind_processor(dialect) for name, bind in compiled.binds.items()}
        results = [
            column.type.result_processor(dialect, None)
            for column in self.statement.selected_columns
        ]
        order = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
        made = _Compiled(str(compiled), order, binds, results)
        self._compiled[id(dialect)] = made
        return made


def _checked_out(engine: Engine) -> Any:
    """A pooled connection; a driver error while making one (the database restarting or down)
    raised as Engine.connect() raises it, which raw_connection() does not do by itself."""
    dbapi_error = engine.dialect.loaded_dbapi.Error
    try:
        return engine.raw_connection()
    except dbapi_error as err:
        lost = engine.dialect.is_disconnect(err, None, None)
        raise sa_exc.DBAPIError.instance(
            None, None, err, dbapi_error,
            hide_parameters=True, connection_invalidated=lost, dialect=engine.dialect,
        ) from err  # fmt: skip


def _run(engine: Engine, conn: Any, sql: str, params: Any) -> tuple[Any, ...] | None:
    driver = conn.dbapi_connection
    # PostgreSQL: autocommit for this one statement, so it sends no BEGIN and leaves no
    # transaction for the pool's reset to roll back. SQLite's connections are always in
    # autocommit here (portal.db.engine hands transactions to SQLAlchemy).
    switch = engine.dialect.name == "postgresql" and not driver.autocommit
    cursor = None
    lost = False
    try:
        if switch:
            driver.autocommit = True
        cursor = driver.cursor()
        # Through the dialect, as SQLAlchemy sends every statement (and as tests break it).
        engine.dialect.do_execute(cursor, sql, params, None)
        row = cursor.fetchone()
    except engine.dialect.loaded_dbapi.Error as err:
        lost = engine.dialect.is_disconnect(err, driver, cursor)
        if lost:
            conn.invalidate(err)
        raise sa_exc.DBAPIError.instance(
            sql, None, err, engine.dialect.loaded_dbapi.Error,
            hide_parameters=True, connection_invalidated=lost, dialect=engine.dialect,
        ) from err  # fmt: skip
    finally:
        if cursor is not None and not lost:
            cursor.close()  # a lost connection's cursor cannot even be closed
        if switch and not lost:
            driver.autocommit = False
    return None if row is None else tuple(row)
