"""Names with a MitID login in Chromium, Danish and English, on a phone and a laptop: the
representative step starts with the citizen's own name (editable), the check page has "Ret"
for a Digital Fuldmagt person's name only, and the privacy page explains the login's cookie.
axe finds nothing on these pages; screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser import test_citizen_login as logins
from tests.browser.conftest import checked, follow
from tests.browser.test_journey import fill_step
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.web.journey import ANSWERS, FOR_OTHER

provider = logins.provider
login_server = logins.login_server

RELATIVE = people.PEOPLE["fuldmagt-en"]
HINT = {
    "da": "Navnet er fra dit MitID-login. Ret det, hvis det er forkert.",
    "en": "The name is from your MitID login. Change it if it is wrong.",
}
COOKIE = {
    "da": "Koden siger ikke noget om dig.",
    "en": "The code says nothing about you.",
}
# Two of the four: test_login_journey walks the same login (Danish and English on a phone,
# Danish on a laptop), so every language meets every screen between the two files.
SCREENS = [("da", "phone"), ("en", "laptop")]


def answer_until(page: Page, base: str, answers: dict[str, Any], stop: str) -> None:
    page.goto(f"{base}/ansoeg")
    path = page.url.split(base, 1)[1]
    while path in answers and path != stop:
        fill_step(page, answers[path])
        follow(page, page.locator('#main-content button[type="submit"]').first)
        path = page.url.split(base, 1)[1]
    assert path == stop, path


@pytest.mark.parametrize(("lang", "screen"), SCREENS)
def test_names_with_digital_fuldmagt(
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
    name = f"login-names-{lang}-{screen}"
    answers = {
        **ANSWERS, **FOR_OTHER,
        "/ansoeg/digital-fuldmagt": {"person": people.GRANDMOTHER},
        "/ansoeg/navn": {"full_name": "Inger Hansen"},
    }  # fmt: skip
    answers.pop("/ansoeg/om-dig")
    answer_until(page, login_server, answers, "/ansoeg/om-dig")
    assert page.locator("#full_name").input_value() == RELATIVE.name
    assert HINT[lang] in page.locator("main").inner_text()
    checked(page, axe_source, f"{name}-representative")
    # Kept as the login gave it; the phone is the citizen's to give.
    fill_step(page, {"phone": "87654321"})
    follow(page, page.locator('#main-content button[type="submit"]').first)
    answer_until(page, login_server, answers, "/ansoeg/tjek")
    ret = page.locator('a[href="/ansoeg/navn?fra=tjek"]')
    assert ret.count() == 1
    assert page.locator('a[href^="/ansoeg/navn-og-cpr"]').count() == 0
    checked(page, axe_source, f"{name}-check")
    follow(page, ret)
    page.locator("#full_name").fill("Inger M. Hansen")
    follow(page, page.locator('#main-content button[type="submit"]').first)
    assert page.url.endswith("/ansoeg/tjek")
    text = page.locator("main").inner_text()
    assert "Inger M. Hansen" in text and "050240-xxxx" in text and RELATIVE.name in text
    page.goto(f"{login_server}/privatliv")
    assert COOKIE[lang] in page.locator("main").inner_text()
    checked(page, axe_source, f"{name}-privacy")
    context.close()
