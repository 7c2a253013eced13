"""The question pages' texts and messages that the probe of 2026-12-06 found wrong or vague:
each test names the finding it keeps fixed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.helpers import parse, set_language, visible_text
from tests.web.journey import answer_until, errors, post_step
from tests.web.test_journey_input import stored_answers

WHO_HINT = {
    "da": "Fx dit voksne barn, din forælder eller en, du er værge for.",
    "en": "For example your adult child, your parent or someone you are the guardian of.",
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_who_hint_suggests_adults_only_as_the_offer_is_for_adults(
    client: FlaskClient, lang: str
) -> None:
    # Vejen, Næstved and Roskilde say 18 years or more; § 104 is an offer for adults.
    set_language(client, lang)
    text = visible_text(client.get("/ansoeg/hvem").get_data(as_text=True))
    assert WHO_HINT[lang] in text
    assert "dit barn" not in text and "your child" not in text


def future_cpr() -> str:
    """Tomorrow's date, with a 7th digit (5) that puts a year below 58 in the 2000s."""
    return f"{date.today() + timedelta(days=1):%d%m%y}-5000"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # Too few or too many digits: the advice is the length, not the birth date.
        ("12058", "Et CPR-nummer har 10 tal, men her er der 5. Skriv hele nummeret, fx 010190-1234."),
        ("010190-12345",
         "Et CPR-nummer har 10 tal, men her er der 11. Skriv hele nummeret, fx 010190-1234."),
        ("0101 901", "Et CPR-nummer har 10 tal, men her er der 7. Skriv hele nummeret, fx 010190-1234."),
        # Ten digits whose first six are no date.
        ("320190-1234", "CPR-nummeret findes ikke. Tjek de første 6 tal: de er fødselsdatoen."),
        ("011390-1234", "CPR-nummeret findes ikke. Tjek de første 6 tal: de er fødselsdatoen."),
        # A letter or another sign.
        ("01019o-1234", "Skriv CPR-nummeret med 10 tal, fx 010190-1234."),
        ("010190/1234", "Skriv CPR-nummeret med 10 tal, fx 010190-1234."),
    ],
)  # fmt: skip
def test_each_wrong_cpr_number_gets_the_advice_that_fits_it(
    client: FlaskClient, typed: str, message: str
) -> None:
    answer_until(client, stop="/ansoeg/navn-og-cpr")
    response = post_step(client, "/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": typed})
    assert errors(response.get_data(as_text=True)) == [message]


def test_a_cpr_number_born_tomorrow_is_refused_without_blaming_the_first_six_digits(
    client: FlaskClient,
) -> None:
    answer_until(client, stop="/ansoeg/navn-og-cpr")
    response = post_step(client, "/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": future_cpr()})
    assert errors(response.get_data(as_text=True)) == [
        "CPR-nummeret findes ikke. Det giver en fødselsdato ude i fremtiden. Tjek tallene."
    ]


def test_a_short_cpr_number_is_told_its_length_in_english(client: FlaskClient) -> None:
    set_language(client, "en")
    answer_until(client, stop="/ansoeg/navn-og-cpr")
    response = post_step(client, "/ansoeg/navn-og-cpr", {"full_name": "Karen", "cpr": "12058"})
    assert errors(response.get_data(as_text=True)) == [
        "A CPR number has 10 digits, but there are 5 here. "
        "Enter the whole number, for example 010190-1234."
    ]


@pytest.mark.parametrize(
    ("lang", "needs", "message"),
    [
        ("da", ["interpreter", "none"],
         "»Nej« kan ikke vælges sammen med »En tolk«. Fjern et af de to kryds."),
        ("da", ["interpreter", "accessible_place", "none"],
         "»Nej« kan ikke vælges sammen med »En tolk« og »Et sted uden trapper«. "
         "Fjern krydset ved »Nej«, eller fjern de andre kryds."),
        ("en", ["interpreter", "none"],
         "“No” cannot be chosen together with “An interpreter”. Remove one of the two ticks."),
    ],
)  # fmt: skip
def test_answers_that_cannot_go_together_are_named_in_the_message(
    client: FlaskClient, lang: str, needs: list[str], message: str
) -> None:
    set_language(client, lang)
    answer_until(client, stop="/ansoeg/moeder")
    data = {"needs": needs, "language": "arabisk"}
    response = post_step(client, "/ansoeg/moeder", data)
    assert errors(response.get_data(as_text=True)) == [message]


def test_the_same_box_sent_twice_is_no_clash(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/moeder")
    response = post_step(client, "/ansoeg/moeder", {"needs": ["none", "none"]})
    assert response.status_code == 303


LANGUAGE_FIELD = {
    "da": ("Hvilket sprog skal tolken tale?", "Skriv sproget, hvis der er kryds ved »En tolk«."),
    "en": (
        "Which language should the interpreter speak?",
        "Write the language if “An interpreter” is ticked.",
    ),
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_interpreter_language_is_not_called_optional_and_says_when_it_is_needed(
    client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    answer_until(client, stop="/ansoeg/moeder")
    tree = parse(client.get("/ansoeg/moeder").get_data(as_text=True))
    label = tree.find(".//label[@for='language']")
    hint = tree.find(".//*[@id='language-hint']")
    assert label is not None and hint is not None
    assert " ".join("".join(label.itertext()).split()) == LANGUAGE_FIELD[lang][0]
    assert "".join(hint.itertext()) == LANGUAGE_FIELD[lang][1]


def test_a_language_typed_without_an_interpreter_is_not_kept_or_shown(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, **{"/ansoeg/moeder": {"needs": ["companion"], "language": "arabisk"}})
    assert stored_answers(app)["meeting_help"]["language"] is None
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Hvilket sprog" not in html and "arabisk" not in html


def test_the_interpreter_s_language_is_kept_and_shown_on_the_check_page(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, **{"/ansoeg/moeder": {"needs": ["interpreter"], "language": "arabisk"}})
    assert stored_answers(app)["meeting_help"]["language"] == "arabisk"
    text = visible_text(client.get("/ansoeg/tjek").get_data(as_text=True))
    assert "Hvilket sprog skal tolken tale? arabisk" in text
