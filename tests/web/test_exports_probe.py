"""The outside tester's findings on the exports and the queue (2026-12-06): the internal notes
reach the journal PDF and the JSON export; the JSON says a decision's outcome and who sent an
application; "Tag den næste ledige sag" hands out any open case nobody has; the access-request
file holds the searches for the person."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select, update

from portal import casework
from portal.db.models import Application, StaffRole, StaffUser, Status, StatusEvent, utcnow
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import answer_until, status_links, submit, token
from tests.web.staff import at_once, case_fields, csrf_from, make_staff, staff_client

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
    response = staff.post(f"{path}/{action}", data={**data, **case_fields(staff, path)})
    return response.status_code


def exported(staff: FlaskClient, application_id: int) -> dict[str, Any]:
    response = staff.get(CASE.format(application_id) + "/eksport.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))  # type: ignore[no-any-return]


def journal(staff: FlaskClient, application_id: int) -> str:
    data = staff.get(CASE.format(application_id) + "/sag.pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


# 1. The internal notes go to the journal -----------------------------------------------------


def test_the_notes_are_in_the_journal_pdf_and_the_json_export(app: Flask) -> None:
    _citizen, application_id = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    bo = staff_client(app, "575", "bo@vejen.dk")
    assert (
        act(ida, application_id, "note", text="Ringede til borgeren.\nHun kommer tirsdag.") == 303
    )
    assert act(bo, application_id, "note", text="Tjekkede <b>adressen</b> i CPR.") == 303

    notes = exported(ida, application_id)["notes"]
    assert [(n["staff"], n["text"]) for n in notes] == [
        ("ida@vejen.dk", "Ringede til borgeren.\nHun kommer tirsdag."),
        ("bo@vejen.dk", "Tjekkede <b>adressen</b> i CPR."),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", n["at"]) for n in notes)

    text = journal(ida, application_id)
    notes_part = text.split("Interne noter")[1]
    assert "ida@vejen.dk" in notes_part and "bo@vejen.dk" in notes_part
    # Her line break kept, the tag as text, in the order written.
    assert "Ringede til borgeren.\nHun kommer tirsdag." in notes_part
    assert notes_part.index("Ringede") < notes_part.index("Tjekkede <b>adressen</b> i CPR.")


def test_a_case_without_notes_says_so_in_the_journal(app: Flask) -> None:
    _citizen, application_id = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    assert exported(ida, application_id)["notes"] == []
    assert "Ingen har skrevet en note på sagen." in journal(ida, application_id)


# 2. The decision's outcome and who sent the application --------------------------------------


@pytest.mark.parametrize("outcome", DECISIONS)
def test_the_export_says_the_outcome_and_keeps_the_status(app: Flask, outcome: str) -> None:
    _citizen, application_id = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    assert exported(ida, application_id)["outcome"] is None  # nothing decided yet
    assert act(ida, application_id, "tag") == 303
    assert act(ida, application_id, "afgoerelse", **DECISIONS[outcome]) == 303
    document = exported(ida, application_id)
    assert document["outcome"] == outcome
    # A partial grant is still a grant to a consumer that reads only the status (version 2).
    assert document["status"] == ("refused" if outcome == "refused" else "granted")
    assert document["version"] == 2
    assert document["history"][-1]["note"]["decision"]["outcome"] == outcome


def test_a_reopened_case_has_no_outcome_until_it_is_decided_again(app: Flask) -> None:
    _citizen, application_id = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    act(ida, application_id, "tag")
    act(ida, application_id, "afgoerelse", **DECISIONS["partly_granted"])
    assert act(ida, application_id, "genaabn", reason="Ny lægeerklæring kom.") == 303
    assert exported(ida, application_id)["outcome"] is None
    assert act(ida, application_id, "afgoerelse", **DECISIONS["granted"]) == 303
    assert exported(ida, application_id)["outcome"] == "granted"


def test_a_relatives_application_was_sent_by_the_representative(app: Flask) -> None:
    relative, for_someone = applied(app, other=True)
    _citizen, own = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    submitted = exported(ida, for_someone)["history"][0]
    assert (submitted["status"], submitted["actor"]) == ("received", "representative")
    assert exported(ida, own)["history"][0]["actor"] == "citizen"
    # The relative withdraws it: that event was stored as theirs already, and stays so.
    link = status_links(relative.get("/kvittering").get_data(as_text=True))[0]
    page = relative.get(link + "/traek-tilbage").get_data(as_text=True)
    relative.post(link + "/traek-tilbage", data={"csrf_token": token(page)})
    history = exported(ida, for_someone)["history"]
    assert [(e["status"], e["actor"]) for e in history] == [
        ("received", "representative"), ("withdrawn", "representative")
    ]  # fmt: skip


def test_a_phone_application_typed_in_by_a_caseworker_stays_the_applicants(app: Flask) -> None:
    """The phone flow speaks of the person in the third person but names no representative:
    the applicant called, as in the hand-off document."""
    ida = staff_client(app, "575", "ida@vejen.dk")
    path = "/sagsbehandler/ny-ansoegning"
    ida.post(path, data={"channel": "phone", "csrf_token": csrf_from(ida, path)})
    assert answer_until(ida) == "/ansoeg/tjek"
    submit(ida)
    with database(app).transaction() as session:
        application_id = session.scalars(select(Application.id)).one()
    document = exported(ida, application_id)
    assert document["channel"] == "phone" and document["person"]["who"] == {"who": "other"}
    assert document["history"][0]["actor"] == "citizen"


# 3. The next free case is any open case nobody has -------------------------------------------


def holder_and_status(app: Flask, application_id: int) -> tuple[int | None, Status]:
    with database(app).transaction() as session:
        row = session.execute(
            select(Application.assigned_to_id, Application.status).where(
                Application.id == application_id
            )
        ).one()
        return row[0], row[1]


def events_of(app: Flask, application_id: int) -> int:
    with database(app).transaction() as session:
        return (
            session.scalar(select(func.count()).where(StatusEvent.application_id == application_id))
            or 0
        )


def take_next(staff: FlaskClient) -> str:
    path = "/sagsbehandler/"
    response = staff.post("/sagsbehandler/tag-naeste", data={"csrf_token": csrf_from(staff, path)})
    assert response.status_code == 303
    return response.headers["Location"]


def test_a_released_case_is_handed_out_before_a_newer_received_one(app: Flask) -> None:
    _citizen, released = applied(app)
    _citizen, newer = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    act(ida, released, "tag")
    assert act(ida, released, "slip") == 303
    assert holder_and_status(app, released) == (None, Status.IN_PROGRESS)
    before = events_of(app, released)

    bo = staff_client(app, "575", "bo@vejen.dk")
    assert take_next(bo) == CASE.format(released)
    bo_id = holder_and_status(app, released)[0]
    assert holder_and_status(app, released) == (bo_id, Status.IN_PROGRESS)
    assert events_of(app, released) == before  # under way already: no second "under way"
    # The received one next, and taking it starts the work, as before.
    assert take_next(bo) == CASE.format(newer)
    assert holder_and_status(app, newer) == (bo_id, Status.IN_PROGRESS)
    assert "besked=ingen-ledige" in take_next(bo)


def test_a_case_waiting_for_the_citizen_comes_back_when_its_caseworker_is_deactivated(
    app: Flask,
) -> None:
    _citizen, waiting = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    act(ida, waiting, "tag")
    assert act(ida, waiting, "oplysninger", message="Send os en lægeerklæring.") == 303
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    with database(app).transaction() as session:
        ida_id = session.scalars(
            select(StaffUser.id).where(StaffUser.email == "ida@vejen.dk")
        ).one()
    response = admin.post(
        f"{ADMIN}/{ida_id}/deaktiver", data={"csrf_token": csrf_from(admin, ADMIN)}
    )
    assert response.status_code == 200
    assert holder_and_status(app, waiting) == (None, Status.AWAITING_CITIZEN)

    bo = staff_client(app, "575", "bo@vejen.dk")
    assert take_next(bo) == CASE.format(waiting)
    assert holder_and_status(app, waiting)[1] is Status.AWAITING_CITIZEN  # still her turn


def test_a_withdrawn_or_decided_case_is_never_handed_out(app: Flask) -> None:
    citizen, _withdrawn = applied(app)
    link = status_links(citizen.get("/kvittering").get_data(as_text=True))[0]
    page = citizen.get(link + "/traek-tilbage").get_data(as_text=True)
    citizen.post(link + "/traek-tilbage", data={"csrf_token": token(page)})
    _citizen, decided = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    act(ida, decided, "tag")
    act(ida, decided, "afgoerelse", **DECISIONS["refused"])
    with database(app).transaction() as session:  # a decided case whose holder let it go
        session.execute(update(Application).where(Application.id == decided)
                        .values(assigned_to_id=None))  # fmt: skip
    assert "besked=ingen-ledige" in take_next(staff_client(app, "575", "bo@vejen.dk"))


def test_ten_caseworkers_asking_for_the_next_case_at_once_leave_one_with_the_orphan(
    app: Flask,
) -> None:
    _citizen, orphan = applied(app)
    ida = staff_client(app, "575", "ida@vejen.dk")
    act(ida, orphan, "tag")
    act(ida, orphan, "slip")
    ids = [make_staff(app, "575", f"naeste{i}@vejen.dk") for i in range(10)]
    got: list[tuple[int, int | None]] = []

    def run(staff_id: int) -> None:
        with database(app).transaction() as session:
            got.append((staff_id, casework.claim_next(session, "575", staff_id, utcnow())))

    at_once(run, ids)
    winners = [staff_id for staff_id, found in got if found == orphan]
    assert len(winners) == 1 and [found for _, found in got].count(None) == 9
    assert holder_and_status(app, orphan)[0] == winners[0]


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
