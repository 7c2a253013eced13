"""Klarsprog: every citizen page's rendered Danish text scores LIX <= 35."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from portal.standards.lix import lix
from tests.web.helpers import readable_sentences

LIX_LIMIT = 35
CITIZEN_PAGES = ["/", "/tilgaengelighed", "/privatliv", "/findes-ikke"]
# Error pages are citizen pages too: a 404 is what an old bookmark gets.


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_citizen_page_reads_at_lix_35_or_below(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    text = " ".join(readable_sentences(html))
    score = lix(text)
    assert score <= LIX_LIMIT, f"{path}: LIX {score:.1f}"


def test_lix_counts_headings_as_units_of_their_own() -> None:
    html = "<html><body><h1>Overskrift</h1><p>En kort sætning.</p></body></html>"
    assert readable_sentences(html) == ["Overskrift.", "En kort sætning."]


def test_a_page_of_long_words_and_sentences_fails_the_limit() -> None:
    long = "Kommunalbestyrelsens sagsbehandlingstid forudsætter dokumentation " * 6
    html = f"<html><body><p>{long}.</p></body></html>"
    assert lix(" ".join(readable_sentences(html))) > LIX_LIMIT
