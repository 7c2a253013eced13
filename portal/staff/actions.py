"""What a caseworker does with a case: ask the citizen for more, decide, reopen."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from portal import casework, lifecycle
from portal.db.models import Application, Status, utcnow
from portal.deadlines import danish_date
from portal.staff.auth import audit, bp
from portal.staff.case_forms import (
    DecisionForm,
    NoteForm,
    ReopenForm,
    RequestInformationForm,
    StatusActionForm,
    asked_for,
)
from portal.staff.cases import case_context, own_application, staff
from portal.staff.notify import queue_status_mails
from portal.web import db
from portal.web.access import access
from portal.web.case_words import STATUS_TEXT
from portal.web.i18n import lazy_gettext as _l
from portal.web.services import cipher, standards


def refuse(application: Application, form: FlaskForm, error: Any = None) -> ResponseReturnValue:
    """The case shown again with the form's errors: the whole case, so a logged read."""
    audit("view", application.id)
    context = case_context(application)
    context["form"] = form
    context[form.__class__.__name__] = form
    if error is not None:
        context["action_error"] = error
    return render_template("staff/case.html", **context), 200 if error is None else 409


# A withdrawn application is the citizen's last word: each action says so in its own terms.
WITHDRAWN = {
    "request_information": _l(
        "Borgeren har trukket ansøgningen tilbage. Du kan ikke bede om flere oplysninger til en "
        "ansøgning, der er trukket tilbage."
    ),
    "decide": _l(
        "Borgeren har trukket ansøgningen tilbage. En ansøgning, der er trukket tilbage, kan "
        "ikke afgøres."
    ),
    "reopen": _l(
        "Borgeren har trukket ansøgningen tilbage. Kun en sag med en afgørelse kan genåbnes."
    ),
}


def refused_because(application: Application, action: str, error: Exception) -> Any:
    """What the caseworker is told when the lifecycle step refused."""
    if isinstance(error, lifecycle.NotAssigned):
        return _l("Tag sagen først. Kun den, der har sagen, kan gøre det.")
    if application.status is Status.WITHDRAWN:
        return WITHDRAWN[action]
    if isinstance(error, lifecycle.Changed):
        return _l(
            "Sagen er ændret, siden du åbnede siden, så intet er gemt. Den har nu status: "
            "%(status)s. Se under „Status undervejs“, hvad der er sket, før du prøver igen.",
            status=STATUS_TEXT[application.status][0],
        )
    return _l("Det kan ikke gøres, mens sagen har den status.")


# A post without the page's count of status changes (or with one that is no count): an
# outdated page or a hand-made post. Refused like a stale page, as nothing shows what it saw.
UNSEEN = _l(
    "Vi kan ikke se, om sagen er ændret, siden du åbnede siden, så intet er gemt. Åbn sagen "
    "igen, og prøv igen."
)


def act(
    application: Application, form: StatusActionForm, action: str, run: Any, saved: str
) -> ResponseReturnValue:
    """Validate, run the lifecycle step, mail the citizen, and show the case saying what was
    saved (portal.staff.cases.SAVED names the confirmations). `run` takes the application
    and the number of status changes the caseworker's page showed."""
    if not form.validate():
        return refuse(application, form)
    seen = form.seen_count()
    try:
        # No count: -1, which no case has, so the holder and the status are still checked
        # (and named) first, and what is left is refused as a page not seen.
        run(application, -1 if seen is None else seen)
    except lifecycle.ApplicationError as error:
        unseen = seen is None and isinstance(error, lifecycle.Changed)
        return refuse(
            application, form, UNSEEN if unseen else refused_because(application, action, error)
        )
    queue_status_mails(db.session(), application)
    audit(action, application.id)
    return redirect(url_for("staff.case", application_id=application.id, gemt=saved), 303)


@bp.post("/sag/<int:application_id>/oplysninger")
@access("staff")
@db.transactional
def request_information(application_id: int) -> ResponseReturnValue:
    form = RequestInformationForm()
    return act(own_application(application_id), form, "request_information", lambda a, seen: lifecycle.request_information(
        db.session(), cipher(), a, staff().id, form.message.data or "", seen), "besked")  # fmt: skip


@bp.post("/sag/<int:application_id>/afgoerelse")
@access("staff")
@db.transactional
def decide(application_id: int) -> ResponseReturnValue:
    application = own_application(application_id)
    form = decision_form(application)
    return act(application, form, "decide", lambda a, seen: lifecycle.decide(
        db.session(), cipher(), a, staff().id,
        form.decision(standards().get(a.municipality_code)), seen), "afgoerelse")  # fmt: skip


def decision_form(application: Application) -> DecisionForm:
    """The posted decision form, with what it checks against: when the application came, and
    what it asked for (a grant of less must be recorded as a partial grant)."""
    received = danish_date(application.received_at)
    asked = asked_for(cipher().decrypt(application.answers_enc))
    return DecisionForm(received_on=received, asked=asked)


@bp.post("/sag/<int:application_id>/genaabn")
@access("staff")
@db.transactional
def reopen(application_id: int) -> ResponseReturnValue:
    form = ReopenForm()
    return act(own_application(application_id), form, "reopen", lambda a, seen: lifecycle.reopen(
        db.session(), cipher(), a, staff().id, form.reason.data or "", seen), "genaabnet")  # fmt: skip


@bp.post("/sag/<int:application_id>/note")
@access("staff")
@db.transactional
def add_note(application_id: int) -> ResponseReturnValue:
    """Any caseworker of the municipality may note something; the citizen never sees it."""
    application = own_application(application_id)
    form = NoteForm()
    if not form.validate():
        return refuse(application, form)
    casework.add_note(
        db.session(), cipher(), application, staff().id, form.text.data or "", utcnow()
    )
    audit("note", application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/tag-naeste")
@access("staff")
@db.transactional
def claim_next() -> ResponseReturnValue:
    found = casework.claim_next(db.session(), staff().municipality_code, staff().id, utcnow())
    if found is None:
        return redirect(url_for("staff.queue", besked="ingen-ledige"), 303)
    application = own_application(found)
    lifecycle.start_work(db.session(), cipher(), application, staff().id)
    audit("claim", found)
    return redirect(url_for("staff.case", application_id=found), 303)
