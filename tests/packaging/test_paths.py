"""Where the portal looks for its files: assets beside the code, the instance folder where told."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from portal import config, create_app

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_checkout_reads_the_top_level_templates_static_files_and_catalogues() -> None:
    assert config.ROOT == REPO_ROOT
    app = create_app({"PORTAL_ENV": "test"})
    assert Path(app.template_folder or "") == REPO_ROOT / "templates"
    assert Path(app.static_folder or "") == REPO_ROOT / "static"
    assert config.TRANSLATIONS == REPO_ROOT / "translations"


def test_the_instance_folder_defaults_to_instance_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert config.instance_path({}) == tmp_path / "instance"
    url = config.from_environment({"PORTAL_ENV": "development"})["SQLALCHEMY_DATABASE_URI"]
    assert url == f"sqlite:///{tmp_path / 'instance' / 'portal.sqlite3'}"


def test_portal_instance_path_moves_the_instance_folder_and_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    instance = tmp_path / "var" / "lib" / "portal"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    # The compressed static files are content-addressed, so the checkout's copy can be shared;
    # building them anew would cost seconds and prove nothing here.
    app = create_app({"STATIC_CACHE_DIR": str(REPO_ROOT / "instance" / "static-cache")})
    assert app.instance_path == str(instance)
    assert instance.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'portal.sqlite3'}"
    assert not (tmp_path / "instance").exists()


def test_a_relative_portal_instance_path_is_taken_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert config.instance_path({"PORTAL_INSTANCE_PATH": "data/portal"}) == tmp_path / "data/portal"


@pytest.mark.parametrize(
    "inside",
    [config.PACKAGE_DIR / "instance", Path(sysconfig.get_path("purelib")) / "instance"],
    ids=["package", "site-packages"],
)
def test_an_instance_folder_inside_the_installed_code_is_refused(inside: Path) -> None:
    with pytest.raises(config.ConfigError, match="PORTAL_INSTANCE_PATH"):
        config.instance_path({"PORTAL_INSTANCE_PATH": str(inside)})
