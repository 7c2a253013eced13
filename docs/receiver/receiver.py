#!/usr/bin/env python3
"""A reference receiver for the portal's deliveries: test your own integration against it.

    python receiver.py --port 8765 --db cases.sqlite3 --secret whsec_... [--token BEARER]
                       [--host 127.0.0.1] [--tolerance 300]

(``RECEIVER_SECRET`` and ``RECEIVER_TOKEN`` in the environment keep them out of ``ps``.)

It answers

- ``POST /events``: one event from the portal. It checks the bearer token (when one is set;
  401 otherwise), then the Standard Webhooks signature (https://www.standardwebhooks.com; 401
  with a short reason when it fails, the body is never echoed), reads the JSON document
  (``event.id``, which must equal the ``webhook-id``, ``event.topic``, ``application.id``,
  ``.reference`` and ``.status``; 400 when they are missing), stores the event once per
  ``webhook-id`` and the case once per application, and answers
  ``200 {"case_number": "SAG-<n>"}``. The same ``webhook-id`` again (the portal resends when it
  did not hear the answer) stores nothing and answers the same case number.
- ``GET /health``: 200.

One line per request goes to stderr: the webhook-id, the event type and the outcome, never the
document. The database does hold the documents, with their personal data: use test data.

This file is standalone on purpose (Python 3.11+, standard library only): copy it alone. That
is why it repeats the ~40 lines of signature verification (parse_secret and verify) that the
portal has in portal/handoff/signing.py instead of importing them. See README.md beside it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

EVENTS_PATH = "/events"
HEALTH_PATH = "/health"
MAX_BODY = 5 * 1024 * 1024  # the document is JSON; the PDF is fetched separately

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_number INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL UNIQUE,
    reference TEXT,
    status TEXT,
    last_topic TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    webhook_id TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    application_id TEXT NOT NULL,
    case_number INTEGER NOT NULL REFERENCES cases (case_number),
    received_at REAL NOT NULL,
    body TEXT NOT NULL
);
"""


class Rejected(Exception):
    """A request answered with an error: the status and a short reason (no request data)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --- Standard Webhooks verification (the same rules as portal/handoff/signing.py) ----------


def parse_secret(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret (at least 24 bytes, as the spec asks)."""
    if not secret.startswith("whsec_"):
        raise ValueError("the secret must start with whsec_")
    encoded = secret[len("whsec_") :]
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the secret after whsec_ is not base64") from None
    if not 24 <= len(key) <= 64:
        raise ValueError("the secret must decode to 24 to 64 bytes")
    return key


def verify(key: bytes, headers: dict[str, str], body: bytes, tolerance: int) -> None:
    """Raise Rejected(401) unless a ``v1`` signature of the body under ``key`` is among the
    ``webhook-signature`` values and ``webhook-timestamp`` is within ``tolerance`` of now."""
    message_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "").strip()
    offered = headers.get("webhook-signature", "")
    if not (message_id and timestamp and offered):
        raise Rejected(401, "missing webhook headers")
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise Rejected(401, "invalid webhook-timestamp")
    now = int(time.time())
    if int(timestamp) < now - tolerance:
        raise Rejected(401, "webhook-timestamp too old")
    if int(timestamp) > now + tolerance:
        raise Rejected(401, "webhook-timestamp too new")
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    expected = ("v1," + base64.b64encode(digest).decode("ascii")).encode()
    # Constant-time comparison with every offered signature (several during a key rotation).
    if not any([hmac.compare_digest(expected, s.encode()) for s in offered.split()]):
        raise Rejected(401, "no matching signature")


# --- The document --------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """What this receiver keeps of a document (docs/schemas/application-event-1.*.json)."""

    webhook_id: str
    topic: str  # event.topic, e.g. application.submitted
    application_id: str  # application.id: the case key
    reference: str | None  # application.reference, e.g. AS-2026-000123
    status: str | None  # application.status after the event
    body: str  # the whole document, as received


def _field(document: Any, *path: str) -> str | None:
    value = document
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
        return str(value)
    return None


def read_document(webhook_id: str, body: bytes) -> Event:
    """The event in a verified body. A schema 1.x document has far more (parties, answers,
    the PDF's URL); a real receiver validates it against the published schema."""
    try:
        text = body.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Rejected(400, "the body is not JSON") from None
    topic = _field(document, "event", "topic")
    application_id = _field(document, "application", "id")
    if topic is None or application_id is None:
        raise Rejected(400, "the document has no event.topic or no application.id")
    if _field(document, "event", "id") != webhook_id:
        raise Rejected(400, "event.id is not the webhook-id")
    reference = _field(document, "application", "reference")
    status = _field(document, "application", "status")
    return Event(webhook_id, topic, application_id, reference, status, text)


# --- Storage: one event per webhook-id, one case per application ---------------------------


def connect(db_path: Path) -> sqlite3.Connection:
    # autocommit (isolation_level=None): transactions are explicit, BEGIN IMMEDIATE below.
    connection = sqlite3.connect(db_path, timeout=10, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")  # readers (your tests) never block writes
    # Enough for a test receiver: in WAL mode a commit survives the process being killed, and
    # only a power cut could lose the last ones. Your own system should have the case on disk
    # before it answers 200 (here: synchronous=FULL).
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def init_db(db_path: Path) -> None:
    connection = connect(db_path)
    try:
        connection.executescript(SCHEMA)
    finally:
        connection.close()


def store(db_path: Path, event: Event) -> tuple[int, bool]:
    """The case number for this event and whether the event is new, storing the event and the
    case if they are new. One write transaction, so two threads with the same webhook-id
    cannot both store it."""
    connection = connect(db_path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        seen = connection.execute(
            "SELECT case_number FROM events WHERE webhook_id = ?", (event.webhook_id,)
        ).fetchone()
        if seen:
            connection.execute("COMMIT")
            return int(seen[0]), False
        now = time.time()
        # One case per application, whichever of its events comes first (a retried
        # submission may arrive after a later status change).
        connection.execute(
            "INSERT INTO cases (application_id, reference, status, last_topic, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (application_id) DO UPDATE"
            " SET status = excluded.status, last_topic = excluded.last_topic,"
            " updated_at = excluded.updated_at",
            (event.application_id, event.reference, event.status, event.topic, now, now),
        )
        (case_number,) = connection.execute(
            "SELECT case_number FROM cases WHERE application_id = ?", (event.application_id,)
        ).fetchone()
        connection.execute(
            "INSERT INTO events (webhook_id, topic, application_id, case_number, received_at,"
            " body) VALUES (?, ?, ?, ?, ?, ?)",
            (event.webhook_id, event.topic, event.application_id, case_number, now, event.body),
        )
        connection.execute("COMMIT")
        return int(case_number), True
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


# --- HTTP -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    db_path: Path
    key: bytes
    token: str | None
    tolerance: int


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, settings: Settings) -> None:
        super().__init__(address, handler)
        self.settings = settings


class ReceiverHandler(BaseHTTPRequestHandler):
    server: ReceiverServer
    server_version = "reference-receiver/1"
    # Filled in while handling, for the log line (and for test harnesses that record it).
    webhook_id = "-"
    topic = "-"
    outcome = "-"
    status: int | None = None
    _body: bytes | None = None

    def do_GET(self) -> None:
        if self.path == HEALTH_PATH:
            self.answer(200, {"status": "ok"})
        else:
            self.answer(404, {"error": "not found"})
        self.log_line()

    def do_POST(self) -> None:
        self.webhook_id = self.headers.get("webhook-id", "-")[:100]
        try:
            body = self.read_body()
            self.handle_event(body)
        except Rejected as rejected:
            self.answer(rejected.status, {"error": rejected.reason}, rejected.reason)
        except Exception as error:  # answer, so the portal retries, rather than drop the line
            self.answer(500, {"error": "internal error"}, type(error).__name__)
        self.log_line()

    def read_body(self) -> bytes:
        """The request body (call once). Read before any answer, so the sender never gets a
        reset for unread data."""
        if self._body is None:
            length = self.headers.get("Content-Length", "")
            if not length.isdigit():
                raise Rejected(411, "Content-Length required")
            if int(length) > MAX_BODY:
                raise Rejected(413, "body too large")
            self._body = self.rfile.read(int(length))
        return self._body

    def handle_event(self, body: bytes) -> None:
        settings = self.server.settings
        if self.path != EVENTS_PATH:
            raise Rejected(404, "not found")
        if settings.token is not None:
            given = self.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, f"Bearer {settings.token}".encode()):
                raise Rejected(401, "wrong or missing bearer token")
        headers = {name.lower(): value for name, value in self.headers.items()}
        verify(settings.key, headers, body, settings.tolerance)
        event = read_document(self.webhook_id, body)
        self.topic = event.topic
        case_number, new = store(settings.db_path, event)
        outcome = f"{'stored' if new else 'duplicate'}, case SAG-{case_number}"
        self.answer(200, {"case_number": f"SAG-{case_number}"}, outcome)

    def answer(
        self,
        status: int,
        payload: dict[str, str],
        outcome: str = "",
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.outcome = f"{status} {outcome}".strip()
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            if status == 401:
                self.send_header("WWW-Authenticate", "Bearer")
            for name, value in (extra_headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The sender gave up waiting; what was stored stays stored.
            self.outcome += " (sender gone)"

    def log_line(self) -> None:
        sys.stderr.write(
            f"{self.log_date_time_string()} {self.command} {self.path[:50]}"
            f" webhook-id={self.webhook_id} topic={self.topic} outcome={self.outcome}\n"
        )

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request is log_line's; the default access line is left out."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--db", type=Path, default=Path("cases.sqlite3"))
    parser.add_argument(
        "--secret",
        default=os.environ.get("RECEIVER_SECRET"),
        help="the whsec_... secret the portal signs with (or RECEIVER_SECRET)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("RECEIVER_TOKEN"),
        help="require Authorization: Bearer TOKEN (or RECEIVER_TOKEN)",
    )
    parser.add_argument("--tolerance", type=int, default=300, help="seconds of clock skew")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("--secret (or RECEIVER_SECRET) is required")
    return args


def make_server(args: argparse.Namespace, handler: type = ReceiverHandler) -> ReceiverServer:
    try:
        key = parse_secret(args.secret)
    except ValueError as error:
        raise SystemExit(f"receiver: {error}") from None
    init_db(args.db)
    settings = Settings(args.db, key, args.token or None, args.tolerance)
    return ReceiverServer((args.host, args.port), handler, settings)


def serve(server: ReceiverServer) -> None:
    """Serve until SIGTERM or Ctrl-C."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    host, port = server.server_address[:2]
    sys.stderr.write(f"receiver: listening on http://{host!s}:{port}{EVENTS_PATH}\n")
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    serve(make_server(parse_args(argv)))


if __name__ == "__main__":
    main()
