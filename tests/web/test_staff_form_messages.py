"""Every message in a staff page's error summary names its field (issue 11, point 3): each
staff form is posted empty and with too much text, and each message in the summary must be
the expected one and say which field it is about. The decision form has its own tests in
test_decision_form.py; the hand-off's hidden message id is no field a person fills in."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db.models import StaffRole
from tests.web.staff import csrf_from, login, make_staff, staff_client
from tests.web.test_decision_form import decide_post, summary, taken_case

LONG_TEXT = "a" * 2001
# The word in each field's messages that names it, by the summary's link target.
NAMES = {
    "message": "beskeden",
    "reason": "sagen skal åbnes igen|grunden til at åbne sagen igen",
    "text": "noten",
    "query": "et nummer eller et cpr-nummer",
    "email": "din e-mail|medarbejderens e-mail",
    "password": "din adgangskode",
    "code": "koden fra din app",
    "role-0": "medarbejderens rolle",
    "cpr": "borgerens cpr-nummer",
    "channel-0": "hvordan ansøgningen kom",
}


def names_its_field(errors: dict[str, str]) -> None:
    for target, message in errors.items():
        assert any(name in message.lower() for name in NAMES[target].split("|")), (
            target,
            message,
        )


def post(client: FlaskClient, path: str, data: dict[str, Any], page: str | None = None) -> str:
    token = csrf_from(client, page or path)
    response = client.post(path, data={**data, "csrf_token": token})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


CASE_FORMS = {
    "oplysninger": (
        "message",
        "Skriv i beskeden, hvad borgeren skal sende eller svare på.",
        "Beskeden til borgeren må højst have 2000 tegn.",
    ),
    "genaabn": (
        "reason",
        "Skriv, hvorfor sagen skal åbnes igen.",
        "Grunden til at åbne sagen igen må højst have 2000 tegn.",
    ),
    "note": ("text", "Skriv noten.", "Noten må højst have 2000 tegn."),
}


@pytest.mark.parametrize("action", CASE_FORMS)
def test_the_case_forms_name_their_field_when_empty_too_long_or_odd(
    app: Flask, action: str
) -> None:
    staff, application_id = taken_case(app)
    field, empty, too_long = CASE_FORMS[action]
    for data, message in [({}, empty), ({field: LONG_TEXT}, too_long)]:
        response = decide_post(staff, application_id, action, data)
        assert response.status_code == 200
        errors = summary(response.get_data(as_text=True))
        assert errors == {field: message}
        names_its_field(errors)
    odd = summary(decide_post(staff, application_id, action, {field: "a\x00b"}).get_data(True))
    assert list(odd) == [field] and "tegn, vi ikke kan bruge" in odd[field]
    names_its_field(odd)


def test_the_search_names_its_field(app: Flask) -> None:
    staff = staff_client(app, "575", "soeg@vejen.dk")
    for data, message in [
        ({}, "Skriv et nummer eller et CPR-nummer, du vil søge på."),
        ({"query": "1" * 21}, "Søg med højst 20 tegn: et nummer eller et CPR-nummer."),
    ]:
        errors = summary(post(staff, "/sagsbehandler/soeg", data, "/sagsbehandler/"))
        assert errors == {"query": message}
        names_its_field(errors)


def test_the_login_names_its_fields(app: Flask) -> None:
    client = app.test_client()
    path = "/sagsbehandler/login"
    errors = summary(post(client, path, {}))
    assert errors == {"email": "Skriv din e-mail.", "password": "Skriv din adgangskode."}
    names_its_field(errors)
    too_long = summary(post(client, path, {"email": "a" * 250 + "@x.dk", "password": "p" * 201}))
    assert too_long == {
        "email": "Din e-mail må højst have 254 tegn.",
        "password": "Din adgangskode må højst have 200 tegn.",
    }
    names_its_field(too_long)
    odd = summary(post(client, path, {"email": "a\x00@x.dk", "password": "p"}))
    assert odd == {"email": "Din e-mail har tegn, vi ikke kan bruge."}


def test_the_second_factor_names_its_field(app: Flask) -> None:
    make_staff(app, "575", "kode@vejen.dk")
    app.config["STAFF_TOTP_REQUIRED"] = True
    try:
        client = app.test_client()
        assert login(client, "kode@vejen.dk").status_code == 303
        path = "/sagsbehandler/login/opsaet"
        for data, message in [
            ({}, "Skriv koden fra din app."),
            ({"code": "1" * 11}, "Koden fra din app må højst have 10 tegn."),
        ]:
            errors = summary(post(client, path, data))
            assert errors == {"code": message}
            names_its_field(errors)
    finally:
        app.config["STAFF_TOTP_REQUIRED"] = False


def test_the_admin_forms_and_the_phone_registration_name_their_fields(app: Flask) -> None:
    admin = staff_client(app, "575", "admin@vejen.dk", StaffRole.ADMIN)
    staff_path = "/sagsbehandler/admin/medarbejdere"
    empty = summary(post(admin, staff_path, {}))
    assert empty == {
        "email": "Skriv medarbejderens e-mail.",
        "role-0": "Vælg medarbejderens rolle.",
    }
    long_address = "a" * 250 + "@vejen.dk"
    too_long = summary(post(admin, staff_path, {"email": long_address, "role": "caseworker"}))
    assert "Medarbejderens e-mail må højst have 254 tegn." in too_long.values()
    wrong = summary(post(admin, staff_path, {"email": "ikke-en-adresse", "role": "caseworker"}))
    assert wrong == {"email": "Skriv medarbejderens e-mail sådan her: navn@eksempel.dk."}
    access_path = "/sagsbehandler/admin/indsigt"
    no_cpr = summary(post(admin, access_path, {}))
    assert no_cpr == {"cpr": "Skriv borgerens CPR-nummer."}
    long_cpr = summary(post(admin, access_path, {"cpr": "1" * 30}))
    assert long_cpr == {"cpr": "Skriv borgerens CPR-nummer med 10 tal, fx 010190-1234."}
    no_channel = summary(post(admin, "/sagsbehandler/ny-ansoegning", {}))
    assert no_channel == {"channel-0": "Vælg, hvordan ansøgningen kom til kommunen."}
    for errors in (empty, too_long, wrong, no_cpr, long_cpr, no_channel):
        names_its_field(errors)
