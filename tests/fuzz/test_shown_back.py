"""Hostile answers a step accepts (markup, template expressions, right-to-left and combining
text) are shown back escaped and as typed wherever they appear: in their box on the question,
in the questions that speak of the person by name, on the check page, the receipt and the
status page, and on the caseworker's case page and export."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import text

from portal.db.models import StaffRole
from portal.web.db import database
from tests.fuzz.drive import send
from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.test_citizen_forms import CHECK, JOURNEY, TYPED, step_form
from tests.fuzz.values import CORPUS, MARKUP, TEMPLATES, Value
from tests.fuzz.world import Persona, citizen, staff_persona
from tests.web.journey import post_step, status_links, submit

# Answers that make a text box count: "another offer" and the interpreter's language.
OPENED = {"/ansoeg/tilbud": {"offer": "other"}, "/ansoeg/moeder": {"needs": ["interpreter"]}}
# What each box is tried with, in order, until the step takes one.
PAYLOADS: list[Value] = [
    *MARKUP, *TEMPLATES[:2], CORPUS["rtl-override"], CORPUS["combining"], CORPUS["emoji"],
]  # fmt: skip


def accept_payloads(
    fuzz: Fuzzer, persona: Persona, location: str, answer: dict[str, Any]
) -> dict[str, str]:
    """Each box of the step with the first payload it takes (the others as answered)."""
    form = step_form(persona, location)
    form.preset(answer)
    taken: dict[str, str] = {}
    for name in [n for n in form.names if form.fields[n].kind in TYPED]:
        # Each box starts at another kind, and has its own payload (a number after it), so
        # that one found on a page is its.
        start = fuzz.total % len(PAYLOADS)
        for payload in (f"{p}{fuzz.total}" for p in PAYLOADS[start:] + PAYLOADS[:start]):
            overrides = {**{n: [v] for n, v in taken.items()}, name: [payload]}
            if send(fuzz, persona, form, overrides, f"payload={name}", payload).status_code == 303:
                taken[name] = str(payload)
                break
    return taken


def view(fuzz: Fuzzer, persona: Persona, path: str, shown: dict[str, str]) -> str:
    """The page through the oracles (no markup unescaped, no template run) with every
    accepted payload as what was sent."""
    case = Case(persona.name, "GET", path, sent=tuple(shown.values()), kind="shown-back")
    response = fuzz.send(persona.client, case)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def missing(html: str, shown: dict[str, str]) -> list[str]:
    return [where for where, value in shown.items() if str(escape(value)) not in html]


@pytest.mark.parametrize("other", [False, True], ids=["self", "relative"])
def test_accepted_hostile_answers_are_shown_back_escaped_everywhere(
    app: Flask, fuzz: Fuzzer, other: bool
) -> None:
    persona = citizen(app)
    answers = {**JOURNEY, **({} if other else {"/ansoeg/hvem": {"who": "self"}}), **OPENED}
    shown: dict[str, str] = {}  # "step field": the payload it took
    location = persona.client.get("/ansoeg").headers["Location"]
    while location in answers:
        taken = accept_payloads(fuzz, persona, location, answers[location])
        shown |= {f"{location} {name}": value for name, value in taken.items()}
        response = post_step(persona.client, location, {**answers[location], **taken})
        assert response.status_code == 303, location
        location = response.headers["Location"]
    assert location == CHECK
    assert len(shown) >= 5, shown  # names, address, free text: the boxes took payloads
    for path in sorted({where.split()[0] for where in shown}):
        view(fuzz, persona, path, shown)
    assert missing(view(fuzz, persona, CHECK, shown), shown) == []
    assert submit(persona.client).status_code == 303
    receipt = view(fuzz, persona, "/kvittering", shown)
    for link in status_links(receipt):
        view(fuzz, persona, link, shown)
    caseworker = staff_persona(app, "caseworker", "fuzz.sb@vejen.dk", StaffRole.CASEWORKER)
    with database(app).transaction() as session:
        newest = session.scalar(text("SELECT max(id) FROM application"))
    page = view(fuzz, caseworker, f"/sagsbehandler/sag/{newest}", shown)
    assert missing(page, shown) == []
    fuzz.assert_clean(at_least=30)
