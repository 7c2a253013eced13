"""How the applicant was identified, in the event document (schema 1.1.0) and the case
file's PDF: typed for applications made without login (and before it existed), MitID with its
level, Digital Fuldmagt with its privilege, and whether a representative's authority was
verified (issue 13, point 5)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator

from portal.db.models import Application
from portal.identity import DEFAULT_PRIVILEGE, Citizen, LevelOfAssurance
from portal.identity.applying import identify
from portal.own_applications import record_identification
from portal.web import db
from portal.web.services import cipher
from tests.handoff.document_fixtures import (
    Made,
    build,
    phone_registration,
    relative_with_power_of_attorney,
    self_on_web,
)
from tests.handoff.test_application_pdf import render, text_of
from tests.handoff.test_document import FORMATS, TYPED, schema

KAREN = "0101901234"  # the applicant of the fixtures' journeys (010190-1234)
OLE = "2306751231"


def valid(doc: dict[str, Any]) -> dict[str, Any]:
    errors = list(Draft202012Validator(schema(), format_checker=FORMATS).iter_errors(doc))
    assert errors == []
    return doc["parties"]  # type: ignore[no-any-return]


def recorded(app: Flask, made: Made, citizen: Citizen | None, other: bool) -> None:
    """What the submit records for this login (the lead wires it into the submit)."""
    with app.app_context(), db.database().transaction() as session:
        application = session.get(Application, made.application_id)
        assert application is not None
        record = identify(citizen, other, KAREN, DEFAULT_PRIVILEGE)
        record_identification(session, cipher(), application, record)


@pytest.mark.parametrize("journey", [self_on_web, relative_with_power_of_attorney,
                                     phone_registration])  # fmt: skip
def test_an_application_without_login_is_typed_and_its_authority_not_verified(
    app: Flask, journey: Any
) -> None:
    made = journey(app)
    parties = valid(build(app, made))
    assert parties["applicant"]["identification"] == TYPED
    assert parties["submitter"]["identification"] == TYPED
    if parties["representation"] is not None:
        assert parties["representation"]["authority_verified"] is False
    with app.app_context():
        application = db.session().get(Application, made.application_id)
        assert application is not None and application.identified_by is None
        assert application.submitter_index is None


def test_a_login_for_oneself_is_mitid_with_its_level(app: Flask) -> None:
    made = self_on_web(app)
    recorded(app, made, Citizen(KAREN, "Karen Hansen", LevelOfAssurance.HIGH), other=False)
    parties = valid(build(app, made))
    mitid = {"method": "mitid", "level": "high", "digital_fuldmagt_privilege": None}
    assert parties["applicant"]["identification"] == mitid
    assert parties["submitter"]["identification"] == mitid
    assert parties["representation"] is None
    pdf, _reference = render(app, made)
    assert "Identifikation Identificeret med MitID (høj)" in text_of(pdf)


def test_a_relative_with_digital_fuldmagt_is_verified_with_the_privilege(app: Flask) -> None:
    made = relative_with_power_of_attorney(app)
    ole = Citizen(OLE, "Ole Hansen", LevelOfAssurance.SUBSTANTIAL, (KAREN,))
    recorded(app, made, ole, other=True)
    parties = valid(build(app, made))
    assert parties["applicant"]["identification"] == {
        "method": "mitid-digital-fuldmagt", "level": "substantial",
        "digital_fuldmagt_privilege": DEFAULT_PRIVILEGE,
    }  # fmt: skip
    assert parties["submitter"]["identification"]["method"] == "mitid"
    assert parties["representation"]["authority_verified"] is True
    text = text_of(render(app, made)[0])
    assert "Ret til at søge Fuldmagt: Digital Fuldmagt" in text
    assert "loggede ind med MitID (betydelig)" in text
    # The CPR number stays in its one place in the document.
    assert str(build(app, made)).count(KAREN) == 1


def test_a_logged_in_helper_without_fuldmagt_is_not_verified(app: Flask) -> None:
    made = relative_with_power_of_attorney(app)
    helper = Citizen(OLE, "Ole Hansen", LevelOfAssurance.SUBSTANTIAL, ())
    recorded(app, made, helper, other=True)
    parties = valid(build(app, made))
    assert parties["applicant"]["identification"] == TYPED
    assert parties["submitter"]["identification"] == {
        "method": "mitid", "level": "substantial", "digital_fuldmagt_privilege": None,
    }  # fmt: skip
    assert parties["representation"]["authority_verified"] is False
    text = text_of(render(app, made)[0])
    assert "Identifikation Indtastet CPR-nummer, ikke kontrolleret" in text
    assert "Ret til at søge Fuldmagt ikke kontrolleret" in text
    with app.app_context():
        application = db.session().get(Application, made.application_id)
        assert application is not None
        assert application.submitter_index == cipher().index(OLE)
        assert OLE not in str(application.submitter_index)


def test_the_pdf_of_an_application_without_login_says_typed_and_not_verified(
    app: Flask,
) -> None:
    text = text_of(render(app, relative_with_power_of_attorney(app))[0])
    assert "Identifikation Indtastet CPR-nummer, ikke kontrolleret" in text
    assert "Ikke logget ind med MitID, ikke kontrolleret" in text
    assert "Fuldmagt ikke kontrolleret" in text
