"""Danish by default, English complete, and a language switch that keeps the page."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]


def load_i18n_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    assert load_i18n_script().problems(lang) == []


def test_the_catalogues_hold_every_message_in_the_code(tmp_path: Path) -> None:
    """A message added to the code but not extracted would show in Danish to English users."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), str(ROOT / "portal"), str(ROOT / "templates")]
    )  # fmt: skip
    with pot.open("rb") as fh:
        in_code = {m.id for m in read_po(fh) if m.id}
    for lang in ("da", "en"):
        with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            in_catalogue = {m.id for m in read_po(fh) if m.id}
        assert in_code - in_catalogue == set(), f"run `make translations` ({lang})"


def test_danish_is_the_default(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Søg om et aktivitets- og samværstilbud" in html


def test_the_language_switch_returns_to_the_same_page_in_english(client: FlaskClient) -> None:
    response = client.get("/sprog/en?next=/privatliv")
    assert response.status_code == 303
    assert response.headers["Location"] == "/privatliv"
    html = client.get("/privatliv").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How we use your information" in html


def test_the_language_links_point_back_to_the_current_page(client: FlaskClient) -> None:
    html = client.get("/tilgaengelighed").get_data(as_text=True)
    assert 'href="/sprog/en?next=/tilgaengelighed"' in html


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_the_language_switch_is_not_an_open_redirect(client: FlaskClient, target: str) -> None:
    response = client.get("/sprog/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_not_found(client: FlaskClient) -> None:
    assert client.get("/sprog/xx").status_code == 404


def test_the_accessibility_statement_names_the_configured_contact(app) -> None:  # type: ignore[no-untyped-def]
    app.config["CONTACT_EMAIL"] = "web@kommune.example"
    try:
        html = app.test_client().get("/tilgaengelighed").get_data(as_text=True)
    finally:
        app.config["CONTACT_EMAIL"] = None
    assert 'href="mailto:web@kommune.example"' in html
