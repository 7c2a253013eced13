"""The start page and the footer pages in a real browser: accessible, not overflowing, in
both languages, on a phone and a desktop. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, axe_violations, follow, screenshot

PAGES = {"start": "/", "tilgaengelighed": "/tilgaengelighed", "privatliv": "/privatliv"}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations_and_fits_the_screen(
    browser: Any, live_server: str, axe_source: str, name: str, lang: str, viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/sprog/{lang}?next={PAGES[name]}")
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page, axe_source) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than the screen"
    assert console_errors == []
    screenshot(page, f"{name}-{lang}-{viewport}")
    context.close()


def test_the_first_tab_reaches_a_visible_skip_link(browser: Any, live_server: str) -> None:
    page = browser.new_page()
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til sidens indhold")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["height"] > 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    page.close()


def test_the_pages_work_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    follow(page, page.get_by_role("link", name="English"))
    expect(page.locator("h1")).to_have_text("Apply for an activity and company offer")
    follow(page, page.get_by_role("link", name="Accessibility statement"))
    expect(page.locator("h1")).to_have_text("Accessibility statement")
    context.close()
