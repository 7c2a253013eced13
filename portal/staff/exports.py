"""The case for the municipality's own files: a PDF for journalisering and JSON for systems.
Every export is logged. The JSON schema is documented in docs/export-schema.md."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, render_template

from portal import applications, casework, journey
from portal.crypto import DataCipher
from portal.db.models import Application, Status, StatusEvent
from portal.handoff.document import representative_of
from portal.staff.auth import audit, bp
from portal.staff.case_history import case_history, decisions_made
from portal.staff.cases import case_context, own_application
from portal.statuses import DECIDED
from portal.web import db
from portal.web.access import access
from portal.web.services import cipher

# 2: the citizen's private status links left the person (docs/export-schema.md). `outcome`
# and `notes` came later as additions, which the schema's rule does not count as breaking.
EXPORT_VERSION = 2


def export_document(application: Application) -> dict[str, Any]:
    data_cipher = cipher()
    person = data_cipher.decrypt(application.person_enc)
    events = applications.history(db.session(), application)
    staff_names = casework.staff_emails(db.session(), application.municipality_code)
    return {
        "schema": "portal.application.export",
        "version": EXPORT_VERSION,
        "reference": application.reference,
        "municipality_code": application.municipality_code,
        "channel": application.channel.value,
        "status": application.status.value,
        "outcome": outcome(application, data_cipher, events),
        "received_at": application.received_at.isoformat(),
        "standard_version": application.standard_version,
        "person": without_links(person),
        "answers": data_cipher.decrypt(application.answers_enc),
        "guidance": data_cipher.decrypt(application.guidance_enc),
        "history": [
            {
                "status": event.status.value,
                "at": event.at.isoformat(),
                "actor": actor(application, person, event),
                "note": data_cipher.decrypt(event.message_enc) if event.message_enc else None,
            }
            for event in events
        ],
        "notes": [
            {
                "at": note.at.isoformat(),
                "staff": staff_names.get(note.staff_id),
                "text": data_cipher.decrypt(note.text_enc),
            }
            for note in casework.notes(db.session(), application)
        ],
    }


def outcome(application: Application, data_cipher: DataCipher,
            events: list[StatusEvent]) -> str | None:  # fmt: skip
    """The decision in force: `status` says only "granted" for a partial grant too (its
    meaning since version 1), so a system that files the outcome reads it here. None while no
    decision stands: still open (a reopen set the earlier one aside) or withdrawn."""
    if application.status not in DECIDED:
        return None
    made = decisions_made(case_history(data_cipher, events, {}))
    decision = made[0].decision if made else None
    return decision.outcome.value if decision is not None and decision.outcome else None


def actor(application: Application, person: dict[str, Any], event: StatusEvent) -> str:
    """Who made the change. The submission is stored as the citizen's whoever sent it; it was
    a representative's when someone applied for the person, except a caseworker's phone or
    counter registration that names no representative (the rule of the hand-off document,
    portal.handoff.document.submitter_kind)."""
    submission = event.actor == "citizen" and event.status is Status.RECEIVED
    if not submission or not journey.for_someone_else(person):
        return event.actor
    if application.registrar_id is not None and not representative_of(person):
        return event.actor
    return "representative"


def without_links(person: dict[str, Any]) -> dict[str, Any]:
    """The person as given, less the status links: they are the citizen's (and the
    representative's) own keys to the status page, where the application can be withdrawn in
    their name. A caseworker needs neither, and a journal file must not carry them."""
    return {key: value for key, value in person.items() if key != "links"}


def attachment(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@bp.get("/sag/<int:application_id>/eksport.json")
@access("staff")
def export_json(application_id: int) -> Response:
    application = own_application(application_id)
    audit("export_json", application.id)
    body = json.dumps(export_document(application), ensure_ascii=False, indent=2).encode()
    return attachment(body, "application/json", f"{application.reference}.json")


@bp.get("/sag/<int:application_id>/sag.pdf")
@access("staff")
def export_pdf(application_id: int) -> Response:
    from portal.receipts import render_pdf  # WeasyPrint is heavy; load it only when asked

    application = own_application(application_id)
    audit("export_pdf", application.id)
    html = render_template("staff/case_pdf.html", **case_context(application, reveal=True))
    return attachment(render_pdf(html), "application/pdf", f"{application.reference}.pdf")
