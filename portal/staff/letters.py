"""The decision letter on the case: the caseworker previews or downloads the PDF the citizen
gets, and reads the letter a decision would send before saving it. Like every export it is
audited; another municipality's case answers 404. A case reopened and decided again keeps its
earlier letters for the record: ?nr=1 is the first."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from portal.db.models import Application
from portal.lifecycle import Decision
from portal.staff.actions import decision_form, refuse
from portal.staff.auth import audit, bp
from portal.staff.case_forms import DecisionForm
from portal.staff.cases import own_application, row_id
from portal.web.access import access
from portal.web.decision_letter import (
    earlier_decision,
    letter_context,
    letter_decision,
    letter_response,
)
from portal.web.services import standards


def asked_decision(application: Application) -> Decision:
    """The latest decision, or with ?nr= the one of that number (1 is the first)."""
    raw = request.args.get("nr")
    if raw is None:
        return letter_decision(application)
    return earlier_decision(application, row_id(raw) or 0)


def which_letter() -> str | None:
    """The audit row's detail: the number of an earlier letter read; None for the latest."""
    raw = request.args.get("nr")
    return None if raw is None else f"nr:{row_id(raw) or 0}"


@bp.get("/sag/<int:application_id>/afgoerelse.pdf")
@access("staff")
def decision_letter(application_id: int) -> Response:
    application = own_application(application_id)
    decision = asked_decision(application)
    audit("decision_letter", application.id, detail=which_letter())
    return letter_response(application, decision)


@bp.get("/sag/<int:application_id>/afgoerelse")
@access("staff")
def decision_letter_preview(application_id: int) -> str:
    """The same letter as a page: read on screen (and by a screen reader) before printing."""
    application = own_application(application_id)
    decision = asked_decision(application)
    audit("decision_letter_preview", application.id, detail=which_letter())
    return render_template(
        "staff/decision_letter_preview.html",
        **letter_context(application, decision),
        action_form=FlaskForm(),  # the header's log-out form takes its CSRF token from it
    )


@bp.post("/sag/<int:application_id>/afgoerelse/udkast")
@access("staff")
def decision_draft(application_id: int) -> ResponseReturnValue:
    """The letter a decision form would send, before it is saved: a typo found here needs no
    reopening. Nothing is stored; the page carries the typed values on to "Gem afgørelsen",
    or back into the form ("Ret afgørelsen"). A form with errors shows the case as a save
    would, so what is wrong is said once, in one place."""
    application = own_application(application_id)
    form = decision_form(application)
    if not form.validate() or request.form.get("ret"):
        return refuse(application, form)
    decision = form.decision(standards().get(application.municipality_code))
    audit("decision_draft", application.id)
    return render_template(
        "staff/decision_draft.html",
        **letter_context(application, decision),
        action_form=form,
        carried=carried_values(form),
    )


def carried_values(form: DecisionForm) -> list[tuple[str, str]]:
    """The posted values of the decision form's own fields (a date is its three boxes) and
    the page's count of status changes, as sent, to post again from the draft page."""
    names = {"seen"}
    for field in form:
        if field.name == "csrf_token":
            continue
        names |= {field.name, *(f"{field.name}-{part}" for part in ("day", "month", "year"))}
    return [(k, v) for k, v in request.form.items(multi=True) if k in names]
