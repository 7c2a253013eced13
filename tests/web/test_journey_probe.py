"""The outside probe's findings about the journey's flow (2026-12-06): what a changed answer
asks again, a guardian asked once, what "continue later" says it kept, and the forms' targets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import journey
from portal.db.models import Draft
from portal.web.db import database
from portal.web.services import cipher
from tests.web.helpers import set_language
from tests.web.journey import ANSWERS, FOR_OTHER, answer_until, post_step, submit, token


def stored_answers(app: Flask) -> dict[str, Any]:
    with database(app).transaction() as session:
        [draft] = session.query(Draft).all()
        with app.app_context():
            return dict(cipher().decrypt(draft.answers_enc))


def change_from_check(client: FlaskClient, path: str, data: dict[str, Any]) -> str:
    """Press "Ret" on the check page, answer, press "Fortsæt": where the browser is sent."""
    check = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert f'href="{path}?fra=tjek"' in check
    html = client.get(f"{path}?fra=tjek").get_data(as_text=True)
    response = client.post(
        f"{path}?fra=tjek", data={**data, "csrf_token": token(html), "action": "continue"}
    )
    assert response.status_code == 303
    return str(response.headers["Location"])


def test_a_new_municipality_shows_its_guidance_and_asks_the_offer_again(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, **{"/ansoeg/tilbud": {"offer": "kaerhoej"}})
    assert change_from_check(client, "/ansoeg/kommune", {"municipality": "157"}) == (
        "/ansoeg/vejledning"
    )
    # Not back on the check page before the new guidance is seen and the offer asked again.
    assert client.get("/ansoeg/tjek").headers["Location"] == "/ansoeg"
    assert client.get("/ansoeg").headers["Location"] == "/ansoeg/vejledning"
    guidance = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "Gentofte" in guidance
    kept = stored_answers(app)
    assert "offer_wish" not in kept and "guidance" not in kept
    # What the new municipality does not change is kept.
    assert kept["address"]["city"] == "Vejen" and kept["days"] == {"days": "3"}
    seen = client.post("/ansoeg/vejledning", data={"csrf_token": token(guidance)})
    assert seen.headers["Location"] == "/ansoeg/tilbud"
    offers = client.get("/ansoeg/tilbud").get_data(as_text=True)
    assert "Kærhøj" not in offers
    done = post_step(client, "/ansoeg/tilbud", {"offer": "none"})
    assert done.headers["Location"] == "/ansoeg/tjek"
    check = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Ikke besvaret" not in check
    assert submit(client).headers["Location"] == "/kvittering"


def test_the_same_answer_again_asks_nothing_again(app: Flask, client: FlaskClient) -> None:
    answer_until(client)
    assert change_from_check(client, "/ansoeg/kommune", {"municipality": "575"}) == "/ansoeg/tjek"
    ticked = {"wishes": ["get_out", "social_contact"]}  # the same boxes, another order
    assert change_from_check(client, "/ansoeg/oensker", ticked) == "/ansoeg/tjek"
    assert "guidance" in stored_answers(app)


def test_a_changed_need_shows_the_guidance_again_and_keeps_the_offer(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    assert change_from_check(client, "/ansoeg/dage", {"days": "5"}) == "/ansoeg/vejledning"
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    # Seen again, the flow goes straight back: the offer wish still holds in the same place.
    seen = client.post("/ansoeg/vejledning", data={"csrf_token": token(html)})
    assert seen.headers["Location"] == "/ansoeg/tjek"
    assert stored_answers(app)["offer_wish"]["offer"] == "none"


def test_another_person_asks_again_whose_name_address_and_contact(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    location = change_from_check(client, "/ansoeg/hvem", {"who": "other"})
    asked = []
    while location != "/ansoeg/tjek":
        asked.append(location)
        answer = {**ANSWERS, **FOR_OTHER}[location]
        location = post_step(client, location, answer).headers["Location"]
    # The name, CPR number, address and contact given for oneself are not the other person's.
    assert asked == [
        "/ansoeg/relation", "/ansoeg/fuldmagt", "/ansoeg/fornavn", "/ansoeg/vejledning",
        "/ansoeg/navn-og-cpr", "/ansoeg/adresse", "/ansoeg/kontakt", "/ansoeg/moeder",
        "/ansoeg/om-dig", "/ansoeg/samtykke",
    ]  # fmt: skip
    # The needs and the municipality were kept.
    assert stored_answers(app)["days"] == {"days": "3"}


@pytest.mark.parametrize(
    ("step_id", "old", "new", "dropped"),
    [
        (
            "municipality",
            {"municipality": "575"},
            {"municipality": "157"},
            {"guidance", "offer_wish"},
        ),
        ("who", {"who": "self"}, {"who": "other"}, {"guidance", "address"}),
        ("other_info", {"text": "a"}, {"text": "b"}, set()),
        ("address", {"city": "Vejen"}, {"city": "Vejle"}, set()),
    ],
)
def test_revise_drops_only_what_the_change_made_meaningless(
    step_id: str, old: dict[str, Any], new: dict[str, Any], dropped: set[str]
) -> None:
    before = {
        "who": {"who": "self"}, "municipality": {"municipality": "575"},
        "age": {"age": 30, "birth_date": None}, "other_info": {"text": "a"},
        "guidance": {"seen": True}, "offer_wish": {"offer": "none"},
        "address": {"city": "Vejen"}, step_id: old,
    }  # fmt: skip
    after = journey.revise(before, step_id, new)
    assert after[step_id] == new
    assert set(before) - set(after) == dropped


def test_a_guardian_is_not_asked_again_what_gives_them_the_right(
    app: Flask, client: FlaskClient
) -> None:
    location = answer_until(client, stop="/ansoeg/relation", other=True)
    assert location == "/ansoeg/relation"
    response = post_step(client, "/ansoeg/relation", {"relation": "guardian"})
    assert response.headers["Location"] == "/ansoeg/fornavn"
    assert client.get("/ansoeg/fuldmagt").status_code == 303
    assert answer_until(client, other=True) == "/ansoeg/tjek"
    assert stored_answers(app)["authority"]["authority"] == "guardianship"
    check = client.get("/ansoeg/tjek").get_data(as_text=True)
    # The authority is shown, and changed where it was answered: at the relation.
    assert "Jeg er værge" in check and 'href="/ansoeg/fuldmagt?fra=tjek"' not in check
    # Another relation asks the authority after all, and the answer then is the one typed.
    assert change_from_check(client, "/ansoeg/relation", {"relation": "relative"}) == (
        "/ansoeg/fuldmagt"
    )
    post_step(client, "/ansoeg/fuldmagt?fra=tjek", {"authority": "power_of_attorney"})
    assert stored_answers(app)["authority"] == {"authority": "power_of_attorney"}
    assert submit(client).headers["Location"] == "/kvittering"


def test_a_relative_who_typed_guardianship_keeps_it_when_the_relation_changes() -> None:
    typed = {"who": {"who": "other"}, "relation": {"relation": "relative"},
             "authority": {"authority": "guardianship"}}  # fmt: skip
    after = journey.revise(typed, "relation", {"relation": "helper"})
    assert after["authority"] == {"authority": "guardianship"}
    assert journey.may_visit("authority", after)


def save_later(client: FlaskClient, path: str, data: dict[str, Any]) -> tuple[str, str]:
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data={**data, "csrf_token": token(html), "action": "save"})
    assert response.status_code == 303
    location = str(response.headers["Location"])
    return location, client.get(location).get_data(as_text=True)


def test_continue_later_says_which_page_it_could_not_save(app: Flask, client: FlaskClient) -> None:
    assert answer_until(client, stop="/ansoeg/adresse") == "/ansoeg/adresse"
    half = {"street": "Vestergade 1", "postcode": "6600", "city": ""}
    location, html = save_later(client, "/ansoeg/adresse", half)
    assert location == "/ansoeg/gem?ikke-gemt=adresse"
    assert "Svaret på siden »Hvor bor du?« er ikke gemt" in html
    assert "Dine andre svar er gemt" in html and "Dine svar er gemt" not in html
    # Nothing half-typed is stored; the link leads back to the page, which is asked again.
    assert "address" not in stored_answers(app)
    link = re.search(r'href="http://localhost(/fortsaet/[^"]+)"', html)
    assert link is not None
    assert client.get(link.group(1)).headers["Location"] == "/ansoeg/adresse"


def test_continue_later_keeps_the_answer_from_before_and_says_so(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    location, html = save_later(client, "/ansoeg/adresse?fra=tjek", {"street": "", "city": "X"})
    assert "Det, du ændrede på siden »Hvor bor du?«, er ikke gemt" in html
    assert "Dit svar fra før er gemt" in html
    assert stored_answers(app)["address"]["city"] == "Vejen"
    set_language(client, "en")
    assert "What you changed on the page" in client.get(location).get_data(as_text=True)


def test_continue_later_on_an_untouched_page_says_all_is_saved(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/adresse")
    location, html = save_later(client, "/ansoeg/adresse", {"street": " ", "city": ""})
    assert location == "/ansoeg/gem" and "Dine svar er gemt" in html


def test_the_guidance_shown_again_says_why_and_only_then(client: FlaskClient) -> None:
    answer_until(client)
    assert "Et svar er ændret" not in client.get("/ansoeg/vejledning").get_data(as_text=True)
    change_from_check(client, "/ansoeg/dage", {"days": "5"})
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "Et svar er ændret" in html and "Kommunen får den vejledning, du ser her." in html


def test_a_birth_date_that_no_longer_fits_the_cpr_number_asks_it_again(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    born = {"birth_date-day": "2", "birth_date-month": "1", "birth_date-year": "1990"}
    assert change_from_check(client, "/ansoeg/alder", born) == "/ansoeg/navn-og-cpr"
    assert "identity" not in stored_answers(app)
    # The page says why it asks again, and keeps the name (never the number).
    page = client.get("/ansoeg/navn-og-cpr").get_data(as_text=True)
    assert "CPR-nummeret passer ikke med den længere" in page
    assert 'value="Karen Hansen"' in page and 'name="cpr" type="text" value=""' in page
    assert stored_answers(app)[journey.ASKED_AGAIN] == {"full_name": "Karen Hansen"}
    fitting = {"full_name": "Karen Hansen", "cpr": "020190-1234"}
    assert post_step(client, "/ansoeg/navn-og-cpr", fitting).headers["Location"] == "/ansoeg/tjek"
    assert journey.ASKED_AGAIN not in stored_answers(app)
    page = client.get("/ansoeg/navn-og-cpr").get_data(as_text=True)
    assert "passer ikke med den længere" not in page


@pytest.mark.parametrize(
    ("cpr", "fits"), [("010190-1234", True), ("020190-1234", False), ("0101", False)]
)
def test_a_cpr_number_is_asked_again_only_when_it_does_not_fit(cpr: str, fits: bool) -> None:
    before = {"age": {"birth_date": "1990-01-01", "age": None}, "identity": {"cpr": cpr}}
    after = journey.revise(before, "age", {"birth_date": "1990-01-01", "age": None})
    assert ("identity" in after) is fits


def test_another_person_from_digital_fuldmagt_asks_their_names_and_details_again() -> None:
    before = {
        "who": {"who": "other"}, "fuldmagt": {"person": "0101901234"},
        "applicant_name": {"first_name": "Inger"}, "fuldmagt_name": {"full_name": "Inger Hansen"},
        "days": {"days": "3"}, "address": {"city": "Vejen"}, "guidance": {"seen": True},
        "login_offers": {"may_act_for": ["0101901234", "0202401234"]},
    }  # fmt: skip
    after = journey.revise(before, "fuldmagt", {"person": "0202401234"})
    assert set(after) == {"who", "fuldmagt", "days", "login_offers"}


def test_back_to_for_yourself_asks_the_details_again_and_drops_the_representative(
    client: FlaskClient,
) -> None:
    answer_until(client, other=True)
    assert change_from_check(client, "/ansoeg/hvem", {"who": "self"}) == "/ansoeg/vejledning"
    assert answer_until(client) == "/ansoeg/tjek"
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Ole Hansen" not in html and "Karen Hansen" in html


@pytest.mark.parametrize(
    ("path", "typed", "kept"),
    [
        ("/ansoeg/andet", {"text": "Jeg vil gerne male. " * 112}, "Jeg vil gerne male. " * 3),
        ("/ansoeg/alder", {"birth_date-day": "31", "birth_date-month": "2",
                           "birth_date-year": "2000"}, 'value="31"'),
    ],
)  # fmt: skip
def test_continue_later_with_something_typed_wrongly_keeps_it_on_the_page(
    app: Flask, client: FlaskClient, path: str, typed: dict[str, Any], kept: str
) -> None:
    """The second walk typed 2,240 characters where 2,000 fit and pressed "Gem og fortsæt
    senere": the save page said the page was not complete, and the text was gone. Now the
    page stays, with what was typed, the error, and a way to save without it."""
    answer_until(client, stop=path)
    before = stored_answers(app)
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data={**typed, "csrf_token": token(html), "action": "save"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert kept in page
    assert "Siden er ikke gemt endnu" in page and 'class="alert alert-error' in page
    without = re.search(r'<a href="(/ansoeg/gem\?ikke-gemt=[^"]+)">Gem uden svarene', page)
    assert without is not None
    assert stored_answers(app) == before  # nothing of it stored
    assert "er ikke gemt" in client.get(without.group(1)).get_data(as_text=True)
