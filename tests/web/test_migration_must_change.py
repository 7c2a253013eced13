"""Migration 0016 moves the mark of a password someone else made (the hash's prefix
"issued:") to the column must_change_password, on both databases, and back down again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from portal import passwords
from portal.db import migrate
from tests.web.migration_db import fresh_engine

STAFF = (
    "INSERT INTO staff_user (municipality_code, email, password_hash, role, is_active, "
    "created_at, failed_logins) VALUES ('575', :email, :hash, 'caseworker', :yes, "
    "CURRENT_TIMESTAMP, 0)"
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_prefix_becomes_the_column_and_back(backend: str, tmp_path: Path) -> None:
    engine = fresh_engine(backend, tmp_path, "mig16")
    migrate.upgrade(engine, "0015")
    own = passwords.hash_password("en lang og god adgangskode")
    issued = passwords.hash_password("en adgangskode fra chefen")
    with engine.begin() as conn:
        conn.execute(text(STAFF), {"email": "ida@vejen.dk", "hash": own, "yes": True})
        conn.execute(text(STAFF), {"email": "ny@vejen.dk", "hash": "issued:" + issued, "yes": True})
    migrate.upgrade(engine)
    read = "SELECT email, password_hash, must_change_password FROM staff_user ORDER BY email"
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(read))]
    assert rows == [("ida@vejen.dk", own, False), ("ny@vejen.dk", issued, True)]
    assert passwords.verify(rows[1][1], "en adgangskode fra chefen")
    migrate.downgrade(engine, "0015")
    with engine.connect() as conn:
        hashes = list(conn.scalars(text("SELECT password_hash FROM staff_user ORDER BY email")))
    assert hashes == [own, "issued:" + issued]
    engine.dispose()
