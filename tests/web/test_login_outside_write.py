"""A staff login checks the password (argon2, tens of milliseconds) before its write
transaction begins: on SQLite that transaction holds the one write lock, and on PostgreSQL it
would sit "idle in transaction" through the check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g

from portal import passwords
from tests.web.staff import PASSWORD, login, make_staff


@pytest.mark.parametrize("right", [True, False], ids=["right-password", "wrong-password"])
def test_the_password_is_checked_outside_any_write_transaction(
    app: Flask, monkeypatch: pytest.MonkeyPatch, right: bool
) -> None:
    make_staff(app, "575", "lock@vejen.dk")
    real_verify = passwords.verify
    seen: list[bool] = []

    def watching(password_hash: str, password: str) -> bool:
        writer = g.get("db_session")
        seen.append(bool(g.get("db_writing")) and writer is not None and writer.in_transaction())
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify", watching)
    client = app.test_client()
    response = login(client, "lock@vejen.dk", PASSWORD if right else "forkert forkert forkert")
    assert response.status_code == (303 if right else 200)
    assert seen == [False]


def test_a_wrong_password_still_counts_and_locks(app: Flask) -> None:
    from portal.db.models import StaffUser
    from portal.web.db import database

    make_staff(app, "575", "count@vejen.dk")
    client = app.test_client()
    for _ in range(5):
        login(client, "count@vejen.dk", "forkert forkert forkert")
    with database(app).transaction() as session:
        user: Any = session.query(StaffUser).filter_by(email="count@vejen.dk").one()
        assert user.failed_logins >= 5 and user.locked_until is not None
