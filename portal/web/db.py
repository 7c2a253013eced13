"""The request's database session and its transaction boundary.

Every request gets a read-only session that is rolled back at the end. A view that changes
data opts in with @transactional: its session begins a write transaction, commits when the view
returns a non-error response and rolls back otherwise. A GET view can therefore never write.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from portal.db.engine import Database

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    app.extensions["portal.db"] = Database.from_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    return cast(Database, (app or current_app).extensions["portal.db"])


def session() -> Session:
    """The request's session: read-only unless the view is @transactional."""
    if "db_session" not in g:
        g.db_session = database().read_session()
    return cast(Session, g.db_session)


def _in_transaction(view: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    write = database().write_session()
    if "db_session" in g:
        # A read session from earlier in the request (the staff login check) keeps the objects
        # it loaded (g.staff) usable; it is closed with the write session when the request ends,
        # not left for the garbage collector with its connection checked out.
        g.db_earlier_session = g.db_session
    g.db_session = write
    try:
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:
            write.commit()
        else:
            write.rollback()
        return response
    except BaseException:
        write.rollback()
        raise


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


def _close_session(_exc: BaseException | None) -> None:
    for key in ("db_session", "db_earlier_session"):
        sess = g.pop(key, None)
        if sess is not None:
            sess.rollback()
            sess.close()
