"""Prometheus metrics: requests, latency, applications submitted, drafts saved, refused logins,
and the outbox (what has not been delivered yet, and how long the oldest has waited).

Served at /metrics to a caller with `Authorization: Bearer $PORTAL_METRICS_TOKEN` only (404
otherwise, and always when the token is unset). With several gunicorn workers, set
PROMETHEUS_MULTIPROC_DIR to an empty folder before the workers start: each worker then writes
its numbers there and any worker answers /metrics with the sum (prometheus-client's
multiprocess mode; call `mark_worker_dead` from gunicorn's `child_exit` hook). Without it the
numbers are those of the worker that answers.

Applications and drafts are counted when their transaction commits, whichever page or channel
wrote them, so a rolled-back submit or a double click counts nothing.

The outbox gauges are read from the database at each scrape (OutboxCollector), not kept in a
process: the worker that sends and the web worker that answers /metrics are different
processes, and the database is the one place where the backlog is true.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.db.models import Application, Draft, OutboxKind, utcnow
from portal.handoff import admin_queries
from portal.outbox.queue import UNDELIVERED
from portal.web import db, logs
from portal.web.outbox import handoff
from portal.web.services import standards

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


# Each label set's counter and histogram, found once: prometheus-client checks and converts
# the label values and takes a lock on every labels() call. Bounded: endpoints, methods and
# statuses are the portal's own names and numbers, never what a visitor sent.
_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _observe(response: Response) -> Response:
    endpoint = logs.endpoint() or "none"
    key = (endpoint, logs.method(), response.status_code)
    series = _SERIES.get(key)
    if series is None:
        series = _SERIES[key] = (
            REQUESTS.labels(endpoint, key[1], str(key[2])),
            LATENCY.labels(endpoint),
        )
    series[0].inc()
    started = g.get("request_started")
    if started is not None:
        series[1].observe(time.perf_counter() - started)
    return response


def login_refused(kind: str) -> None:
    LOGIN_REFUSALS.labels(kind).inc()


def authorised(header: str | None, token: str | None) -> bool:
    """True for "Bearer <token>" with the configured token; never when no token is set."""
    if not token:
        return False
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: every worker's in multiprocess mode, and the
    outbox as the database has it now."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry) + outbox_exposition(), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY) + outbox_exposition(), CONTENT_TYPE_LATEST


class OutboxCollector:
    """The backlog per municipality, kind and state; the oldest undelivered message's age; and
    which receivers the portal has switched off. Every known municipality gets every kind and
    state, zero included, so an alert rule never meets a missing series. The municipality code
    is the only label that names anyone, and it names no person."""

    def __init__(self, snapshot: admin_queries.Snapshot, codes: Iterable[str], now: datetime):
        self.snapshot = snapshot
        self.codes = sorted(set(codes) | {c.municipality_code or "none" for c in snapshot.cells})
        self.now = now

    def collect(self) -> Iterator[Metric]:
        counts = GaugeMetricFamily(
            "portal_outbox_messages",
            "Outbox messages not delivered yet (pending, sending, failed, dead), by "
            "municipality, kind and state; read from the database at scrape time.",
            labels=["municipality", "kind", "state"],
        )
        ages = GaugeMetricFamily(
            "portal_outbox_oldest_undelivered_age_seconds",
            "Seconds since the oldest undelivered outbox message was written, by municipality "
            "and kind; 0 when nothing waits.",
            labels=["municipality", "kind"],
        )
        cells = {(c.municipality_code or "none", c.kind, c.state): c for c in self.snapshot.cells}
        for code in self.codes:
            for kind in OutboxKind:
                waiting = [cells[(code, kind, s)] for s in UNDELIVERED if (code, kind, s) in cells]
                for state in UNDELIVERED:
                    cell = cells.get((code, kind, state))
                    counts.add_metric([code, kind.value, state.value], cell.count if cell else 0)
                oldest = min((c.oldest for c in waiting), default=None)
                age = (self.now - oldest).total_seconds() if oldest else 0.0
                ages.add_metric([code, kind.value], max(0.0, age))
        disabled = GaugeMetricFamily(
            "portal_delivery_target_disabled",
            "1 when the portal has switched the municipality's receiver off (it answered 410 "
            "Gone) until an admin switches it on again.",
            labels=["municipality"],
        )
        for code in self.codes:
            if code != "none":
                disabled.add_metric([code], 1 if self.snapshot.disabled.get(code) else 0)
        yield from (counts, ages, disabled)


def outbox_exposition() -> bytes:
    """The outbox gauges, from the request's read session; nothing (and a log line) when the
    database does not answer, so the other metrics are still served."""
    if not has_app_context():
        return b""
    try:
        snapshot = admin_queries.snapshot(db.session(), handoff().receiving)
    except SQLAlchemyError as err:
        # The type only: a driver's message may name hosts, users or a query.
        current_app.logger.warning("Metrics: the outbox could not be read (%s)", type(err).__name__)
        return b""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(OutboxCollector(snapshot, standards(), utcnow()))
    return generate_latest(registry)


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


def note_draft_saved(session: Session, draft_id: str, channel: str) -> None:
    """A draft written without the ORM (portal.drafts' keyed UPDATE, which after_flush does
    not see): counted when the transaction commits, as the others."""
    notes = session.info.setdefault(NOTES, {"drafts": {}, "applications": {}})
    notes["drafts"][draft_id] = channel


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
