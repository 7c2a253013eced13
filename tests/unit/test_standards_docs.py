"""docs/standards.md is how a municipality writes its file: every key the schema reads is
documented there. complaint_route, complaint_start and age_below_not_stated were added to the
schema without it (outside walk, 2026-12-06)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.standards import STANDARDS_DIR, check_file

REPO_ROOT = Path(__file__).resolve().parents[2]
DOC = (REPO_ROOT / "docs" / "standards.md").read_text(encoding="utf-8")
SCHEMA = (REPO_ROOT / "portal" / "standards" / "schema.py").read_text(encoding="utf-8")
# How schema.py reads a key: node.statement("x"), _req(node, "x"), node.integer("x"), ...
READS = re.compile(
    r"(?:_req\(\w+, |_statements\(\w+, |\.(?:statement|integer|enum_set|enum|table|subtables"
    r'|raw|text|has)\()"([a-z_]+)"'
)


def test_the_pattern_finds_the_keys_the_schema_reads() -> None:
    keys = set(READS.findall(SCHEMA))
    assert {"min_age", "complaint_weeks", "name_says", "no_target"} <= keys
    assert len(keys) > 60


@pytest.mark.parametrize("key", sorted(set(READS.findall(SCHEMA))))
def test_every_key_the_schema_reads_is_documented(key: str) -> None:
    # As `key`, as a table `[key]` or `[parent.key]`, or as `key = ...` in a file example.
    assert re.search(rf"`\[?(?:\w+\.)?{key}\b|^{key} =", DOC, re.M), key


@pytest.mark.parametrize("key", ["complaint_route", "complaint_start"])
def test_a_letter_line_that_cites_no_section_is_refused(key: str, tmp_path: Path) -> None:
    # The letter shows only the standard's own words here (portal.decisions); a law or a
    # silence would be ignored without a word, so the check says so, as the doc does.
    source = STANDARDS_DIR / "157_gentofte.toml"
    path = tmp_path / source.name
    added = f'\n[next.{key}]\nnot_stated = true\nda = "Det står ikke."\nen = "It is not stated."\n'
    path.write_text(source.read_text(encoding="utf-8") + added, encoding="utf-8")
    assert check_file(path) == [
        f"{path}: next.{key}: cite your standard's section, or leave it out"
    ]
