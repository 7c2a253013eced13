"""What the outside walk of 2026-12-06 found on the staff side, in Chromium: the staff list
scrolled sideways on a phone, and the confirmations at the top of the case page were not
where a keyboard or a screen reader was."""

from __future__ import annotations

from typing import Any

import pytest

from portal.db.models import StaffRole
from tests.browser.conftest import axe_violations, follow, screenshot
from tests.browser.test_staff_pages import SCREENS, fits, log_in, signed_in, submitted
from tests.web.staff import make_staff

# How far the staff table reaches past its own box, and how its rows are drawn.
TABLE = """() => {
  const box = document.querySelector('.staff-table').parentElement;
  const rows = [...document.querySelectorAll('.staff-table tbody tr')];
  return {overflow: box.scrollWidth - box.clientWidth,
          display: getComputedStyle(rows[0]).display,
          widest: Math.max(...rows.map(r => r.getBoundingClientRect().right))};
}"""


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_staff_list_is_a_card_per_person_on_a_phone_and_a_table_on_a_desktop(
    browser: Any, live_server: str, live_app: Any, axe_source: str, screen: str, language: str
) -> None:
    email = f"list-{screen}-{language}@vejen.dk"
    make_staff(live_app, "575", email, StaffRole.ADMIN)
    make_staff(live_app, "575", f"a-rather-long-address-{screen}-{language}@kommune.vejen.dk")
    page = signed_in(browser, live_server, email, screen)
    page.goto(f"{live_server}/sprog/{language}?next=/sagsbehandler/admin/medarbejdere")
    drawn = page.evaluate(TABLE)
    assert fits(page) and drawn["overflow"] <= 0, drawn
    assert drawn["widest"] <= SCREENS[screen]["width"], drawn
    if screen == "phone":
        assert drawn["display"] == "block", drawn  # a card, not a row to scroll sideways
        # Each value says what it is, as the column header did on a desktop.
        label = page.evaluate(
            "getComputedStyle(document.querySelector('.staff-table td[data-label]'),"
            " '::before').content"
        )
        assert ("Rolle" if language == "da" else "Role") in label, label
    else:
        assert drawn["display"] == "table-row", drawn
    assert axe_violations(page, axe_source) == []
    screenshot(page, f"h9a-staff-list-{screen}-{language}")
    page.context.close()


def focused_id(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_the_focus_goes_to_the_confirmation_and_to_a_refusal_at_the_top_of_the_case(
    browser: Any, live_server: str, live_app: Any, axe_source: str, script: bool
) -> None:
    """Without JavaScript the form's address (…#besked), kept through the redirect, moves
    the focus; with it, init.js does the same where the address has no #besked."""
    application_id = submitted(live_app)
    email = f"focus-{'js' if script else 'nojs'}@vejen.dk"
    make_staff(live_app, "575", email)
    context = browser.new_context(viewport=SCREENS["phone"], java_script_enabled=script)
    page = context.new_page()
    log_in(page, live_server, email)
    page.goto(f"{live_server}/sagsbehandler/sag/{application_id}")
    follow(page, page.get_by_role("button", name="Tag sagen"))
    page.locator('input[name="outcome"][value="granted"]').check()
    page.select_option("#offer", "Kærhøj")
    page.locator('input[name="days"][value="3"]').check()
    follow(page, page.get_by_role("button", name="Gem afgørelsen"))
    assert focused_id(page) == "besked"
    assert "Afgørelsen er gemt" in page.locator(":focus").inner_text()
    if script:
        assert axe_violations(page, axe_source) == []
        page.goto(page.url.split("#")[0])  # no #besked: the script moves the focus
        assert focused_id(page) == "besked"
    screenshot(page, f"h9a-case-saved-focus-{'js' if script else 'nojs'}")
    # A page that has gone stale: the case changed (here: its count) since it was opened.
    page.locator("#reason").fill("Borgeren har sendt en ny lægeerklæring.")
    page.locator('form[action*="genaabn"] input[name="seen"]').evaluate("e => e.value = '999'")
    follow(page, page.get_by_role("button", name="Genåbn sagen"))
    assert focused_id(page) == "besked"
    assert "Det kunne ikke gøres" in page.locator(":focus").inner_text()
    screenshot(page, f"h9a-case-refused-focus-{'js' if script else 'nojs'}")
    context.close()


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_inbox_pages_back_and_forth_on_a_phone_and_a_desktop(
    browser: Any,
    live_server: str,
    live_app: Any,
    axe_source: str,
    monkeypatch: pytest.MonkeyPatch,
    screen: str,
    language: str,
) -> None:
    from portal import casework

    for _ in range(5):
        submitted(live_app)
    monkeypatch.setattr(casework, "PAGE_SIZE", 2)
    email = f"pages-{screen}-{language}@vejen.dk"
    make_staff(live_app, "575", email)
    page = signed_in(browser, live_server, email, screen)
    page.goto(f"{live_server}/sprog/{language}?next=/sagsbehandler/")
    words = {"da": ("Forrige side", "Næste side"), "en": ("Previous page", "Next page")}
    back, onwards = words[language]
    first = page.locator(".queue-table a").first.inner_text()
    follow(page, page.get_by_role("link", name=onwards))
    follow(page, page.get_by_role("link", name=onwards))
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"h9a-queue-pages-{screen}-{language}")
    follow(page, page.get_by_role("link", name=back))
    follow(page, page.get_by_role("link", name=back))
    assert page.locator(".queue-table a").first.inner_text() == first
    assert page.get_by_role("link", name=back).count() == 0
    page.context.close()


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_login_page_says_the_logout_worked_and_has_the_focus_there(
    browser: Any,
    live_server: str,
    live_app: Any,
    axe_source: str,
    screen: str,
    language: str,
    script: bool,
) -> None:
    email = f"out-{screen}-{language}-{'js' if script else 'nojs'}@vejen.dk"
    make_staff(live_app, "575", email)
    context = browser.new_context(viewport=SCREENS[screen], java_script_enabled=script)
    page = context.new_page()
    page.goto(f"{live_server}/sprog/{language}?next=/sagsbehandler/login")
    log_in(page, live_server, email)
    follow(
        page,
        page.get_by_role("button", name={"da": "Log ud", "en": "Log out"}[language], exact=True),
    )
    notice = page.locator("#bekraeftelse")
    assert focused_id(page) == "bekraeftelse"
    said = {"da": "Du er logget ud", "en": "You are logged out"}[language]
    assert said in notice.inner_text()
    if script:
        assert fits(page) and axe_violations(page, axe_source) == []
        screenshot(page, f"h9a-logged-out-{screen}-{language}")
    page.reload()
    assert page.locator("#bekraeftelse").count() == 0  # said once
    context.close()
