"""Reading the decision's letter before saving it, in Chromium: the form's second button shows
the letter, "Ret afgørelsen" brings the form back as typed, and "Gem afgørelsen" saves what the
letter showed; without JavaScript too. Zero axe violations (axe runs as a script, so in the
runs with JavaScript), on a phone and a desktop, in Danish and English."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import axe_violations, follow, screenshot
from tests.browser.test_staff_pages import SCREENS, fits, log_in, submitted
from tests.web.staff import make_staff

WORDS = {
    "da": ("Tag sagen", "Se brevet, før du gemmer", "Ret afgørelsen", "Gem afgørelsen"),
    "en": ("Take the case", "See the letter before you save", "Change the decision",
           "Save the decision"),
}  # fmt: skip


RUNS = [("phone", "da", False), *((s, lang, True) for s in SCREENS for lang in ("da", "en"))]


@pytest.mark.parametrize(("screen", "language", "script"), RUNS)
def test_the_letter_is_read_changed_and_saved(
    browser: Any,
    live_server: str,
    live_app: Any,
    axe_source: str,
    screen: str,
    language: str,
    script: bool,
) -> None:
    take, read, change, save = WORDS[language]
    application_id = submitted(live_app)
    email = f"draft-{screen}-{language}-{'js' if script else 'nojs'}@vejen.dk"
    make_staff(live_app, "575", email)
    context = browser.new_context(viewport=SCREENS[screen], java_script_enabled=script)
    page = context.new_page()
    log_in(page, live_server, email)
    case = f"/sagsbehandler/sag/{application_id}"
    page.goto(f"{live_server}/sprog/{language}?next={case}")
    follow(page, page.get_by_role("button", name=take))
    page.locator('input[name="outcome"][value="refused"]').check()
    page.locator("#reasons").fill("Du klarer dig selv i hverdagen.")
    follow(page, page.get_by_role("button", name=read))
    assert "/afgoerelse/udkast" in page.url
    assert "Du klarer dig selv i hverdagen." in page.locator("article").inner_text()
    assert fits(page)
    if script:
        assert axe_violations(page, axe_source) == []
    screenshot(page, f"decision-draft-{screen}-{language}-{'js' if script else 'nojs'}")
    follow(page, page.get_by_role("button", name=change))
    assert page.locator('input[name="outcome"][value="refused"]').is_checked()
    assert page.locator("#reasons").input_value() == "Du klarer dig selv i hverdagen."
    follow(page, page.get_by_role("button", name=read))
    follow(page, page.get_by_role("button", name=save))
    assert page.url.endswith("#besked") and "gemt=afgoerelse" in page.url
    context.close()
