"""The outside probe's findings on the guidance, as the citizen meets it (both databases).

The guidance page and the receipt are where a person applies and has applied: neither may tell
them to apply somewhere else (tests/unit/test_guidance_probe.py checks every statement).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.unit.test_guidance_probe import APPLY_ELSEWHERE
from tests.web.helpers import set_language, visible_text
from tests.web.journey import answer_until, submit


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("code", ["575", "157"])
def test_the_guidance_and_the_receipt_never_send_the_person_elsewhere_to_apply(
    client: FlaskClient, code: str, lang: str
) -> None:
    set_language(client, lang)
    kommune = {"/ansoeg/kommune": {"municipality": code}}
    assert answer_until(client, stop="/ansoeg/vejledning", **kommune) == "/ansoeg/vejledning"
    pages = {"guidance": client.get("/ansoeg/vejledning").get_data(as_text=True)}
    answer_until(client, **kommune)
    assert submit(client).status_code == 303
    pages["receipt"] = client.get("/kvittering").get_data(as_text=True)
    for page, html in pages.items():
        text = visible_text(html, "main")
        assert "Digital Post" in text or code != "157", page  # the page has its next steps
        found = [m.group(0) for p in APPLY_ELSEWHERE for m in p.finditer(text)]
        assert found == [], (page, found)
