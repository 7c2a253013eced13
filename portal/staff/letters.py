"""The decision letter on the case: the caseworker previews or downloads the PDF the citizen
gets. Like every export it is audited; another municipality's case answers 404."""

from __future__ import annotations

from flask import Response, render_template
from flask_wtf import FlaskForm

from portal.staff.auth import audit, bp
from portal.staff.cases import own_application
from portal.web.access import access
from portal.web.decision_letter import current_decision, letter_context, letter_response


@bp.get("/sag/<int:application_id>/afgoerelse.pdf")
@access("staff")
def decision_letter(application_id: int) -> Response:
    application = own_application(application_id)
    decision = current_decision(application)
    audit("decision_letter", application.id)
    return letter_response(application, decision)


@bp.get("/sag/<int:application_id>/afgoerelse")
@access("staff")
def decision_letter_preview(application_id: int) -> str:
    """The same letter as a page: read on screen (and by a screen reader) before printing."""
    application = own_application(application_id)
    decision = current_decision(application)
    audit("decision_letter_preview", application.id)
    return render_template(
        "staff/decision_letter_preview.html",
        **letter_context(application, decision),
        action_form=FlaskForm(),  # the header's log-out form takes its CSRF token from it
    )
