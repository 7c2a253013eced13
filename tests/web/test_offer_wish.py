"""The offer wish comes after the guidance, so the offers have been seen before one is chosen;
"Hvilket?" reaches the caseworker only with "Et andet tilbud"."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.journey import answer_until, post_step, submit

OFFER = "/ansoeg/tilbud"


def test_the_offer_question_comes_right_after_the_guidance(client: FlaskClient) -> None:
    stop = answer_until(client, stop="/ansoeg/vejledning")
    assert stop == "/ansoeg/vejledning"
    response = post_step(client, "/ansoeg/vejledning", {})
    assert response.headers["Location"] == OFFER


def test_the_guidance_lists_the_offers_before_they_are_asked_about(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/vejledning")
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "Kærhøj" in html and "Veum Dag" in html


def test_a_text_typed_for_another_offer_is_dropped_when_a_named_offer_is_chosen(
    client: FlaskClient,
) -> None:
    answer_until(client)
    post_step(client, OFFER, {"offer": "other", "offer_text": "Et sted i Kolding"})
    assert "Et sted i Kolding" in client.get("/ansoeg/tjek").get_data(as_text=True)
    post_step(client, OFFER, {"offer": "veum_dag", "offer_text": "Et sted i Kolding"})
    check = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Veum Dag" in check and "Et sted i Kolding" not in check
    submit(client)
    receipt = client.get("/kvittering").get_data(as_text=True)
    assert "Et sted i Kolding" not in receipt


def test_naestved_asks_about_the_providers_its_standard_names(client: FlaskClient) -> None:
    answer_until(client, stop=OFFER, **{"/ansoeg/kommune": {"municipality": "370"}})
    html = client.get(OFFER).get_data(as_text=True)
    assert "et bestemt sted, der står for tilbuddet" in html
    assert "Næstved Sociale Virksomhed (NSV)" in html


def test_naestveds_guidance_speaks_of_providers_where_its_standard_is_silent(
    client: FlaskClient,
) -> None:
    answer_until(client, stop="/ansoeg/vejledning", **{"/ansoeg/kommune": {"municipality": "370"}})
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "Hvem der står for tilbuddet" in html and "hvem hvert sted er for" in html
    assert "hvem hvert tilbud er for" not in html
