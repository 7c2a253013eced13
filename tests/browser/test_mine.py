"""My applications ("Mine ansøgninger") in Chromium, logged in through the real test
provider's page, on a phone and a laptop, in Danish and English (issue 13, point 4): from the
start page to the list, an application's status page and its withdrawal page; axe finds
nothing on any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from portal.db import migrate
from portal.web.db import database
from tests.browser.conftest import checked, follow, serving
from tests.conftest import make_app
from tests.oidc import people
from tests.oidc.running import RunningProvider, start_provider
from tests.web.own_applications import KAREN, apply, citizen

SCREENS = {"phone": {"width": 375, "height": 667}, "laptop": {"width": 1280, "height": 800}}
WORDS = {
    "da": {"login": "Log ind med MitID", "mine": "Se dine ansøgninger",
           "heading": "Mine ansøgninger", "status": "Sådan går det med ansøgningen",
           "withdraw": "Træk ansøgningen tilbage", "for": "Til Karen H."},
    "en": {"login": "Log in with MitID", "mine": "See your applications",
           "heading": "My applications", "status": "How the application is going",
           "withdraw": "Withdraw the application", "for": "For Karen H."},
}  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[RunningProvider]:
    running = start_provider()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server(provider: RunningProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal with login on, and two applications the test person sent: their own and
    one for Karen."""

    db_file: Path = tmp_path_factory.mktemp("mine-live") / "live.sqlite3"
    app: Flask = make_app(f"sqlite:///{db_file}", **provider.login_settings())
    migrate.upgrade(database(app).engine)
    me = people.PEOPLE["selv"]
    apply(app, me.cpr, by=citizen(me), name=me.name)
    apply(app, KAREN, by=citizen(me), other=True)
    with serving(app) as base:
        provider.allow(f"{base}/log-ind/retur", f"{base}/log-ud/faerdig")
        yield base
    database(app).engine.dispose()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_my_applications_from_the_start_page_pass_axe(
    browser: Any, server: str, provider: RunningProvider, axe_source: str, lang: str, screen: str
) -> None:
    words = WORDS[lang]
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{server}/sprog/{lang}?next=/")
    follow(page, page.get_by_role("link", name=words["login"]))
    follow(page, page.locator('button[name="person"][value="selv"]'))
    follow(page, page.get_by_role("link", name=words["mine"]))
    assert page.get_by_role("heading", name=words["heading"], exact=True).is_visible()
    assert page.get_by_text(words["for"]).is_visible()
    checked(page, axe_source, f"mine-list-{lang}-{screen}")
    follow(page, page.get_by_role("link", name="AS-").first)
    assert page.get_by_role("heading", name=words["status"]).is_visible()
    checked(page, axe_source, f"mine-status-{lang}-{screen}")
    follow(page, page.get_by_role("link", name=words["withdraw"]))
    assert page.get_by_role("heading", name=words["withdraw"]).is_visible()
    checked(page, axe_source, f"mine-withdraw-{lang}-{screen}")
    context.close()
