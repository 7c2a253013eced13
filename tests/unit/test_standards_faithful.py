"""Pinned fixes from the review of the five files against their seeds (issue 8, point 7).

The seed check (test_standards_seedcheck.py) catches each kind of defect in general; these
pin what the review found, in words a reviewer can check against the seed's section.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.guidance import Answers, Applicant, Wish, guidance
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


@pytest.mark.parametrize("wish", [Wish.JOB_OR_EDUCATION_SUPPORT, Wish.ESCORT, Wish.PRACTICAL_HELP])
def test_roskilde_help_under_other_rules_is_one_rule_for_any_of_its_wishes(
    wish: Wish, standards: dict[str, Standard]
) -> None:
    everything = Answers(Applicant.SELF, wishes=frozenset(Wish) - {Wish.THERAPY})
    for answers in (Answers(Applicant.SELF, wishes=frozenset({wish})), everything):
        rules = [r.id for r in guidance(answers, standards["265"], today=TODAY).special_rules]
        assert rules.count("exclusion_other_law") == 1
        assert not [r for r in rules if r.startswith("exclusion_") and r != "exclusion_other_law"]


def test_roskilde_excludes_help_that_needs_a_specialist_and_says_advice_is_included(
    standards: dict[str, Standard],
) -> None:
    text = _da(standards["265"], "rules.exclusion_specialist")
    assert "som kræver en specialist" in text
    assert "Rådgivning og vejledning er derimod en del af tilbuddet" in text
    assert "psykiater" not in text


@pytest.mark.parametrize("code", ["173", "157", "575", "370", "265"])
def test_every_standard_says_what_a_person_does_there_or_what_for(
    code: str, standards: dict[str, Standard]
) -> None:
    activities = standards[code].offers.activities
    assert 1 <= len(activities) <= 2
    assert all(s.source.kind is SourceKind.SEED for s in activities)


@pytest.mark.parametrize("code", ["575", "370", "265"])
def test_the_age_line_and_the_too_young_line_share_no_sentence(
    code: str, standards: dict[str, Standard]
) -> None:
    target = standards[code].target
    assert target.age_below is not None
    assert target.age.text("da") not in target.age_below.text("da")
