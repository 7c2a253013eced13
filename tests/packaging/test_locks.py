"""The lock files pin every dependency pyproject.toml names, at a version it allows, with hashes.

A dependency added to pyproject.toml without `make lock` would install on a developer's machine
by hand and then fail on a fresh clone, in CI or in production, which install from the locks.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
APP_LOCK = REPO_ROOT / "requirements" / "app.txt"
TEST_LOCK = REPO_ROOT / "requirements" / "test.txt"
# The extras a production install takes (README, "Production"); the app lock holds them too.
APP_EXTRAS = ("postgres", "prod")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for each requirement in a uv/pip-compile lock."""
    found: dict[str, tuple[str, int]] = {}
    name = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match["name"])
            found[name] = (match["version"], 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
    return found


def wanted(*groups: str) -> list[Requirement]:
    specs = list(PYPROJECT["project"]["dependencies"]) if "main" in groups else []
    extras = PYPROJECT["project"].get("optional-dependencies", {})
    for group in groups:
        specs += extras.get(group, [])
    requirements = [Requirement(spec) for spec in specs]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


def unpinned(requirements: list[Requirement], lock: Path) -> list[str]:
    locked = pins(lock)
    problems = []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement} is not in {lock.name}")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            problems.append(f"{requirement} does not allow the locked {name}=={locked[name][0]}")
    return problems


def test_the_app_lock_pins_every_runtime_dependency_at_an_allowed_version() -> None:
    problems = unpinned(wanted("main", *APP_EXTRAS), APP_LOCK)
    assert not problems, f"Run `make lock`: {'; '.join(problems)}"


def test_the_test_lock_pins_every_dependency_of_every_extra() -> None:
    extras = tuple(PYPROJECT["project"].get("optional-dependencies", {}))
    problems = unpinned(wanted("main", *extras), TEST_LOCK)
    assert not problems, f"Run `make lock`: {'; '.join(problems)}"


def test_the_test_lock_runs_the_tests_on_the_versions_production_gets() -> None:
    app, test = pins(APP_LOCK), pins(TEST_LOCK)
    differ = [
        f"{name}: {version} in app.txt, {test.get(name, ('none',))[0]} in test.txt"
        for name, (version, _) in app.items()
        if test.get(name, ("",))[0] != version
    ]
    assert differ == [], "Run `make lock`"


@pytest.mark.parametrize("lock", [APP_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_every_locked_requirement_carries_hashes(lock: Path) -> None:
    locked = pins(lock)
    assert locked, f"{lock} pins nothing"
    assert [name for name, (_, hashes) in locked.items() if hashes == 0] == []


def test_the_licence_is_an_spdx_expression() -> None:
    # A table ({text = ...}) is deprecated by setuptools and warns on every install.
    assert PYPROJECT["project"]["license"] == "MIT"
