"""My applications, "Mine ansøgninger" (issue 13, point 4): a citizen logged in with MitID sees
their own applications and those they submitted for someone else, each with its status page, the
decision letter and withdrawal; nobody else's (404); and the private status link still opens an
application made without login."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application, Status, StatusEvent
from portal.standards.lix import lix
from portal.web.db import database
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.helpers import readable_sentences, set_language, visible_text
from tests.web.journey import token
from tests.web.own_applications import KAREN, apply, citizen
from tests.web.staff import case_fields, staff_client

pytest_plugins = ("tests.oidc.fixtures",)

SELF = people.PEOPLE["selv"]  # 1204801234, born 12 April 1980
RELATIVE = people.PEOPLE["fuldmagt-en"]  # 2306751231, may act for GRANDMOTHER


def logged_in(app: Flask, provider: RunningProvider, person: people.Person) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, provider, people.claims(person)).status_code == 303
    return client


def page_text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return visible_text(response.get_data(as_text=True))


def test_without_login_configured_the_pages_do_not_exist(app: Flask) -> None:
    client = app.test_client()
    for path in ["/mine-ansoegninger", "/mine-ansoegninger/1",
                 "/mine-ansoegninger/1/afgoerelse.pdf", "/mine-ansoegninger/1/traek-tilbage"]:  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert "Se dine ansøgninger" not in client.get("/").get_data(as_text=True)


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_and_back(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = login_app.test_client()
    for path in ["/mine-ansoegninger", "/mine-ansoegninger/7"]:
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"] == f"/log-ind?next={path}"
    back = log_in(client, oidc_provider, people.claims(SELF),
                  path="/log-ind?next=/mine-ansoegninger")  # fmt: skip
    assert back.headers["Location"] == "/mine-ansoegninger"


def test_the_list_has_my_own_and_those_i_sent_for_others_newest_first(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    # Made without login with my CPR number, it is mine too: it is my application.
    own_typed = apply(login_app, SELF.cpr, name=SELF.name)
    for_karen = apply(login_app, KAREN, by=citizen(SELF), other=True)
    someone_elses = apply(login_app, KAREN, by=citizen(RELATIVE), other=True)
    own_login = apply(login_app, SELF.cpr, by=citizen(SELF), name=SELF.name)
    client = logged_in(login_app, oidc_provider, SELF)
    text = page_text(client, "/mine-ansoegninger")
    references = re.findall(r"Ansøgning (AS-\d{4}-\d{6})", text)
    assert references == [own_login.reference, for_karen.reference, own_typed.reference]
    assert someone_elses.reference not in text
    assert text.count("Til dig selv.") == 2 and "Til Karen H." in text
    assert text.count("Status: Modtaget.") == 3
    assert "Karen Hansen" not in text and KAREN not in text and "010190" not in text
    # Karen herself, logged in, sees both applications made for her, and not SELF's own.
    karen = people.Person("Karen", KAREN, "Karen Hansen")
    theirs = page_text(logged_in(login_app, oidc_provider, karen), "/mine-ansoegninger")
    found = re.findall(r"Ansøgning (AS-\d{4}-\d{6})", theirs)
    assert found == [someone_elses.reference, for_karen.reference]
    assert theirs.count("Til dig selv.") == 2


def test_a_citizen_without_applications_is_told_so(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    text = page_text(logged_in(login_app, oidc_provider, SELF), "/mine-ansoegninger")
    assert "Du har ingen ansøgninger her endnu." in text
    assert "Ansøgning AS-" not in text


def test_another_citizens_application_is_404_on_every_page(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    theirs = apply(login_app, KAREN, by=citizen(RELATIVE), other=True)
    client = logged_in(login_app, oidc_provider, SELF)
    base = f"/mine-ansoegninger/{theirs.id}"
    for path in [base, f"{base}/afgoerelse.pdf", f"{base}/traek-tilbage",
                 "/mine-ansoegninger/999999", "/mine-ansoegninger/99999999999"]:  # fmt: skip
        assert client.get(path).status_code == 404, path
    html = client.get("/").get_data(as_text=True)
    response = client.post(f"{base}/traek-tilbage", data={"csrf_token": token(html)})
    assert response.status_code == 404
    with database(login_app).transaction() as session:
        application = session.get(Application, theirs.id)
        assert application is not None and application.status is Status.RECEIVED


def test_the_status_page_and_withdrawal_of_an_application_i_sent_for_someone(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    applied = apply(login_app, KAREN, by=citizen(SELF), other=True)
    client = logged_in(login_app, oidc_provider, SELF)
    base = f"/mine-ansoegninger/{applied.id}"
    text = page_text(client, base)
    assert "Sådan går det med ansøgningen" in text and f"Nummer: {applied.reference}" in text
    assert "Modtaget" in text and "Træk ansøgningen tilbage" in text
    assert f'href="{base}/traek-tilbage"' in client.get(base).get_data(as_text=True)
    # Without the CSRF token nothing happens.
    assert client.post(f"{base}/traek-tilbage", data={}).status_code == 400
    form = client.get(f"{base}/traek-tilbage").get_data(as_text=True)
    done = client.post(f"{base}/traek-tilbage", data={"csrf_token": token(form)})
    assert done.status_code == 303 and done.headers["Location"] == base
    assert "Trukket tilbage" in page_text(client, base)
    with database(login_app).transaction() as session:
        actors = list(session.scalars(select(StatusEvent.actor).where(
            StatusEvent.application_id == applied.id).order_by(StatusEvent.id)))  # fmt: skip
    assert actors == ["citizen", "representative"]
    # Withdrawn: the page offers it no more, and the private link says the same.
    assert "Træk ansøgningen tilbage" not in page_text(client, base)
    assert "Trukket tilbage" in page_text(login_app.test_client(), applied.status_link)


def test_the_decision_letter_from_my_applications(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    applied = apply(login_app, SELF.cpr, by=citizen(SELF), name=SELF.name)
    client = logged_in(login_app, oidc_provider, SELF)
    base = f"/mine-ansoegninger/{applied.id}"
    assert client.get(f"{base}/afgoerelse.pdf").status_code == 404  # no decision yet
    staff = staff_client(login_app, "575", "sagsbehandler@575.dk")
    path = f"/sagsbehandler/sag/{applied.id}"
    for action, data in [("tag", {}), ("afgoerelse", {
        **DECIDED_TODAY,
        "outcome": "partly_granted", "offer": "Kærhøj", "days": "3", "day_length": "half",
        "transport": "no", "reasons": "Du har brug for tre dage.",
    })]:  # fmt: skip
        answer = staff.post(f"{path}/{action}", data={**data, **case_fields(staff, path)})
        assert answer.status_code == 303
    assert "Status: Delvist bevilget." in page_text(client, "/mine-ansoegninger")
    html = client.get(base).get_data(as_text=True)
    assert f'href="{base}/afgoerelse.pdf"' in html and "Træk ansøgningen tilbage" not in html
    letter = client.get(f"{base}/afgoerelse.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"


def test_the_private_status_link_still_opens_an_application_made_without_login(
    login_app: Flask,
) -> None:
    applied = apply(login_app, KAREN)
    client = login_app.test_client()
    assert f"Nummer: {applied.reference}" in page_text(client, applied.status_link)
    html = client.get(applied.status_link).get_data(as_text=True)
    assert f'href="{applied.status_link}/traek-tilbage"' in html
    form = client.get(f"{applied.status_link}/traek-tilbage").get_data(as_text=True)
    assert f'href="{applied.status_link}"' in form
    done = client.post(f"{applied.status_link}/traek-tilbage", data={"csrf_token": token(form)})
    assert done.status_code == 303
    assert "Trukket tilbage" in page_text(client, applied.status_link)


def test_the_start_page_links_to_my_applications_when_logged_in(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    assert "/mine-ansoegninger" not in login_app.test_client().get("/").get_data(as_text=True)
    client = logged_in(login_app, oidc_provider, SELF)
    assert 'href="/mine-ansoegninger"' in client.get("/").get_data(as_text=True)


def test_the_pages_read_at_lix_35_or_below_and_are_complete_in_english(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    applied = apply(login_app, KAREN, by=citizen(SELF), other=True)
    empty = logged_in(login_app, oidc_provider, RELATIVE)
    client = logged_in(login_app, oidc_provider, SELF)
    base = f"/mine-ansoegninger/{applied.id}"
    pages = {"list": (client, "/mine-ansoegninger"), "empty": (empty, "/mine-ansoegninger"),
             "status": (client, base), "withdraw": (client, f"{base}/traek-tilbage")}  # fmt: skip
    scores = {
        name: lix(" ".join(readable_sentences(who.get(path).get_data(as_text=True))))
        for name, (who, path) in pages.items()
    }
    assert {name: round(score, 1) for name, score in scores.items() if score > 35} == {}
    for who in (client, empty):
        set_language(who, "en")
    english = {name: page_text(who, path) for name, (who, path) in pages.items()}
    assert "My applications" in english["list"] and "For Karen H." in english["list"]
    assert "You have no applications here yet." in english["empty"]
    for name, text in english.items():
        danish = [w for w in ("ansøgning", "Mine ", "dig selv", "Sendt ", "Til en") if w in text]
        assert danish == [], (name, danish)
