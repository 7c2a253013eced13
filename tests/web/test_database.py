"""The database layer: migrations are the schema, SQLite is tuned, reads cannot write."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from portal.db import migrate
from portal.db.engine import Database, ReadOnlySessionError
from portal.db.models import StaffRole, StaffUser
from portal.web.db import database


def test_models_and_migrations_agree(app: Flask) -> None:
    assert migrate.differences(database(app).engine) == []


def test_migrations_go_down_and_up_again(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite:///{tmp_path}/roundtrip.sqlite3")
    migrate.upgrade(db.engine)
    migrate.downgrade(db.engine)
    migrate.upgrade(db.engine)
    assert migrate.differences(db.engine) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite:///{tmp_path}/pragmas.sqlite3")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def staff(email: str = "a@example.dk") -> StaffUser:
    return StaffUser(
        email=email, municipality_code="265", role=StaffRole.CASEWORKER, password_hash="x"
    )


def test_a_read_only_session_refuses_to_write(app: Flask) -> None:
    session = database(app).read_session()
    session.add(staff())
    with pytest.raises(ReadOnlySessionError):
        session.flush()
    session.rollback()
    session.close()


def test_a_transaction_commits_on_success_and_rolls_back_on_error(app: Flask) -> None:
    db = database(app)
    with db.transaction() as session:
        session.add(staff("kept@example.dk"))
    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(staff("lost@example.dk"))
        session.flush()
        raise RuntimeError("roll back")
    with db.engine.connect() as conn:
        emails = conn.execute(text("SELECT email FROM staff_user")).scalars().all()
    assert emails == ["kept@example.dk"]


def test_a_duplicate_email_is_refused_by_a_named_constraint(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    db = database(app)
    with db.transaction() as session:
        session.add(staff())
    with pytest.raises(IntegrityError) as caught, db.transaction() as session:
        session.add(staff())
    assert "uq_staff_user_email" in str(caught.value) or "UNIQUE" in str(caught.value)


def test_health_check_reports_a_working_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_reports_a_database_that_cannot_be_reached(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_app

    missing = tmp_path / "no" / "such" / "dir" / "db.sqlite3"
    app = make_app(f"sqlite:///{missing}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
