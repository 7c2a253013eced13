"""WTForms' own messages (a value no option has) come from one catalogue per language, loaded
once (portal.web.i18n.WTFormsMessages), not read from disk for every request."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.web.i18n import WTFORMS_MESSAGES
from tests.web.helpers import set_language
from tests.web.journey import errors, token


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_value_no_option_has_is_refused_with_wtforms_message(
    client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    page = client.get("/ansoeg/hvem").get_data(as_text=True)
    response = client.post("/ansoeg/hvem", data={"who": "everyone", "csrf_token": token(page)})
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True)) == ["Not a valid choice."]


def test_each_language_s_catalogue_is_loaded_once(app: Flask) -> None:
    with app.test_request_context("/"):
        first = WTFORMS_MESSAGES._catalogue()
        assert WTFORMS_MESSAGES._catalogue() is first
