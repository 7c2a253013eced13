"""Engines and sessions for SQLite (embedded default) and PostgreSQL (production).

SQLite runs in WAL mode with foreign keys and a busy timeout. A write session begins its
transaction with BEGIN IMMEDIATE, so two requests that both read and then write cannot deadlock
on the upgrade from a shared to a write lock: the second one waits instead of failing. Before
it, writers take turns in a queue of the portal's own (portal.db.writer_turns), which wakes
the next one the moment the lock is free, where SQLite's busy handler sleeps up to 100 ms.

A read session runs in autocommit on both. On SQLite it sends no BEGIN (a statement through
SQLAlchemy's execution machinery on every page), and its closing rollback has nothing to undo;
in WAL mode a reader never blocks and is never blocked. On PostgreSQL a page that reads is one
round trip per query (no BEGIN, no ROLLBACK) and a read session can never sit "idle in
transaction" holding locks that `portal migrate` waits for. Under READ COMMITTED, PostgreSQL's
default, every statement takes its own snapshot inside a transaction too, so reads see nothing
different; on SQLite, likewise, each statement of a read session sees what was committed when
it ran. The PostgreSQL pool does not pre-ping (a round trip per request): a checked-out
connection whose socket the server has closed (a restart, a terminated backend) is seen without
one, and the pool starts afresh.
"""

from __future__ import annotations

import os
import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from portal.db.writer_turns import WriterTurns

BUSY_TIMEOUT_MS = 5000
# Bounded waits, so a request during an outage ends with the "try again" page instead of
# hanging: for a new connection, and for a free one from a full pool.
CONNECT_TIMEOUT_S = 5
POOL_TIMEOUT_S = 10


class ReadOnlySessionError(RuntimeError):
    """A read-only session (a GET request) tried to write."""


def _take_turns(engine: Engine, turns: WriterTurns) -> None:
    """Give the writer's turn back once SQLite has ended the transaction. The engine's commit
    and rollback events run before the driver's COMMIT, so the dialect's own calls are
    wrapped; the pool's events cover a connection that leaves without either."""
    dialect: Any = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_conn: Any) -> None:
        try:
            commit(dbapi_conn)
        finally:
            turns.give_back(dbapi_conn)

    def do_rollback(dbapi_conn: Any) -> None:
        try:
            rollback(dbapi_conn)
        finally:
            turns.give_back(dbapi_conn)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback
    for name in ("checkin", "close", "invalidate", "soft_invalidate"):
        event.listen(engine, name, lambda dbapi_conn, *_: turns.give_back(dbapi_conn))


def _sqlite_engine(url: str) -> Engine:
    memory = make_url(url).database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        # One shared connection, or each pooled connection would see its own empty database.
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()

    # An in-memory database is one connection shared by every thread (tests): no turns.
    turns = None
    if not memory:
        path = os.path.abspath(str(make_url(url).database))
        turns = WriterTurns(f"{path}-writers.lock", BUSY_TIMEOUT_MS / 1000)
        _take_turns(engine, turns)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("portal_write", False):
            if turns is None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            turns.take(conn.connection)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                turns.give_back(conn.connection)
                raise
        elif not options.get("portal_read", False):
            conn.exec_driver_sql("BEGIN")
        # A read session (portal_read) begins nothing: each statement is its own transaction,
        # as PostgreSQL's read sessions are (see above); its rollback then has nothing to undo.

    return engine


def _postgresql_engine(url: str) -> Engine:
    # hide_parameters keeps CPR numbers and answers out of error messages and logs.
    engine = create_engine(
        url, pool_size=5, max_overflow=10, pool_timeout=POOL_TIMEOUT_S, hide_parameters=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )  # fmt: skip

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        if server_has_hung_up(dbapi_conn):
            # A restart ends every connection at once: start the whole pool afresh.
            raise sa_exc.InvalidatePoolError("the server closed a pooled connection")

    return engine


def server_has_hung_up(dbapi_conn: Any) -> bool:
    """Whether the server has closed an idle connection, seen without a round trip: a healthy
    idle connection has nothing to read, while a terminated one has the server's goodbye (or
    the end of the stream) waiting on its socket."""
    if getattr(dbapi_conn, "closed", False) or getattr(dbapi_conn, "broken", False):
        return True
    try:
        fd = dbapi_conn.fileno()
    except Exception:  # psycopg refuses once it knows the connection is gone
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return _postgresql_engine(url)


@dataclass
class Database:
    """One engine and two session factories: read-only by default, write on request."""

    engine: Engine

    def __post_init__(self) -> None:
        reader = self.engine
        if self.backend == "postgresql":
            reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            reader = self.engine.execution_options(portal_read=True)
        self._read = sessionmaker(bind=reader, expire_on_commit=False)
        writer = self.engine.execution_options(portal_write=True)
        self._write = sessionmaker(bind=writer, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def read_session(self) -> Session:
        session = self._read()
        session.info["read_only"] = True
        return session

    def write_session(self) -> Session:
        return self._write()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session committed on success and rolled back on any error."""
        session = self.write_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@event.listens_for(Session, "before_flush")
def _refuse_writes_in_read_sessions(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlySessionError("A read-only session tried to write; use a transaction.")
