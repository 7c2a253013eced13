"""Pinned fixes from the review of the five files against their seeds (issue 8, point 7).

The seed check (test_standards_seedcheck.py) catches each kind of defect in general; these
pin what the review found, in words a reviewer can check against the seed's section.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.standards import SourceKind, Standard

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


def test_vejen_names_only_the_three_offers_of_section_2_2(standards: dict[str, Standard]) -> None:
    vejen = standards["575"].offers
    assert [o.name.da for o in vejen.items] == ["Kærhøj", "Nørrevang", "Veum Dag"]
    assert "psykisk sygdom" in vejen.notes[0].text("da")


@pytest.mark.parametrize("statement_id", ["rules.full_time_default", "scope.days"])
def test_vejen_fewer_days_are_decided_by_an_assessment_not_by_a_wish(
    statement_id: str, standards: dict[str, Standard]
) -> None:
    text = _da(standards["575"], statement_id)
    assert "vurder" in text
    assert "aftales" not in text


def test_vejen_follow_up_is_yearly_as_a_starting_point_and_otherwise_when_needed(
    standards: dict[str, Standard],
) -> None:
    text = _da(standards["575"], "next.follow_up")
    assert "som udgangspunkt" in text and "når der er brug for det" in text


def test_naestved_levels_1_and_2_are_in_the_group_only_in_some_assessed_cases(
    standards: dict[str, Standard],
) -> None:
    levels = standards["370"].target.function_levels
    assert levels is not None
    for statement in (levels.sometimes_text, levels.outside_text):
        assert "I nogle tilfælde vurderer kommunen" in statement.text("da")
        assert "kan også få det" not in statement.text("da")


@pytest.mark.parametrize("code", ["370", "575"])
def test_a_standard_that_charges_only_for_extras_is_cited_not_called_silent(
    code: str, standards: dict[str, Standard]
) -> None:
    # Næstved charges only for voluntary extras; Vejen names payment only for trips, events
    # and materials. Neither is silent on cost, so neither may say it is.
    free = standards[code].costs.free
    assert free.source.kind is SourceKind.SEED
    assert "har ikke skrevet" not in free.text("da")
