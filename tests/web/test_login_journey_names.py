"""Names in the journey with a MitID login: the representative step starts with the
logged-in citizen's own name (which they may change), and a person chosen from Digital
Fuldmagt has a "Ret" link for the name on the check page while the CPR number stays fixed."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portal.standards.lix import lix
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.helpers import readable_sentences, set_language, visible_text
from tests.web.journey import answer_until, post_step, token
from tests.web.test_plain_language import LIX_LIMIT

pytest_plugins = ("tests.oidc.fixtures",)

RELATIVE = people.PEOPLE["fuldmagt-en"]  # may act for GRANDMOTHER
SELF = people.PEOPLE["selv"]
CHOSEN = {
    "/ansoeg/digital-fuldmagt": {"person": people.GRANDMOTHER},
    "/ansoeg/navn": {"full_name": "Inger Hansen"},
}
TYPED = {
    "/ansoeg/digital-fuldmagt": {"person": "other"},
    "/ansoeg/relation": {"relation": "guardian"},
    "/ansoeg/fuldmagt": {"authority": "guardianship"},
}


def logged_in(app: Flask, provider: RunningProvider, person: people.Person) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, provider, people.claims(person)).status_code == 303
    return client


def name_value(html: str) -> str | None:
    found = re.search(r'<input[^>]*name="full_name"[^>]*>', html)
    assert found is not None
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def rows(html: str) -> dict[str, str | None]:
    """The check page's rows: question → its "Ret" link, or None."""
    found = {}
    for key, rest in re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>', html, re.S):
        link = re.search(r'<a href="([^"]+)"', rest)
        found[key.strip()] = link.group(1) if link else None
    return found


def test_the_representative_step_starts_with_the_logged_in_citizens_own_name(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    assert answer_until(client, stop="/ansoeg/om-dig", other=True, **TYPED) == "/ansoeg/om-dig"
    html = client.get("/ansoeg/om-dig").get_data(as_text=True)
    assert name_value(html) == RELATIVE.name
    text = visible_text(html)
    assert "Navnet er fra dit MitID-login. Ret det, hvis det er forkert." in text
    assert lix(" ".join(readable_sentences(html))) <= LIX_LIMIT
    # Still editable: the citizen's own spelling is kept, and shown again from then on.
    saved = post_step(client, "/ansoeg/om-dig", {"full_name": "Ole P. Hansen", "phone": "87654321"})
    assert saved.status_code == 303
    again = client.get("/ansoeg/om-dig").get_data(as_text=True)
    assert name_value(again) == "Ole P. Hansen"
    assert "MitID-login" not in visible_text(again)


def test_an_emptied_name_is_asked_for_not_filled_in_again(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    answer_until(client, stop="/ansoeg/om-dig", other=True, **TYPED)
    response = post_step(client, "/ansoeg/om-dig", {"full_name": "", "phone": "87654321"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Skriv dit fulde navn." in visible_text(html)
    assert name_value(html) in (None, "")


def test_the_representative_step_speaks_english_too(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    answer_until(client, stop="/ansoeg/om-dig", other=True, **TYPED)
    set_language(client, "en")
    text = visible_text(client.get("/ansoeg/om-dig").get_data(as_text=True))
    assert "The name is from your MitID login. Change it if it is wrong." in text


def test_without_login_the_representative_step_starts_empty(app: Flask) -> None:
    client = app.test_client()
    answer_until(client, stop="/ansoeg/om-dig", other=True)
    html = client.get("/ansoeg/om-dig").get_data(as_text=True)
    assert name_value(html) in (None, "")
    assert "MitID" not in visible_text(html)


def test_a_digital_fuldmagt_persons_name_can_be_corrected_from_the_check_page(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, RELATIVE)
    assert answer_until(client, other=True, **CHOSEN) == "/ansoeg/tjek"
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    links = rows(html)
    # The name has its "Ret", to the name step; the CPR number and birth date have none.
    assert links["Fulde navn"] == "/ansoeg/navn?fra=tjek"
    assert links["CPR-nummer"] is None
    assert 'href="/ansoeg/navn-og-cpr' not in html and 'href="/ansoeg/alder' not in html
    page = client.get("/ansoeg/navn?fra=tjek").get_data(as_text=True)
    assert name_value(page) == "Inger Hansen"
    back = client.post("/ansoeg/navn?fra=tjek", data={"full_name": "Inger M. Hansen",
                                                       "csrf_token": token(page)})  # fmt: skip
    assert back.status_code == 303 and back.headers["Location"] == "/ansoeg/tjek"
    text = visible_text(client.get("/ansoeg/tjek").get_data(as_text=True))
    assert "Inger M. Hansen" in text and "050240-xxxx" in text
    assert "Inger Hansen" not in text
    # The CPR number is still the login's: the identity step cannot be posted to.
    forged = client.post("/ansoeg/navn-og-cpr", data={
        "full_name": "X", "cpr": "010190-1234", "csrf_token": token(page)})  # fmt: skip
    assert forged.status_code == 303
    assert "010190" not in visible_text(client.get("/ansoeg/tjek").get_data(as_text=True))


def test_for_oneself_the_logins_name_still_has_no_ret(
    login_app: Flask, oidc_provider: RunningProvider
) -> None:
    client = logged_in(login_app, oidc_provider, SELF)
    assert answer_until(client) == "/ansoeg/tjek"
    links = rows(client.get("/ansoeg/tjek").get_data(as_text=True))
    assert links["Dit fulde navn"] is None and links["Dit CPR-nummer"] is None
