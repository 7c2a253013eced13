"""The access request's read of the audit rows about a person (2026-12-06 review): nothing
indexed the audit rows' detail, so each request scanned the municipality's whole audit log.
Migration 0015 adds ix_audit_event_person; the query plan of the very statement the access
request runs must use it, on SQLite and on PostgreSQL, with a log of realistic size."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import Connection, insert, text

from portal.casework import about_person_query
from portal.db.models import AuditEvent, utcnow
from portal.web.db import database

ROWS = 6000
PERSONS = 300


def fill_the_log(app: Flask) -> None:
    """Views and lists with no detail, searches for many persons, in three municipalities."""
    start = utcnow() - timedelta(days=365)
    rows = [
        {
            "at": start + timedelta(minutes=i),
            "municipality_code": ("575", "157", "370")[i % 3],
            "action": ("view", "list", "search")[i % 3],
            "request_id": f"r{i}",
            "detail": f"person:{i % PERSONS:04d}" if i % 3 == 2 else None,
        }
        for i in range(ROWS)
    ]
    with database(app).transaction() as session:
        session.execute(insert(AuditEvent), rows)


def plan(conn: Connection) -> str:
    """The database's own plan for the access request's read about one person."""
    compiled = about_person_query("370", "person:0041").compile(dialect=conn.dialect)
    explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    params: object = compiled.params
    if compiled.positiontup is not None:  # SQLite's driver takes them by position
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = conn.exec_driver_sql(explain + str(compiled), params).all()  # type: ignore[arg-type]
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


def test_the_read_about_a_person_uses_the_index(app: Flask) -> None:
    fill_the_log(app)
    engine = database(app).engine
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # the planner sees the log as it is, not as empty
    with engine.connect() as conn:
        shown = plan(conn)
    assert "ix_audit_event_person" in shown, shown
    # SQLite reads the rows in the order asked for off the index; PostgreSQL may still sort
    # the handful it finds, which costs nothing.
    assert "TEMP B-TREE" not in shown, shown


def test_the_read_still_finds_exactly_the_persons_rows(app: Flask) -> None:
    fill_the_log(app)
    with database(app).transaction() as session:
        found = list(session.scalars(about_person_query("370", "person:0041")))
    expected = [i for i in range(ROWS) if i % 3 == 2 and i % PERSONS == 41]
    assert [e.request_id for e in found] == [f"r{i}" for i in expected]
    assert expected  # the log has rows about the person
