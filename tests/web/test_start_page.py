"""The start page: the way in comes first, and every general claim on it holds for all five
municipalities' standards (what differs is left to the guidance, which cites each one)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.standards import load_all
from portal.standards.model import TransportCondition
from portal.standards.text import SourceKind
from tests.web.helpers import parse, set_language, visible_text
from tests.web.journey import answer_until

LEAD_WORDS_MAX = 40


def main_children(client: FlaskClient) -> list[Any]:
    tree = parse(client.get("/").get_data(as_text=True))
    main = tree.find(".//main")
    assert main is not None
    return list(main)


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def before_first_section(client: FlaskClient) -> list[Any]:
    children = main_children(client)
    first_h2 = next(i for i, child in enumerate(children) if child.tag == "h2")
    return children[:first_h2]


def test_the_start_button_follows_a_short_lead_before_any_section(client: FlaskClient) -> None:
    top = before_first_section(client)
    assert [child.tag for child in top] == ["h1", "p", "p"]
    lead, button = top[1], top[2]
    assert "font-lead" in lead.get("class")
    assert len(text_of(lead).split()) <= LEAD_WORDS_MAX
    link = button.find(".//a")
    assert link is not None and text_of(link) == "Start" and link.get("href") == "/ansoeg"


def test_with_a_draft_the_continue_button_comes_before_any_section(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/kommune")
    top = before_first_section(client)
    links = [a for child in top for a in child.iter("a")]
    assert [text_of(a) for a in links] == ["Fortsæt, hvor du slap", "Start forfra i stedet"]
    assert "button-primary" in links[0].get("class")


def test_the_page_still_explains_who_costs_what_to_have_ready_and_that_it_is_guidance(
    client: FlaskClient,
) -> None:
    headings = [text_of(h) for h in main_children(client) if h.tag == "h2"]
    assert headings == [
        "Hvem kan få tilbuddet?", "Hvad koster det?", "Det skal du have klar", "Sådan foregår det",
    ]  # fmt: skip
    assert "Det er kommunen, der bestemmer" in visible_text(
        client.get("/").get_data(as_text=True), "main"
    )


@pytest.mark.parametrize(
    ("lang", "unbacked"),
    [
        ("da", ["gratis", "alene", "ensom", "dagtimerne", "voksne"]),
        ("en", ["free", "alone", "lonel", "daytime", "adults"]),
    ],
)
def test_the_start_page_claims_nothing_a_standard_does_not_back(
    client: FlaskClient, lang: str, unbacked: list[str]
) -> None:
    # Gentofte says nothing on cost; no standard names loneliness or daytime; two of the five
    # give no age limit. None of it may be said as if it held everywhere.
    set_language(client, lang)
    text = visible_text(client.get("/").get_data(as_text=True), "main").lower()
    assert [word for word in unbacked if word in text] == []


def test_what_the_start_page_says_about_costs_holds_for_every_municipality(
    client: FlaskClient,
) -> None:
    standards = load_all().values()
    text = visible_text(client.get("/").get_data(as_text=True), "main")
    # "It differs from municipality to municipality": some state a free offer, some do not.
    free_stated = {s.costs.free.source.kind is SourceKind.SEED for s in standards}
    assert free_stated == {True, False}
    assert "Hvad du selv skal betale, er forskelligt fra kommune til kommune." in text
    # "Some municipalities say that you pay for trips and food yourself": some, not all.
    own_payment_stated = [s.costs.own_payment.source.kind is SourceKind.SEED for s in standards]
    assert any(own_payment_stated) and not all(own_payment_stated)
    assert "Nogle kommuner skriver fx, at du selv betaler for ture og mad." in text
    # "The municipality can pay for transport; there are rules": every standard has its rule.
    assert all(s.transport.condition is not TransportCondition.NOT_STATED for s in standards)
    assert "Kommunen kan betale for kørsel til tilbuddet." in text


@pytest.mark.parametrize(
    ("lang", "loneliness"), [("da", "ensomhed"), ("en", "loneliness")]
)  # fmt: skip
def test_the_social_problems_hint_does_not_name_loneliness(
    client: FlaskClient, lang: str, loneliness: str
) -> None:
    set_language(client, lang)
    answer_until(client, stop="/ansoeg/vanskeligheder")
    html = client.get("/ansoeg/vanskeligheder").get_data(as_text=True)
    assert loneliness not in html.lower()
    assert ("misbrug" if lang == "da" else "addiction") in html
