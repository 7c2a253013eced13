"""A person under 18 is told about age in every municipality. Vejen, Næstved and Roskilde
state 18 in their target group: below it the fit is unlikely, citing them. Gentofte's
"Målgruppe" and Lyngby-Taarbæk's "Hvem kan modtage ydelsen?" state no age: the person is told
the standard does not say whether the offer is for them, and to ask; no limit is invented
(the fit is "not sure", never "unlikely", for age alone)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portal.guidance import Answers, Applicant, Difficulty, FitLevel, guidance
from portal.guidance_layout import arrange
from portal.standards import STANDARDS_DIR, SourceKind, Standard, check_file, load_standard
from portal.standards.seedcheck import problems_against_seed

TODAY = date(2026, 1, 5)
SILENT = ["157", "173"]
STATED = ["265", "370", "575"]


def aged(age: int) -> Answers:
    return Answers(applicant=Applicant.SELF, age=age, difficulties=frozenset({Difficulty.MENTAL}))


def reasons(code: str, age: int, standards: dict[str, Standard]) -> dict[str, str]:
    fit = guidance(aged(age), standards[code], today=TODAY).fit
    return {r.statement.id: r.effect.value for r in fit.reasons}


@pytest.mark.parametrize("code", SILENT)
def test_under_18_where_the_standard_states_no_age_says_so_and_to_ask(
    code: str, standards: dict[str, Standard]
) -> None:
    assert reasons(code, 16, standards)["target.age_below_not_stated"] == "maybe"
    result = guidance(aged(16), standards[code], today=TODAY)
    assert result.fit.level is FitLevel.MAYBE  # not sure: the standard does not say
    line = standards[code].target.age_below_not_stated
    assert line is not None and line.source.kind is SourceKind.NOT_STATED
    assert "ikke skrevet" in line.text("da") and "Spørg kommunen" in line.text("da")
    assert "not stated" in line.text("en") and "Ask the municipality" in line.text("en")
    # It stands on the page, first in "Kort fortalt" as the reason for the verdict.
    for lang in ("da", "en"):
        layout = arrange(result.to_dict(), lang)
        assert layout.verdict is not None and layout.verdict.id == "target.age_below_not_stated"


@pytest.mark.parametrize("code", SILENT + STATED)
def test_at_18_nothing_is_said_of_age(code: str, standards: dict[str, Standard]) -> None:
    said = reasons(code, 18, standards)
    assert "target.age_below_not_stated" not in said and "target.age_below" not in said


@pytest.mark.parametrize("code", STATED)
def test_a_stated_age_still_decides_with_its_own_citation(
    code: str, standards: dict[str, Standard]
) -> None:
    assert reasons(code, 16, standards).get("target.age_below") == "unlikely"
    assert standards[code].target.age_below_not_stated is None
    assert standards[code].target.age_below.source.kind is SourceKind.SEED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # A standard without an age must have the line ...
        ("[target.age_below_not_stated]", "[target.unused_table]", "age_below_not_stated"),
        # ... and it must say the standard is silent, not cite a section for an age.
        ('[target.age_below_not_stated]\nnot_stated = true',
         '[target.age_below_not_stated]\nsource = "Målgruppe"', "only where the standard"),
    ],
)  # fmt: skip
def test_the_line_is_required_where_no_age_is_stated_and_must_say_silent(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    path = tmp_path / "157_gentofte.toml"
    text = (STANDARDS_DIR / "157_gentofte.toml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert any(problem in p for p in check_file(path)), check_file(path)


def copy_of_gentofte(tmp_path: Path, old: str = "", new: str = "") -> Standard:
    text = (STANDARDS_DIR / "157_gentofte.toml").read_text(encoding="utf-8")
    path = tmp_path / "157_gentofte.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_standard(path)


def test_the_line_may_name_18_and_no_other_number(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    assert problems_against_seed(copy_of_gentofte(tmp_path), seed_texts["157"]) == []
    changed = copy_of_gentofte(tmp_path, "under 18 år. Kommunen", "under 16 år. Kommunen")
    found = problems_against_seed(changed, seed_texts["157"])
    assert any("target.age_below_not_stated: the number 16" in p for p in found), found


def test_the_line_may_not_claim_silence_where_the_seed_states_an_age(
    tmp_path: Path, seed_texts: dict[str, str]
) -> None:
    seed = seed_texts["157"] + "\nMålgruppen er borgere fra 18 år.\n"
    found = problems_against_seed(copy_of_gentofte(tmp_path), seed)
    assert any("target.age_below_not_stated: says the standard is silent" in p for p in found)
