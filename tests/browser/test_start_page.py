"""The start page in Chromium: the Start button (or "Fortsæt, hvor du slap") is on the first
screen of a phone and of a laptop, in Danish and English, and axe finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, follow, screenshot

FIRST_SCREENS = {"phone": {"width": 375, "height": 667}, "laptop": {"width": 1280, "height": 800}}
BUTTON = {"da": ("Start", "Fortsæt, hvor du slap"), "en": ("Start", "Continue where you left off")}


def start_a_draft(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/ansoeg")
    page.locator('input[name="who"][value="self"]').check()
    follow(page, page.locator('button[value="continue"]'))


def assert_inside_the_first_screen(page: Page, name: str, screen: dict[str, int]) -> None:
    box = page.get_by_role("link", name=name, exact=True).bounding_box()
    assert box is not None, f"no {name!r} button"
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= screen["height"], box


@pytest.mark.parametrize("draft", [False, True], ids=["new", "with-draft"])
@pytest.mark.parametrize("screen", FIRST_SCREENS)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_way_in_is_on_the_first_screen_and_the_page_passes_axe(
    browser: Any, live_server: str, axe_source: str, lang: str, screen: str, draft: bool
) -> None:
    context = browser.new_context(viewport=FIRST_SCREENS[screen])
    page = context.new_page()
    page.goto(f"{live_server}/sprog/{lang}?next=/")
    if draft:
        start_a_draft(page, live_server)
        page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.evaluate("window.scrollY") == 0
    assert_inside_the_first_screen(page, BUTTON[lang][draft], FIRST_SCREENS[screen])
    assert axe_violations(page, axe_source) == []
    screenshot(page, f"start-first-screen-{lang}-{screen}-{'draft' if draft else 'new'}")
    context.close()
