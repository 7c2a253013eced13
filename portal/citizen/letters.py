"""The decision letter for the citizen: a PDF from the status page, opened with the same
private status link (the applicant's or the representative's); 404 before a decision."""

from __future__ import annotations

from typing import Any

from flask import Response

from portal import decisions
from portal.citizen.followup import application_for
from portal.citizen.routes import bp
from portal.lifecycle import Decision
from portal.web.access import access
from portal.web.decision_letter import letter_decision, letter_response


@bp.get("/status/<token>/afgoerelse.pdf")
@access("public")
def decision_letter(token: str) -> Response:
    application, _by_representative = application_for(token)
    return letter_response(application, letter_decision(application))


def read_decision(stored: dict[str, Any], standard: Any = None) -> Decision:
    """A decision from a status event, old or new, with its complaint guidance, for the
    status page."""
    return decisions.with_complaint(Decision.from_stored(stored), standard)


@bp.record_once
def _register(state: Any) -> None:
    state.app.jinja_env.globals["read_decision"] = read_decision
