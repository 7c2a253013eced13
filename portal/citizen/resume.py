"""Stop and continue later: the resume link, by e-mail if wanted; and starting over."""

from __future__ import annotations

import math
from pathlib import Path

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
from portal.mail import MailSettings, send
from portal.web import db, services
from portal.web.access import access
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l


class ResumeMailForm(FlaskForm):
    email = EmailField(
        _l("Din e-mail"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
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


def mail_settings() -> MailSettings:
    config = current_app.config
    folder = None
    if not config.get("MAIL_SERVER") and config["PORTAL_ENV"] != "production":
        folder = Path(
            current_app.config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail"
        )
    return MailSettings(
        sender=config["MAIL_SENDER"], server=config.get("MAIL_SERVER"), port=config["MAIL_PORT"],
        username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
        use_tls=config["MAIL_USE_TLS"], folder=folder,
    )  # fmt: skip


def mail_limits() -> mail_throttle.Limits:
    config = current_app.config
    return mail_throttle.Limits(
        per_case=int(config.get("MAIL_LIMIT_PER_CASE", mail_throttle.Limits.per_case)),
        per_address=int(config.get("MAIL_LIMIT_PER_ADDRESS", mail_throttle.Limits.per_address)),
    )


def mail_refused(case_id: str, form: ResumeMailForm) -> dict[str, str] | None:
    """Count a mail a visitor asked for against its limits (committed at once, before it is
    sent, so other servers see it). None when it may be sent; else the form carries the
    refusal and the answer's headers say when to try again."""
    try:
        with db.database().transaction() as session:
            mail_throttle.take(session, services.cipher(), case_id=case_id,
                               address=form.email.data or "", limits=mail_limits())  # fmt: skip
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
        refused = mail_refused(f"draft:{draft.id}", form)
        if refused is None:
            body = _(
                "Her er linket, så du kan fortsætte din ansøgning:\n\n%(link)s\n\nLinket virker i 30 dage.",
                link=link,
            )
            send(settings, form.email.data or "", _("Fortsæt din ansøgning"), body)
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
        return redirect(url_for("citizen.start"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("citizen/restart.html", form=None, confirm_form=form), status
