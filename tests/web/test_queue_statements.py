"""The queue page costs the same number of SQL statements for 50 rows as for 3: every row's
duplicates, partial grant and caseworker come from one query each for the whole page, and a
row never loads a column on its own. Nor does the page read the guidance, which is most of
an application's bytes and is not shown in the queue."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update
from sqlalchemy.orm import make_transient

from portal.casework import PAGE_SIZE
from portal.db.models import Application, AuditEvent, Status, StatusEvent, utcnow
from portal.lifecycle import Outcome
from portal.web.db import database
from portal.web.services import cipher
from tests.web.journey import answer_until, submit
from tests.web.staff import staff_client

KAREN = {"full_name": "Karen Hansen", "cpr": "010190-1234"}
JENS = {"full_name": "Jens Jensen", "cpr": "010190-2345"}


def apply(app: Flask, person: dict[str, str]) -> int:
    client = app.test_client()
    answer_until(client, **{"/ansoeg/kommune": {"municipality": "575"},
                            "/ansoeg/navn-og-cpr": person})  # fmt: skip
    submit(client)
    with database(app).transaction() as session:
        return session.scalars(select(Application.id).order_by(Application.id.desc())).first()  # type: ignore[return-value]


def copies(app: Flask, of: int, count: int) -> None:
    """`count` more applications like `of` (the same person, so each is a possible duplicate
    of the others), inserted directly: the journey would take a second each."""
    with database(app).transaction() as session:
        original = session.get(Application, of)
        assert original is not None
        for _ in range(count):
            session.expunge(original)
            make_transient(original)
            original.id = None  # type: ignore[assignment]
            original.reference = f"AS-2026-{secrets.randbelow(10**6):06d}"
            original.draft_key = secrets.token_hex(16)
            original.status_token_digest = secrets.token_hex(32)
            original.representative_token_digest = None
            session.add(original)
            session.flush()


def grant_in_part(app: Flask, application_id: int) -> None:
    with app.app_context(), database(app).transaction() as session:
        session.execute(update(Application).where(Application.id == application_id)
                        .values(status=Status.GRANTED))  # fmt: skip
        decision = {"decision": {"outcome": Outcome.PARTLY_GRANTED.value}}
        session.add(StatusEvent(application_id=application_id, status=Status.GRANTED,
                                actor="staff", message_enc=cipher().encrypt(decision)))  # fmt: skip


@dataclass
class Statements:
    seen: list[str] = field(default_factory=list)

    @property
    def reading_guidance(self) -> list[str]:
        return [s for s in self.seen if "guidance_enc" in s]


@contextmanager
def counted(app: Flask) -> Iterator[Statements]:
    """Every statement sent on the app's engine meanwhile (the page's own session, the login
    check and the audit row's connection alike)."""
    engine = database(app).engine
    found = Statements()

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        found.seen.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", seen)


# "Alle": the partial grant is decided, so the default (open cases) would not show it.
def page(
    client: FlaskClient, app: Flask, path: str = "/sagsbehandler/?status=alle"
) -> tuple[str, Statements]:
    client.get(path)  # warm: the first request after login may differ (pool, caches)
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def test_the_queue_costs_the_same_statements_for_fifty_rows_as_for_three(app: Flask) -> None:
    jens, karen = apply(app, JENS), apply(app, KAREN)  # Jens first: on the first page
    copies(app, karen, 1)  # Karen twice: each of hers lists the other as a possible duplicate
    grant_in_part(app, jens)
    client = staff_client(app, "575", "ida@vejen.dk")
    small_html, small = page(client, app)
    assert small_html.count("Mulig dublet af") == 2 and "Delvist bevilget" in small_html

    copies(app, karen, PAGE_SIZE)  # more than a page: Karen's now list many others each
    big_html, big = page(client, app)
    assert big_html.count("<tr>") - 1 == PAGE_SIZE  # header row aside, a full page
    assert "andre åbne ansøgninger" in big_html and "Næste side" in big_html
    assert len(big.seen) == len(small.seen), "\n".join(big.seen)
    # The session's check, the rows, the caseworkers, the duplicates, the partial grants and
    # the audit row, with the transactions around them: a handful, not one per row.
    assert len(big.seen) <= 10, "\n".join(big.seen)
    assert big.reading_guidance == [] and small.reading_guidance == []


def test_every_queue_page_is_still_audited_and_scoped(app: Flask) -> None:
    karen = apply(app, KAREN)
    copies(app, karen, 2)
    client = staff_client(app, "575", "ida@vejen.dk")
    other = staff_client(app, "265", "bo@roskilde.dk")
    html, _ = page(client, app)
    assert html.count("Karen Hansen") == 3
    foreign, _ = page(other, app)
    assert "Karen Hansen" not in foreign and "Ingen ansøgninger." in foreign
    with database(app).transaction() as session:
        listed = session.scalars(
            select(AuditEvent.municipality_code).where(AuditEvent.action == "list")
        ).all()
    # page() reads twice: two reads each, each one audited in its own municipality.
    assert sorted(listed) == ["265", "265", "575", "575"]


def test_a_queue_row_never_loads_a_column_of_its_own(app: Flask) -> None:
    """A column the queue does not select raises rather than quietly costing a statement
    for each row (casework.QUEUE_COLUMNS)."""
    from sqlalchemy.exc import InvalidRequestError

    from portal import casework

    apply(app, KAREN)
    with app.app_context(), database(app).transaction() as session:
        found = casework.list_queue(session, "575", 0, casework.QueueFilter())
        assert found and found[0].reference.startswith("AS-")
        try:
            found[0].guidance_enc  # noqa: B018
        except InvalidRequestError:
            pass
        else:
            raise AssertionError("the guidance was loaded for a queue row")
        assert utcnow() >= found[0].received_at
