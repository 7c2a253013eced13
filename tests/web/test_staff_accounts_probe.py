"""The probe's findings on staff accounts: a deactivated caseworker's cases are never stuck, a
lost phone can be recovered, an admin-issued password is changed at first login, and a decision
posted after the session ended explains itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal import casework, passwords, staff_auth
from portal.db.models import Application, AuditEvent, StaffRole, StaffUser, Status, utcnow
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import answer_until, submit
from tests.web.staff import (
    PASSWORD,
    case_fields,
    claim_race,
    csrf_from,
    login,
    make_staff,
    staff_client,
)

ADMIN = "/sagsbehandler/admin/medarbejdere"
GRANT = {**DECIDED_TODAY, "outcome": "granted", "offer": "Kærhøj", "days": "3",
         "day_length": "full", "transport": "yes"}  # fmt: skip


def submitted(app: Flask, municipality: str = "575") -> int:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/kommune": {"municipality": municipality}})
    submit(citizen)
    with database(app).transaction() as session:
        return session.scalars(select(Application.id).order_by(Application.id.desc())).first()  # type: ignore[return-value]


def post_case(staff: FlaskClient, application_id: int, action: str, **data: str):  # type: ignore[no-untyped-def]
    path = f"/sagsbehandler/sag/{application_id}"
    return staff.post(f"{path}/{action}", data={**data, **case_fields(staff, path)})


def staff_id(app: Flask, email: str) -> int:
    with database(app).transaction() as session:
        return session.scalars(select(StaffUser.id).where(StaffUser.email == email)).one()


def holder_of(app: Flask, application_id: int) -> int | None:
    with database(app).transaction() as session:
        return session.scalar(
            select(Application.assigned_to_id).where(Application.id == application_id)
        )


# 1. A deactivated caseworker's cases -------------------------------------------------------


def test_deactivating_a_caseworker_puts_their_open_cases_back_in_the_queue(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    ida = staff_client(app, "575", "ida@vejen.dk")
    first, second, decided = submitted(app), submitted(app), submitted(app)
    for application_id in (first, second, decided):
        assert post_case(ida, application_id, "tag").status_code == 303
    assert post_case(ida, decided, "afgoerelse", **GRANT).status_code == 303
    ida_id = staff_id(app, "ida@vejen.dk")
    page = admin.get(ADMIN).get_data(as_text=True)
    ida_row = page.split(">ida@vejen.dk</th>")[1].split("</tr>")[0]
    assert 'data-label="Åbne sager" class="stack-short">2</td>' in ida_row  # before deactivating

    response = admin.post(
        f"{ADMIN}/{ida_id}/deaktiver", data={"csrf_token": csrf_from(admin, ADMIN)}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 åbne sager er tilbage i indbakken" in text
    assert holder_of(app, first) is None and holder_of(app, second) is None
    assert holder_of(app, decided) == ida_id  # who decided it stays on the decided case
    with database(app).transaction() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "release_deactivated")
        ).all()
        assert sorted(r.application_id for r in rows) == [first, second]
        assert {r.detail for r in rows} == {"ida@vejen.dk"}

    bo = staff_client(app, "575", "bo@vejen.dk")
    assert "Tag sagen" in bo.get(f"/sagsbehandler/sag/{first}").get_data(as_text=True)
    assert post_case(bo, first, "tag").status_code == 303
    assert post_case(bo, first, "afgoerelse", **GRANT).status_code == 303


def deactivated_holder(app: Flask, application_id: int) -> None:
    """A case held by an account deactivated before deactivation released cases."""
    ida = staff_client(app, "575", "ida@vejen.dk")
    assert post_case(ida, application_id, "tag").status_code == 303
    with database(app).transaction() as session:
        session.execute(
            update(StaffUser).where(StaffUser.email == "ida@vejen.dk").values(is_active=False)
        )


def test_a_case_held_by_an_account_deactivated_earlier_can_be_taken(app: Flask) -> None:
    application_id = submitted(app)
    deactivated_holder(app, application_id)
    bo = staff_client(app, "575", "bo@vejen.dk")
    page = bo.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    assert "Tag sagen" in page and "ida@vejen.dk" not in page.split("Kanal")[0]
    # The inbox does not name her as its holder either.
    assert "ida@vejen.dk" not in bo.get("/sagsbehandler/?status=alle").get_data(as_text=True)
    assert post_case(bo, application_id, "tag").status_code == 303
    assert holder_of(app, application_id) == staff_id(app, "bo@vejen.dk")
    assert post_case(bo, application_id, "afgoerelse", **GRANT).status_code == 303
    with database(app).transaction() as session:
        assert session.get(Application, application_id).status is Status.GRANTED  # type: ignore[union-attr]


def test_an_active_holder_still_keeps_the_case(app: Flask) -> None:
    application_id = submitted(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    assert post_case(ida, application_id, "tag").status_code == 303
    bo = staff_client(app, "575", "bo@vejen.dk")
    assert post_case(bo, application_id, "tag").status_code == 409
    assert holder_of(app, application_id) == staff_id(app, "ida@vejen.dk")


def test_ten_simultaneous_claims_of_a_deactivated_holders_case_have_one_winner(
    app: Flask,
) -> None:
    application_id = submitted(app)
    deactivated_holder(app, application_id)
    winners = claim_race(app, "575", application_id)
    assert len(winners) == 1
    assert holder_of(app, application_id) == winners[0]


def test_the_next_free_case_includes_one_held_by_a_deactivated_account(app: Flask) -> None:
    application_id = submitted(app)
    gone = make_staff(app, "575", "gone@vejen.dk")
    with database(app).transaction() as session:
        session.execute(
            update(Application).where(Application.id == application_id).values(assigned_to_id=gone)
        )
        session.execute(update(StaffUser).values(is_active=False))
    bo = make_staff(app, "575", "bo@vejen.dk")
    with database(app).transaction() as session:
        assert casework.claim_next(session, "575", bo, utcnow()) == application_id


def test_deactivation_releases_nothing_in_another_municipality(app: Flask) -> None:
    elsewhere = submitted(app, "265")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    other = staff_client(app, "265", "anna@roskilde.dk")
    assert post_case(other, elsewhere, "tag").status_code == 303
    anna = staff_id(app, "anna@roskilde.dk")
    response = admin.post(f"{ADMIN}/{anna}/deaktiver", data={"csrf_token": csrf_from(admin, ADMIN)})
    assert response.status_code == 404
    assert holder_of(app, elsewhere) == anna


# 2. A lost phone -----------------------------------------------------------------------------


@pytest.fixture
def required(app: Flask) -> Iterator[Flask]:
    app.config["STAFF_TOTP_REQUIRED"] = True
    yield app
    app.config["STAFF_TOTP_REQUIRED"] = False


def enrolled(app: Flask, email: str) -> FlaskClient:
    """A caseworker logged in with a second factor set up."""
    client = app.test_client()
    assert login(client, email).headers["Location"].startswith("/sagsbehandler/login/opsaet")
    html = client.get("/sagsbehandler/login/opsaet").get_data(as_text=True)
    secret = re.search(r'<code class="break-all">([A-Z2-7]+)</code>', html).group(1)  # type: ignore[union-attr]
    path = "/sagsbehandler/login/opsaet"
    code = pyotp.TOTP(secret).now()
    client.post(path, data={"code": code, "csrf_token": csrf_from(client, path)})
    assert client.get("/sagsbehandler/").status_code == 200
    return client


def test_an_admin_resets_a_lost_authenticator_and_the_next_login_enrols_again(
    required: Flask,
) -> None:
    make_staff(required, "575", "chef@vejen.dk", StaffRole.ADMIN)
    admin = enrolled(required, "chef@vejen.dk")
    make_staff(required, "575", "ida@vejen.dk")
    ida = enrolled(required, "ida@vejen.dk")
    ida_id = staff_id(required, "ida@vejen.dk")
    assert "Nulstil godkendelses-app" in admin.get(ADMIN).get_data(as_text=True)

    response = admin.post(
        f"{ADMIN}/{ida_id}/nulstil-app", data={"csrf_token": csrf_from(admin, ADMIN)}
    )
    assert response.status_code == 200
    assert "skal medarbejderen sætte godkendelses-appen op igen" in response.get_data(as_text=True)
    assert ida.get("/sagsbehandler/").status_code == 303  # logged out everywhere
    with database(required).transaction() as session:
        user = session.get(StaffUser, ida_id)
        assert user is not None and user.totp_secret_enc is None
        row = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff_reset_authenticator")
        ).one()
        assert row.detail == "ida@vejen.dk" and row.municipality_code == "575"
    enrolled(required, "ida@vejen.dk")  # a new phone, a new QR code


def test_an_admin_cannot_reset_another_municipalitys_authenticator(required: Flask) -> None:
    make_staff(required, "575", "chef@vejen.dk", StaffRole.ADMIN)
    admin = enrolled(required, "chef@vejen.dk")
    make_staff(required, "265", "anna@roskilde.dk")
    enrolled(required, "anna@roskilde.dk")
    anna = staff_id(required, "anna@roskilde.dk")
    response = admin.post(
        f"{ADMIN}/{anna}/nulstil-app", data={"csrf_token": csrf_from(admin, ADMIN)}
    )
    assert response.status_code == 404
    no_csrf = admin.post(f"{ADMIN}/{anna}/nulstil-app")
    assert no_csrf.status_code == 400
    with database(required).transaction() as session:
        assert session.get(StaffUser, anna).totp_secret_enc is not None  # type: ignore[union-attr]


# 3. A form sent after the session ended ------------------------------------------------------


def log_in_at(client: FlaskClient, address: str, email: str):  # type: ignore[no-untyped-def]
    return client.post(address, data={"email": email, "password": PASSWORD,
                                      "csrf_token": csrf_from(client, address)})  # fmt: skip


def test_a_decision_sent_after_logout_says_it_was_not_saved_and_leads_back_to_the_case(
    app: Flask,
) -> None:
    application_id = submitted(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    assert post_case(ida, application_id, "tag").status_code == 303
    case = f"/sagsbehandler/sag/{application_id}"
    token = csrf_from(ida, case)
    elsewhere = app.test_client()
    login(elsewhere, "ida@vejen.dk")
    elsewhere.post(
        "/sagsbehandler/logout-alle-steder",
        data={"csrf_token": csrf_from(elsewhere, "/sagsbehandler/")},
    )

    sent = {**GRANT, "reasons": "Personlige grunde", "csrf_token": token}
    response = ida.post(f"{case}/afgoerelse", data=sent)
    assert response.status_code == 303
    address = response.headers["Location"]
    assert "Personlige" not in address and "granted" not in address, address
    page = ida.get(address).get_data(as_text=True)
    assert "Det, du skrev, er ikke gemt." in page
    assert "Personlige grunde" not in page

    after = log_in_at(ida, address, "ida@vejen.dk")
    assert after.status_code == 303 and after.headers["Location"] == case, address
    assert ida.get(case).status_code == 200


def test_a_login_link_to_a_post_only_address_opens_the_page_the_form_was_on(app: Flask) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    for asked, lands in [
        ("/sagsbehandler/sag/3/tag", "/sagsbehandler/sag/3"),
        ("/sagsbehandler/tag-naeste", "/sagsbehandler/"),
        ("/sagsbehandler/?status=received", "/sagsbehandler/?status=received"),
        ("/sagsbehandler/sag/3", "/sagsbehandler/sag/3"),
    ]:
        client = app.test_client()
        response = log_in_at(client, f"/sagsbehandler/login?next={quote(asked)}", "ida@vejen.dk")
        assert response.headers["Location"] == lands, asked
        assert "Du var logget ud" not in client.get(
            f"/sagsbehandler/login?next={quote(asked)}"
        ).get_data(as_text=True)


# 2b. An admin-made password is changed at the first login ------------------------------------

CHANGE = "/sagsbehandler/adgangskode"
LOGIN = "/sagsbehandler/login"
OWN = "min egen lange adgangskode"


def shown_password(html: str) -> str:
    found = re.search(r'<strong class="break-all">([^<]+)</strong>', html)
    assert found, "no password shown"
    return found.group(1)


def change(client: FlaskClient, current: str, new: str, repeat: str | None = None, at: str = LOGIN):  # type: ignore[no-untyped-def]
    """The new-password form: at the login's address for a first login, else at CHANGE."""
    data = {"current": current, "new": new, "repeat": new if repeat is None else repeat}
    return client.post(at, data={**data, "csrf_token": csrf_from(client, at)})


def test_a_password_an_admin_made_must_be_changed_at_the_first_login(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    made = admin.post(ADMIN, data={"email": "ny@vejen.dk", "role": "caseworker",
                                   "csrf_token": csrf_from(admin, ADMIN)})  # fmt: skip
    issued = shown_password(made.get_data(as_text=True))
    client = app.test_client()
    response = login(client, "ny@vejen.dk", issued)
    assert response.headers["Location"].startswith(LOGIN)
    assert client.get("/sagsbehandler/").status_code == 303  # no page before a new password
    assert client.get(CHANGE).status_code == 303
    assert "Vælg din egen adgangskode" in client.get(LOGIN).get_data(as_text=True)

    errors = {
        "Adgangskoden passer ikke.": change(client, "forkert adgangskode", OWN),
        "mindst 12 tegn": change(client, issued, "kort"),
        "for almindelig": change(client, issued, "password1234"),
        "en anden adgangskode end den, du har nu": change(client, issued, issued),
        "samme nye adgangskode i begge felter": change(client, issued, OWN, OWN + "x"),
    }
    for message, answer in errors.items():
        assert answer.status_code == 200 and message in answer.get_data(as_text=True), message
        assert issued not in answer.get_data(as_text=True)  # never shown back
    with database(app).transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == "ny@vejen.dk")).one()
        assert user.failed_logins == 1  # the wrong current password counts

    done = change(client, issued, OWN)
    assert done.status_code == 303 and done.headers["Location"] == "/sagsbehandler/#bekraeftelse"
    assert client.get("/sagsbehandler/").status_code == 200
    assert login(app.test_client(), "ny@vejen.dk", issued).status_code == 200  # refused
    assert login(app.test_client(), "ny@vejen.dk", OWN).headers["Location"] == "/sagsbehandler/"
    new_id = staff_id(app, "ny@vejen.dk")
    with database(app).transaction() as session:
        row = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff_change_password")
        ).one()
        assert row.staff_id == new_id


def test_a_reset_password_must_be_changed_too(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    ida = make_staff(app, "575", "ida@vejen.dk")
    reset = admin.post(f"{ADMIN}/{ida}/nulstil", data={"csrf_token": csrf_from(admin, ADMIN)})
    issued = shown_password(reset.get_data(as_text=True))
    client = app.test_client()
    assert login(client, "ida@vejen.dk", issued).headers["Location"].startswith(LOGIN)
    assert change(client, issued, OWN).headers["Location"] == "/sagsbehandler/#bekraeftelse"


def test_the_new_password_page_comes_only_after_the_second_factor(required: Flask) -> None:
    make_staff(required, "575", "chef@vejen.dk", StaffRole.ADMIN)
    admin = enrolled(required, "chef@vejen.dk")
    made = admin.post(ADMIN, data={"email": "ny@vejen.dk", "role": "caseworker",
                                   "csrf_token": csrf_from(admin, ADMIN)})  # fmt: skip
    issued = shown_password(made.get_data(as_text=True))
    client = required.test_client()
    assert (
        login(client, "ny@vejen.dk", issued)
        .headers["Location"]
        .startswith("/sagsbehandler/login/opsaet")
    )
    assert "Vælg din egen adgangskode" not in client.get(LOGIN).get_data(as_text=True)
    assert client.get(CHANGE).headers["Location"].startswith(LOGIN)
    token = csrf_from(client, LOGIN)
    sent = {"current": issued, "new": OWN, "repeat": OWN, "csrf_token": token}
    assert client.post(CHANGE, data=sent).headers["Location"].startswith(LOGIN)
    client.post(LOGIN, data=sent)  # the login form, not the new-password one
    with database(required).transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == "ny@vejen.dk")).one()
        assert user.must_change_password


def test_a_logged_in_caseworker_changes_their_own_password(app: Flask) -> None:
    ida = staff_client(app, "575", "ida@vejen.dk")
    answer = change(ida, PASSWORD, OWN, at=CHANGE)
    assert answer.status_code == 200 and "Din adgangskode er skiftet" in answer.get_data(
        as_text=True
    )
    assert login(app.test_client(), "ida@vejen.dk", OWN).status_code == 303
    assert login(app.test_client(), "ida@vejen.dk", PASSWORD).status_code == 200


def test_a_new_hash_keeps_the_mark_of_a_password_an_admin_made(app: Flask) -> None:
    """A login that rehashes an admin-made password under today's parameters leaves it to be
    changed: the mark is the account's, not the hash's."""
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with database(app).transaction() as session:
        session.add(StaffUser(email="ny@vejen.dk", municipality_code="575",
                              role=StaffRole.CASEWORKER, password_hash=old,
                              must_change_password=True))  # fmt: skip
    with database(app).transaction() as session:
        user = staff_auth.authenticate(session, "ny@vejen.dk", PASSWORD, "adresse", utcnow())
        assert user.password_hash != old and passwords.verify(user.password_hash, PASSWORD)
        assert user.must_change_password
