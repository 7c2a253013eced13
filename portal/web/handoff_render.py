"""The hand-off's Flask side: an application's facts for the event document, and its PDF for
the municipality's case file (templates/handoff/application_pdf.html).

The outbox worker calls these with an app context only (no request), so nothing here reads
the request, the session or the visitor's language.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from flask import render_template

from portal import journey
from portal.db.models import Application, Channel
from portal.handoff import document
from portal.own_applications import identification_of
from portal.web.case_words import CHANNEL_NAMES
from portal.web.i18n import speaking
from portal.web.identification_words import identification_lines
from portal.web.questions.forms import choice_label
from portal.web.questions.guidance_view import guidance_page
from portal.web.questions.voice import Voice
from portal.web.services import cipher, processing_weeks, standards
from portal.web.text import day

# The case file is read by the municipality's caseworkers, in Danish, whatever language the
# applicant used; the answers themselves stay exactly as the applicant was shown them.
CASE_FILE_LANGUAGE = "da"
# Answers about who applies and with what right: printed with the parties, not the needs.
PARTY_STEPS = ("who", "relation", "authority", "applicant_name")


def case_facts(application: Application) -> document.Case:
    """The application decrypted into what build_document needs."""
    data_cipher = cipher()
    snapshot = data_cipher.decrypt(application.guidance_enc)
    standard = standards().get(application.municipality_code)
    name = standard.name.da if standard else snapshot["municipality"]["name"]["da"]
    person = data_cipher.decrypt(application.person_enc)
    for_someone_else = journey.for_someone_else(person)
    return document.Case(
        application_id=application.id,
        reference=application.reference,
        municipality_code=application.municipality_code,
        municipality_name=name,
        channel=application.channel.value,
        received_at=application.received_at,
        standard_version=application.standard_version,
        processing_weeks=processing_weeks(application.municipality_code),
        person=person,
        rows=data_cipher.decrypt(application.answers_enc),
        guidance=snapshot,
        registered_by_staff=application.registrar_id is not None,
        identification=identification_of(application, for_someone_else),
    )


def application_pdf(application: Application) -> bytes:
    """The application as a PDF for journalisering: the same content as the event document,
    without the event (so one PDF serves every event of the application)."""
    from portal.receipts import render_pdf  # WeasyPrint is heavy; load it only when asked

    facts = case_facts(application)
    with case_file_language():
        html = render_template("handoff/application_pdf.html", **pdf_context(facts))
    return render_pdf(html)


def case_file_language() -> AbstractContextManager[None]:
    """Danish for the length of the block, in a request or in the worker's bare app context."""
    return speaking(CASE_FILE_LANGUAGE)


def pdf_context(case: document.Case) -> dict[str, Any]:
    person = case.person
    submitter = document.submitter_kind(case)
    answers = document.answers(case.rows)
    voice = Voice(other=journey.for_someone_else(person),
                  first_name=person.get("first_name"))  # fmt: skip
    deadline = document.processing_deadline(case.received_at, case.processing_weeks)
    return {
        "case": case,
        "lang": CASE_FILE_LANGUAGE,
        "channel": channel_name(case.channel),
        "deadline": day(date.fromisoformat(deadline)) if deadline else None,
        "parties": document.parties(case, submitter),
        "identified": identification_lines(case.identification),
        "preferred": choice_label(
            "contact", "preferred", person.get("contact", {}).get("preferred")
        ),
        "party_answers": [a for a in answers if step_of(a) in PARTY_STEPS],
        "answers": [a for a in answers if step_of(a) not in (*PARTY_STEPS, "consent")],
        "consent_answers": [a for a in answers if step_of(a) == "consent"],
        "consents": document.consents(person, submitter),
        "classification": document.classification(None),
        "snapshot": case.guidance,
        **guidance_page(case.guidance, voice, CASE_FILE_LANGUAGE),
    }


def step_of(answer: dict[str, Any]) -> str:
    return str(answer["question_id"]).split(".", 1)[0]


def channel_name(channel: str) -> str:
    return str(CHANNEL_NAMES[Channel(channel)])
