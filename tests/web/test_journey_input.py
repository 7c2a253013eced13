"""Bad input anywhere gets a clear message next to the field and in the summary, in the
user's language; nothing is half-stored; never a 500."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import journey
from portal.citizen import session as drafts_in_session
from portal.db import drafts
from portal.db.models import Draft
from portal.web.db import database
from tests.web.helpers import parse, set_language
from tests.web.journey import answer_until, cpr_aged, errors, post_step, token


def stored_answers(app: Flask) -> dict:  # type: ignore[type-arg]
    with database(app).transaction() as session:
        draft = session.scalars(select(Draft)).one()
        return drafts.read_answers(app.extensions["portal.cipher"], draft)


def assert_error(response, message: str) -> None:  # type: ignore[no-untyped-def]
    """The message stands in the summary (linking to a field on the page) and by the field."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tree = parse(html)
    summary = tree.find(".//*[@data-module='error-summary']")
    assert summary is not None, "no error summary"
    assert message in errors(html), errors(html)
    for link in summary.iter("a"):
        assert tree.find(f".//*[@id='{link.get('href')[1:]}']") is not None
    assert any(
        message in "".join(el.itertext())
        for el in tree.iter()
        if "form-error-message" in (el.get("class") or "")
    )


@pytest.mark.parametrize(
    ("stop", "data", "message"),
    [
        ("/ansoeg/hvem", {}, "Vælg et af svarene."),
        ("/ansoeg/vanskeligheder", {}, "Vælg mindst ét svar."),
        ("/ansoeg/alder", {}, "Skriv fødselsdatoen eller alderen."),
        ("/ansoeg/alder", {"birth_date-day": "31", "birth_date-month": "2", "birth_date-year": "1990"},
         "Datoen findes ikke. Tjek dag, måned og år."),
        ("/ansoeg/alder", {"birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "2999"},
         "Fødselsdatoen kan ikke ligge ude i fremtiden."),
        ("/ansoeg/alder", {"age": "200"}, "Skriv en alder mellem 0 og 130 år."),
        ("/ansoeg/vanskeligheder", {"difficulties": ["mental", "unsure"]},
         "»Ved ikke« kan ikke vælges sammen med »Noget psykisk eller noget i hjernen«. "
         "Fjern et af de to kryds."),
        ("/ansoeg/andet", {"text": "x" * 2001}, "Teksten må højst have 2000 tegn. Den har 2001. Fjern 1 tegn."),
        ("/ansoeg/andet", {"text": "hej\x00med dig"}, "Teksten indeholder tegn, vi ikke kan bruge. Skriv den igen."),
        ("/ansoeg/tilbud", {"offer": "other"}, "Skriv, hvilket tilbud det er."),
        ("/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": "abc"},
         "Skriv CPR-nummeret med 10 tal, fx 010190-1234."),
        ("/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": "320190-1234"},
         "CPR-nummeret findes ikke. Tjek de første 6 tal: de er fødselsdatoen."),
        ("/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": "020190-1234"},
         "CPR-nummeret passer ikke med fødselsdatoen. Tjek dem begge."),
        ("/ansoeg/adresse", {"street": "Vej 1", "postcode": "66", "city": "Vejen"},
         "Et postnummer har 4 tal, fx 4000."),
        ("/ansoeg/kontakt", {"preferred": "email"}, "Skriv e-mailen, eller vælg en anden måde."),
        ("/ansoeg/kontakt", {"preferred": "phone", "phone": "12"},
         "Skriv telefonnummeret med 8 tal, fx 12 34 56 78."),
        ("/ansoeg/kontakt", {"preferred": "email", "email": "ikke-en-mail"},
         "Skriv e-mailen sådan her: navn@eksempel.dk."),
        ("/ansoeg/moeder", {"needs": ["interpreter"]}, "Skriv, hvilket sprog tolken skal tale."),
        ("/ansoeg/samtykke", {"sources": ["doctor"]}, "Vælg, hvilke oplysninger kommunen må få."),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    app: Flask,
    client: FlaskClient,
    stop: str,
    data: dict,
    message: str,  # type: ignore[type-arg]
) -> None:
    answer_until(client, stop=stop)
    before = stored_answers(app) if stop != "/ansoeg/hvem" else {}
    response = post_step(client, stop, data)
    assert_error(response, message)
    after = stored_answers(app) if stop != "/ansoeg/hvem" else {}
    assert after == before


def test_messages_come_in_english_for_english_users(client: FlaskClient) -> None:
    set_language(client, "en")
    response = post_step(client, "/ansoeg/hvem", {})
    html = response.get_data(as_text=True)
    assert "Choose one of the answers." in errors(html)
    assert "<title>Error:" in html


def test_a_tampered_choice_is_refused(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/hjaelp")
    response = post_step(client, "/ansoeg/hjaelp", {"help_level": "9"})
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True))


def test_extra_form_fields_are_ignored(app: Flask, client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/dage")
    post_step(client, "/ansoeg/dage", {"days": "3", "status": "granted", "municipality": "157"})
    saved = stored_answers(app)
    assert saved["days"] == {"days": "3"}
    assert saved["municipality"] == {"municipality": "575"}


def test_html_in_free_text_is_stored_as_given_and_shown_escaped(
    app: Flask, client: FlaskClient
) -> None:
    text = '<script>alert("x")</script> & <b>fed</b>'
    answer_until(client, **{"/ansoeg/andet": {"text": text}})
    assert stored_answers(app)["other_info"]["text"] == text
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in html


def test_a_step_posted_out_of_order_goes_to_the_first_unanswered_step(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop="/ansoeg/alder")
    html = client.get("/ansoeg/alder").get_data(as_text=True)
    response = client.post(
        "/ansoeg/transport", data={"transport": "yes", "csrf_token": token(html)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/ansoeg/alder"
    assert "transport" not in stored_answers(app)


def test_a_step_that_does_not_exist_is_not_found(client: FlaskClient) -> None:
    assert client.get("/ansoeg/findes-ikke").status_code == 404


def test_an_expired_form_comes_back_with_the_answers_and_a_message(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop="/ansoeg/andet")
    response = client.post(
        "/ansoeg/andet", data={"text": "Mine egne ord", "csrf_token": "forældet-token"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Siden var åben for længe" in html
    assert "Mine egne ord" in html
    assert "other_info" not in stored_answers(app)


@pytest.mark.parametrize("path", ["/fortsaet/forfalsket", "/fortsaet/" + "a" * 400])
def test_a_tampered_resume_link_gets_a_clear_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Linket virker ikke" in response.get_data(as_text=True)


def test_an_expired_resume_link_gets_a_clear_page(app: Flask, client: FlaskClient) -> None:
    from itsdangerous import URLSafeTimedSerializer

    answer_until(client, stop="/ansoeg/dage")
    with database(app).transaction() as session:
        draft_id = session.scalars(select(Draft.id)).one()
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=drafts_in_session.RESUME_SALT)
    token_value = old.dumps(draft_id)
    real_time = __import__("time").time
    try:
        __import__("time").time = lambda: real_time() + 31 * 24 * 3600
        response = app.test_client().get(f"/fortsaet/{token_value}")
    finally:
        __import__("time").time = real_time
    assert response.status_code == 404


def test_a_tampered_signed_status_link_opens_nothing(app: Flask, client: FlaskClient) -> None:
    """Links made before the short ones were signed; a changed signature or payload fails."""
    from portal.citizen.followup import status_serializer
    from tests.web.journey import status_links, submit

    answer_until(client)
    submit(client)
    [link] = status_links(client.get("/kvittering").get_data(as_text=True))
    with app.test_request_context():
        signed = "/status/" + status_serializer().dumps(link.removeprefix("/status/"))
    head, signature = signed.rsplit(".", 1)
    payload = head.removeprefix("/status/")

    def other(char: str) -> str:
        # A different first character (all six bits of a leading base64 character count; a
        # trailing one may carry padding bits that decoding ignores).
        return "A" if char != "A" else "B"

    forged_signature = f"{head}.{other(signature[0])}{signature[1:]}"
    forged_payload = f"/status/{other(payload[0])}{payload[1:]}.{signature}"
    for forged in (forged_signature, forged_payload, "/status/AS-2026-000001"):
        response = client.get(forged)
        assert response.status_code == 404
        assert "Sådan går det med ansøgningen" not in response.get_data(as_text=True)


def test_a_status_link_is_not_the_reference(client: FlaskClient) -> None:
    from tests.web.journey import status_links, submit

    answer_until(client)
    submit(client)
    html = client.get("/kvittering").get_data(as_text=True)
    reference = re.search(r"AS-\d{4}-\d{6}", html).group(0)  # type: ignore[union-attr]
    assert all(reference not in link for link in status_links(html))


FIELD_NAMES = [
    "who", "relation", "authority", "first_name", "municipality", "birth_date-day",
    "birth_date-month", "birth_date-year", "age", "difficulties", "help_level", "wishes",
    "situation", "days", "day_length", "transport", "offer", "offer_text", "action_plan",
    "text", "full_name", "cpr", "street", "postcode", "city", "phone", "email", "preferred",
    "needs", "language", "sources", "confirm", "action", "unknown",
]  # fmt: skip


def test_nothing_a_user_can_send_to_any_step_gives_a_server_error(app: Flask) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from werkzeug.datastructures import MultiDict

    from portal.citizen.steps import SLUGS

    client = app.test_client()
    answer_until(client, other=True)
    html = client.get("/ansoeg/hvem").get_data(as_text=True)
    csrf = token(html)
    paths = [f"/ansoeg/{slug}" for slug in SLUGS.values()] + ["/ansoeg/tjek", "/ansoeg/gem"]
    values = st.one_of(st.text(max_size=300), st.sampled_from(["", "other", "unsure", "9", "-1"]))
    forms = st.dictionaries(st.sampled_from(FIELD_NAMES), st.lists(values, max_size=3), max_size=6)

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(path=st.sampled_from(paths), form=forms)
    def post_anything(path: str, form: dict) -> None:  # type: ignore[type-arg]
        data = [(k, v) for k, vs in form.items() for v in vs] + [("csrf_token", csrf)]
        response = client.post(path, data=MultiDict(data))
        assert response.status_code in (200, 303, 400), (path, form, response.status_code)

    post_anything()


def test_a_cpr_number_must_fit_an_age_given_instead_of_a_birth_date(client: FlaskClient) -> None:
    """The second walk gave the age 40 and then a CPR number of a child born in 2025: it was
    taken. A number must fit the age as it fits a birth date."""
    fitting = cpr_aged(40)
    answer_until(client, stop="/ansoeg/navn-og-cpr", **{"/ansoeg/alder": {"age": "40"}})
    refused = post_step(client, "/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": "010125-4000"})
    assert_error(refused, "CPR-nummeret passer ikke med alderen. Tjek dem begge.")
    taken = post_step(client, "/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": fitting})
    assert taken.status_code == 303


def test_an_age_changed_so_that_the_cpr_number_no_longer_fits_asks_for_it_again() -> None:
    today = date(2026, 12, 6)
    answers = {"age": {"age": 36, "birth_date": None},
               "identity": {"full_name": "Karen", "cpr": "010190-1234"}}  # fmt: skip
    kept = journey.revise(answers, "age", {"age": 36, "birth_date": None}, today)
    assert "identity" in kept
    changed = journey.revise(answers, "age", {"age": 50, "birth_date": None}, today)
    assert "identity" not in changed
