"""The decision letter's complaint guidance says each thing once and cites each: where to
complain in the standard's own words for the letter (Næstved's without the deadline the letter
already states, Vejen's without the guidance's "you will get reasons"), and from when the
deadline runs, cited to the standard only where it says so (Næstved), else to the law
(Gentofte gives the 4 weeks but not their start)."""

from __future__ import annotations

import pytest
from flask import Flask

from portal import decisions
from portal.lifecycle import Decision
from portal.standards import SourceKind, load_all
from tests.web.helpers import set_language
from tests.web.test_decision_letter import Case, letter

STANDARDS = load_all()
LAW = decisions.DEADLINE_LAW
GENTOFTE = "Gentofte Kommune, kvalitetsstandard, afsnittet »Klagevejledning«"
NAESTVED = "Næstved Kommune, servicedeklaration, afsnittet »Klageadgang«"


@pytest.mark.parametrize("code", sorted(STANDARDS))
def test_a_route_for_the_letter_names_no_deadline_and_promises_no_letter(code: str) -> None:
    route = STANDARDS[code].next_steps.complaint_route
    if route is None:
        return
    assert route.source.kind is SourceKind.SEED
    for lang in ("da", "en"):
        text = route.text(lang)
        assert not any(ch.isdigit() for ch in text), text  # the deadline is said once, above
        assert "Ankestyrelsen" in text
    assert "begrundelse" not in route.text("da") and "hvordan du klager" not in route.text("da")


def test_the_deadline_start_is_the_standards_only_where_it_says_so() -> None:
    starts = {
        code: decisions.complaint_guidance(s)["deadline"]["start"]["source"]["da"]
        for code, s in STANDARDS.items()
    }
    assert starts == {"157": LAW, "173": LAW, "265": LAW, "370": NAESTVED, "575": LAW}


@pytest.mark.parametrize(
    ("code", "lang", "said"),
    [
        ("370", "da", ["Du skal klage inden 4 uger. Fristen regnes fra den dag, du får "
                       f"afgørelsen. Kilde: {NAESTVED}.",
                       "Hvor Send klagen til Visitation for Handicap og Psykiatri."]),
        ("370", "en", ["You must complain within 4 weeks. The time runs from the day you get "
                       "the decision. Source: Næstved Municipality",
                       "Where Send the complaint to Visitation for Handicap og Psykiatri."]),
        ("575", "da", ["Hvor Send klagen til den socialrådgiver, der har behandlet sagen."]),
        ("575", "en", ["Where Send the complaint to the social worker who handled the case."]),
        ("157", "da", [f"Du skal klage inden 4 uger. Kilde: {GENTOFTE}. Fristen regnes fra den "
                       f"dag, du får afgørelsen. Kilde: {LAW}."]),
        ("157", "en", ["You must complain within 4 weeks. Source: Gentofte Municipality, "
                       "quality standard, section “Klagevejledning”. The time runs from the day "
                       f"you get the decision. Source: {LAW}."]),
    ],
)  # fmt: skip
def test_the_letter_says_the_deadline_once_and_cites_its_start(
    app: Flask, code: str, lang: str, said: list[str]
) -> None:
    case = Case(app, code).decide("refused")
    set_language(case.staff, lang)
    text = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    for expected in said:
        assert expected in text, expected
    weeks = "4 uger" if lang == "da" else "4 weeks"
    assert text.count(weeks) == 1
    assert "skriftlig begrundelse" not in text and "written reasons" not in text


def test_a_letter_stored_before_keeps_one_citation_for_the_deadline(app: Flask) -> None:
    """A letter sent before the start had its own citation reads as it was sent."""
    stored = decisions.with_complaint(
        Decision.from_stored({"granted": False, "decided_on": "2026-01-02", "reasons": "Nej."}),
        STANDARDS["157"],
    ).stored()
    del stored["complaint"]["deadline"]["start"]
    with app.test_request_context():
        from flask import render_template

        html = render_template(
            "staff/_decision_letter_body.html", decision=Decision.from_stored(stored),
            application=None, municipality="Gentofte Kommune", applicant="Karen Hansen",
            address=None, representative="", route_law=decisions.ROUTE_LAW, lang="da",
        )  # fmt: skip
    assert html.count("Kilde: ") == 2  # the deadline's and the law's route
    assert "Du skal klage inden 4 uger. Fristen regnes fra den dag, du får afgørelsen." in html
