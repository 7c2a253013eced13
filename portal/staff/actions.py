"""What a caseworker does with a case: ask the citizen for more, decide, reopen."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from portal import applications, casework
from portal.citizen.forms.base import no_control_characters
from portal.db.models import utcnow
from portal.staff.auth import audit, bp, staff_required
from portal.staff.cases import case_context, own_application, staff
from portal.staff.notify import queue_status_mails
from portal.web import db
from portal.web.access import access
from portal.web.fields import DatePartsField
from portal.web.i18n import lazy_gettext as _l
from portal.web.services import cipher

TEXT_MAX = 2000
CHOOSE = _l("Vælg et af svarene.")


def long_text(label: Any, required: Any) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required,
            Length(max=TEXT_MAX, message=_l("Skriv højst 2000 tegn.")),
            no_control_characters,
        ],
    )


class RequestInformationForm(FlaskForm):
    message = long_text(
        _l("Hvad skal borgeren sende eller svare på?"),
        InputRequired(_l("Skriv, hvad kommunen har brug for.")),
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Afgørelse"),
        choices=[SelectChoice("granted", _l("Bevilget")), SelectChoice("refused", _l("Afslag"))],
        validators=[InputRequired(CHOOSE)],
    )
    decided_on = DatePartsField(
        _l("Dato for afgørelsen"), validators=[InputRequired(_l("Skriv datoen."))]
    )
    offer = StringField(
        _l("Tilbud"), validators=[Optional(), Length(max=200), no_control_characters]
    )
    days = RadioField(
        _l("Dage om ugen"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[Optional()],
    )
    day_length = RadioField(
        _l("Hel eller halv dag"),
        choices=[SelectChoice("full", _l("Hel dag")), SelectChoice("half", _l("Halv dag"))],
        validators=[Optional()],
    )
    transport = RadioField(
        _l("Kørsel"),
        choices=[
            SelectChoice("yes", _l("Kommunen betaler kørsel")),
            SelectChoice("no", _l("Ingen kørsel")),
        ],
        validators=[Optional()],
    )
    reasons = long_text(_l("Begrundelse"), Optional())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if self.outcome.data == "refused" and not self.reasons.data:
            self.reasons.errors.append(_l("Skriv begrundelsen for afslaget."))
            return False
        if self.outcome.data == "granted" and not (self.offer.data and self.days.data):
            self.offer.errors.append(_l("Skriv tilbuddet og vælg antal dage."))
            return False
        return True

    def decision(self) -> applications.Decision:
        decided = self.decided_on.data or date.today()
        return applications.Decision(
            granted=self.outcome.data == "granted", decided_on=decided.isoformat(),
            reasons=self.reasons.data or "", offer=self.offer.data or "",
            days_per_week=int(self.days.data) if self.days.data else None,
            day_length=self.day_length.data or "",
            transport={"yes": True, "no": False}.get(self.transport.data or ""),
        )  # fmt: skip


class ReopenForm(FlaskForm):
    reason = long_text(_l("Hvorfor genåbnes sagen?"), InputRequired(_l("Skriv hvorfor.")))


def refuse(application_id: int, form: FlaskForm, error: Any = None) -> ResponseReturnValue:
    application = own_application(application_id)
    context = case_context(application)
    context["form"] = form
    context[form.__class__.__name__] = form
    if error is not None:
        context["action_error"] = error
    return render_template("staff/case.html", **context), 200 if error is None else 409


def act(application_id: int, form: FlaskForm, action: str, run: Any) -> ResponseReturnValue:
    application = own_application(application_id)
    if not form.validate():
        return refuse(application_id, form)
    try:
        run(application)
    except applications.NotAssigned:
        return refuse(
            application_id, form, _l("Tag sagen først. Kun den, der har sagen, kan gøre det.")
        )
    except applications.WrongStatus:
        return refuse(application_id, form, _l("Det kan ikke gøres, mens sagen har den status."))
    queue_status_mails(db.session(), application)
    audit(action, application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/sag/<int:application_id>/oplysninger")
@access("staff")
@staff_required
@db.transactional
def request_information(application_id: int) -> ResponseReturnValue:
    form = RequestInformationForm()
    return act(application_id, form, "request_information", lambda a: applications.request_information(
        db.session(), cipher(), a, staff().id, form.message.data or ""))  # fmt: skip


@bp.post("/sag/<int:application_id>/afgoerelse")
@access("staff")
@staff_required
@db.transactional
def decide(application_id: int) -> ResponseReturnValue:
    form = DecisionForm()
    return act(application_id, form, "decide", lambda a: applications.decide(
        db.session(), cipher(), a, staff().id, form.decision()))  # fmt: skip


@bp.post("/sag/<int:application_id>/genaabn")
@access("staff")
@staff_required
@db.transactional
def reopen(application_id: int) -> ResponseReturnValue:
    form = ReopenForm()
    return act(application_id, form, "reopen", lambda a: applications.reopen(
        db.session(), cipher(), a, staff().id, form.reason.data or ""))  # fmt: skip


class NoteForm(FlaskForm):
    text = long_text(_l("Intern note"), InputRequired(_l("Skriv noten.")))


@bp.post("/sag/<int:application_id>/note")
@access("staff")
@staff_required
@db.transactional
def add_note(application_id: int) -> ResponseReturnValue:
    """Any caseworker of the municipality may note something; the citizen never sees it."""
    application = own_application(application_id)
    form = NoteForm()
    if not form.validate():
        return refuse(application_id, form)
    casework.add_note(
        db.session(), cipher(), application, staff().id, form.text.data or "", utcnow()
    )
    audit("note", application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/tag-naeste")
@access("staff")
@staff_required
@db.transactional
def claim_next() -> ResponseReturnValue:
    found = casework.claim_next(db.session(), staff().municipality_code, staff().id, utcnow())
    if found is None:
        return redirect(url_for("staff.queue", besked="ingen-ledige"), 303)
    application = own_application(found)
    applications.start_work(db.session(), cipher(), application, staff().id)
    audit("claim", found)
    return redirect(url_for("staff.case", application_id=found), 303)
