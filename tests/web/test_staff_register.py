"""Phone, counter and letter applications typed in by a caseworker."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from portal.db.models import Application, Channel, StaffUser
from portal.web.db import database
from tests.web.journey import answer_until, submit
from tests.web.outbox import drain
from tests.web.staff import csrf_from, staff_client


def test_a_phone_application_goes_through_the_same_questions_in_the_third_person(
    app: Flask, tmp_path: Path
) -> None:
    app.config["MAIL_FOLDER"] = str(tmp_path)
    try:
        staff = staff_client(app, "575", "ida@vejen.dk")
        path = "/sagsbehandler/ny-ansoegning"
        response = staff.post(path, data={"channel": "phone", "csrf_token": csrf_from(staff, path)})
        assert response.headers["Location"] == "/ansoeg"
        assert staff.get("/ansoeg").headers["Location"] == "/ansoeg/fornavn"
        html = staff.get("/ansoeg/fornavn").get_data(as_text=True)
        assert "Hvad er personens fornavn?" in html
        location = answer_until(staff, **{"/ansoeg/kontakt": {
            "phone": "12345678", "email": "karen@example.dk", "preferred": "phone"}})  # fmt: skip
        assert location == "/ansoeg/tjek"
        check = staff.get("/ansoeg/tjek").get_data(as_text=True)
        assert "Hvem er du for personen?" not in check and "Ole Hansen" not in check
        submit(staff)
        assert "AS-" in staff.get("/kvittering").get_data(as_text=True)
    finally:
        drain(app)  # the worker sends what the request queued
        app.config.pop("MAIL_FOLDER")
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
        registrar = session.scalars(select(StaffUser.id)).one()
    assert application.channel is Channel.PHONE and application.registrar_id == registrar
    assert application.representative_token_digest is None
    [mail] = list(tmp_path.glob("*.eml"))
    body = mail.read_text()
    assert application.reference in body and "/status/" in body
    queue = staff.get("/sagsbehandler/").get_data(as_text=True)
    assert '<td data-label="Kanal" class="queue-short">Telefon</td>' in queue
    # The caseworker typed it in; no relative or guardian applied.
    assert (
        '<td data-label="Søger" class="queue-short">Selv '
        '<span class="queue-checked">Ikke kontrolleret</span></td>'
    ) in queue  # typed in by the caseworker: the CPR number is not checked against a login


def test_a_citizen_cannot_pose_as_a_registered_application(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/hvem": {"who": "other", "registration": "phone"}})
    submit(citizen)
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
    assert application.channel is Channel.WEB and application.registrar_id is None
