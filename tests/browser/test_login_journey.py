"""The whole journey logged in with MitID, in Chromium on a phone (and once on a laptop), in
Danish and English (issue 13, point 3): for oneself the name and CPR number are not asked and the check page
shows the login's; a relative with Digital Fuldmagt is offered the person first. axe finds
nothing on the pages the login changes; screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser import test_citizen_login as logins
from tests.browser.conftest import checked, follow
from tests.browser.test_journey import fill_step
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.web.journey import ANSWERS, FOR_OTHER

# The login test's provider and live portal, shared (module-scoped fixtures).
provider = logins.provider
login_server = logins.login_server
PHONE = logins.PHONE
# The pages whose look the login changes, checked with axe and kept as screenshots.
LOOKED_AT = {"/ansoeg/digital-fuldmagt", "/ansoeg/adresse", "/ansoeg/navn"}


def answer_in_browser(
    page: Page, base: str, answers: dict[str, Any], axe: str, name: str
) -> list[str]:
    """Answer until the check page; returns the paths that were asked."""
    page.goto(f"{base}/ansoeg")
    asked = []
    path = page.url.split(base, 1)[1]
    while path in answers:
        asked.append(path)
        if path in LOOKED_AT:
            checked(page, axe, f"{name}-{path.rsplit('/', 1)[1]}")
        fill_step(page, answers[path])
        follow(page, page.locator('#main-content button[type="submit"]').first)
        path = page.url.split(base, 1)[1]
    assert path == "/ansoeg/tjek", path
    return asked


@pytest.mark.parametrize("lang", ["da", "en"])
def test_for_oneself_logged_in_on_a_phone(
    browser: Any,
    login_server: str,
    provider: RunningProvider,
    axe_source: str,
    lang: str,
) -> None:
    context, page = logins.logged_in_page(browser, login_server, lang, PHONE, "selv")
    name = f"login-journey-self-{lang}-phone"
    asked = answer_in_browser(page, login_server, ANSWERS, axe_source, name)
    assert "/ansoeg/navn-og-cpr" not in asked and "/ansoeg/alder" not in asked
    text = page.locator("main").inner_text()
    assert people.PEOPLE["selv"].name in text and "120480-xxxx" in text
    assert page.locator('a[href^="/ansoeg/navn-og-cpr"]').count() == 0
    checked(page, axe_source, f"{name}-check")
    page.locator("#confirm").check()
    follow(page, page.locator('#main-content form button[type="submit"]'))
    assert re.search(r"AS-\d{4}-\d{6}", page.content())
    checked(page, axe_source, f"{name}-receipt")
    context.close()


@pytest.mark.parametrize(("lang", "screen"), [("da", "phone"), ("en", "phone"), ("da", "laptop")])
def test_for_someone_with_digital_fuldmagt(
    browser: Any,
    login_server: str,
    provider: RunningProvider,
    axe_source: str,
    lang: str,
    screen: str,
) -> None:
    context, page = logins.logged_in_page(
        browser, login_server, lang, logins.SCREENS[screen], "fuldmagt-en"
    )
    answers = {
        **ANSWERS, **FOR_OTHER,
        "/ansoeg/digital-fuldmagt": {"person": people.GRANDMOTHER},
        "/ansoeg/navn": {"full_name": "Inger Hansen"},
    }  # fmt: skip
    name = f"login-journey-fuldmagt-{lang}-{screen}"
    asked = answer_in_browser(page, login_server, answers, axe_source, name)
    assert asked[1] == "/ansoeg/digital-fuldmagt" and "/ansoeg/fuldmagt" not in asked
    assert not {"/ansoeg/alder", "/ansoeg/navn-og-cpr"} & set(asked)
    assert "050240-xxxx" in page.locator("main").inner_text()
    checked(page, axe_source, f"{name}-check")
    page.locator("#confirm").check()
    follow(page, page.locator('#main-content form button[type="submit"]'))
    assert re.search(r"AS-\d{4}-\d{6}", page.content())
    context.close()
