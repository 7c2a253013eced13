"""Staff accounts and logins for the web tests."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from portal import casework, passwords
from portal.db.models import StaffRole, StaffUser, utcnow
from portal.web.db import database

PASSWORD = "en lang og sikker adgangskode"


def make_staff(
    app: Flask, municipality: str, email: str, role: StaffRole = StaffRole.CASEWORKER
) -> int:
    with database(app).transaction() as session:
        user = StaffUser(
            email=email, municipality_code=municipality, role=role,
            password_hash=passwords.hash_password(PASSWORD),
        )  # fmt: skip
        session.add(user)
        session.flush()
        return user.id


def login(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    html = client.get("/sagsbehandler/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    return client.post(
        "/sagsbehandler/login", data={"email": email, "password": password, "csrf_token": token}
    )


def staff_client(
    app: Flask, municipality: str, email: str, role: StaffRole = StaffRole.CASEWORKER
) -> FlaskClient:
    make_staff(app, municipality, email, role)
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def csrf_from(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def case_fields(client: FlaskClient, path: str) -> dict[str, str]:
    """What a browser sends with a case page's form besides what is typed: the CSRF token and
    (when the page has forms that change the status) the page's count of status changes."""
    html = client.get(path).get_data(as_text=True)
    fields = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)}  # type: ignore[union-attr]
    seen = re.search(r'name="seen" value="([^"]*)"', html)
    return fields if seen is None else {**fields, "seen": seen.group(1)}


def at_once(run: Callable[[int], None], ids: list[int]) -> None:
    """`run(id)` for every id, each in a thread of its own, all at once; any error one of
    them raises fails the test (a race's loser catches what it expects itself)."""
    errors: list[BaseException] = []

    def guarded(staff_id: int) -> None:
        try:
            run(staff_id)
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def claim_race(app: Flask, municipality: str, application_id: int, claimers: int = 10) -> list[int]:
    """That many new caseworkers claim the case at once, each in a thread of its own; returns
    the ids of those who got it (the claim must give it to exactly one). Any error other than
    "already claimed" fails the test."""
    ids = [make_staff(app, municipality, f"claimer{i}@kommune.dk") for i in range(claimers)]
    winners: list[int] = []

    def run(staff_id: int) -> None:
        try:
            with database(app).transaction() as session:
                casework.claim(session, municipality, application_id, staff_id, utcnow())
            winners.append(staff_id)
        except casework.AlreadyClaimed:
            pass

    at_once(run, ids)
    return winners
