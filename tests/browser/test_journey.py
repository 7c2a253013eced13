"""The whole citizen journey in Chromium: for yourself and for someone else, phone and desktop,
Danish and English, JavaScript on and off, axe on every page (error states and receipt
included), once by keyboard alone. Screenshots of every page go to test-artifacts/."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import VIEWPORTS, axe_violations, follow, screenshot
from tests.web.journey import ANSWERS, FOR_OTHER

# Six of the 16 combinations, so that every pair of settings meets at least once: with
# JavaScript (axe runs) a half fraction of who, screen and language, in which each pair of those
# meets; without it, one run per level of each. The full product would take 2.7 times as long
# and find nothing new.
JS_ON = [
    (who, viewport, lang, True)
    for who, viewport, lang in itertools.product(
        ("self", "other"), ("phone", "desktop"), ("da", "en")
    )
    if sum([who == "other", viewport == "desktop", lang == "en"]) % 2 == 0
]
COMBOS = [*JS_ON, ("other", "phone", "da", False), ("self", "desktop", "en", False)]
TEXT_TYPES = ("text", "email", "tel")


def fill_step(page: Page, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "action":
            continue
        for item in value if isinstance(value, list) else [value]:
            box = page.locator(f'input[name="{name}"][value="{item}"]')
            if box.count() and box.first.get_attribute("type") in ("radio", "checkbox"):
                box.first.check()
                continue
            field = page.locator(f'[name="{name}"]')
            field.fill(str(item))


def apply_in_browser(page: Page, live_server: str) -> str:
    """Answer every question with the standard answers and send; returns the reference."""
    page.goto(f"{live_server}/ansoeg")
    path = page.url.split(live_server, 1)[1]
    while path in ANSWERS:
        fill_step(page, ANSWERS[path])
        # Under load a click returns before the next page has come: wait for it each time.
        follow(page, page.locator('button[type="submit"]').first)
        path = page.url.split(live_server, 1)[1]
    page.locator("#confirm").check()
    follow(page, page.locator('form button[type="submit"]'))
    return re.search(r"AS-\d{4}-\d{6}", page.content()).group(0)  # type: ignore[union-attr]


def check_page(page: Page, axe: str, name: str, js: bool = True) -> None:
    # With JavaScript off nothing can run in the page, axe included; the server sends the
    # same HTML either way, and the runs with JavaScript on check it.
    if js:
        assert axe_violations(page, axe) == [], name
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: {overflow}px wider than the screen"
    screenshot(page, name)


def continue_button(page: Page, lang: str) -> Any:
    return page.locator('button[type="submit"]').first


@pytest.mark.parametrize(("who", "viewport", "lang", "js"), COMBOS)
def test_the_whole_journey(
    browser: Any, live_server: str, axe_source: str, who: str, viewport: str, lang: str, js: bool
) -> None:
    tag = f"{who}-{viewport}-{lang}-{'js' if js else 'nojs'}"
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=js)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server}/sprog/{lang}?next=/")
    check_page(page, axe_source, js=js, name=f"journey-{tag}-00-start")
    follow(page, page.locator("a.button-primary"))
    answers = {**ANSWERS, **(FOR_OTHER if who == "other" else {})}
    # One error state per run: continue without answering the first question.
    follow(page, continue_button(page, lang))
    expect(page.locator('[data-module="error-summary"]')).to_be_visible()
    assert page.title().startswith("Fejl:" if lang == "da" else "Error:")
    check_page(page, axe_source, js=js, name=f"journey-{tag}-00-error")
    number = 1
    path = page.url.split(live_server, 1)[1]
    while path in answers:
        check_page(
            page, axe_source, js=js, name=f"journey-{tag}-{number:02d}-{path.rsplit('/', 1)[1]}"
        )
        fill_step(page, answers[path])
        follow(page, continue_button(page, lang))
        path = page.url.split(live_server, 1)[1]
        number += 1
    assert path == "/ansoeg/tjek"
    check_page(page, axe_source, js=js, name=f"journey-{tag}-{number:02d}-tjek")
    if who == "other":
        assert "Ole Hansen" in page.content()
    page.locator("#confirm").check()
    follow(page, page.locator('form button[type="submit"]'))
    assert page.url.endswith("/kvittering")
    reference = re.search(r"AS-\d{4}-\d{6}", page.content())
    assert reference
    check_page(page, axe_source, js=js, name=f"journey-{tag}-{number + 1:02d}-kvittering")
    status_link = page.locator('a[href*="/status/"]').first.get_attribute("href")
    assert status_link
    page.goto(status_link)
    assert reference.group(0) in page.content()
    check_page(page, axe_source, js=js, name=f"journey-{tag}-{number + 2:02d}-status")
    context.close()


def test_the_receipt_pdf_opens_and_holds_the_reference(browser: Any, live_server: str) -> None:
    import io

    from pypdf import PdfReader

    context = browser.new_context()
    page = context.new_page()
    reference = apply_in_browser(page, live_server)
    response = context.request.get(f"{live_server}/kvittering.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert reference in text
    context.close()


def keyboard_to(page: Page, selector: str, limit: int = 80) -> None:
    """Tab until the element is focused: proof that it can be reached without a mouse."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_the_journey_can_be_completed_with_the_keyboard_alone(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(live_server + "/")
    keyboard_to(page, "a.button-primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ansoeg/hvem")
    path = "/ansoeg/hvem"
    while path in ANSWERS:
        for name, value in ANSWERS[path].items():
            for item in value if isinstance(value, list) else [value]:
                box = page.locator(f'input[name="{name}"][value="{item}"]')
                if box.count() and box.first.get_attribute("type") in ("radio", "checkbox"):
                    keyboard_to(page, f'input[name="{name}"]')
                    # Arrow keys move between radios; a checkbox needs its own Tab stop.
                    if box.first.get_attribute("type") == "radio":
                        while not box.first.evaluate("el => el === document.activeElement"):
                            page.keyboard.press("ArrowDown")
                    else:
                        keyboard_to(page, f'input[name="{name}"][value="{item}"]')
                    page.keyboard.press("Space")
                else:
                    keyboard_to(page, f'[name="{name}"]')
                    page.keyboard.type(str(item))
        keyboard_to(page, 'button[value="continue"], form button[type="submit"]')
        focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert focused != "none", f"no visible focus on {path}"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        path = page.url.split(live_server, 1)[1]
    assert path == "/ansoeg/tjek"
    keyboard_to(page, "#confirm")
    page.keyboard.press("Space")
    keyboard_to(page, 'form button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/kvittering")
    context.close()


BAD_INPUT = {
    "/ansoeg/vanskeligheder": {},
    "/ansoeg/alder": {"birth_date-day": "31", "birth_date-month": "2", "birth_date-year": "1990"},
    "/ansoeg/andet": {"text": "x" * 2001},
    "/ansoeg/navn-og-cpr": {"full_name": "Karen Hansen", "cpr": "abc"},
    "/ansoeg/kontakt": {"preferred": "email"},
    "/ansoeg/moeder": {"needs": ["interpreter"]},
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_error_states_are_accessible_and_the_summary_leads_to_the_field(
    browser: Any, live_server: str, axe_source: str, viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server}/ansoeg")
    path = page.url.split(live_server, 1)[1]
    while path in ANSWERS:
        if path in BAD_INPUT:
            fill_step(page, BAD_INPUT[path])
            follow(page, page.locator('button[value="continue"]'))
            summary = page.locator('[data-module="error-summary"]')
            expect(summary).to_be_focused()  # DKFDS.init() moves focus to the summary
            name = f"errors-{viewport}-{path.rsplit('/', 1)[1]}"
            check_page(page, axe_source, name)
            summary.locator("a").first.click()
            focused = page.evaluate("document.activeElement.id")
            assert focused and summary.locator("a").first.get_attribute("href") == f"#{focused}"
            page.goto(f"{live_server}{path}")
        fill_step(page, ANSWERS[path])
        follow(page, page.locator('button[type="submit"]').first)
        path = page.url.split(live_server, 1)[1]
    follow(page, page.locator('form button[type="submit"]'))  # send without ticking the box
    check_page(page, axe_source, f"errors-{viewport}-tjek")
    context.close()
