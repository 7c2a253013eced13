"""The application's PDF for the municipality's case file: made by the worker, which has an
app context but no request; the same content as the event document; no personal data in its
title or its file name."""

from __future__ import annotations

import io
import re

from flask import Flask, session
from pypdf import PdfReader
from sqlalchemy import select

from portal.db.models import Application
from portal.handoff import document
from portal.web import db
from portal.web.handoff_render import application_pdf
from portal.web.i18n import gettext
from tests.handoff.document_fixtures import (
    APPLICANT,
    CPR,
    REPRESENTATIVE,
    Made,
    build,
    relative_with_power_of_attorney,
    self_on_web,
)
from tests.web.helpers import set_language
from tests.web.journey import answer_until, submit


def render(app: Flask, made: Made) -> tuple[bytes, str]:
    """The PDF as the worker makes it: a bare app context, no request."""
    with app.app_context():
        application = db.session().get(Application, made.application_id)
        assert application is not None
        return application_pdf(application), application.reference


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # WeasyPrint breaks lines where it likes and may put soft hyphens in; compare words.
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(raw.replace("\u00ad", "").split())


def metadata_values(pdf: bytes) -> str:
    info = PdfReader(io.BytesIO(pdf)).metadata or {}
    return " ".join(str(value) for value in info.values())


def test_the_pdf_renders_without_a_request_and_its_title_is_the_reference_only(
    app: Flask,
) -> None:
    made = relative_with_power_of_attorney(app)
    pdf, reference = render(app, made)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata.title == reference
    meta = metadata_values(pdf)
    for personal in (CPR, CPR.replace("-", ""), CPR[:6], "Karen", "Hansen", REPRESENTATIVE):
        assert personal not in meta


def test_the_pdf_holds_the_reference_the_parties_and_every_question_as_shown(
    app: Flask,
) -> None:
    made = relative_with_power_of_attorney(app)
    pdf, reference = render(app, made)
    text = text_of(pdf)
    doc = build(app, made)
    assert reference in text and "Roskilde Kommune" in text
    assert APPLICANT in text and CPR in text and REPRESENTATIVE in text
    assert "Navne- og adressebeskyttelse Ja" in text
    for answer in doc["answers"]:
        assert " ".join(answer["question"].split()) in text, answer["question"]
    assert "Det er ikke en afgørelse." in text
    assert "Der er ikke givet samtykke til at hente oplysninger." in text
    assert "27.54.08 Aktivitets- og samværstilbud" in text


def test_the_processing_deadline_is_printed_only_where_the_standard_gives_one(
    app: Flask,
) -> None:
    vejen = text_of(render(app, self_on_web(app))[0])
    roskilde = text_of(render(app, relative_with_power_of_attorney(app))[0])
    assert "Svarfrist efter kommunens standard" in vejen
    assert "Svarfrist" not in roskilde


def test_the_case_file_is_danish_even_when_the_applicant_answered_in_english(
    app: Flask,
) -> None:
    client = app.test_client()
    set_language(client, "en")
    answer_until(client)
    submit(client)
    text = text_of(render(app, Made("in_english", latest_id(app), ""))[0])
    assert "Ansøger" in text and "Svarene" in text  # the portal's words: Danish
    assert "What would you like to get from an offer?" in text  # the answers: as shown


def test_a_pdf_made_during_an_english_request_leaves_the_request_english(app: Flask) -> None:
    made = self_on_web(app)
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert gettext("Svarene") != "Svarene"
        application = db.session().get(Application, made.application_id)
        assert application is not None
        text = text_of(application_pdf(application))
        assert "Svarene" in text
        assert gettext("Svarene") != "Svarene"  # the request's own language is back


def latest_id(app: Flask) -> int:
    with app.app_context():
        found = db.session().scalars(select(Application.id).order_by(Application.id.desc()))
        return found.first() or 0


def test_the_file_name_carries_no_cpr_number(app: Flask) -> None:
    made = self_on_web(app)
    reference = render(app, made)[1]
    name = document.pdf_file_name(reference)
    assert re.fullmatch(r"ansoegning-AS-\d{4}-\d{6}\.pdf", name)
    assert CPR[:6] not in name and CPR[-4:] not in name
