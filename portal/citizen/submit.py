"""Check your answers, declare and submit; the receipt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from wtforms import BooleanField
from wtforms.validators import InputRequired

from portal import applications, ffb, journey
from portal.citizen import identified
from portal.citizen import session as drafts_in_session
from portal.citizen.routes import bp, context_for, page_args
from portal.citizen.steps import SECTION_TITLES, step_url, summary_rows
from portal.db.models import Channel
from portal.web import db
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l
from portal.web.outbox import mail_settings, queue_mail, queue_notice
from portal.web.questions.base import Context
from portal.web.questions.guidance_view import guidance_snapshot

SUBMITTED_KEY = "submitted"
PERSON_STEPS = ("identity", "address", "contact", "representative")


class DeclarationForm(PortalForm):
    confirm = BooleanField(
        _l("Jeg har tjekket svarene. De er rigtige, så vidt jeg ved."),
        validators=[InputRequired(_l("Sæt kryds for at bekræfte, at svarene er rigtige."))],
    )


@bp.route("/ansoeg/tjek", methods=["GET", "POST"])
@access("citizen")
@db.transactional_on_post
def check() -> ResponseReturnValue:
    if request.method == "POST":
        sent = send_prepared()
        if sent is not None:
            return sent
    # A second click, a refresh, or back + submit again finds the first submit's application.
    draft_key = session.get(drafts_in_session.DRAFT_KEY) or session.get(SUBMITTED_KEY)
    if already_sent(draft_key):
        return redirect(url_for("citizen.receipt"), 303)
    draft = drafts_in_session.current_draft()
    if draft is None and already_sent(draft_key):
        # A parallel click's submit committed between the look above and this one, and
        # deleted the draft: this click, too, belongs on the receipt, not back at the start.
        return redirect(url_for("citizen.receipt"), 303)
    answers = drafts_in_session.load_answers(draft)
    if draft is None or not journey.may_visit(journey.FINAL, answers):
        return redirect(url_for("citizen.begin"), 303)
    context = context_for(answers)
    form = DeclarationForm()
    if request.method == "POST" and form.validate():
        # already_sent looked for this draft's application in this transaction: not again.
        receipt = identified.submit(submission(draft.id, context))
        return sent_to(receipt, answers)
    status = 400 if form.csrf_token.errors else 200
    return render_template(
        "citizen/check.html", form=form, sections=check_sections(context),
        **page_args(journey.FINAL, answers),
    ), status  # fmt: skip


def send_prepared() -> ResponseReturnValue | None:
    """The submit with its slow part (decrypting, the summary, the guidance, encrypting) done
    on what a read session found, before the write transaction begins: on SQLite that
    transaction holds the one write lock, now for the statements alone. In the transaction,
    one statement deletes the draft only if it still holds what was read. None when this way
    cannot answer (a draft changed or sent meanwhile, a form to show again): check() then
    does it all inside the transaction, as it always did."""
    with db.reading(stand_in=True):
        stored = drafts_in_session.current_stored()
        if stored is None:
            draft_key = session.get(drafts_in_session.DRAFT_KEY)
            sent = already_sent(draft_key or session.get(SUBMITTED_KEY))
            return redirect(url_for("citizen.receipt"), 303) if sent else None
        answers = drafts_in_session.load_answers(stored)  # and the login, read here too
    if not journey.may_visit(journey.FINAL, answers) or not DeclarationForm().validate():
        return None
    prepared = identified.prepare(submission(stored.id, context_for(answers)))
    # The write transaction begins here.
    if not applications.claim_draft(db.session(), stored.id, stored.answers_enc):
        return None  # saved again or sent since it was read: never the stale answers
    return sent_to(identified.store(prepared, claimed=True), answers)


def sent_to(receipt: applications.Receipt, answers: dict[str, Any]) -> ResponseReturnValue:
    """After the application is stored: its messages queued, the browser on the receipt."""
    queue_receipts(receipt, answers)
    session[SUBMITTED_KEY] = receipt.application.draft_key
    drafts_in_session.forget_draft()
    return redirect(url_for("citizen.receipt"), 303)


def already_sent(draft_key: str | None) -> bool:
    """True when the draft has become an application; the receipt then shows it."""
    if not draft_key or not applications.draft_key_used(db.session(), draft_key):
        return False
    session[SUBMITTED_KEY] = draft_key
    return True


def check_sections(context: Context) -> list[dict[str, Any]]:
    """The answers grouped under the step indicator's sections, each row with its "Ret" link."""
    sections: dict[journey.Section, list[dict[str, Any]]] = {}
    links: dict[str, str] = {}
    for step_id, rows in summary_rows(context):
        section = journey.BY_ID[step_id].section
        for row in rows:
            # A fixed step's row has none, unless that part was typed on a step of its own.
            target = journey.changed_at(step_id, row.field, context.answers)
            if target is not None and target not in links:
                links[target] = step_url(target, fra="tjek")
            link = links[target] if target is not None else None
            sections.setdefault(section, []).append(
                {"key": row.question, "value": row.answer, "href": link}
            )
    return [{"title": SECTION_TITLES[s], "rows": rows} for s, rows in sections.items()]


def queue_receipts(receipt: applications.Receipt, answers: dict[str, Any]) -> None:
    """In the submit transaction: the municipality's notice, and for a phone or counter
    application the citizen's receipt by e-mail when they gave an address (the caseworker can
    also print it). Queued, never sent here: a broken mail server must not lose the case."""
    from portal.citizen.followup import status_url

    application = receipt.application
    queue_notice(db.session(), application)
    email = answers.get("contact", {}).get("email")
    if journey.REGISTRATION not in answers or not email or not mail_settings().can_send:
        return
    body = _(
        "Kommunen har fået din ansøgning om et aktivitets- og samværstilbud. Nummeret er "
        "%(ref)s.\n\nHer kan du se, hvordan det går:\n%(link)s\n\nGem linket. Det er kun til dig.",
        ref=application.reference, link=status_url(receipt.status_token),
    )  # fmt: skip
    queue_mail(db.session(), municipality_code=application.municipality_code,
               topic="mail.receipt", to=email, subject=_("Kvittering for din ansøgning"),
               body=body, application_id=application.id)  # fmt: skip


def submission(draft_key: str, context: Context) -> applications.Submission:
    answers = context.answers
    rows = summary_rows(context)
    person: dict[str, Any] = {step: dict(answers.get(step, {})) for step in PERSON_STEPS}
    person["who"] = dict(answers.get("who", {}))
    person["relation"] = dict(answers.get("relation", {}))
    person["authority"] = dict(answers.get("authority", {}))
    person["first_name"] = context.voice.first_name
    person["language"] = str(get_locale())
    consent = dict(answers.get("consent", {}))
    consent["recorded_at"] = datetime.now(UTC).isoformat()
    person["consent"] = consent
    source = ffb.information_source(
        answers.get("who", {}).get("who"), answers.get("authority", {}).get("authority")
    )
    # "value": the answer as the form gave it ("3", "full"), beside its words in the applicant's
    # language, so the decision form can tell a grant of less than was asked for.
    stored_rows = [
        {
            "step": row.step, "field": row.field, "question": row.question,
            "answer": row.answer, "codes": [c.as_dict() for c in row.codes],
            "value": answers.get(row.step, {}).get(row.field),
        }
        for step, group in rows if step not in PERSON_STEPS
        and not (step == "who" and journey.REGISTRATION in answers)
        for row in group
    ]  # fmt: skip
    registration = answers.get(journey.REGISTRATION) or {}
    # A caseworker typing in a call or a letter cannot know who gave which answer (the phone
    # flow asks in the third person and asks no authority): no source rather than a wrong one.
    codes = [ffb.OFFER.as_dict(), ffb.REQUEST_TYPE.as_dict()]
    if not registration:
        codes.insert(0, source.as_dict())
    stored_rows.insert(0, {"step": "meta", "field": "information_source", "question": "",
                           "answer": [], "codes": codes})  # fmt: skip
    return applications.Submission(
        channel=Channel(registration.get("channel", Channel.WEB.value)),
        registrar_id=registration.get("staff_id"),
        draft_key=draft_key,
        municipality_code=context.standard.code,
        standard_version=context.standard.version,
        cpr=str(answers["identity"]["cpr"]).replace("-", ""),
        person=person,
        answers=stored_rows,
        guidance=guidance_snapshot(dict(answers), context),
        for_someone_else=context.voice.other,
    )
