"""A phone, counter or letter application typed in by a caseworker is the citizen's own: the
probe of 2026-12-06 found it stored as "Hvem søger du for? En anden person" with "Ret til at
søge: Fuldmagt ikke kontrolleret", and the registering caseworker nowhere on the case, though
the registration page promises the case "med kanal og dit navn".

register.py stores who=other, because that is what makes the questions speak of the citizen
in the third person (portal.web.questions.voice, portal.journey); the readers of the stored
application tell a registration from a relative's application by its registrar
(portal.own_applications.identification_of, portal.citizen.submit.submission,
portal.staff.cases.case_context with templates/staff/case.html).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application
from portal.web.db import database
from tests.web.journey import answer_until, submit
from tests.web.staff import csrf_from, staff_client

REGISTER = "/sagsbehandler/ny-ansoegning"


def registered(app: Flask, channel: str = "phone") -> tuple[FlaskClient, int]:
    staff = staff_client(app, "575", "ida@vejen.dk")
    staff.post(REGISTER, data={"channel": channel, "csrf_token": csrf_from(staff, REGISTER)})
    assert answer_until(staff) == "/ansoeg/tjek"
    submit(staff)
    with database(app).transaction() as session:
        return staff, session.scalars(select(Application.id)).one()


def test_the_case_of_a_phone_application_names_no_one_else_and_no_authority(app: Flask) -> None:
    staff, application_id = registered(app)
    html = staff.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    assert "Telefon" in html
    assert "En anden person" not in html
    assert "Ret til at søge" not in html and "Fuldmagt ikke kontrolleret" not in html


def test_the_case_of_a_counter_application_names_the_caseworker_who_typed_it_in(
    app: Flask,
) -> None:
    staff, application_id = registered(app, "counter")
    html = staff.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    assert "Personligt fremmøde" in html
    assert "Registreret af" in html and "ida@vejen.dk" in html
