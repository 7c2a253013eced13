"""WTForms' own messages (a value no option has, an overlong value) speak the page's language:
WTForms has no Danish catalogue, so the portal gives its own words (portal.web.i18n), and the
rest come from one catalogue per language, loaded once, not read from disk for every request."""

from __future__ import annotations

import pytest
from flask import Flask, session
from flask.testing import FlaskClient

from portal.web.i18n import WTFORMS_MESSAGES, forget_translations
from tests.web.helpers import set_language
from tests.web.journey import errors, token

CHOOSE_FROM_LIST = {
    "da": "Vælg et af svarene på listen.",
    "en": "Choose one of the answers in the list.",
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_value_no_option_has_is_refused_in_the_page_s_language(
    client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    page = client.get("/ansoeg/hvem").get_data(as_text=True)
    response = client.post("/ansoeg/hvem", data={"who": "everyone", "csrf_token": token(page)})
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True)) == [CHOOSE_FROM_LIST[lang]]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("da", "Skriv højst 254 tegn."), ("en", "Write no more than 254 characters.")],
)
def test_a_length_limit_without_its_own_words_speaks_the_page_s_language(
    app: Flask, lang: str, expected: str
) -> None:
    # What WTForms' Length validator asks for when a field gives no message of its own.
    with app.test_request_context("/"):
        session["lang"] = lang
        forget_translations()
        singular = "Field cannot be longer than %(max)d character."
        plural = "Field cannot be longer than %(max)d characters."
        assert WTFORMS_MESSAGES.ngettext(singular, plural, 254) % {"max": 254} == expected


def test_each_language_s_catalogue_is_loaded_once(app: Flask) -> None:
    with app.test_request_context("/"):
        first = WTFORMS_MESSAGES._catalogue()
        assert WTFORMS_MESSAGES._catalogue() is first
