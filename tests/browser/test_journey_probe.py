"""The probe's finding in Chromium: a source number clicked on the guidance page (#kilde-2) must
not follow the citizen through the forms and redirects to the receipt, which then opened
scrolled down to its own source list."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import follow
from tests.browser.test_journey import fill_step
from tests.web.journey import ANSWERS


def path_of(page: Page, base: str) -> str:
    return page.url.split(base, 1)[1]


def at_top(page: Page) -> bool:
    return bool(page.evaluate("window.scrollY === 0"))


def test_a_clicked_source_does_not_follow_the_citizen_to_the_next_pages(
    browser: Any, live_server: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/ansoeg")
        while path_of(page, live_server) != "/ansoeg/vejledning":
            fill_step(page, ANSWERS[path_of(page, live_server)])
            follow(page, page.locator('button[value="continue"]'))
        source = page.locator("sup.source-ref a").first
        source.click()
        page.wait_for_function("location.hash.startsWith('#kilde-')")
        assert not at_top(page)
        follow(page, page.locator('form button[type="submit"]').first)
        # The offer question opens at its top, without the fragment: the guidance's form
        # posts to its own address too.
        assert path_of(page, live_server) == "/ansoeg/tilbud" and at_top(page), page.url
        assert "#" not in page.url, page.url
        while not path_of(page, live_server).startswith("/ansoeg/tjek"):
            fill_step(page, ANSWERS[path_of(page, live_server).split("#")[0]])
            follow(page, page.locator('button[value="continue"]'))
            # Every page after a journey form: its own address, no fragment, at the top.
            assert "#" not in page.url and at_top(page), page.url
        page.locator("#confirm").check()
        follow(page, page.locator("form.send-form button[type='submit']"))
        assert path_of(page, live_server) == "/kvittering"
        assert at_top(page)
    finally:
        context.close()


def test_back_to_a_page_that_showed_errors_shows_the_page_not_a_resubmit_prompt(
    browser: Any, live_server: str
) -> None:
    """The first question sent without an answer shows its errors in the answer to the POST;
    answered, the citizen goes on. Back must then show the question again (with the answer
    saved), not the browser's "Confirm Form Resubmission" page, which would lose a person
    who does not know what it means."""
    context = browser.new_context(viewport={"width": 375, "height": 667})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/ansoeg")
        assert path_of(page, live_server) == "/ansoeg/hvem"
        follow(page, page.locator('button[value="continue"]'))
        assert page.locator(".alert-error").count() == 1  # the error summary, from the POST
        fill_step(page, ANSWERS["/ansoeg/hvem"])
        follow(page, page.locator('button[value="continue"]'))
        assert path_of(page, live_server) != "/ansoeg/hvem"
        response = page.go_back()
        assert response is not None and response.request.method == "GET", response
        assert path_of(page, live_server) == "/ansoeg/hvem"
        assert page.locator('input[name="who"][value="self"]').is_checked()
        assert page.locator(".alert-error").count() == 0
    finally:
        context.close()
