"""Migration 0011 takes the birth date out of audit rows written before it, on a fresh
database of each kind (never the shared test database: it migrates down and up)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from portal.db import migrate
from tests.web.migration_db import fresh_engine


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_old_audit_rows_lose_the_cpr_digits(backend: str, tmp_path: Path) -> None:
    engine = fresh_engine(backend, tmp_path, "mig11")
    migrate.upgrade(engine, "0010")
    with engine.begin() as conn:
        for detail in ("cpr:050575-xxxx", "reference:AS-2026-000001", None):
            conn.execute(
                text(
                    "INSERT INTO audit_event (municipality_code, action, at, detail, request_id) "
                    "VALUES ('575', 'search', CURRENT_TIMESTAMP, :detail, 'r')"
                ),
                {"detail": detail},
            )
    migrate.upgrade(engine)
    with engine.connect() as conn:
        details = sorted(str(d) for d in conn.scalars(text("SELECT detail FROM audit_event")))
    engine.dispose()
    assert details == ["None", "person:-", "reference:AS-2026-000001"]
