"""An app with pull-API tokens for Vejen (575) and Roskilde (265), on the shared test
database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), and applications made
through the citizen journey as people make them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.db.models import Application, OutboxKind, OutboxMessage
from portal.outbox import queue, targets
from portal.web.db import database
from tests.conftest import make_app
from tests.web.journey import answer_until, submit

VEJEN, ROSKILDE = "575", "265"
# Fixed test tokens (at least 32 characters, as the settings demand).
TOKENS = {
    VEJEN: "vejen-test-token-0123456789abcdefghij",
    ROSKILDE: "roskilde-test-token-9876543210zyxw",
}
PUBLIC_URL = "https://ansoeg.example.dk"
ROSKILDE_JOURNEY: dict[str, Any] = {
    "/ansoeg/kommune": {"municipality": ROSKILDE},
    "/ansoeg/adresse": {"street": "Algade 2", "postcode": "4000", "city": "Roskilde"},
}


@pytest.fixture(scope="session")
def api_app_shared(migrated_app: Flask) -> Iterator[Flask]:
    """A second app on the migrated database, configured as a deployment would be."""
    environ = {f"PORTAL_API_TOKEN_{code}": token for code, token in TOKENS.items()}
    api = make_app(
        migrated_app.config["SQLALCHEMY_DATABASE_URI"],
        HANDOFF=targets.from_environ(environ, production=False),
        PUBLIC_URL=PUBLIC_URL,
    )
    yield api
    database(api).engine.dispose()


@pytest.fixture
def api_app(app: Flask, api_app_shared: Flask) -> Flask:
    """`app` empties the tables after each test; both apps share the database."""
    return api_app_shared


@pytest.fixture
def api(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def call(
    client: FlaskClient, method: str, path: str, code: str | None = VEJEN, **kwargs: Any
) -> TestResponse:
    """A call with the municipality's token (code=None: no Authorization header)."""
    headers = dict(kwargs.pop("headers", {}))
    if code is not None:
        headers["Authorization"] = f"Bearer {TOKENS[code]}"
    return client.open(path, method=method, headers=headers, **kwargs)


def apply(app: Flask, code: str = VEJEN) -> int:
    """A citizen applies for themself through the journey; the new application's id."""
    client = app.test_client()
    overrides = ROSKILDE_JOURNEY if code == ROSKILDE else {}
    assert answer_until(client, **overrides) == "/ansoeg/tjek"
    assert submit(client).status_code == 303
    with database(app).transaction() as session:
        found = session.scalar(
            select(Application.id)
            .where(Application.municipality_code == code)
            .order_by(Application.id.desc())
        )
    assert found is not None
    return found


def add_status_events(app: Flask, application_id: int, code: str, count: int) -> list[int]:
    """Status changes as a caseworker's actions write them (one event each)."""
    with database(app).transaction() as session:
        added = [
            queue.add_event(
                session, application_id, code, "application.status_changed", "in_progress"
            )
            for _ in range(count)
        ]
        session.flush()
        return [message.id for message in added]


def event_ids(app: Flask, code: str) -> list[int]:
    with database(app).transaction() as session:
        return list(
            session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.municipality_code == code,
                    OutboxMessage.kind == OutboxKind.DELIVERY,
                )
                .order_by(OutboxMessage.id)
            )
        )
