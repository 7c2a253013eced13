"""Logs as JSON lines: one line a request, and exceptions by type and place.

A line holds the method, the route *rule* (`/status/<token>`, never the path a visitor sent,
which may carry a status or resume token), the status, the duration and the request id. It
never holds a query string, a cookie, a form value or an exception's message: those may carry a
CPR number, a name or an answer. An exception is described by its type and the frames it went
through (file, line, function), which is what a developer needs to find it.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

LOGGER_NAME = "portal"
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id looks like (nginx's $request_id, a UUID, our own): short, no spaces, no
# markup. A value with a CPR-shaped number in it is refused, so a caller cannot put one in a log.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_CPR_SHAPED = re.compile(r"(?<![A-Za-z0-9])\d{6}-?\d{4}(?![A-Za-z0-9])")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# One encoder for every line: json.dumps with options builds a new one each call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def request_id_from(value: str | None) -> str:
    """The caller's request id when it is safe to log, else a new one (16 characters)."""
    if value and _REQUEST_ID.fullmatch(value) and not _CPR_SHAPED.search(value):
        return value
    # token_urlsafe, not token_hex: a run of ten digits (CPR-shaped) is then all but impossible.
    return secrets.token_urlsafe(12)


def method() -> str:
    """The request's method, or "OTHER": a made-up verb goes neither in a log nor a label."""
    return request.method if request.method in _METHODS else "OTHER"


def route() -> str:
    """The matched URL rule (`/status/<token>`), or "-" when nothing matched."""
    rule = request.url_rule
    if rule is not None:
        return rule.rule
    return str(g.get("portal_route", "-"))


def endpoint() -> str | None:
    """The matched endpoint's name (`citizen.status`), or None when nothing matched."""
    return request.endpoint or g.get("portal_endpoint")


def where(exc: BaseException) -> str:
    """The frames an exception passed through, innermost first: file:line in function."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))


class JsonFormatter(logging.Formatter):
    """One JSON object a line. Fields given with `extra={"portal": {...}}` are merged in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _current_request_id(),
        }
        line.update(getattr(record, "portal", None) or {})
        if record.exc_info and record.exc_info[1] is not None:
            # The type and the place, never str(exc): the message may hold personal data.
            exc = record.exc_info[1]
            line["exc_type"] = type(exc).__name__
            line["exc_where"] = where(exc)
        return _ENCODE(line)


def _current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")  # type: ignore[no-any-return]
    return None


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (gunicorn, systemd and pytest swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class DropRequestLines(logging.Filter):
    """The development server logs each request with its raw path (and so a status or resume
    token); the portal's own request line replaces it. Its lines start "address - - [date]"."""

    def filter(self, record: logging.LogRecord) -> bool:
        return " - - [" not in str(record.msg)


def configure(level: str = "INFO") -> logging.Logger:
    """Send the "portal" loggers to stderr as JSON lines; safe to call more than once."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.removeHandler(default_handler)
    if not any(isinstance(h, StderrHandler) for h in logger.handlers):
        logger.addHandler(StderrHandler())
    logger.setLevel(level)
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropRequestLines) for f in werkzeug.filters):
        werkzeug.addFilter(DropRequestLines())
    return logger


_REQUESTS = logging.getLogger(LOGGER_NAME)


def init_app(app: Flask) -> None:
    configure(app.config.get("LOG_LEVEL") or "INFO")
    app.after_request(_log_request)


def start_request() -> None:
    """The request's id and clock; portal.web.security calls it before anything else runs."""
    g.request_started = time.perf_counter()
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))


def duration_ms() -> float:
    started = g.get("request_started")
    return round((time.perf_counter() - started) * 1000, 1) if started else 0.0


def _log_request(response: Response) -> Response:
    _REQUESTS.info(
        "request",
        extra={
            "portal": {
                "method": method(),
                "route": route(),
                "endpoint": endpoint(),
                "status": response.status_code,
                "duration_ms": duration_ms(),
            }
        },
    )
    return response
