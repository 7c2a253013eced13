"""Stop and continue later: the resume link, by e-mail if wanted; and starting over."""

from __future__ import annotations

import math

from flask import current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Email, InputRequired, Length

from portal import journey, mail_throttle
from portal.citizen import session as drafts_in_session
from portal.citizen.routes import bp
from portal.citizen.steps import step_url
from portal.db import drafts
from portal.web import db, services
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l
from portal.web.outbox import mail_settings, queue_mail
from portal.web.questions.base import strip


class ResumeMailForm(PortalForm):
    email = EmailField(
        _l("Din e-mail"),
        filters=[strip],
        validators=[
            InputRequired(_l("Skriv din e-mail.")),
            Length(max=254),
            Email(_l("Skriv e-mailen sådan her: navn@eksempel.dk.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": False},
    )


# One sentence for every mail limit: it must not tell a stranger whether others have
# mailed this address today.
MAIL_LIMIT_REACHED = _l(
    "Du kan ikke få linket sendt flere gange lige nu. Prøv igen om et døgn, eller gem linket fra siden her."
)


def mail_limits() -> mail_throttle.Limits:
    config = current_app.config
    return mail_throttle.Limits(
        per_case=int(config.get("MAIL_LIMIT_PER_CASE", mail_throttle.Limits.per_case)),
        per_address=int(config.get("MAIL_LIMIT_PER_ADDRESS", mail_throttle.Limits.per_address)),
    )


def queue_visitor_mail(
    case_id: str, form: ResumeMailForm, *, municipality_code: str | None, topic: str,
    subject: str, body: str, application_id: int | None = None,
) -> dict[str, str] | None:  # fmt: skip
    """Count a mail a visitor asked for against its limits and queue it, in one transaction:
    the count is never taken without the mail, nor the mail queued past the limit. None when
    it was queued; else the form carries the refusal and the headers say when to try again."""
    address = form.email.data or ""
    try:
        with db.database().transaction() as session:
            mail_throttle.take(session, services.cipher(), case_id=case_id, address=address,
                               limits=mail_limits())  # fmt: skip
            queue_mail(session, municipality_code=municipality_code, topic=topic, to=address,
                       subject=subject, body=body, application_id=application_id)  # fmt: skip
    except mail_throttle.MailLimitReached as reached:
        form.email.errors = [MAIL_LIMIT_REACHED]
        return {"Retry-After": str(max(1, math.ceil(reached.retry_after.total_seconds())))}
    return None


@bp.route("/ansoeg/gem", methods=["GET", "POST"])
@access("citizen")
def save_for_later() -> ResponseReturnValue:
    draft = drafts_in_session.current_draft()
    if draft is None:
        return redirect(url_for("citizen.begin"), 303)
    link = url_for("citizen.resume", token=drafts_in_session.resume_token(draft), _external=True)
    settings = mail_settings()
    form = ResumeMailForm()
    sent, status, headers = False, 200, {}
    if request.method == "POST" and settings.can_send and form.validate():
        body = _(
            "Her er linket, så du kan fortsætte din ansøgning:\n\n%(link)s\n\nLinket virker i 30 dage.",
            link=link,
        )
        answers = drafts_in_session.load_answers(draft)
        refused = queue_visitor_mail(
            f"draft:{draft.id}", form, topic="mail.resume_link", subject=_("Fortsæt din ansøgning"),
            body=body, municipality_code=answers.get("municipality", {}).get("municipality"),
        )  # fmt: skip
        if refused is None:
            sent = True
        else:
            status, headers = 429, refused
    if form.csrf_token.errors:
        status = 400
    return render_template(
        "citizen/save.html", form=form if form.errors else None, mail_form=form, link=link,
        can_mail=settings.can_send, sent=sent,
    ), status, headers  # fmt: skip


@bp.get("/fortsaet/<token>")
@access("public")
def resume(token: str) -> ResponseReturnValue:
    draft = drafts_in_session.draft_from_resume_token(token)
    if draft is None:
        return render_template("citizen/link_invalid.html"), 404
    session[drafts_in_session.DRAFT_KEY] = draft.id
    answers = drafts_in_session.load_answers(draft)
    return redirect(step_url(journey.first_unanswered(answers).id), 303)


@bp.route("/ansoeg/start-forfra", methods=["GET", "POST"])
@access("citizen")
@db.transactional_on_post
def restart() -> ResponseReturnValue:
    form = FlaskForm()
    if request.method == "POST" and form.validate():
        draft = drafts_in_session.current_draft()
        if draft is not None:
            drafts.delete_draft(db.session(), draft)
        drafts_in_session.forget_draft()
        # The start page then says that the answers are gone (the address carries no data).
        return redirect(url_for("citizen.start", slettet="ja"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("citizen/restart.html", form=None, confirm_form=form), status
