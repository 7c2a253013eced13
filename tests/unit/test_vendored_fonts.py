"""The vendored DKFDS fonts: WOFF2 only, each file named with exactly the characters it has.

scripts/vendor_dkfds.sh splits every weight of IBM Plex Sans into the subset files DKFDS ships
and writes their unicode-range by hand; a range that claims a character its file lacks would
draw it in a fallback font, and one that misses a character would download the wrong file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "vendor" / "dkfds" / "css" / "dkfds-borgerdk.min.css"
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


@pytest.fixture(scope="module")
def faces() -> list[dict[str, str]]:
    if not CSS.is_file():
        message = "DKFDS is not vendored (run make assets)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    found = []
    for body in FONT_FACE.findall(CSS.read_text(encoding="utf-8")):
        fields = dict(part.split(":", 1) for part in re.split(r";(?![^(]*\))", body) if part)
        if "url(" in fields.get("src", ""):
            found.append(fields)
    return found


def code_points(unicode_range: str) -> set[int]:
    points: set[int] = set()
    for part in unicode_range.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def font_file(src: str) -> Path:
    url = re.search(r"url\(\s*['\"]?([^'\")]+)", src).group(1)  # type: ignore[union-attr]
    return (CSS.parent / url).resolve()


def test_every_font_is_woff2_and_vendored(faces: list[dict[str, str]]) -> None:
    assert len(faces) >= 8
    for face in faces:
        assert face["src"].count("url(") == 1, face["src"]
        assert 'format("woff2")' in face["src"]
        assert font_file(face["src"]).suffix == ".woff2"
        assert font_file(face["src"]).is_file()


def test_each_unicode_range_is_exactly_what_its_file_draws(faces: list[dict[str, str]]) -> None:
    by_style: dict[tuple[str, str], list[set[int]]] = defaultdict(list)
    for face in faces:
        declared = code_points(face["unicode-range"])
        drawn = set(TTFont(font_file(face["src"])).getBestCmap())
        if "/split/" in face["src"]:
            assert declared == drawn, face["src"]
        else:  # the complete file: only for what no subset has
            assert declared <= drawn, face["src"]
        by_style[(face["font-style"], face["font-weight"])].append(declared)
    for style, ranges in by_style.items():
        union = set().union(*ranges)
        assert sum(map(len, ranges)) == len(union), f"{style}: ranges overlap"
        assert {ord(c) for c in "æ\u2013€"} <= union  # æ, the en dash, the euro


def test_danish_and_english_text_needs_only_the_latin1_file(faces: list[dict[str, str]]) -> None:
    text = "Aktivitets- og samværstilbud \u2013 søg, ændr, \u201cÅse\u201d, 1.234,50 kr., €, café"
    for face in faces:
        if set(map(ord, text)) & code_points(face["unicode-range"]):
            assert face["src"].endswith('-Latin1.woff2) format("woff2")'), face["src"]
