"""Migration 0014 keeps the municipality's case number on the application, copied from the
delivered application.submitted message while the outbox still has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from portal.db import migrate
from tests.web.migration_db import fresh_engine
from tests.web.test_migration_identification import OLD_ROW

MESSAGE = (
    "INSERT INTO outbox_message (kind, topic, municipality_code, application_id, state, "
    "attempts, created_at, next_attempt_at, delivered_at, receiver_reference) VALUES "
    "('delivery', :topic, '575', 1, :state, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP, :ref)"
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_case_number_is_copied_from_the_delivered_submitted_event(
    backend: str, tmp_path: Path
) -> None:
    engine = fresh_engine(backend, tmp_path, "mig14")
    migrate.upgrade(engine, "0013")
    with engine.begin() as conn:
        conn.execute(text(OLD_ROW))
        conn.execute(text(MESSAGE), {"topic": "application.submitted", "state": "delivered",
                                     "ref": "SAG-1"})  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT case_number FROM application")) == "SAG-1"
    migrate.downgrade(engine, "0013")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM application")) == 1
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_no_number_without_a_delivered_submitted_event_that_gave_one(
    backend: str, tmp_path: Path
) -> None:
    engine = fresh_engine(backend, tmp_path, "mig14")
    migrate.upgrade(engine, "0013")
    with engine.begin() as conn:
        conn.execute(text(OLD_ROW))
        conn.execute(text(MESSAGE), {"topic": "application.withdrawn", "state": "delivered",
                                     "ref": "EVENT-2"})  # fmt: skip
        conn.execute(text(MESSAGE), {"topic": "application.submitted", "state": "failed",
                                     "ref": "SAG-3"})  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT case_number FROM application")) is None
    engine.dispose()
