"""The guidance page on a phone (375 x 667) in Chromium, for every municipality: short before
anything is unfolded, axe-clean folded and unfolded, a numbered reference opens the source
list at its entry, and on paper nothing stays folded. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, screenshot
from tests.web.helpers import set_language
from tests.web.journey import answer_until

PHONE = {"width": 375, "height": 667}
MAX_HEIGHT = 2000
# Each municipality for oneself in Danish and for someone else in English.
CASES = [
    pytest.param(code, other, lang, id=f"{code}-{'other' if other else 'self'}-{lang}")
    for code in ("173", "157", "575", "370", "265")
    for other, lang in ((False, "da"), (True, "en"))
]


def open_the_guidance(browser: Any, live_app: Any, live_server: str, code: str, other: bool,
                      lang: str) -> tuple[Any, Page]:  # fmt: skip
    """Answer the questions with the live app's test client (fast), then hand its session to
    a browser on a phone."""
    client = live_app.test_client()
    set_language(client, lang)
    kommune = {"/ansoeg/kommune": {"municipality": code}}
    stop = "/ansoeg/vejledning"
    assert answer_until(client, stop=stop, other=other, **kommune) == stop
    session = client.get_cookie("portal_session")
    assert session is not None
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "portal_session", "value": session.value, "url": live_server}])
    page = context.new_page()
    page.goto(f"{live_server}{stop}")
    assert page.url == f"{live_server}{stop}"
    assert page.locator("html").get_attribute("lang") == lang
    return context, page


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_the_folded_guidance_fits_in_2000_px_on_a_phone_and_passes_axe_folded_and_unfolded(
    browser: Any, live_app: Any, live_server: str, axe_source: str, code: str, other: bool,
    lang: str,
) -> None:  # fmt: skip
    context, page = open_the_guidance(browser, live_app, live_server, code, other, lang)
    assert page.locator("details[open]").count() == 0
    assert page.locator("details").count() >= 5  # the groups and the source list
    height = page.evaluate("document.documentElement.scrollHeight")
    name = f"guidance-{code}-{'other' if other else 'self'}-{lang}-phone"
    screenshot(page, name)
    print(f"{name}: {height} px = {height / PHONE['height']:.1f} screens")
    assert height <= MAX_HEIGHT, f"{height} px"
    assert axe_violations(page, axe_source) == []
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.locator("details:not([open])").count() == 0
    assert axe_violations(page, axe_source) == []
    screenshot(page, f"{name}-unfolded")
    context.close()


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_a_numbered_reference_opens_the_source_list_at_its_entry(
    browser: Any, live_app: Any, live_server: str, code: str, other: bool, lang: str
) -> None:
    context, page = open_the_guidance(browser, live_app, live_server, code, other, lang)
    sources = page.locator("details#kilder")
    expect(sources).not_to_have_attribute("open", "")
    reference = page.locator(".guidance-summary .source-ref a").last
    target = reference.get_attribute("href")
    assert target and target.startswith("#kilde-")
    entry = page.locator(target)
    expect(entry).to_be_hidden()
    reference.click()
    expect(sources).to_have_attribute("open", "")
    expect(entry).to_be_visible()
    expect(entry).to_be_in_viewport()
    assert page.url.endswith(target)
    context.close()


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_the_folded_details_print_open(
    browser: Any, live_app: Any, live_server: str, code: str, other: bool, lang: str
) -> None:
    context, page = open_the_guidance(browser, live_app, live_server, code, other, lang)
    folded = page.locator("details.guidance-details:not([open]) .details-text li").first
    expect(folded).to_be_hidden()
    page.emulate_media(media="print")
    # No beforeprint event here: the print style alone must unfold them.
    assert page.locator("details[open]").count() == 0
    expect(folded).to_be_visible()
    expect(page.locator("#kilde-1")).to_be_visible()
    context.close()
