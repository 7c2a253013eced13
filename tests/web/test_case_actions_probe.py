"""The outside tester's findings on the case page's actions (2026-12-06): text made of spaces,
a post from a page shown before the case changed, and a withdrawn application reopened."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db.models import Application, CaseNote, Status, StatusEvent
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY, TODAY
from tests.web.journey import answer_until, submit
from tests.web.staff import at_once, case_fields, csrf_from, staff_client
from tests.web.test_staff_actions import citizen_with_application

DECIDED_TODAY_ISO = TODAY.isoformat()
UNSEEN = "Vi kan ikke se, om sagen er ændret, siden du åbnede siden, så intet er gemt."
REFUSAL = {"outcome": "refused", **DECIDED_TODAY, "reasons": "Behovet dækkes af et værested."}


@dataclass(frozen=True)
class Page:
    """The case page as a tab shows it, and the number of status changes it showed."""

    html: str
    count: int


def case_page(client: FlaskClient, app: Flask, application_id: int) -> Page:
    html = client.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    return Page(html, status_of(app, application_id)[1])


def form_of(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the case page's form that posts to `action`."""
    form = re.search(rf'<form[^>]*action="[^"]*/{action}(?:#[^"]*)?"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None, f"no {action} form on the page"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def send(client: FlaskClient, page: Page, application_id: int, action: str, data: dict) -> object:  # type: ignore[type-arg]
    """Post the form as the tab `page` showed it, with `data` filled in. Each form that
    changes the status carries the number of status changes the page showed."""
    shown = form_of(page.html, action)
    if action != "note":
        assert shown["seen"] == str(page.count)
    return client.post(f"/sagsbehandler/sag/{application_id}/{action}", data={**shown, **data})


def taken(app: Flask) -> tuple[FlaskClient, str, FlaskClient, int]:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    page = case_page(staff, app, application_id).html
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    staff.post(f"/sagsbehandler/sag/{application_id}/tag", data={"csrf_token": token})
    return citizen, link, staff, application_id


def status_of(app: Flask, application_id: int) -> tuple[Status, int]:
    with database(app).transaction() as session:
        status = session.scalars(
            select(Application.status).where(Application.id == application_id)
        ).one()
        events = session.scalar(
            select(func.count()).where(StatusEvent.application_id == application_id)
        )
    return status, int(events or 0)


def decided(app: Flask) -> tuple[FlaskClient, str, FlaskClient, int]:
    citizen, link, staff, application_id = taken(app)
    page = case_page(staff, app, application_id)
    assert send(staff, page, application_id, "afgoerelse", REFUSAL).status_code == 303  # type: ignore[attr-defined]
    return citizen, link, staff, application_id


SPACES = "   \n\t  "


def test_a_request_for_information_made_of_spaces_is_refused_and_never_sent(app: Flask) -> None:
    citizen, link, staff, application_id = taken(app)
    before = status_of(app, application_id)
    page = case_page(staff, app, application_id)
    response = send(staff, page, application_id, "oplysninger", {"message": SPACES})
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    message = "Skriv i beskeden, hvad borgeren skal sende eller svare på."
    # Next to the field and in the error summary, which links to it.
    assert html.count(message) == 2 and 'href="#message"' in html
    assert status_of(app, application_id) == before
    assert "Kommunen venter på svar" not in citizen.get(link).get_data(as_text=True)


def test_a_note_made_of_spaces_is_refused_and_not_saved(app: Flask) -> None:
    _citizen, _link, staff, application_id = taken(app)
    page = case_page(staff, app, application_id).html
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = staff.post(
        f"/sagsbehandler/sag/{application_id}/note", data={"csrf_token": token, "text": SPACES}
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("Skriv noten.") == 2
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(CaseNote)) == 0


def test_a_reopen_reason_made_of_spaces_is_refused(app: Flask) -> None:
    _citizen, _link, staff, application_id = decided(app)
    before = status_of(app, application_id)
    page = case_page(staff, app, application_id)
    response = send(staff, page, application_id, "genaabn", {"reason": SPACES})
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert html.count("Skriv, hvorfor sagen skal åbnes igen.") == 2
    assert status_of(app, application_id) == before


@pytest.mark.parametrize("outcome", ["refused", "partly_granted"])
def test_decision_reasons_made_of_spaces_are_no_reasons(app: Flask, outcome: str) -> None:
    _citizen, _link, staff, application_id = taken(app)
    before = status_of(app, application_id)
    page = case_page(staff, app, application_id)
    data = {**REFUSAL, "outcome": outcome, "reasons": SPACES, "offer": "Kærhøj", "days": "2"}
    response = send(staff, page, application_id, "afgoerelse", data)
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Skriv begrundelsen for" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status_of(app, application_id) == before


def test_a_decision_from_a_page_shown_before_a_reopen_is_refused(app: Flask) -> None:
    citizen, link, staff, application_id = decided(app)
    old_tab = case_page(staff, app, application_id)  # decided: it offers the reopen
    reopened = send(staff, old_tab, application_id, "genaabn", {"reason": "Ny lægeerklæring"})
    assert reopened.status_code == 303  # type: ignore[attr-defined]
    tab_before = case_page(staff, app, application_id)
    send(staff, tab_before, application_id, "oplysninger", {"message": "Send erklæringen."})
    before = status_of(app, application_id)
    # A decision form loaded before the request for information, posted after it.
    response = send(staff, tab_before, application_id, "afgoerelse", REFUSAL)
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Sagen er ændret, siden du åbnede siden, så intet er gemt." in html
    assert "Den har nu status: Kommunen venter på svar." in html
    assert status_of(app, application_id) == before
    assert "Send erklæringen." in citizen.get(link).get_data(as_text=True)
    # The page shown again is the case as it is now: from it, the decision goes through.
    again = send(staff, Page(html, before[1]), application_id, "afgoerelse", REFUSAL)
    assert again.status_code == 303  # type: ignore[attr-defined]
    assert status_of(app, application_id)[0] is Status.REFUSED


def test_a_request_and_a_reopen_from_a_stale_page_are_refused(app: Flask) -> None:
    _citizen, _link, staff, application_id = decided(app)
    decided_tab = case_page(staff, app, application_id)
    # Another tab reopens the case and decides it again.
    send(
        staff, case_page(staff, app, application_id), application_id, "genaabn", {"reason": "Fejl"}
    )
    send(staff, case_page(staff, app, application_id), application_id, "afgoerelse", REFUSAL)
    before = status_of(app, application_id)
    response = send(staff, decided_tab, application_id, "genaabn", {"reason": "Igen"})
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Sagen er ændret" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status_of(app, application_id) == before
    fresh = case_page(staff, app, application_id)
    assert send(staff, fresh, application_id, "genaabn", {"reason": "Igen"}).status_code == 303  # type: ignore[attr-defined]
    open_tab = case_page(staff, app, application_id)
    asked = send(staff, case_page(staff, app, application_id), application_id, "oplysninger",
                 {"message": "Send erklæringen."})  # fmt: skip
    assert asked.status_code == 303  # type: ignore[attr-defined]
    before = status_of(app, application_id)
    response = send(staff, open_tab, application_id, "oplysninger", {"message": "Send den igen."})
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert status_of(app, application_id) == before


@pytest.mark.parametrize("seen", ["", "abc", "99999999999", "-1", "٣"])
def test_a_seen_number_that_is_no_count_is_refused_as_stale(app: Flask, seen: str) -> None:
    _citizen, _link, staff, application_id = taken(app)
    before = status_of(app, application_id)
    page = case_page(staff, app, application_id)
    response = send(staff, page, application_id, "afgoerelse", {**REFUSAL, "seen": seen})
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert UNSEEN in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert status_of(app, application_id) == before


def test_a_double_submit_and_a_non_holder_are_still_refused(app: Flask) -> None:
    _citizen, _link, staff, application_id = taken(app)
    page = case_page(staff, app, application_id)
    assert send(staff, page, application_id, "afgoerelse", REFUSAL).status_code == 303  # type: ignore[attr-defined]
    twice = send(staff, page, application_id, "afgoerelse", REFUSAL)
    assert twice.status_code == 409  # type: ignore[attr-defined]
    assert "Det kan ikke gøres, mens sagen har den status." in twice.get_data(as_text=True)  # type: ignore[attr-defined]
    other = staff_client(app, "575", "bo@vejen.dk")
    theirs = case_page(other, app, application_id)
    data = {**form_of(theirs.html, "note"), "seen": str(theirs.count), "message": "Hej"}
    response = other.post(f"/sagsbehandler/sag/{application_id}/oplysninger", data=data)
    assert response.status_code == 409
    assert "Tag sagen først" in response.get_data(as_text=True)


def withdraw(citizen: FlaskClient, link: str) -> None:
    confirm = citizen.get(link + "/traek-tilbage").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm).group(1)  # type: ignore[union-attr]
    assert citizen.post(link + "/traek-tilbage", data={"csrf_token": token}).status_code == 303


def test_a_withdrawn_application_is_neither_reopened_nor_decided(app: Flask) -> None:
    citizen, link, staff, application_id = taken(app)
    old_tab = case_page(staff, app, application_id)
    withdraw(citizen, link)
    before = status_of(app, application_id)
    assert before[0] is Status.WITHDRAWN
    page = case_page(staff, app, application_id).html
    assert "Træf afgørelse" not in page and "/genaabn" not in page
    data = {**form_of(old_tab.html, "afgoerelse"), "reason": "Borgeren ringede"}
    response = staff.post(f"/sagsbehandler/sag/{application_id}/genaabn", data=data)
    assert response.status_code == 409
    assert "Kun en sag med en afgørelse kan genåbnes." in response.get_data(as_text=True)
    decision = send(staff, old_tab, application_id, "afgoerelse", REFUSAL)
    assert decision.status_code == 409  # type: ignore[attr-defined]
    html = decision.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Borgeren har trukket ansøgningen tilbage." in html
    assert "Det kan ikke gøres, mens sagen har den status." not in html
    assert status_of(app, application_id) == before


def test_of_two_decisions_posted_at_once_from_one_page_one_is_stored(app: Flask) -> None:
    import threading

    from portal import lifecycle
    from portal.lifecycle import Decision, Outcome
    from portal.web.services import cipher

    _citizen, _link, _staff, application_id = taken(app)
    _status, seen = status_of(app, application_id)
    with database(app).transaction() as session:
        holder = session.get(Application, application_id)
        assert holder is not None and holder.assigned_to_id is not None
        staff_id = holder.assigned_to_id
    decision = Decision.made(Outcome.REFUSED, DECIDED_TODAY_ISO, reasons="Nej.")
    stored: list[int] = []
    refused: list[BaseException] = []
    start = threading.Barrier(6)

    def post() -> None:
        start.wait()
        try:
            with app.app_context(), database(app).transaction() as session:
                application = session.get(Application, application_id)
                assert application is not None
                lifecycle.decide(session, cipher(), application, staff_id, decision, seen)
            stored.append(1)
        except lifecycle.ApplicationError as error:
            refused.append(error)

    at_once(lambda _n: post(), list(range(6)))
    assert len(stored) == 1 and len(refused) == 5
    assert status_of(app, application_id) == (Status.REFUSED, seen + 1)


def taken_by_ida(app: Flask, **answers: dict[str, Any]) -> tuple[FlaskClient, str, int]:
    """An application sent to Vejen with the standard answers (and these), taken by Ida: her
    client, the case page's address and the application's id."""
    citizen = app.test_client()
    answer_until(citizen, **answers)
    assert submit(citizen).status_code == 303
    with database(app).transaction() as session:
        application_id = session.scalars(
            select(Application.id).order_by(Application.id.desc())
        ).first()
    assert application_id is not None
    staff = staff_client(app, "575", "ida@vejen.dk")
    path = f"/sagsbehandler/sag/{application_id}"
    staff.post(path + "/tag", data={"csrf_token": csrf_from(staff, path)})
    return staff, path, application_id


@pytest.mark.parametrize(
    ("change", "says"),
    [({"days": "1"}, "Der er søgt om 3 dage om ugen. Giver du færre"),
     ({"day_length": "half"}, "Der er søgt om hele dage. Giver du halve"),
     ({"transport": "no"}, "Borgeren kan ikke selv tage bus eller tog. Betaler kommunen ikke")],
)  # fmt: skip
def test_a_full_grant_of_less_than_was_asked_for_must_be_a_partial_grant(
    app: Flask, change: dict[str, str], says: str
) -> None:
    """The second walk granted 1 half day without transport to a person who asked for 3 full
    days and cannot take the bus, as "Bevilget" without reasons: the letter had no reasons and
    no complaint guidance. Less than was asked for is a partial grant."""
    staff, path, application_id = taken_by_ida(app)  # 3 full days; cannot take the bus alone
    full = {**DECIDED_TODAY, "outcome": "granted", "offer": "Kærhøj", "days": "3",
            "day_length": "full", "transport": "yes"}  # fmt: skip
    refused = staff.post(path + "/afgoerelse", data={**full, **change, **case_fields(staff, path)})
    html = refused.get_data(as_text=True)
    assert says in html and "vælg »Delvist bevilget«" in html
    with database(app).transaction() as session:
        assert session.get(Application, application_id).status is Status.IN_PROGRESS  # type: ignore[union-attr]
    partial = {
        **full,
        **change,
        "outcome": "partly_granted",
        "reasons": "Mere er der ikke brug for.",
    }
    saved = staff.post(path + "/afgoerelse", data={**partial, **case_fields(staff, path)})
    assert saved.status_code == 303
    with database(app).transaction() as session:
        assert session.get(Application, application_id).status is Status.GRANTED  # type: ignore[union-attr]


def test_the_offer_the_citizen_wished_for_is_chosen_in_the_decision_form(app: Flask) -> None:
    staff, path, _ = taken_by_ida(app, **{"/ansoeg/tilbud": {"offer": "noerrevang"}})
    html = staff.get(path).get_data(as_text=True)
    assert re.search(
        r'<option selected value="Nørrevang">|<option value="Nørrevang" selected>', html
    )
