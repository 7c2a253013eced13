"""What the outside probe of 2026-12-06 found in the guidance, pinned.

1. The portal is where the application is made: no statement may tell the person to apply
   somewhere else (a borger.dk link, a phone call, Digital Post), in any standard, language
   or voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from portal.standards import Standard, Statement, load_all

STANDARDS = load_all()
CODES = sorted(STANDARDS)

# "Du kan søge via/ved/med …", "kan også søge …", "You can apply through/by …": a way to apply
# other than the one the person is using, within one sentence (a cited heading such as
# »Hvordan søges der?« is not advice).
WORD = r"[^\s.?!«»]+\s+"
APPLY_ELSEWHERE = (
    re.compile(rf"\bsøge[rs]?\s+(?:{WORD}){{0,3}}?(via|ved\s+at|med|gennem|hos|på)\b", re.I),
    re.compile(rf"\bapply\s+(?:{WORD}){{0,2}}?(through|by|via|with|on)\b", re.I),
)


def texts(statement: Statement) -> Iterator[str]:
    for lang in ("da", "en"):
        for other in (False, True):
            yield statement.text(lang, "Kim", other)


@pytest.mark.parametrize("code", CODES)
def test_no_statement_tells_the_person_to_apply_somewhere_else(code: str) -> None:
    standard: Standard = STANDARDS[code]
    found = [
        (s.id, text)
        for s in standard.statements
        for text in texts(s)
        if any(p.search(text) for p in APPLY_ELSEWHERE)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "Du kan søge via et link på borger.dk.",
        "Du kan også søge ved at ringe til kommunen.",
        "Man kan også søge for Kim ved at ringe til kommunen.",
        "Du kan søge ved at skrive sikkert til kommunen med Digital Post.",
        "You can apply through a link on borger.dk.",
        "It is also possible to apply for Kim by phoning the municipality.",
    ],
)
def test_the_apply_elsewhere_patterns_catch_what_the_probe_found(text: str) -> None:
    assert any(p.search(text) for p in APPLY_ELSEWHERE)
