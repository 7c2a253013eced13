"""The final submit prepares the application (decrypting, the summary, the guidance,
encrypting) before its write transaction begins, then stores it only if the draft is still
what was read (portal.citizen.submit.send_prepared). On SQLite that transaction holds the one
write lock, so other citizens' saves must get through while a submit is being prepared; and
whatever happens in between, the stored application is the draft's latest answers, once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal import applications
from portal.citizen import identified
from portal.citizen import submit as submit_view
from portal.db import drafts
from portal.db.models import Application, Draft, OutboxMessage, ReferenceCounter, StatusEvent
from portal.web.db import database
from tests.web.journey import answer_until, submit, token


def count(app: Flask, model: type) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def draft_key(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        return str(cookie["draft"])


def save_full_name(app: Flask, key: str, name: str) -> None:
    """Another request of the same citizen saves an answer, in a transaction of its own."""
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        draft = drafts.get_draft(session, key)
        assert draft is not None
        answers = drafts.read_answers(cipher, draft)
        answers["identity"] = {**answers["identity"], "full_name": name}
        drafts.write_answers(session, cipher, draft, answers)


def stored_person(app: Flask) -> dict[str, Any]:
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
        person: dict[str, Any] = app.extensions["portal.cipher"].decrypt(application.person_enc)
        return person


def while_preparing(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> list[int]:
    """Run `meanwhile` between the draft's read and the write transaction, once; returns the
    list of calls to prepare, to count them."""
    real = identified.prepare
    calls: list[int] = []

    def prepare(made: applications.Submission) -> applications.Prepared:
        calls.append(1)
        if len(calls) == 1:
            meanwhile()
        return real(made)

    monkeypatch.setattr(identified, "prepare", prepare)
    return calls


def test_a_save_while_the_submit_is_prepared_gets_through_and_is_what_is_sent(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The citizen's other tab saves a changed name while the submit is being prepared. The
    save is not held up (on SQLite it would wait for the lock, then fail, had the submit begun
    its write transaction), and the application holds the new name, never the one read."""
    answer_until(client)
    page = client.get("/ansoeg/tjek").get_data(as_text=True)
    key = draft_key(client)
    calls = while_preparing(monkeypatch, lambda: save_full_name(app, key, "Karen Nyhansen"))
    response = client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": token(page)})
    assert response.status_code == 303  # not 503: "database is locked" for the save
    assert response.headers["Location"] == "/kvittering"
    assert stored_person(app)["identity"]["full_name"] == "Karen Nyhansen"
    assert len(calls) == 2  # prepared on what was read, then again on the saved answers
    assert (count(app, Application), count(app, Draft), count(app, StatusEvent)) == (1, 0, 1)


def test_an_unchanged_draft_is_prepared_once_and_sent_as_read(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_until(client)
    calls = while_preparing(monkeypatch, lambda: None)
    assert submit(client).headers["Location"] == "/kvittering"
    assert len(calls) == 1
    assert stored_person(app)["identity"]["full_name"] == "Karen Hansen"
    assert (count(app, Application), count(app, Draft)) == (1, 0)


def test_a_parallel_click_that_sends_first_leaves_this_one_on_its_receipt(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clicks on Send: the other one stores the application while this one prepares.
    This one finds the draft gone in its transaction and lands on the same receipt."""
    answer_until(client)
    page = client.get("/ansoeg/tjek").get_data(as_text=True)
    key = draft_key(client)
    cipher = app.extensions["portal.cipher"]
    winner: list[str] = []

    def other_click() -> None:
        with database(app).transaction() as session:
            made = applications.Submission(
                draft_key=key, municipality_code="575", standard_version="x",
                cpr="0101901234", person={}, answers=[], guidance={}, for_someone_else=False,
            )  # fmt: skip
            winner.append(applications.submit(session, cipher, made).application.reference)

    while_preparing(monkeypatch, other_click)
    response = client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": token(page)})
    assert response.headers["Location"] == "/kvittering"
    assert count(app, Application) == 1
    assert count(app, OutboxMessage) == 1
    with client.session_transaction() as cookie:  # the receipt shows the winner's application
        assert cookie["submitted"] == key
    with database(app).transaction() as session:
        assert session.scalar(select(Application.reference)) == winner[0]


def test_a_submit_that_fails_after_claiming_the_draft_stores_nothing_and_keeps_it(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft is deleted by the transaction's first statement; a failure after it (here
    the outbox message) undoes that too: no application, the draft whole, and a second try
    gives exactly one application."""
    answer_until(client)
    page = client.get("/ansoeg/tjek").get_data(as_text=True)
    real = submit_view.queue_receipts

    def broken(*_args: Any) -> None:
        raise RuntimeError("the outbox failed")

    monkeypatch.setattr(submit_view, "queue_receipts", broken)
    with pytest.raises(RuntimeError):
        client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": token(page)})
    assert (count(app, Application), count(app, StatusEvent), count(app, Draft)) == (0, 0, 1)
    monkeypatch.setattr(submit_view, "queue_receipts", real)
    assert submit(client).headers["Location"] == "/kvittering"
    assert (count(app, Application), count(app, StatusEvent), count(app, Draft)) == (1, 1, 0)


def test_a_declaration_not_ticked_is_shown_again_and_nothing_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    page = client.get("/ansoeg/tjek").get_data(as_text=True)
    response = client.post("/ansoeg/tjek", data={"csrf_token": token(page)})
    assert response.status_code == 200
    assert "Sæt kryds for at bekræfte" in response.get_data(as_text=True)
    assert (count(app, Application), count(app, Draft)) == (0, 1)


def test_claiming_a_draft_needs_the_answers_exactly_as_read(app: Flask) -> None:
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        draft = drafts.create_draft(session, cipher)
        key, read = draft.id, draft.answers_enc
    with database(app).transaction() as session:
        assert not applications.claim_draft(session, key, cipher.encrypt({}))  # saved since
        assert not applications.claim_draft(session, "no-such-draft", read)
        assert applications.claim_draft(session, key, read)
        assert not applications.claim_draft(session, key, read)  # taken already
    assert count(app, Draft) == 0


def test_parallel_clicks_make_one_application_and_burn_no_reference_number(
    app: Flask, client: FlaskClient
) -> None:
    """Eight clicks on Send at once, each prepared on the same draft: one claims it, the
    others find it gone in their transaction and land on its receipt. The year's counter
    moved by one: a click that lost took no number."""
    answer_until(client)
    data = {"confirm": "y", "csrf_token": token(client.get("/ansoeg/tjek").get_data(as_text=True))}
    cookie = client.get_cookie("portal_session")
    assert cookie is not None
    locations: list[str] = []

    def click() -> None:
        other = app.test_client()
        other.set_cookie("portal_session", cookie.value)
        locations.append(other.post("/ansoeg/tjek", data=data).headers.get("Location", ""))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert locations == ["/kvittering"] * 8
    assert (count(app, Application), count(app, StatusEvent), count(app, Draft)) == (1, 1, 0)
    with database(app).transaction() as session:
        assert session.scalar(select(ReferenceCounter.value)) == 1
