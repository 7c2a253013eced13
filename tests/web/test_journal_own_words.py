"""The staff journal PDF is the municipality's record of the case: it keeps the citizen's own
words ("Er der andet, kommunen skal vide?"). Since the case page lifted them out of the answers
to stand apart (portal.staff.cases.answer_parts), the journal had lost them."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.db.models import Application
from portal.web import db
from tests.web.journey import answer_until, submit
from tests.web.staff import staff_client
from tests.web.test_decision_letter import pdf_text

OWN_WORDS = "Jeg vil gerne male med andre. Om mandagen har jeg tid hos lægen."


def test_the_journal_pdf_keeps_the_citizens_own_words_under_their_heading(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/andet": {"text": OWN_WORDS}})
    submit(citizen)
    with app.app_context():
        application_id = db.session().scalars(select(Application.id)).one()
    staff = staff_client(app, "575", "sagsbehandler@575.dk")
    journal = pdf_text(staff.get(f"/sagsbehandler/sag/{application_id}/sag.pdf").data)
    assert f"Med egne ord {OWN_WORDS} Svarene" in journal


def test_without_own_words_the_journal_has_no_empty_heading(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/andet": {"text": ""}})
    submit(citizen)
    with app.app_context():
        application_id = db.session().scalars(select(Application.id)).one()
    staff = staff_client(app, "575", "sagsbehandler@575.dk")
    journal = pdf_text(staff.get(f"/sagsbehandler/sag/{application_id}/sag.pdf").data)
    assert "Med egne ord" not in journal and "Svarene" in journal
