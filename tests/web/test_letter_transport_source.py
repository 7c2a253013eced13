"""A letter that decides transport cites where the municipality's rule on paying for it
stands: its standard's own section, as the guidance does. No seed cites a paragraph of the
law for transport (tests/unit/test_transport_citation.py), so neither does the letter."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.standards import load_all
from tests.web.helpers import set_language
from tests.web.test_decision_letter import Case, letter

STANDARDS = load_all()


@pytest.mark.parametrize(
    ("code", "transport", "section"),
    [("575", "yes", "»2.4 Egen betaling«"), ("157", "no", "»Udgifter til befordring«"),
     ("265", "yes", "»Udgifter for dig«")],
)  # fmt: skip
def test_a_letter_deciding_transport_cites_the_standards_section(
    app: Flask, code: str, transport: str, section: str
) -> None:
    offers = STANDARDS[code].offers.items
    offer = {"offer": offers[0].name.da} if offers else {"offer": "", "offer_other": "Klubben"}
    case = Case(app, code).decide("partly_granted", transport=transport, **offer)
    text = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    paid = "Kommunen betaler kørsel." if transport == "yes" else "Kommunen betaler ikke kørsel."
    assert f"{paid} Kilde: {STANDARDS[code].name.da}" in text
    assert f"afsnittet {section}." in text
    assert "§ 105" not in text
    set_language(case.staff, "en")
    english = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    assert f"Source: {STANDARDS[code].name.en}" in english
