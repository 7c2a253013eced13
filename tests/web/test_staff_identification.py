"""Staff see how the applicant was identified (issue 13, point 5): in the queue a word or two
under who applied, on the case page a line each for the applicant and the right to apply."""

from __future__ import annotations

from flask import Flask

from portal.db.models import Application
from portal.identity import DEFAULT_PRIVILEGE, Citizen, LevelOfAssurance
from portal.identity.applying import identify
from portal.own_applications import record_identification
from portal.web.db import database
from tests.web.staff import staff_client
from tests.web.test_decision_letter import pdf_text
from tests.web.test_staff_queue import apply, rows

KAREN_CPR = "0101901234"
RELATIVE = Citizen(cpr="0202804321", name="Jens Hansen", loa=LevelOfAssurance.SUBSTANTIAL,
                   may_act_for=(KAREN_CPR,))  # fmt: skip


def identified(app: Flask, application: Application, citizen: Citizen | None, other: bool) -> None:
    record = identify(citizen, other, KAREN_CPR, DEFAULT_PRIVILEGE)
    with database(app).transaction() as session:
        found = session.get(Application, application.id)
        assert found is not None
        record_identification(session, app.extensions["portal.cipher"], found, record)


def pages(app: Flask, application: Application) -> tuple[str, str]:
    client = staff_client(app, "575", "ida@vejen.dk")
    row = rows(client.get("/sagsbehandler/").get_data(as_text=True))[application.reference]
    case = client.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)
    return row, " ".join(case.split())


def test_a_typed_application_says_nothing_was_checked(app: Flask) -> None:
    row, case = pages(app, apply(app))
    assert "Selv Ikke kontrolleret" in row
    assert "Indtastet CPR-nummer, ikke kontrolleret" in case
    assert "Ret til at søge" not in case  # no one applied for her


def test_someone_else_without_fuldmagt_is_marked_not_verified(app: Flask) -> None:
    row, case = pages(app, apply(app, other=True))
    assert "Ikke kontrolleret" in row
    assert "Fuldmagt ikke kontrolleret" in case


def test_a_mitid_login_shows_its_level(app: Flask) -> None:
    karen = apply(app)
    citizen = Citizen(cpr=KAREN_CPR, name="Karen Hansen", loa=LevelOfAssurance.HIGH)
    identified(app, karen, citizen, other=False)
    row, case = pages(app, karen)
    assert "Selv MitID" in row
    assert "Identificeret med MitID (høj)" in case


def test_digital_fuldmagt_is_named_in_the_queue_and_the_case(app: Flask) -> None:
    karen = apply(app, other=True)
    identified(app, karen, RELATIVE, other=True)
    row, case = pages(app, karen)
    assert "Digital Fuldmagt" in row
    assert "Fuldmagt: Digital Fuldmagt" in case
    assert "CPR-nummeret kommer fra Digital Fuldmagt" in case


def test_a_relative_logged_in_without_fuldmagt_shows_the_authority_unchecked(app: Flask) -> None:
    karen = apply(app, other=True)
    stranger = Citizen(cpr="0303703333", name="Ole Olsen", loa=LevelOfAssurance.SUBSTANTIAL)
    identified(app, karen, stranger, other=True)
    row, case = pages(app, karen)
    assert "Fuldmagt ikke kontrolleret" in row
    assert "Indtastet CPR-nummer, ikke kontrolleret" in case
    assert "Fuldmagt ikke kontrolleret" in case


def test_the_case_file_pdf_names_the_identification(app: Flask) -> None:
    karen = apply(app, other=True)
    identified(app, karen, RELATIVE, other=True)
    client = staff_client(app, "575", "ida@vejen.dk")
    response = client.get(f"/sagsbehandler/sag/{karen.id}/sag.pdf")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.data).split())
    assert "CPR-nummeret kommer fra Digital Fuldmagt" in text
    assert "Fuldmagt: Digital Fuldmagt" in text
