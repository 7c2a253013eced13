"""Prometheus metrics: requests, latency, applications submitted, drafts saved, refused logins.

Served at /metrics to a caller with `Authorization: Bearer $PORTAL_METRICS_TOKEN` only (404
otherwise, and always when the token is unset). With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder before the workers start: each worker then writes
its numbers there and any worker answers /metrics with the sum (prometheus-client's
multiprocess mode; call `mark_worker_dead` from gunicorn's `child_exit` hook). Without it the
numbers are those of the worker that answers.

Applications and drafts are counted when their transaction commits, whichever page or channel
wrote them, so a rolled-back submit or a double click counts nothing.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from flask import Flask, Response, g
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.db.models import Application, Draft
from portal.web import logs

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "portal_http_requests",
    "HTTP requests by endpoint (the route's name, never its path), method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the start of the request to the response, by endpoint.",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
APPLICATIONS = Counter(
    "portal_applications_submitted", "Applications submitted (committed), by channel.", ["channel"]
)
DRAFTS = Counter("portal_drafts_saved", "Draft saves (committed), by channel.", ["channel"])
LOGIN_REFUSALS = Counter(
    "portal_staff_login_refusals",
    "Refused staff logins: password (any refused password step), code (second factor), "
    "throttled (too many failures from one address).",
    ["kind"],
)


def init_app(app: Flask) -> None:
    app.after_request(_observe)


def _observe(response: Response) -> Response:
    endpoint = logs.endpoint() or "none"
    REQUESTS.labels(endpoint, logs.method(), str(response.status_code)).inc()
    started = g.get("request_started")
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


def login_refused(kind: str) -> None:
    LOGIN_REFUSALS.labels(kind).inc()


def authorised(header: str | None, token: str | None) -> bool:
    """True for "Bearer <token>" with the configured token; never when no token is set."""
    if not token:
        return False
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: every worker's in multiprocess mode."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_worker_dead(pid: int) -> None:
    """For gunicorn's child_exit hook in multiprocess mode: drop a dead worker's live files."""
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


# Counting on commit. after_flush still sees what the flush wrote (new and changed objects);
# the notes wait in session.info until the outermost transaction commits or rolls back (both
# events also fire when a savepoint ends, which decides nothing yet).
NOTES = "portal.metrics"


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _context: Any) -> None:
    notes = session.info.setdefault(NOTES, {"drafts": {}, "applications": {}})
    for obj in session.new:
        if isinstance(obj, Application):
            notes["applications"][id(obj)] = obj.channel
        elif isinstance(obj, Draft):
            notes["drafts"][obj.id] = obj.channel
    for obj in session.dirty:
        if isinstance(obj, Draft) and session.is_modified(obj):
            notes["drafts"][obj.id] = obj.channel


@event.listens_for(Session, "after_commit")
def _count_writes(session: Session) -> None:
    if session.in_nested_transaction():
        return
    notes = session.info.pop(NOTES, None)
    if not notes:
        return
    for channel in notes["applications"].values():
        APPLICATIONS.labels(str(channel)).inc()
    for channel in notes["drafts"].values():
        DRAFTS.labels(str(channel)).inc()


@event.listens_for(Session, "after_rollback")
def _forget_writes(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(NOTES, None)
