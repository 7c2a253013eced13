"""Loading and validating the standard files: a bad file stops start-up with one clear line."""

from __future__ import annotations

import ast
import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal.standards import (
    STANDARDS_DIR,
    SourceKind,
    Standard,
    StandardError,
    TransportCondition,
    check_file,
    load_all,
    load_standard,
)
from portal.standards.cli import standards as standards_cli

REPO_ROOT = Path(__file__).resolve().parents[2]
GENTOFTE = STANDARDS_DIR / "157_gentofte.toml"
EXPECTED_CODES = {"173", "157", "575", "370", "265"}


def broken_copy(tmp_path: Path, old: str, new: str, source: Path = GENTOFTE) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {source.name}"
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_all_five_municipalities_load_keyed_by_kommunekode(standards: dict[str, Standard]) -> None:
    assert set(standards) == EXPECTED_CODES
    assert {s.name.da for s in standards.values()} == {
        "Lyngby-Taarbæk Kommune",
        "Gentofte Kommune",
        "Vejen Kommune",
        "Næstved Kommune",
        "Roskilde Kommune",
    }


def test_version_is_the_first_16_hex_chars_of_the_files_sha256() -> None:
    standard = load_standard(GENTOFTE)
    assert standard.version == hashlib.sha256(GENTOFTE.read_bytes()).hexdigest()[:16]


def test_a_changed_file_gets_a_new_version(tmp_path: Path) -> None:
    changed = broken_copy(tmp_path, "Du kan altid søge.", "Du kan altid ansøge.")
    assert load_standard(changed).version != load_standard(GENTOFTE).version


def test_every_valid_file_passes_check_file() -> None:
    for path in sorted(STANDARDS_DIR.glob("*.toml")):
        assert check_file(path) == []


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        (
            'da_other = "Det, {name} har svært ved, er den slags, tilbuddet er for.',
            'unused = "Det, {name} har svært ved, er den slags, tilbuddet er for.',
            "target.group_match",
            "unknown key",
        ),
        (
            'wishes = ["social_contact", "activities"]',
            'wishes = ["social_contact", "dancing"]',
            "target.needs.company.wishes",
            "must be a list of",
        ),
        (
            'da = "Tilbuddet kan være fra 1 til 5 dage om ugen."',
            'da = "Tilbuddet kan være fra en til fem dage om ugen."',
            "scope.days.da",
            "write the number 'fem' as digits",
        ),
        (
            'law = "retssikkerhedsloven § 5"',
            'law = "grundloven § 75"',
            "target.can_apply.law",
            "unknown law",
        ),
        ('condition = "reduced_function"', 'condition = "always"', "transport.condition", "one of"),
        ('code = "157"', 'code = "Gentofte"', "code", "3-digit kommunekode"),
        (
            'source = "Målgruppe"\nquote = "Målgruppen har',
            'not_stated = true\nsource = "Målgruppe"\nquote = "Målgruppen har',
            "target.group.source",
            "exactly one of",
        ),
        (
            'da = "Kommunen har ikke skrevet en aldersgrænse for tilbuddet."',
            'da = "Tilbuddet har ingen aldersgrænse."',
            "target.age.da",
            "must say so plainly",
        ),
        (
            'when = [{ situation_any = ["other_104_offer"] }]\nsource = "Omfang',
            'when = [{ age_at_least = 60 }]\nsource = "Omfang',
            "rules.one_offer_at_a_time.when[0].law",
            "must cite the law",
        ),
        (
            'da = "Tilbuddet kan være fra 1 til 5 dage om ugen."',
            'da = "Tilbuddet kan være fra 1 til 5 dage om ugen"',
            "scope.days.da",
            "whole sentences",
        ),
    ],
)
def test_a_bad_file_is_refused_with_file_key_and_problem_on_one_line(
    tmp_path: Path, old: str, new: str, key: str, fragment: str
) -> None:
    path = broken_copy(tmp_path, old, new)
    with pytest.raises(StandardError) as caught:
        load_standard(path)
    message = str(caught.value)
    assert "\n" not in message
    assert any(p.startswith(f"{path}: {key}") and fragment in p for p in caught.value.problems)
    assert message == caught.value.problems[0]
    assert message.startswith(f"{path}: ")


def test_a_sentence_that_says_du_needs_a_third_person_twin(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path,
        'da_other = "{Name} kan altid søge.',
        'ignored_other = "{Name} kan altid søge.',
    )
    problems = check_file(path)
    assert f"{path}: target.can_apply.da: addresses the person ('du') but has no da_other text" in (
        problems
    )


def test_an_english_sentence_with_you_needs_a_third_person_twin(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path,
        'en_other = "{Name} can always apply.',
        'ignored = "{Name} can always apply.',
    )
    assert any("target.can_apply.en: addresses the person ('you')" in p for p in check_file(path))


def test_a_third_person_text_may_not_say_du(tmp_path: Path) -> None:
    path = broken_copy(
        tmp_path,
        'da_other = "{Name} kan altid søge.',
        'da_other = "{Name} og du kan altid søge.',
    )
    assert any("target.can_apply.da_other: must speak of the person" in p for p in check_file(path))


def test_check_file_lists_every_problem_not_just_the_first(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, 'code = "157"', 'code = "x"\ncolour = "blue"')
    text = path.read_text(encoding="utf-8").replace("[next.free_choice]", "[next.free_choise]")
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    assert len(problems) >= 4  # bad code, unknown colour, unknown free_choise, missing free_choice
    assert all(p.startswith(f"{path}: ") and "\n" not in p for p in problems)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "999_broken.toml"
    path.write_text('code = "999\n', encoding="utf-8")
    assert check_file(path)[0].startswith(f"{path}: (toml): ")


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    assert check_file(tmp_path / "nothing.toml")[0].startswith(f"{tmp_path / 'nothing.toml'}: ")


def test_two_files_with_the_same_code_stop_start_up(tmp_path: Path) -> None:
    shutil.copy(GENTOFTE, tmp_path / "157_a.toml")
    shutil.copy(GENTOFTE, tmp_path / "157_b.toml")
    with pytest.raises(StandardError, match="157 is also used by"):
        load_all(tmp_path)


def test_an_empty_standards_folder_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(StandardError, match="no standard files"):
        load_all(tmp_path)


def test_the_five_transport_conditions_differ_as_the_seeds_say(
    standards: dict[str, Standard],
) -> None:
    conditions = {code: s.transport.condition for code, s in standards.items()}
    assert conditions == {
        "173": TransportCondition.REDUCED_FUNCTION_AND_NEED,
        "157": TransportCondition.REDUCED_FUNCTION,
        "575": TransportCondition.REDUCED_FUNCTION,
        "370": TransportCondition.REDUCED_FUNCTION,
        "265": TransportCondition.CANNOT_USE_PUBLIC_TRANSPORT,
    }


def test_structured_facts_match_the_seeds(standards: dict[str, Standard]) -> None:
    ages = {code: s.target.min_age for code, s in standards.items()}
    assert ages == {"173": None, "157": None, "575": 18, "370": 18, "265": 18}
    weeks = {code: s.next_steps.processing_weeks for code, s in standards.items()}
    assert weeks == {"173": None, "157": None, "575": 6, "370": None, "265": None}
    assert {code: s.next_steps.complaint_weeks for code, s in standards.items()} == dict.fromkeys(
        EXPECTED_CODES, 4
    )
    deadline_kinds = {
        code: (s.next_steps.complaint_deadline or s.next_steps.complaint).source.kind
        for code, s in standards.items()
    }
    assert deadline_kinds == {
        "173": SourceKind.LAW,
        "157": SourceKind.SEED,
        "575": SourceKind.LAW,
        "370": SourceKind.SEED,
        "265": SourceKind.LAW,
    }
    levels = standards["370"].target.function_levels
    assert levels is not None and (levels.primary, levels.sometimes) == ({3, 4}, {1, 2})
    assert standards["370"].next_steps.clarification is not None
    assert [s.next_steps.clarification for c, s in standards.items() if c != "370"] == [None] * 4


def test_named_offers_are_those_of_the_seeds(standards: dict[str, Standard]) -> None:
    names = {code: [o.name.da for o in s.offers.items] for code, s in standards.items()}
    assert names["173"] == [] and names["157"] == []
    assert names["575"] == ["Kærhøj", "Nørrevang", "Veum Dag"]
    assert names["370"] == [
        "Næstved Sociale Virksomhed (NSV)",
        "Center for Socialpsykiatri og Neuropædagogik",
    ]
    assert names["265"] == [
        "ITC Svogerslev",
        "Skovhjelperne",
        "Klub VI",
        "Alletiders Højskole",
        "Autismetilbud på Makers Corner",
        "SCR Klub",
        "Makers Corner",
    ]


def test_cli_check_says_ok_for_a_valid_file() -> None:
    result = CliRunner().invoke(standards_cli, ["check", str(GENTOFTE)])
    assert result.exit_code == 0
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"OK: {GENTOFTE}: Gentofte Kommune (157), version ")


def test_cli_check_prints_one_line_per_problem_and_exits_1(tmp_path: Path) -> None:
    path = broken_copy(tmp_path, 'code = "157"', 'code = "x"\ncolour = "blue"')
    result = CliRunner().invoke(standards_cli, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == check_file(path)
    assert len(lines) == 2


def test_cli_check_with_seed_checks_headings_and_numbers(
    tmp_path: Path, seed_texts: dict[str, str], seeds_folder: Path
) -> None:
    seed = seeds_folder / "001_1ce918172a63adf9.txt"
    ok = CliRunner().invoke(standards_cli, ["check", str(GENTOFTE), "--seed", str(seed)])
    assert ok.exit_code == 0, ok.output
    path = broken_copy(tmp_path, 'source = "Klagevejledning"', 'source = "Klage"')
    path = broken_copy(tmp_path, "inden 4 uger", "inden 7 uger", source=path)
    bad = CliRunner().invoke(standards_cli, ["check", str(path), "--seed", str(seed)])
    assert bad.exit_code == 1
    assert f"{path}: next.complaint.source: heading not in the seed: 'Klage'" in bad.output
    assert f"{path}: next.complaint: the number 7 is not in the seed" in bad.output


FORBIDDEN = ("flask", "flask_wtf", "flask_babel", "werkzeug", "wtforms")


def test_the_domain_code_imports_no_flask() -> None:
    files = [*sorted((REPO_ROOT / "portal" / "standards").glob("*.py"))]
    files += [REPO_ROOT / "portal" / "guidance.py", REPO_ROOT / "portal" / "answers.py"]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
                if name.startswith("portal."):
                    assert name.split(".")[1] in {"standards", "answers"}, f"{path.name}: {name}"
