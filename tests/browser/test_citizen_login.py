"""MitID login in Chromium, on a phone, in Danish and English (issue 13): the round trip
through the real test provider's page and back, a refused login, and logout at the portal and
the provider; axe finds nothing on any page of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from portal.db import migrate
from portal.web.db import database
from tests.browser.conftest import checked, follow, serving
from tests.conftest import make_app
from tests.oidc.running import RunningProvider, start_provider

PHONE = {"width": 375, "height": 667}
SCREENS = {"phone": PHONE, "laptop": {"width": 1280, "height": 800}}
WORDS = {
    "da": {"login": "Log ind med MitID", "in": "Du er logget ind med MitID.", "out": "Log ud",
           "logged_out": "Du er logget ud", "low": "Dit login var ikke sikkert nok"},
    "en": {"login": "Log in with MitID", "in": "You are logged in with MitID.", "out": "Log out",
           "logged_out": "You are logged out", "low": "Your login was not secure enough"},
}  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    running = start_provider()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def login_server(
    provider: RunningProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:

    db_file: Path = tmp_path_factory.mktemp("login-live") / "live.sqlite3"
    app = make_app(f"sqlite:///{db_file}", **provider.login_settings())
    migrate.upgrade(database(app).engine)
    with serving(app) as base:
        provider.allow(f"{base}/log-ind/retur", f"{base}/log-ud/faerdig")
        yield base
    database(app).engine.dispose()


def log_in_as(page: Page, words: dict[str, str], person: str) -> None:
    """From the start page, through the provider's own page (as a person would click it)."""
    follow(page, page.get_by_role("link", name=words["login"]))
    follow(page, page.locator(f'button[name="person"][value="{person}"]'))


def logged_in_page(
    browser: Any, server: str, lang: str, viewport: dict[str, int], person: str
) -> tuple[Any, Page]:
    """A new browser context on the start page in `lang`, logged in as `person`."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{server}/sprog/{lang}?next=/")
    log_in_as(page, WORDS[lang], person)
    return context, page


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_citizen_logs_in_and_out_on_a_phone(
    browser: Any, login_server: str, provider: RunningProvider, axe_source: str, lang: str
) -> None:
    words = WORDS[lang]
    provider.reset()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{login_server}/sprog/{lang}?next=/")
    assert page.locator("html").get_attribute("lang") == lang
    checked(page, axe_source, f"login-start-{lang}-phone")

    log_in_as(page, words, "selv")
    assert page.url == f"{login_server}/"
    assert page.get_by_text(words["in"]).is_visible()
    checked(page, axe_source, f"login-logged-in-{lang}-phone")

    # The logout form's answer redirects to the provider: the page's CSP must let it.
    follow(page, page.get_by_role("button", name=words["out"]))
    assert page.url.startswith(f"{login_server}/log-ud/faerdig")
    assert page.get_by_role("heading", name=words["logged_out"]).is_visible()
    checked(page, axe_source, f"login-logged-out-{lang}-phone")
    ends = [e for e in provider.seen()["log"] if e["endpoint"] == "end_session"]
    assert len(ends) == 1 and ends[0]["ended"]

    page.goto(f"{login_server}/")
    assert page.get_by_role("link", name=words["login"]).is_visible()
    context.close()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_login_at_a_low_level_is_refused_with_a_page_that_passes_axe(
    browser: Any,
    login_server: str,
    provider: RunningProvider,
    axe_source: str,
    lang: str,
    screen: str,
) -> None:
    words = WORDS[lang]
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{login_server}/sprog/{lang}?next=/")
    log_in_as(page, words, "lav")
    assert page.get_by_role("heading", name=words["low"]).is_visible()
    checked(page, axe_source, f"login-refused-{lang}-{screen}")
    context.close()
