"""After submitting: the receipt, its PDF, the status page and withdrawing."""

from __future__ import annotations

import re
from contextlib import suppress
from typing import Any

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import NotFound

from portal import applications, deadlines, journey, statuses
from portal.citizen import session as drafts_in_session
from portal.citizen.resume import ResumeMailForm, queue_visitor_mail
from portal.citizen.routes import bp
from portal.citizen.submit import SUBMITTED_KEY
from portal.db.models import Application, Status, utcnow
from portal.extensions import csrf
from portal.guidance_layout import cited
from portal.web import db
from portal.web.access import access
from portal.web.case_words import STATUS_TEXT
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l
from portal.web.outbox import mail_settings
from portal.web.questions.guidance_view import guidance_page, source_texts
from portal.web.questions.voice import Q, Voice

STATUS_SALT = "portal.status-link"
# What happens after submitting, in the order it happens; how to apply is behind the citizen.
TIMELINE = (
    "next.unit", "next.assessment", "next.clarification", "next.processing_time",
    "next.action_plan", "next.complaint", "next.complaint_deadline",
)  # fmt: skip


def status_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STATUS_SALT)


# A status link carries the bare 128-bit random token: short enough to read out or copy
# from a phone, and no easier to guess than a signed one. Links made before (signed, about
# 60 characters) keep working.
RAW_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


def status_url(token: str) -> str:
    return url_for("citizen.status", token=token, _external=True)


def submitted_receipt() -> applications.Receipt:
    key = session.get(SUBMITTED_KEY)
    application = applications.find_by_draft_key(db.session(), key) if key else None
    if application is None:
        raise NotFound()
    return applications.receipt_for(drafts_in_session.cipher(), application)


def receipt_context(receipt: applications.Receipt) -> dict[str, Any]:
    cipher = drafts_in_session.cipher()
    application = receipt.application
    person = cipher.decrypt(application.person_enc)
    voice = Voice(other=journey.for_someone_else(person), first_name=person.get("first_name"))
    snapshot = cipher.decrypt(application.guidance_enc)
    lang = str(get_locale())
    return {
        "application": application,
        "voice": voice,
        "snapshot": snapshot,
        **guidance_page(snapshot, voice, lang, lead=timeline(snapshot, voice, lang)),
        "rows": cipher.decrypt(application.answers_enc),
        "given_email": given_email(person, voice),
        "status_link": status_url(receipt.status_token),
        "representative_link": status_url(receipt.representative_token)
        if receipt.representative_token
        else None,
        "lang": str(get_locale()),
    }


DECISION = Q(
    _l("Kommunen sender en afgørelse. Den siger, om du får tilbuddet, og hvorfor."),
    _l("Kommunen sender en afgørelse. Den siger, om %(name)s får tilbuddet, og hvorfor."),
)


def timeline(snapshot: dict[str, Any], voice: Voice, lang: str) -> list[dict[str, Any]]:
    """The standard's own lines in the order things happen. The decision is always a step,
    so the portal says it in its own words, before the complaint lines (no source: it is what
    a decision is, not something a standard states)."""
    lines = {line["id"]: line for line in snapshot["next_steps"] if line}
    ordered = [lines[key] for key in TIMELINE if key in lines]
    decision = {"id": "portal.decision", "text": {lang: DECISION.say(voice)}}
    at = next(
        (i for i, line in enumerate(ordered) if line["id"].startswith("next.complaint")), None
    )
    ordered.insert(len(ordered) if at is None else at, decision)
    return ordered


@bp.route("/kvittering", methods=["GET", "POST"])
@access("citizen")
def receipt() -> ResponseReturnValue:
    if request.method == "POST":
        csrf.protect()  # the blueprint is exempt; a forged POST learns nothing, not even a 404
    context = receipt_context(submitted_receipt())
    settings = mail_settings()
    form = ResumeMailForm(data={"email": context["given_email"]})
    status, headers = 200, {}
    if request.method == "POST":
        status = 400
        if settings.can_send and form.validate():
            application = context["application"]
            refused = queue_visitor_mail(
                f"application:{application.id}", form, topic="mail.receipt_links",
                subject=_("Din ansøgning"), body=receipt_mail(context),
                municipality_code=application.municipality_code, application_id=application.id,
            )  # fmt: skip
            if refused is None:
                return redirect(url_for("citizen.receipt", sendt=1) + "#link", 303)
            status, headers = 429, refused
    return render_template(
        "citizen/receipt.html", **context, form=form if form.errors else None, mail_form=form,
        can_mail=settings.can_send, sent=request.args.get("sendt") == "1",
    ), status, headers  # fmt: skip


def given_email(person: dict[str, Any], voice: Voice) -> str | None:
    """The e-mail the applicant gave for themselves, to send the links to without typing it
    again: the citizen's contact e-mail, or a representative's own (never the person's: the
    mail holds the representative's link too)."""
    email = person.get("representative" if voice.other else "contact", {}).get("email")
    return email if isinstance(email, str) and email else None


def receipt_mail(context: dict[str, Any]) -> str:
    """The links and the reference only: never a name, a CPR number or an answer."""
    reference = context["application"].reference
    if context["representative_link"]:
        return _(
            "Her er dine links til ansøgningen %(reference)s.\n\nDit eget link:\n%(own)s\n\nLink til personen, du har søgt for:\n%(person)s\n\nMed linkene kan man se, hvordan det går, og trække ansøgningen tilbage.",
            reference=reference, own=context["representative_link"], person=context["status_link"],
        )  # fmt: skip
    return _(
        "Her er linket til din ansøgning %(reference)s:\n\n%(link)s\n\nMed linket kan du se, hvordan det går, og trække ansøgningen tilbage.",
        reference=reference, link=context["status_link"],
    )  # fmt: skip


@bp.get("/kvittering.pdf")
@access("citizen")
def receipt_pdf() -> Response:
    from portal.receipts import render_pdf  # WeasyPrint is heavy; load it only when asked

    context = receipt_context(submitted_receipt())
    html = render_template("citizen/receipt_pdf.html", **context)
    pdf = render_pdf(html)
    name = f"kvittering-{context['application'].reference}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip


class ApplicationGone(NotFound):
    """A status link that leads nowhere: mistyped, or its application was deleted after the
    retention period. The two cannot be told apart (nothing is kept of a deleted one)."""


def gone_page() -> ResponseReturnValue:
    days = current_app.config["RETENTION_APPLICATION_DAYS"]
    return render_template("citizen/status_missing.html", retention_days=days), 404


def application_for(token: str) -> tuple[Application, bool]:
    if RAW_TOKEN_RE.match(token):
        raw: Any = token
    else:
        try:
            raw = status_serializer().loads(token)
        except BadSignature as err:
            raise ApplicationGone() from err
    found = applications.find_by_status_token(db.session(), raw) if isinstance(raw, str) else None
    if found is None:
        raise ApplicationGone()
    return found


def citizen_event(status: Status, at: Any, note: Any) -> dict[str, Any]:
    """A status change as the citizen may see it: internal notes are left out."""
    note = note if isinstance(note, dict) and not note.get("internal") else {}
    return {
        "status": status,
        "at": at,
        "message": note.get("text"),
        "decision": note.get("decision"),
    }


@bp.get("/status/<token>")
@access("public")
def status(token: str) -> ResponseReturnValue:
    try:
        application, by_representative = application_for(token)
    except ApplicationGone:
        return gone_page()
    return render_template("citizen/status.html", token=token,
                           **status_context(application, by_representative))  # fmt: skip


def status_context(application: Application, by_representative: bool) -> dict[str, Any]:
    """What the status page shows, also from "Mine ansøgninger" (portal.citizen.mine)."""
    cipher = drafts_in_session.cipher()
    events = [citizen_event(e.status, e.at, cipher.decrypt(e.message_enc) if e.message_enc else None)
              for e in applications.history(db.session(), application)]  # fmt: skip
    standard = drafts_in_session.standards().get(application.municipality_code)
    # Who handles the case; the standards give no phone numbers, so none is shown.
    lang = str(get_locale())
    steps = standard.next_steps if standard else None
    contact = steps.unit.to_dict(by_representative) if steps else None
    processing = steps.processing_time.to_dict(by_representative) if steps else None
    shown, sources = cited([processing, contact], lang)
    is_open = application.status in statuses.OPEN
    due = deadlines.due_date(application.received_at, steps.processing_weeks if steps else None)
    return {
        "application": application,
        "processing_lines": [s for s in shown if processing and s.id == processing["id"]],
        "contact_lines": [s for s in shown if contact and s.id == contact["id"]],
        # While the case is open: the day the answer is due, where the standard gives one.
        "due": due if is_open else None,
        "overdue": is_open and deadlines.is_overdue(due, deadlines.danish_date(utcnow())),
        "events": events,
        "status_text": STATUS_TEXT,
        "standard": standard,
        "sources": sources,
        "texts": source_texts(
            standard.name.get(lang) if standard else "",
            standard.document.get(lang) if standard else None,
            len(sources),
        ),
        "can_withdraw": is_open,
        "lang": lang,
    }


@bp.route("/status/<token>/traek-tilbage", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
def withdraw(token: str) -> ResponseReturnValue:
    try:
        application, by_representative = application_for(token)
    except ApplicationGone:
        return gone_page()
    form = FlaskForm()
    if request.method == "POST" and form.validate():
        # Already decided or withdrawn: nothing to do, and the status page says which.
        with suppress(applications.NotWithdrawable):
            applications.withdraw(db.session(), application, by_representative)
        return redirect(url_for("citizen.status", token=token), 303)
    status_code = 400 if request.method == "POST" else 200
    return render_template(
        "citizen/withdraw.html", form=None, confirm_form=form, application=application,
        token=token, can_withdraw=application.status in statuses.OPEN,
    ), status_code  # fmt: skip
