"""The question pages read and write a draft with one keyed statement each (portal.drafts):
the same 30-day rule as portal.db.drafts, nothing for an id that is not one, and a citizen's
answer is never lost when the draft went away between reading and saving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine

from portal import drafts as keyed
from portal.db import drafts
from portal.db.models import Channel, Draft, utcnow
from portal.web.db import database
from portal.web.services import cipher
from tests.web.journey import answer_until, token


def make_draft(app: Flask, answers: dict[str, object]) -> str:
    with app.app_context(), database(app).transaction() as session:
        draft = drafts.create_draft(session, cipher(), Channel.WEB)
        drafts.write_answers(session, cipher(), draft, answers)
        return draft.id


def test_a_draft_is_read_as_the_orm_reads_it_and_not_after_30_days(app: Flask) -> None:
    answers = {"who": {"who": "self"}}
    old, fresh = make_draft(app, answers), make_draft(app, answers)
    with database(app).transaction() as session:
        draft = session.get(Draft, old)
        assert draft is not None
        draft.updated_at = utcnow() - timedelta(days=31)
    engine = database(app).engine
    with app.app_context(), engine.connect() as conn:
        # In a transaction's connection (a page that saves) and on the engine's pool (a page
        # that only shows): the same answers, the same rule.
        for reader in (conn, engine):
            stored = keyed.read_draft(reader, fresh)
            assert stored is not None
            assert cipher().decrypt(stored.answers_enc) == answers
            assert keyed.read_draft(reader, old) is None
            # Exactly at the edge the ORM's rule still keeps it; so does this one.
            edge = utcnow() + timedelta(days=30) - timedelta(seconds=5)
            assert keyed.read_draft(reader, fresh, now=edge) is not None
            assert keyed.read_draft(reader, fresh, now=edge + timedelta(seconds=10)) is None
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_anything_but_a_draft_id_reads_as_no_draft(app: Flask) -> None:
    engine = database(app).engine
    with engine.connect() as conn:
        for reader in (conn, engine):
            for draft_id in (None, "", "x" * 49, 12, ["a"], "does-not-exist"):
                assert keyed.read_draft(reader, draft_id) is None


def test_an_answer_saved_after_the_draft_went_away_starts_a_new_one(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read, then gone (restarted in another tab, purged) before the save: a new draft."""
    answer_until(client, stop="/ansoeg/alder")
    real = keyed.read_draft

    def read_then_delete(reader: Engine | Connection, draft_id: object) -> keyed.StoredDraft | None:
        stored = real(reader, draft_id)
        if stored is not None:
            with database(app).engine.begin() as elsewhere:
                keyed.discard_draft(elsewhere, stored.id)
        return stored

    page = client.get("/ansoeg/alder").get_data(as_text=True)
    monkeypatch.setattr(keyed, "read_draft", read_then_delete)
    response = client.post("/ansoeg/alder", data={"age": "40", "csrf_token": token(page)})
    assert response.headers["Location"] == "/ansoeg/vanskeligheder"
    monkeypatch.undo()
    with database(app).transaction() as session:
        (draft,) = session.query(Draft).all()
    with app.app_context():
        saved = drafts.read_answers(cipher(), draft)
    assert saved["age"]["age"] == 40 and saved["municipality"] == {"municipality": "575"}


def test_an_answer_saved_while_another_tab_saved_the_draft_keeps_both(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads the draft, another tab saves it, then the page saves: the other tab's
    answer is not overwritten with what this page read (the save is written over what was
    read only; otherwise this page's answer goes on top of the draft as it is now)."""
    answer_until(client, stop="/ansoeg/hjaelp")
    real = keyed.read_draft
    other_tab: list[str] = []

    def read_then_other_tab_saves(
        reader: Engine | Connection, draft_id: object
    ) -> keyed.StoredDraft | None:
        stored = real(reader, draft_id)
        if stored is not None and not other_tab:
            with app.app_context(), database(app).engine.begin() as elsewhere:
                answers = dict(cipher().decrypt(stored.answers_enc))
                answers["difficulties"] = {"difficulties": ["mental", "physical"]}
                keyed.store_answers(elsewhere, stored.id, cipher().encrypt(answers))
            other_tab.append(stored.id)
        return stored

    page = client.get("/ansoeg/hjaelp").get_data(as_text=True)
    monkeypatch.setattr(keyed, "read_draft", read_then_other_tab_saves)
    response = client.post("/ansoeg/hjaelp", data={"help_level": "3", "csrf_token": token(page)})
    monkeypatch.undo()
    assert response.status_code == 303 and other_tab
    with database(app).transaction() as session:
        (draft,) = session.query(Draft).all()
    assert draft.id == other_tab[0]
    with app.app_context():
        saved = drafts.read_answers(cipher(), draft)
    assert saved["help_level"]["help_level"] in (3, "3")
    assert saved["difficulties"] == {"difficulties": ["mental", "physical"]}
