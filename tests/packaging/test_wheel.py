"""The wheel works without the checkout: its own templates, static files and catalogues, an
instance folder where the operator runs it, and production in one command (`portal serve`)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import (
    Client,
    Installed,
    Start,
    clean_env,
    free_port,
    production_secrets,
    run,
    wait_until_up,
)

pytestmark = pytest.mark.packaging

HOST = "portal.test"


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


def test_the_installed_portal_migrates_and_serves_pages_from_a_folder_of_its_own(
    installed: Installed, tmp_path: Path, start: Start
) -> None:
    site = tmp_path / "site"  # the operator's folder: not the checkout, not the venv
    site.mkdir()
    port = free_port()
    env = clean_env(
        **production_secrets(),
        TRUSTED_HOSTS=HOST,
        PORTAL_BIND=f"127.0.0.1:{port}",
        PORTAL_WORKERS="1",
    )
    portal = str(installed.bin / "portal")

    migrated = run([portal, "migrate"], env=env, cwd=site)
    # A new instance: the database is made in the site's own folder, and it says so.
    database_file = (site / "instance" / "portal.sqlite3").resolve()
    assert f"Created the SQLite database {database_file} and its tables" in migrated.stdout
    server = start([portal, "serve"], env, site, tmp_path / "serve.log")
    wait_until_up(server, port, "/healthz", HOST)

    # As nginx would send it: the public host name, and HTTPS (PROXY_HOPS=1 in production).
    client = Client(("127.0.0.1", port), {"Host": HOST, "X-Forwarded-Proto": "https"})
    start_page = client.get("/")
    assert start_page.status == 200
    assert "/ansoeg" in start_page.body
    for asset in re.findall(r'(?:href|src)="(/static/[^"#]+)', start_page.body):
        assert client.get(asset).status == 200, asset
    assert "dkfds-borgerdk" in start_page.body
    assert "Hvem søger du for?" in client.get("/ansoeg/hvem").body
    # English comes from the wheel's compiled catalogue.
    assert client.get("/sprog/en?next=/ansoeg/hvem").status in (302, 303)
    question = client.get("/ansoeg/hvem")
    assert question.status == 200
    assert "Who are you applying for?" in question.body
    assert client.get("/healthz").status == 200
    assert server.stop() == 0

    # The code came from the venv, the data went to ./instance where the operator ran it.
    where = run(
        [str(installed.bin / "python"), "-c", "import portal; print(portal.__file__)"], cwd=site
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.site_packages)
    assert (site / "instance" / "portal.sqlite3").is_file()
    assert not list(installed.site_packages.rglob("instance"))
    assert not list(installed.site_packages.rglob("*.sqlite3"))


def test_a_refused_production_setting_stops_the_installed_portal_with_one_line(
    installed: Installed, tmp_path: Path
) -> None:
    env = clean_env(**{**production_secrets(), "SECRET_KEY": "short"}, TRUSTED_HOSTS=HOST)
    refused = subprocess.run(
        [str(installed.bin / "portal"), "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("Refusing to start: SECRET_KEY is missing or weak")
    assert refused.stderr.count("\n") == 1, refused.stderr
