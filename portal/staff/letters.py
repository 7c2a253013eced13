"""The decision letter on the case: the caseworker previews or downloads the PDF the citizen
gets. Like every export it is audited; another municipality's case answers 404."""

from __future__ import annotations

from flask import Response

from portal.staff.auth import audit, bp
from portal.staff.cases import own_application
from portal.web.access import access
from portal.web.decision_letter import current_decision, letter_response


@bp.get("/sag/<int:application_id>/afgoerelse.pdf")
@access("staff")
def decision_letter(application_id: int) -> Response:
    application = own_application(application_id)
    decision = current_decision(application)
    audit("decision_letter", application.id)
    return letter_response(application, decision)
