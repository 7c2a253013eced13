"""The letter a decision would send, read before it is saved: nothing is stored, the read is
audited, and the page carries the typed values to the save, or back into the form."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.db.models import Application, AuditEvent, Status
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY, TODAY_IN_DANISH
from tests.web.helpers import parse, visible_text
from tests.web.staff import case_fields, staff_client
from tests.web.test_decision_form import GRANT, decide_post, stored_decision, taken_case

REFUSAL = {**DECIDED_TODAY, "outcome": "refused", "reasons": "Du klarer <b>dig</b> selv & godt."}


def draft(staff: FlaskClient, application_id: int, data: dict[str, Any]) -> Any:
    return decide_post(staff, application_id, "afgoerelse/udkast", data)


def carried(html: str) -> list[tuple[str, str]]:
    """The hidden fields of the draft page's save form, the token left out."""
    forms = parse(html).findall(".//form[@method='post']")
    form = next(f for f in forms if f.get("action", "").endswith("/afgoerelse#besked"))
    inputs = form.findall(".//input[@type='hidden']")
    return [(i.get("name"), i.get("value")) for i in inputs if i.get("name") != "csrf_token"]


def status_and_actions(app: Flask, application_id: int) -> tuple[Status, list[str]]:
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.application_id == application_id)
        ).all()
        return application.status, list(actions)


def test_the_draft_shows_the_letter_and_stores_nothing(app: Flask) -> None:
    staff, application_id = taken_case(app)
    status_before, _ = status_and_actions(app, application_id)
    response = draft(staff, application_id, REFUSAL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert "Afgørelsen er ikke gemt endnu" in text
    assert "Du klarer <b>dig</b> selv & godt." in text  # escaped: shown as typed
    assert "<b>dig</b>" not in html
    assert TODAY_IN_DANISH in text
    assert "klage" in text.lower()  # a refusal's letter carries the complaint guidance
    status, actions = status_and_actions(app, application_id)
    assert status is status_before is Status.IN_PROGRESS
    assert actions.count("decision_draft") == 1 and "decide" not in actions


def test_saving_from_the_draft_stores_the_decision_the_letter_showed(app: Flask) -> None:
    staff, application_id = taken_case(app)
    html = draft(staff, application_id, REFUSAL).get_data(as_text=True)
    values = carried(html)
    assert ("reasons", REFUSAL["reasons"]) in values and ("outcome", "refused") in values
    path = f"/sagsbehandler/sag/{application_id}"
    token = case_fields(staff, path)["csrf_token"]
    saved = staff.post(f"{path}/afgoerelse", data=MultiDict([*values, ("csrf_token", token)]))
    assert saved.status_code == 303
    status, decision = stored_decision(app, application_id)
    assert status is Status.REFUSED
    assert decision["reasons"] == REFUSAL["reasons"] and decision["outcome"] == "refused"


def test_changing_the_decision_brings_the_form_back_filled_in(app: Flask) -> None:
    staff, application_id = taken_case(app)
    values = carried(
        draft(staff, application_id, {**GRANT, "outcome": "granted"}).get_data(as_text=True)
    )
    path = f"/sagsbehandler/sag/{application_id}"
    token = case_fields(staff, path)["csrf_token"]
    back = staff.post(
        f"{path}/afgoerelse/udkast", data=MultiDict([*values, ("csrf_token", token), ("ret", "1")])
    )
    assert back.status_code == 200
    page = parse(back.get_data(as_text=True))
    checked = page.find(".//input[@name='outcome'][@checked]")
    assert checked is not None and checked.get("value") == "granted"
    assert page.find(".//input[@name='day_length'][@value='full'][@checked]") is not None
    assert status_and_actions(app, application_id)[0] is Status.IN_PROGRESS


def test_a_draft_with_errors_is_the_case_page_with_them(app: Flask) -> None:
    staff, application_id = taken_case(app)
    response = draft(staff, application_id, {**DECIDED_TODAY, "outcome": "refused"})
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    assert "Skriv begrundelsen for afslaget." in text
    assert "Afgørelsen er ikke gemt endnu" not in text
    assert status_and_actions(app, application_id)[0] is Status.IN_PROGRESS


def test_the_case_form_offers_the_draft_without_javascript(app: Flask) -> None:
    staff, application_id = taken_case(app)
    page = parse(staff.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True))
    button = page.find(".//form[@class='decision-form']//button[@formaction]")
    assert button is not None
    assert button.get("formaction") == f"/sagsbehandler/sag/{application_id}/afgoerelse/udkast"


def test_another_municipalitys_case_has_no_draft(app: Flask) -> None:
    _staff, application_id = taken_case(app)
    other = staff_client(app, "265", "sagsbehandler@265.dk")
    token = case_fields(other, "/sagsbehandler/")["csrf_token"]
    response = other.post(
        f"/sagsbehandler/sag/{application_id}/afgoerelse/udkast",
        data={**REFUSAL, "csrf_token": token, "seen": "1"},
    )
    assert response.status_code == 404
