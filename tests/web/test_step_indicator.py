"""On a phone the step indicator's list is hidden; the line above the h1 names the section,
so "Trin 2 af 5" is never all a person sees for ten pages in a row."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.helpers import parse, set_language
from tests.web.journey import answer_until


def subheading(client: FlaskClient, path: str) -> str:
    tree = parse(client.get(path).get_data(as_text=True))
    line = tree.find(".//p[@class='step-subheading']")
    assert line is not None, path
    return " ".join("".join(line.itertext()).split())


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("da", {
            "/ansoeg/alder": "Trin 1 af 5: Hvem og hvor",
            "/ansoeg/vanskeligheder": "Trin 2 af 5: Behov",
            "/ansoeg/andet": "Trin 2 af 5: Behov",
            "/ansoeg/vejledning": "Trin 3 af 5: Vejledning",
            "/ansoeg/kontakt": "Trin 4 af 5: Kontakt",
            "/ansoeg/tjek": "Trin 5 af 5: Tjek og send",
        }),
        ("en", {
            "/ansoeg/alder": "Step 1 of 5: Who and where",
            "/ansoeg/vanskeligheder": "Step 2 of 5: Needs",
            "/ansoeg/andet": "Step 2 of 5: Needs",
            "/ansoeg/vejledning": "Step 3 of 5: Guidance",
            "/ansoeg/kontakt": "Step 4 of 5: Contact",
            "/ansoeg/tjek": "Step 5 of 5: Check and send",
        }),
    ],
)  # fmt: skip
def test_the_phone_step_line_names_the_section(
    client: FlaskClient, lang: str, expected: dict[str, str]
) -> None:
    set_language(client, lang)
    answer_until(client)
    assert {path: subheading(client, path) for path in expected} == expected


def test_the_section_names_match_the_step_indicator_list(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/hjaelp")
    tree = parse(client.get("/ansoeg/hjaelp").get_data(as_text=True))
    current = tree.find(
        ".//ol[@class='step-indicator']/li[@class='current']//span[@class='step-title']"
    )
    assert current is not None
    assert subheading(client, "/ansoeg/hjaelp") == f"Trin 2 af 5: {current.text}"
