"""The outside tester's findings on the exports and the queue (2026-12-06): the internal notes
reach the journal PDF and the JSON export; the JSON says a decision's outcome and who sent an
application; "Tag den næste ledige sag" hands out any open case nobody has; the access-request
file holds the searches for the person."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from portal.db.models import Application, StaffRole
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import answer_until, submit
from tests.web.staff import csrf_from, staff_client

CASE = "/sagsbehandler/sag/{}"
ADMIN = "/sagsbehandler/admin/medarbejdere"
ACCESS = "/sagsbehandler/admin/indsigt"
DECISIONS = {
    "granted": {**DECIDED_TODAY, "outcome": "granted", "offer": "Kærhøj", "days": "3",
                "day_length": "full", "transport": "yes"},
    "partly_granted": {**DECIDED_TODAY, "outcome": "partly_granted", "offer": "Kærhøj",
                       "days": "2", "day_length": "half", "transport": "no",
                       "reasons": "To halve dage dækker behovet."},
    "refused": {**DECIDED_TODAY, "outcome": "refused", "reasons": "En klub dækker behovet."},
}  # fmt: skip


def applied(
    app: Flask, other: bool = False, **overrides: dict[str, Any]
) -> tuple[FlaskClient, int]:
    """A citizen (or, with `other`, a relative) who has sent an application; its id."""
    citizen = app.test_client()
    answer_until(citizen, other=other, **overrides)
    submit(citizen)
    with database(app).transaction() as session:
        newest = session.scalars(select(Application.id).order_by(Application.id.desc())).first()
    assert newest is not None
    return citizen, newest


def act(staff: FlaskClient, application_id: int, action: str, **data: str) -> int:
    path = CASE.format(application_id)
    response = staff.post(f"{path}/{action}", data={**data, "csrf_token": csrf_from(staff, path)})
    return response.status_code


def exported(staff: FlaskClient, application_id: int) -> dict[str, Any]:
    response = staff.get(CASE.format(application_id) + "/eksport.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def journal(staff: FlaskClient, application_id: int) -> str:
    data = staff.get(CASE.format(application_id) + "/sag.pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


# 4. The access-request file holds the searches for the person --------------------------------


def search(staff: FlaskClient, query: str) -> None:
    path = "/sagsbehandler/"
    response = staff.post("/sagsbehandler/soeg",
                          data={"query": query, "csrf_token": csrf_from(staff, path)})  # fmt: skip
    assert response.status_code == 303


def access_file(admin: FlaskClient, cpr: str) -> dict[str, Any]:
    response = admin.post(ACCESS, data={"cpr": cpr, "csrf_token": csrf_from(admin, ACCESS)})
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def test_the_access_request_file_lists_the_searches_for_the_person(app: Flask) -> None:
    applied(app)  # Karen Hansen, 010190-1234, in Vejen
    ida = staff_client(app, "575", "ida@vejen.dk")
    search(ida, "0101901234")
    search(ida, "010190-2345")  # someone else
    search(ida, "AS-2026-000001")  # a case number names nobody
    search(staff_client(app, "265", "anna@roskilde.dk"), "010190-1234")  # another municipality
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)

    first = access_file(admin, "010190-1234")
    assert [(e["action"], e["staff"], e["description"]) for e in first["about_person"]] == [
        ("search", "ida@vejen.dk", "Søgte efter en ansøgning")
    ]
    assert "anna@roskilde.dk" not in json.dumps(first)
    # The earlier access request is processing of her data too; a person with no application
    # still gets the searches for them.
    again = access_file(admin, "010190-1234")
    assert [e["action"] for e in again["about_person"]] == ["search", "gdpr_export"]
    other = access_file(admin, "010190-2345")
    assert other["applications"] == [] and [e["action"] for e in other["about_person"]] == [
        "search"
    ]
