"""A caseworker's actions reach the citizen's status page in plain words."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import answer_until, status_links, submit
from tests.web.staff import case_fields, csrf_from, staff_client


def citizen_with_application(app: Flask) -> tuple[FlaskClient, str, int]:
    from sqlalchemy import select

    from portal.db.models import Application
    from portal.web.db import database

    citizen = app.test_client()
    answer_until(citizen)
    submit(citizen)
    link = status_links(citizen.get("/kvittering").get_data(as_text=True))[0]
    with database(app).transaction() as session:
        application_id = session.scalars(select(Application.id)).one()
    return citizen, link, application_id


def post(client: FlaskClient, application_id: int, action: str, data: dict) -> object:  # type: ignore[type-arg]
    path = f"/sagsbehandler/sag/{application_id}"
    return client.post(f"{path}/{action}", data={**data, **case_fields(client, path)})


def test_taking_a_case_shows_the_citizen_it_is_under_way(app: Flask) -> None:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    assert "Under behandling" in citizen.get(link).get_data(as_text=True)


def test_a_request_for_information_appears_on_the_status_page_escaped(app: Flask) -> None:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    message = "Send os en lægeerklæring.\n<b>Tak</b>"
    response = post(staff, application_id, "oplysninger", {"message": message})
    assert response.status_code == 303  # type: ignore[attr-defined]
    html = citizen.get(link).get_data(as_text=True)
    assert "Kommunen venter på svar" in html
    assert "Send os en lægeerklæring." in html and "&lt;b&gt;Tak&lt;/b&gt;" in html


def test_a_decision_appears_on_the_status_page(app: Flask) -> None:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    decision = {
        "outcome": "granted", **DECIDED_TODAY, "offer": "Kærhøj", "days": "3", "day_length": "full",
        "transport": "yes",
    }  # fmt: skip
    assert post(staff, application_id, "afgoerelse", decision).status_code == 303  # type: ignore[attr-defined]
    html = citizen.get(link).get_data(as_text=True)
    assert "Bevilget" in html and "Kærhøj" in html and "Kommunen betaler kørsel." in html
    assert "Træk ansøgningen tilbage" not in html


def test_a_refusal_needs_its_reasons(app: Flask) -> None:
    _citizen, _link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    response = post(staff, application_id, "afgoerelse", {
        "outcome": "refused", **DECIDED_TODAY,
    })  # fmt: skip
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Skriv begrundelsen for afslaget." in html


def test_only_the_caseworker_who_has_the_case_can_decide(app: Flask) -> None:
    citizen, link, application_id = citizen_with_application(app)
    staff_client(app, "575", "ida@vejen.dk")
    other = staff_client(app, "575", "bo@vejen.dk")
    response = post(other, application_id, "oplysninger", {"message": "Hej"})
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "Tag sagen først" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Modtaget" in citizen.get(link).get_data(as_text=True)


def test_a_decided_case_can_be_reopened_with_a_reason_the_citizen_does_not_see(app: Flask) -> None:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    post(staff, application_id, "afgoerelse", {
        "outcome": "refused", **DECIDED_TODAY, "reasons": "Behovet dækkes af et værested.",
    })  # fmt: skip
    assert (
        post(staff, application_id, "genaabn", {"reason": "Intern fejl i vurderingen"}).status_code
        == 303
    )  # type: ignore[attr-defined]
    html = citizen.get(link).get_data(as_text=True)
    assert "Under behandling" in html and "Intern fejl" not in html


def test_claim_next_takes_the_oldest_free_case_and_then_says_there_is_none(app: Flask) -> None:
    _citizen, _link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(staff, "/sagsbehandler/")
    response = staff.post("/sagsbehandler/tag-naeste", data={"csrf_token": token})
    assert response.headers["Location"] == f"/sagsbehandler/sag/{application_id}"  # type: ignore[attr-defined]
    again = staff.post("/sagsbehandler/tag-naeste", data={"csrf_token": token})
    assert "besked=ingen-ledige" in again.headers["Location"]  # type: ignore[attr-defined]
    assert "Ingen ledige sager" in staff.get(again.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]


def test_internal_notes_are_kept_encrypted_and_never_reach_the_citizen(app: Flask) -> None:
    from sqlalchemy import text

    from portal.web.db import database

    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    assert (
        post(staff, application_id, "note", {"text": "Ringede til borgeren i dag"}).status_code
        == 303
    )  # type: ignore[attr-defined]
    assert "Ringede til borgeren i dag" in staff.get(
        f"/sagsbehandler/sag/{application_id}"
    ).get_data(as_text=True)
    assert "Ringede" not in citizen.get(link).get_data(as_text=True)
    with database(app).engine.connect() as conn:
        stored = conn.execute(text("SELECT text_enc FROM case_note")).scalar_one()
    assert "Ringede" not in stored


def test_the_overview_counts_only_the_own_municipality_and_draws_without_javascript(
    app: Flask,
) -> None:
    import re

    from tests.web.helpers import parse

    _citizen, _link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    post(staff, application_id, "afgoerelse", {
        "outcome": "granted", **DECIDED_TODAY, "offer": "Kærhøj", "days": "3",
    })  # fmt: skip
    roskilde = staff_client(app, "265", "ole@roskilde.dk")
    vejen_html = staff.get("/sagsbehandler/overblik").get_data(as_text=True)
    roskilde_html = roskilde.get("/sagsbehandler/overblik").get_data(as_text=True)
    tree = parse(vejen_html)
    charts = [el for el in tree.iter() if str(el.tag).endswith("svg") and el.get("role") == "img"]
    assert len(charts) == 2
    # This week's row of the table alternative counts the one application received.
    assert re.search(r"<tr><td>[^<]+</td><td>1</td></tr></tbody>", vejen_html)
    assert re.search(r"<tr><td>[^<]+</td><td>0</td></tr></tbody>", roskilde_html)
    assert "Median antal dage til afgørelse" in vejen_html
    assert "Kommunen har ikke en fast sagsbehandlingstid" in roskilde_html
    assert "Ingen afgørelser endnu" in roskilde_html
