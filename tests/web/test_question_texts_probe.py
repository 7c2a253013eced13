"""The question pages' texts and messages that the probe of 2026-12-06 found wrong or vague:
each test names the finding it keeps fixed."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.helpers import set_language, visible_text

WHO_HINT = {
    "da": "Fx dit voksne barn, din forælder eller en, du er værge for.",
    "en": "For example your adult child, your parent or someone you are the guardian of.",
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_who_hint_suggests_adults_only_as_the_offer_is_for_adults(
    client: FlaskClient, lang: str
) -> None:
    # Vejen, Næstved and Roskilde say 18 years or more; § 104 is an offer for adults.
    set_language(client, lang)
    text = visible_text(client.get("/ansoeg/hvem").get_data(as_text=True))
    assert WHO_HINT[lang] in text
    assert "dit barn" not in text and "your child" not in text
