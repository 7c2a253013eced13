"""The request's database session and its transaction boundary.

Every request gets a read-only session, ended with the request. A view that changes data opts
in with @transactional: its session begins a write transaction, commits when the view returns
a non-error response and rolls back otherwise. A GET view can therefore never write. When the
view raises or its commit fails, what it put in the cookie session is undone too: a submit
that was not stored must not have forgotten the citizen's draft.

Every session this module opens is noted on the request, and the request's end closes each of
them, whatever happens: a close that fails (the database went away mid-request) discards the
connection instead of raising, because an exception out of a teardown escapes Flask and the
visitor gets the server's bare 500 instead of the portal's page.

A GET that fails because a pooled connection turned out dead (the database restarted since it
was last used) is run once more, on a fresh connection, before anyone sees an error page
(retry_stale_reads). A POST is never replayed here.
"""

from __future__ import annotations

import copy
import functools
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request
from flask import session as cookie
from sqlalchemy import Connection
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from portal.db.engine import Database

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("portal.db")
# Set by the error page on a GET whose pooled connection was dead; read by retry_stale_reads.
RETRY_KEY = "portal.db_retry"
RETRIED_KEY = "portal.db_retried"
# SQLite's own words for "busy or not there right now", as opposed to a programming error
# such as a missing table (which stays a 500 and is reported).
SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open")


def init_app(app: Flask) -> None:
    app.extensions["portal.db"] = Database.from_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.teardown_appcontext(_close_sessions)
    app.wsgi_app = retry_stale_reads(app.wsgi_app)  # type: ignore[method-assign,assignment]


def database(app: Flask | None = None) -> Database:
    return cast(Database, (app or current_app).extensions["portal.db"])


def session() -> Session:
    """The request's session: read-only unless the view is @transactional."""
    current = g.get("db_session")
    if current is None:
        current = g.db_session = _opened(database().read_session())
    return cast(Session, current)


@contextmanager
def reading(stand_in: bool = False) -> Iterator[Session]:
    """A read session of its own, ended when the block ends: for slow work a write view does
    before its first write (a password check), so the write transaction has not begun yet.
    With `stand_in`, it is also the request's session (db.session()) for the block, so what
    the view's helpers read there (the draft, the login) does not begin it either."""
    reader = _opened(database().read_session())
    writer = g.get("db_session")
    if stand_in:
        g.db_session = reader
    try:
        yield reader
    finally:
        if stand_in:
            g.db_session = writer
        close_quietly(reader)


def _opened(new: Session) -> Session:
    """Note the session on the request, so that the request's end closes it."""
    g.setdefault("db_sessions", []).append(new)
    return new


def _in_transaction(view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    if g.get("db_writing"):
        # Already inside a write transaction: join it rather than open a second one.
        return view(*args, **kwargs)
    earlier = g.get("db_session")
    if earlier is not None:
        # The read session from earlier in the request (the staff login check) ends its
        # transaction now and hands its connection back: objects it loaded (g.staff) stay
        # usable (expire_on_commit=False), and the request holds one connection, not two.
        earlier.commit()
    write = g.db_session = _opened(database().write_session())
    g.db_writing = True
    before = copy.deepcopy(dict(cookie))
    try:
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:
            write.commit()
        else:
            write.rollback()
        return response
    except BaseException:
        _restore_cookie(before)
        write.rollback()
        raise
    finally:
        g.db_writing = False


def _restore_cookie(before: dict[str, Any]) -> None:
    if dict(cookie) != before:
        cookie.clear()
        cookie.update(before)


def transactional(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _in_transaction(view, args, kwargs)

    wrapper.portal_transactional = "always"  # type: ignore[attr-defined]
    return cast(F, wrapper)


def transactional_on_post(view: F) -> F:
    """For a page that shows a form on GET and saves it on POST: only the POST may write."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST":
            return view(*args, **kwargs)
        return _in_transaction(view, args, kwargs)

    wrapper.portal_transactional = "post"  # type: ignore[attr-defined]
    return cast(F, wrapper)


def _close_sessions(_exc: BaseException | None) -> None:
    g.pop("db_session", None)
    for opened in g.pop("db_sessions", []):
        close_quietly(opened)


def close_quietly(opened: Session) -> None:
    """Close a session (rolling back what it left open); never raise. When the close fails,
    the database is gone or the connection broken: the connection is discarded, not pooled."""
    held = _connection_of(opened)
    try:
        opened.close()
    except Exception as err:
        log.warning("A database session could not be closed (%s); discarded", type(err).__name__)
        try:
            # The connection itself: once its close has failed, the session no longer holds
            # it, and its invalidate() would leave the pool counting it as checked out.
            (held or opened).invalidate()
        except Exception as again:  # nothing more can be done, and a teardown must not raise
            log.warning("Discarding the session failed too (%s)", type(again).__name__)


def _connection_of(opened: Session) -> Connection | None:
    """The connection an open session's transaction holds, if any."""
    try:
        return opened.connection() if opened.in_transaction() else None
    except Exception:  # a transaction already failed: its connection is discarded with it
        return None


# -- the database is away ---------------------------------------------------------------------


def is_unavailable(err: BaseException) -> bool:
    """Whether an exception means the database cannot answer right now (restarting, down,
    busy, every connection taken), as opposed to a fault in the portal."""
    if isinstance(err, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return True  # no connection free in the pool, or one found dead on checkout
    if not isinstance(err, sa_exc.DBAPIError):
        return False
    if err.connection_invalidated:
        return True
    if isinstance(err.orig, sqlite3.Error):
        return any(words in str(err.orig) for words in SQLITE_UNAVAILABLE)
    # PostgreSQL: connection lost or refused, shutting down or starting up, a deadlock or a
    # serialisation failure; all of them pass, and the same request can then succeed.
    return isinstance(err, sa_exc.OperationalError | sa_exc.InterfaceError)


def outage_reason(err: BaseException) -> str:
    """For the log: why the database could not answer, in fixed words or a SQLSTATE code,
    never the driver's message (which may quote what was sent)."""
    if isinstance(err, sa_exc.TimeoutError):
        return "no free connection in the pool"
    if not isinstance(err, sa_exc.DBAPIError):
        return type(err).__name__
    if isinstance(err.orig, sqlite3.Error):
        return next((w for w in SQLITE_UNAVAILABLE if w in str(err.orig)), "sqlite error")
    state = getattr(err.orig, "sqlstate", None)
    lost = "connection lost" if err.connection_invalidated else "no connection"
    return f"SQLSTATE {state}" if state else lost


def ask_for_retry(err: BaseException) -> bool:
    """For a GET that failed on a connection the pool held from before a restart: ask
    retry_stale_reads to run the request once more. True when it will."""
    stale = isinstance(err, sa_exc.DBAPIError) and err.connection_invalidated
    environ = request.environ
    if not stale or request.method not in ("GET", "HEAD") or environ.get(RETRIED_KEY):
        return False
    environ[RETRY_KEY] = True
    return True


StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def retry_stale_reads(wsgi_app: WsgiApp) -> WsgiApp:
    """Run a GET or HEAD a second time when its first run asked for it (ask_for_retry). Only
    these: a read has no effect to repeat. The first run's answer is dropped unseen."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return wsgi_app(environ, start_response)
        held: list[Any] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            held[:] = [status, headers, exc_info]
            return _no_write

        body = wsgi_app(environ, hold)
        if not environ.pop(RETRY_KEY, False):
            start_response(*held)
            return body
        close = getattr(body, "close", None)
        if close is not None:
            close()
        environ[RETRIED_KEY] = True
        return wsgi_app(environ, start_response)

    return app


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the portal answers with a body, never with write()")
