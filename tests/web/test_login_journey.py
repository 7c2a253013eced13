"""The journey with a MitID login (issue 13, point 3): applying for oneself, the name, CPR
number and birth date come from the login and are shown, not asked, and a POST cannot change
them; applying for someone else, the people from Digital Fuldmagt are offered first, and a
relative without one types the CPR number and is "not verified". The submit records how each
was identified. With login off, the journey is today's."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application
from portal.identity import DEFAULT_PRIVILEGE
from portal.standards.lix import lix
from portal.web.db import database
from portal.web.services import cipher
from tests.handoff.document_fixtures import Made, build
from tests.handoff.test_document_identification import valid
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.helpers import readable_sentences, visible_text
from tests.web.journey import answer_until, post_step, submit, token
from tests.web.staff import staff_client
from tests.web.test_plain_language import LIX_LIMIT

pytest_plugins = ("tests.oidc.fixtures",)

SELF = people.PEOPLE["selv"]  # 1204801234, born 12 April 1980
RELATIVE = people.PEOPLE["fuldmagt-en"]  # may act for GRANDMOTHER
TWO = people.PEOPLE["fuldmagt-to"]  # may act for GRANDMOTHER and GRANDFATHER


def logged_in(app: Flask, provider: RunningProvider, person: people.Person) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, provider, people.claims(person)).status_code == 303
    return client


def latest(app: Flask) -> Application:
    with app.app_context(), database(app).transaction() as session:
        found = session.scalars(select(Application).order_by(Application.id.desc())).first()
        assert found is not None
        session.expunge(found)
        return found


def person_of(app: Flask, application: Application) -> dict[str, Any]:
    with app.app_context():
        return dict(cipher().decrypt(application.person_enc))


def check_text(client: FlaskClient) -> tuple[str, str]:
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    return html, visible_text(html)


def test_for_oneself_the_name_cpr_and_birth_date_come_from_the_login(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, SELF)
    assert answer_until(client) == "/ansoeg/tjek"
    html, text = check_text(client)
    assert SELF.name in text and "120480-xxxx" in text and "12. april 1980" in text
    # Shown without "Ret": neither step can be opened.
    assert 'href="/ansoeg/navn-og-cpr' not in html and 'href="/ansoeg/alder' not in html
    assert "Karen Hansen" not in text
    for path in ["/ansoeg/navn-og-cpr", "/ansoeg/alder"]:
        assert client.get(path).status_code == 303, path
    # A POST trying to change them is refused, and the login's values stay.
    forged = client.post("/ansoeg/navn-og-cpr", data={
        "full_name": "Karen Hansen", "cpr": "010190-1234", "csrf_token": token(html)})  # fmt: skip
    assert forged.status_code == 303
    assert SELF.name in check_text(client)[1] and "010190" not in check_text(client)[1]
    assert submit(client).status_code == 303
    application = latest(login_app)
    assert application.identified_by == "mitid" and application.identified_level == "substantial"
    assert application.authority_verified is None
    with login_app.app_context():
        assert application.cpr_index == cipher().index(SELF.cpr)
        assert application.submitter_index == cipher().index(SELF.cpr)
    identity = person_of(login_app, application)["identity"]
    assert identity["full_name"] == SELF.name and identity["cpr"] == "120480-1234"
    parties = valid(build(login_app, Made("self", application.id, "")))
    assert parties["applicant"]["identification"]["method"] == "mitid"
    mine = visible_text(client.get("/mine-ansoegninger").get_data(as_text=True))
    assert f"Ansøgning {application.reference}" in mine and "Til dig selv." in mine


def test_changing_to_someone_else_drops_the_logins_identity(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, SELF)
    assert answer_until(client, stop="/ansoeg/vanskeligheder") == "/ansoeg/vanskeligheder"
    response = post_step(client, "/ansoeg/hvem", {"who": "other"})
    assert response.status_code == 303
    # SELF has no Digital Fuldmagt: today's typed flow, and the person's own age and identity.
    assert answer_until(client, other=True, **{"/ansoeg/alder": {
        "birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "1990"}}) == "/ansoeg/tjek"  # fmt: skip
    text = check_text(client)[1]
    assert "Karen Hansen" in text and SELF.name not in text and "120480" not in text
    assert submit(client).status_code == 303
    application = latest(login_app)
    assert application.identified_by == "typed" and application.authority_verified is False
    with login_app.app_context():
        assert application.cpr_index == cipher().index("0101901234")
        assert application.submitter_index == cipher().index(SELF.cpr)
    assert person_of(login_app, application)["identity"]["full_name"] == "Karen Hansen"


def test_the_people_from_digital_fuldmagt_are_offered_first(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, TWO)
    response = post_step(client, "/ansoeg/hvem", {"who": "other"})
    assert response.headers["Location"] == "/ansoeg/digital-fuldmagt"
    text = visible_text(client.get("/ansoeg/digital-fuldmagt").get_data(as_text=True))
    assert "Personen født 05.02.1940 (CPR-nummer 050240-xxxx)" in text
    assert "Personen født 11.08.1938 (CPR-nummer 110838-xxxx)" in text
    assert "En anden person" in text
    page = client.get("/ansoeg/digital-fuldmagt").get_data(as_text=True)
    assert lix(" ".join(readable_sentences(page))) <= LIX_LIMIT
    # Only the offered people (or someone else) can be chosen.
    refused = post_step(client, "/ansoeg/digital-fuldmagt", {"person": "0101901234"})
    assert refused.status_code == 200


def test_the_login_only_questions_refuse_a_post_without_its_csrf_token(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    # test_meta's check of every POST route, for the two steps it cannot reach without login.
    client = logged_in(login_app, oidc_provider, TWO)
    post_step(client, "/ansoeg/hvem", {"who": "other"})
    bare = client.post("/ansoeg/digital-fuldmagt", data={"person": people.GRANDMOTHER})
    assert bare.status_code == 400
    assert post_step(client, "/ansoeg/digital-fuldmagt", {"person": people.GRANDMOTHER}
                     ).status_code == 303  # fmt: skip
    assert answer_until(client, stop="/ansoeg/navn", other=True) == "/ansoeg/navn"
    bare = client.post("/ansoeg/navn", data={"full_name": "Nogen Andre"})
    assert bare.status_code == 400
    assert "Nogen Andre" not in client.get("/ansoeg/navn").get_data(as_text=True)


def test_a_relative_with_digital_fuldmagt_applies_verified(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    overrides = {
        "/ansoeg/digital-fuldmagt": {"person": people.GRANDMOTHER},
        "/ansoeg/navn": {"full_name": "Inger Hansen"},
    }
    assert answer_until(client, stop="/ansoeg/navn", other=True, **overrides) == "/ansoeg/navn"
    # Only the name is asked: the CPR number is the one the login vouches for.
    page = visible_text(client.get("/ansoeg/navn").get_data(as_text=True))
    assert "Vi har CPR-nummeret på Karen fra Digital Fuldmagt." in page
    html = client.get("/ansoeg/navn").get_data(as_text=True)
    assert lix(" ".join(readable_sentences(html))) <= LIX_LIMIT
    assert answer_until(client, other=True, **overrides) == "/ansoeg/tjek"
    for path in ["/ansoeg/navn-og-cpr", "/ansoeg/alder", "/ansoeg/fuldmagt"]:
        assert client.get(path).status_code == 303, path
    html, text = check_text(client)
    assert "Inger Hansen" in text and "050240-xxxx" in text and "5. februar 1940" in text
    assert 'href="/ansoeg/navn-og-cpr' not in html and 'href="/ansoeg/alder' not in html
    # The authority step was answered by the login: not asked, and shown without "Ret".
    assert "Jeg har en fuldmagt" in text and 'href="/ansoeg/fuldmagt' not in html
    assert submit(client).status_code == 303
    application = latest(login_app)
    assert application.identified_by == "mitid-digital-fuldmagt"
    assert application.authority_verified is True
    assert application.fuldmagt_privilege == DEFAULT_PRIVILEGE
    with login_app.app_context():
        assert application.cpr_index == cipher().index(people.GRANDMOTHER)
    parties = valid(build(login_app, Made("fuldmagt", application.id, "")))
    assert parties["applicant"]["identification"]["method"] == "mitid-digital-fuldmagt"
    assert parties["representation"]["authority_verified"] is True
    staff = staff_client(login_app, "575", "ida@vejen.dk")
    case = " ".join(
        staff.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True).split()
    )
    assert "Fuldmagt: Digital Fuldmagt" in case


def test_someone_else_typed_by_a_relative_is_not_verified(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    location = answer_until(client, other=True, **{
        "/ansoeg/digital-fuldmagt": {"person": "other"},
        "/ansoeg/relation": {"relation": "guardian"},
        "/ansoeg/fuldmagt": {"authority": "guardianship"},
    })  # fmt: skip
    assert location == "/ansoeg/tjek"
    # The representative is asked as before; the authority is the one typed.
    assert "Jeg er værge" in check_text(client)[1]
    assert submit(client).status_code == 303
    application = latest(login_app)
    assert application.identified_by == "typed" and application.authority_verified is False
    assert application.fuldmagt_privilege is None
    with login_app.app_context():
        assert application.submitter_index == cipher().index(RELATIVE.cpr)


def test_with_login_off_the_journey_is_todays(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/ansoeg/digital-fuldmagt").status_code == 303
    assert answer_until(client, stop="/ansoeg/navn-og-cpr") == "/ansoeg/navn-og-cpr"
    html = client.get("/ansoeg/navn-og-cpr").get_data(as_text=True)
    assert "Dit CPR-nummer" in html
    assert answer_until(client) == "/ansoeg/tjek"
    html, text = check_text(client)
    assert 'href="/ansoeg/navn-og-cpr?fra=tjek"' in html and "Karen Hansen" in text
    assert submit(client).status_code == 303
    application = latest(app)
    # Nothing is recorded without a login: NULL reads as typed, as before login existed.
    assert application.identified_by is None and application.submitter_index is None


def test_every_journey_page_says_who_is_logged_in_and_offers_log_out(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, SELF)
    anonymous = login_app.test_client()
    for path in ("/ansoeg/hvem", "/ansoeg/kommune", "/ansoeg/vanskeligheder"):
        answer_until(client, stop=path)
        html = client.get(path).get_data(as_text=True)
        assert "Du er logget ind med MitID." in visible_text(html), path
        assert 'action="/log-ud"' in html, path
        # The shared page a visitor without login gets was never made from this one.
        answer_until(anonymous, stop=path)
        plain = anonymous.get(path).get_data(as_text=True)
        assert "logget ind" not in plain and 'action="/log-ud"' not in plain, path
        assert "Se, hvad du kan få, og søg om det" in plain
