"""Applying for someone else, every question page speaks of the person, in Danish and English:
never "du" ("you") or "jeg" ("I") about the person, only about the relative where the text is
about the relative. Every step is rendered, then sent empty and with each kind of wrong answer,
so its labels, hints, options, leads and error messages are all read. The probe of 2026-12-06
found "Du må altid have en med til møder", "Skriv det, du har", "tage dit ja tilbage" and
"(a companion who goes out with you)" in the relative's flow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.citizen.steps import SLUGS, STEP_BY_SLUG
from portal.web.i18n import speaking
from portal.web.questions.base import Context
from portal.web.questions.forms import FORMS
from portal.web.questions.voice import Voice
from tests.web.helpers import readable_sentences, set_language
from tests.web.journey import ANSWERS, FOR_OTHER, errors, token
from tests.web.url_map import ONLY_WITH_LOGIN

SPEAKS_TO = {
    # "mit.dk" is the name of a mailbox, not "my".
    "da": re.compile(r"\b(du|dig|din|dit|dine|jeg|mig|min|mit|mine)\b(?!\.dk)", re.IGNORECASE),
    "en": re.compile(r"\b(?i:you|your|yours|yourself|me|my|mine|myself)\b|\bI\b"),
}
# Steps whose every text is about the relative: whom they apply for (asked before anyone else
# is named), who they are to the person and what gives them the right, and their own name
# and phone number.
ABOUT_THE_RELATIVE = {SLUGS[s] for s in ("who", "relation", "authority", "fuldmagt")} | {
    SLUGS["representative"]
}
# The one message that must say "du": it tells the relative what they typed in two boxes.
TO_THE_RELATIVE = re.compile(r"Du har skrevet, at Karen er \d+ år|You wrote that Karen is \d+")

WRONG: dict[str, list[dict[str, Any]]] = {
    "/ansoeg/fornavn": [{"first_name": "123"}, {"first_name": "K" * 51}],
    "/ansoeg/alder": [
        {"birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "1990", "age": "40"},
        {"birth_date-day": "31", "birth_date-month": "2", "birth_date-year": "1990"},
        {"birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "90"},
        {"birth_date-day": "x", "birth_date-month": "1", "birth_date-year": "1990"},
        {"age": "200"},
    ],
    "/ansoeg/vanskeligheder": [{"difficulties": ["mental", "unsure"]}],
    "/ansoeg/i-dag": [{"situation": ["club_or_association", "open_offer", "none"]}],
    "/ansoeg/tilbud": [{"offer": "other"}, {"offer": "other", "offer_text": "x" * 201}],
    "/ansoeg/andet": [{"text": "x" * 2001}, {"text": "a\x00b"}],
    "/ansoeg/navn-og-cpr": [
        {"full_name": "Karen Hansen", "cpr": cpr}
        for cpr in ("12058", "abc", "320190-1234", "020190-1234")
    ],
    "/ansoeg/adresse": [{"street": "Vej 1", "postcode": "66", "city": "Vejen"}],
    "/ansoeg/kontakt": [
        {"preferred": "email"},
        {"preferred": "phone"},
        {"preferred": "phone", "phone": "12"},
        {"preferred": "email", "email": "ikke-en-mail"},
    ],
    "/ansoeg/moeder": [{"needs": ["interpreter"]}, {"needs": ["interpreter", "none"]}],
    "/ansoeg/samtykke": [{"sources": ["doctor"]}, {"sources": ["doctor", "later"]}],
}


def main_text(html: str) -> list[str]:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    main = tree.find(".//main")
    assert main is not None
    body = html5lib.serialize(main, tree="etree")
    return readable_sentences(f"<html><body>{body}</body></html>")


def pages_in_the_other_voice(client: FlaskClient) -> Iterator[tuple[str, str]]:
    """Each question step's page as asked, sent empty and sent each wrong answer, for
    someone else; then the step is answered and the walk goes on."""
    answers = {**ANSWERS, **FOR_OTHER}
    location = client.get("/ansoeg").headers["Location"]
    while location in answers:
        page = client.get(location).get_data(as_text=True)
        if location != "/ansoeg/vejledning":  # the guidance is no question
            yield location, page
            empty = client.post(location, data={"csrf_token": token(page)})
            if empty.status_code == 200:  # a step whose every field is optional takes it
                yield location, empty.get_data(as_text=True)
            for data in WRONG.get(location, []):
                response = client.post(location, data={**data, "csrf_token": token(page)})
                refused = response.get_data(as_text=True)
                assert response.status_code == 200 and errors(refused), (location, data)
                yield location, refused
        response = client.post(location, data={**answers[location], "csrf_token": token(page)})
        assert response.status_code == 303, location
        location = response.headers["Location"]


def slips(sentences: list[str], lang: str) -> list[str]:
    return [s for s in sentences if SPEAKS_TO[lang].search(TO_THE_RELATIVE.sub("", s))]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_question_step_speaks_of_the_person_not_to_them(
    client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    found: dict[str, list[str]] = {}
    asked = set()
    for path, html in pages_in_the_other_voice(client):
        slug = path.removeprefix("/ansoeg/")
        asked.add(slug)
        if slug not in ABOUT_THE_RELATIVE:
            found.setdefault(path, []).extend(slips(main_text(html), lang))
    assert {path: sorted(set(texts)) for path, texts in found.items() if texts} == {}
    # Every step is read here but those only a MitID login reaches (the next test).
    assert asked == set(SLUGS.values()) - ONLY_WITH_LOGIN


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_steps_only_a_login_reaches_speak_of_the_person_too(app: Flask, lang: str) -> None:
    # Their options come from the login, so their texts are read from the form, not a page.
    voice = Voice(other=True, first_name="Karen")
    context = Context(answers={}, voice=voice)
    texts = []
    with app.test_request_context("/"), speaking(lang):
        for slug in ONLY_WITH_LOGIN - ABOUT_THE_RELATIVE:
            form = FORMS[STEP_BY_SLUG[slug]]
            said = [form.heading, form.lead, *form.labels.values(), *form.hints.values()]
            texts += [q.say(voice) for q in said if q is not None]
            texts += [
                c.label.say(voice) for name in form.answer_names()
                for c in form.choices_for(name, context)
            ]  # fmt: skip
    assert texts
    assert slips(texts, lang) == []


def test_the_check_finds_a_you_about_the_person() -> None:
    """The check itself: the texts the probe found would fail it."""
    assert slips(["Du må altid have en med til møder. Det kaldes en bisidder."], "da")
    assert slips(["Skriv det, du har. Du skal ikke have begge dele."], "da")
    assert slips(["This is called ledsagelse (a companion who goes out with you)."], "en")
    assert slips(["Having someone with me."], "en")
    assert not slips(["Breve fra kommunen i e-Boks eller mit.dk."], "da")
