"""The wheel works without the checkout: its own templates, static files and catalogues, an
instance folder where the operator runs it, and production in one command (`portal serve`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging


def test_the_wheel_carries_templates_static_files_dkfds_and_compiled_catalogues(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    for needed in (
        "portal/templates/base.html",
        "portal/static/css/portal.css",
        "portal/static/vendor/dkfds/css/dkfds-borgerdk.min.css",
        "portal/static/vendor/dkfds/js/dkfds.min.js",
        "portal/static/vendor/dkfds/LICENSE.md",
        "portal/translations/da/LC_MESSAGES/messages.mo",
        "portal/translations/en/LC_MESSAGES/messages.mo",
        "portal/standards/265_roskilde.toml",
    ):
        assert needed in names
    # Test-only axe-core, build stamps and the .po sources stay behind.
    assert not [n for n in names if "/vendor/axe/" in n or n.endswith((".stamp", ".po"))]
    assert b"\nLicense-Expression: MIT\n" in metadata
