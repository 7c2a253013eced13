"""Pinned fixes from the review of the five files against their seeds (issue 8, point 7).

The seed check (test_standards_seedcheck.py) catches each kind of defect in general; these
pin what the review found, in words a reviewer can check against the seed's section.
"""

from __future__ import annotations

from datetime import date

from portal.standards import Standard

TODAY = date(2026, 1, 5)


def _da(standard: Standard, statement_id: str, other: bool = False) -> str:
    return standard.statement(statement_id).text("da", "Kim", other)


def test_lyngby_taarbaek_target_group_is_one_group_described_twice(
    standards: dict[str, Standard],
) -> None:
    # "Hvem kan modtage ydelsen?": both bullets describe the same people.
    text = _da(standards["173"], "target.group")
    assert "Samtidig har de brug for samvær" in text
    assert "også for folk" not in text


def test_lyngby_taarbaek_follow_up_asks_if_the_person_is_still_in_the_group(
    standards: dict[str, Standard],
) -> None:
    text = _da(standards["173"], "next.notes.follow_up_focus")
    assert "om du stadig hører til dem, tilbuddet er for" in text


def test_gentofte_keeps_the_hedges_of_its_citizens_duties_and_follow_up(
    standards: dict[str, Standard],
) -> None:
    gentofte = standards["157"]
    for statement_id in ("next.assessment", "next.notes.cooperate"):
        assert "Så vidt du kan" in _da(gentofte, statement_id)
        assert "Så vidt Kim kan" in _da(gentofte, statement_id, other=True)
    assert "løbende" in _da(gentofte, "next.follow_up")
