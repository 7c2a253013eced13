"""Fixtures for the pure-code tests: the real standards, and the seeds they were written from.

The seeds (the municipalities' published texts) live outside the repository, at
$PORTAL_SEEDS_DIR or <repo>/../shared/seeds. Without them the tests that read them skip, except
in CI (CI=true), where a missing seed is a failure: CI must prove every statement's source.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.standards import Standard, load_all

REPO_ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"


def seeds_location() -> Path:
    configured = os.environ.get("PORTAL_SEEDS_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "seeds"


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def standards() -> dict[str, Standard]:
    return load_all()


@pytest.fixture(scope="session")
def seeds_folder() -> Path:
    return seeds_location()


@pytest.fixture(scope="session")
def seed_texts(standards: dict[str, Standard], seeds_folder: Path) -> dict[str, str]:
    """Each standard's seed text, by kommunekode (skips, or fails in CI, when missing)."""
    folder = seeds_folder
    texts = {}
    for code, standard in standards.items():
        path = folder / standard.seed_file
        if not path.is_file():
            _missing(f"seed {path} not found (set PORTAL_SEEDS_DIR)")
        texts[code] = path.read_text(encoding="utf-8")
    return texts
