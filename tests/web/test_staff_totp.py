"""The staff second factor: enrolment where it is required, a code per login, no reuse."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal import totp
from portal.db.models import StaffUser, utcnow
from portal.web.db import database
from tests.web.staff import csrf_from, login, make_staff


@pytest.fixture
def required(app: Flask) -> Iterator[Flask]:
    app.config["STAFF_TOTP_REQUIRED"] = True
    yield app
    app.config["STAFF_TOTP_REQUIRED"] = False


def post_code(client: FlaskClient, path: str, code: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"code": code, "csrf_token": csrf_from(client, path)})


def enrol(app: Flask, client: FlaskClient) -> str:
    response = login(client, "ida@vejen.dk")
    assert response.headers["Location"].startswith("/sagsbehandler/login/opsaet")
    html = client.get("/sagsbehandler/login/opsaet").get_data(as_text=True)
    assert "<svg" in html
    secret = re.search(r'<code class="break-all">([A-Z2-7]+)</code>', html).group(1)  # type: ignore[union-attr]
    code = pyotp.TOTP(secret).now()
    assert post_code(client, "/sagsbehandler/login/opsaet", code).status_code == 303
    assert client.get("/sagsbehandler/").status_code == 200
    return secret


def test_where_required_a_first_login_enrols_and_then_needs_a_code(required: Flask) -> None:
    make_staff(required, "575", "ida@vejen.dk")
    secret = enrol(required, required.test_client())
    second = required.test_client()
    response = login(second, "ida@vejen.dk")
    assert response.headers["Location"].startswith("/sagsbehandler/login/kode")
    assert second.get("/sagsbehandler/").status_code == 303  # the password alone is not enough
    next_step = pyotp.TOTP(secret).timecode(utcnow()) + 1
    code = pyotp.TOTP(secret).generate_otp(next_step)
    assert post_code(second, "/sagsbehandler/login/kode", code).status_code == 303
    assert second.get("/sagsbehandler/").status_code == 200


def test_a_code_cannot_be_used_twice(required: Flask) -> None:
    make_staff(required, "575", "ida@vejen.dk")
    secret = enrol(required, required.test_client())
    with database(required).transaction() as session:
        last = session.scalars(select(StaffUser.totp_last_step)).one()
    replay = pyotp.TOTP(secret).generate_otp(last)
    client = required.test_client()
    login(client, "ida@vejen.dk")
    response = post_code(client, "/sagsbehandler/login/kode", replay)
    assert "Koden passer ikke, eller den er brugt." in response.get_data(as_text=True)
    assert client.get("/sagsbehandler/").status_code == 303


def test_five_wrong_codes_lock_the_account(required: Flask) -> None:
    make_staff(required, "575", "ida@vejen.dk")
    enrol(required, required.test_client())
    client = required.test_client()
    login(client, "ida@vejen.dk")
    for _ in range(5):
        post_code(client, "/sagsbehandler/login/kode", "000000")
    with database(required).transaction() as session:
        assert session.scalars(select(StaffUser.locked_until)).one() is not None


def test_without_a_password_first_the_code_page_sends_you_to_login(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/sagsbehandler/login/kode").headers["Location"] == "/sagsbehandler/login"
    assert client.get("/sagsbehandler/login/opsaet").headers["Location"] == "/sagsbehandler/login"


def test_production_requires_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.web.test_config import build, production

    assert build(monkeypatch, production()).config["STAFF_TOTP_REQUIRED"] is True


def test_codes_allow_one_step_of_clock_drift_and_no_more() -> None:
    secret = totp.new_secret()
    now = datetime(2026, 11, 25, 12, 0, 0)
    step = pyotp.TOTP(secret).timecode(now)
    for drift, expected in ((-2, None), (-1, step - 1), (0, step), (1, step + 1), (2, None)):
        code = pyotp.TOTP(secret).generate_otp(step + drift)
        assert totp.matching_step(secret, code, now) == expected
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None


def test_a_locked_account_cannot_finish_with_a_code(required: Flask) -> None:
    make_staff(required, "575", "ida@vejen.dk")
    secret = enrol(required, required.test_client())
    with database(required).transaction() as session:
        session.execute(update(StaffUser).values(locked_until=utcnow().replace(year=2099)))
    client = required.test_client()
    assert login(client, "ida@vejen.dk").status_code == 200  # refused at the password
    assert pyotp.TOTP(secret).now()
