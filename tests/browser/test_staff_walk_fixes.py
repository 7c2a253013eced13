"""What the outside walk of 2026-12-06 found on the staff side, in Chromium: the staff list
scrolled sideways on a phone, and the confirmations at the top of the case page were not
where a keyboard or a screen reader was."""

from __future__ import annotations

from typing import Any

import pytest

from portal.db.models import StaffRole
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_staff_pages import SCREENS, fits, signed_in
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
