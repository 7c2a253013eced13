"""The second outside walk's findings on the citizen pages."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.helpers import set_language
from tests.web.journey import answer_until, status_links, submit, token


@pytest.mark.parametrize(
    ("level", "said", "lang"),
    [("1", "lidt hjælp", "da"), ("2", "en del hjælp", "da"),
     ("1", "a little help", "en"), ("2", "quite a lot of help", "en")],
)  # fmt: skip
def test_naestved_repeats_the_help_the_person_said_in_their_own_words(
    client: FlaskClient, level: str, said: str, lang: str
) -> None:
    """ "Jeg skal have en del hjælp" was answered with "you need little or some help", which
    understates it next to Næstved's levels 3 and 4."""
    set_language(client, lang)
    answer_until(client, stop="/ansoeg/vejledning", **{
        "/ansoeg/kommune": {"municipality": "370"}, "/ansoeg/hjaelp": {"help_level": level},
    })  # fmt: skip
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert said in html
    assert "lidt eller noget hjælp" not in html and "a little or some help" not in html


def test_the_age_page_marks_neither_field_optional_since_one_is_needed(
    client: FlaskClient,
) -> None:
    answer_until(client, stop="/ansoeg/alder")
    assert "frivilligt" not in client.get("/ansoeg/alder").get_data(as_text=True)
    answer_until(client, stop="/ansoeg/andet")
    assert "frivilligt" in client.get("/ansoeg/andet").get_data(as_text=True)  # still marked


def test_withdrawing_twice_says_it_is_already_withdrawn_and_links_the_status(
    client: FlaskClient,
) -> None:
    answer_until(client)
    receipt = client.get(submit(client).headers["Location"]).get_data(as_text=True)
    link = status_links(receipt)[0]
    page = client.get(link + "/traek-tilbage").get_data(as_text=True)
    assert client.post(link + "/traek-tilbage", data={"csrf_token": token(page)}).status_code == 303
    again = client.get(link + "/traek-tilbage").get_data(as_text=True)
    assert "er allerede trukket tilbage." in again
    assert f'<a href="{link}">Se status for ansøgningen</a>' in again
