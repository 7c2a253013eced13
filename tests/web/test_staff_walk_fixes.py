"""What the outside walk of 2026-12-06 found on the staff side, through the test client: the
case page's confirmation and refusals stand in one box that the form's address points at
(#besked), so the browser moves the focus there even without JavaScript."""

from __future__ import annotations

import re

from flask import Flask

from tests.web.staff import csrf_from, staff_client
from tests.web.test_staff_actions import citizen_with_application

# The box at the top of the case page, up to the case's facts that follow it.
BOX = re.compile(
    r'<div id="besked" class="case-notice" tabindex="-1"([^>]*)>(.*?)<div class="case-layout">',
    re.S,
)


def notice(html: str) -> tuple[str, str] | None:
    found = BOX.search(html)
    return (found.group(1), found.group(2)) if found else None


def test_the_saved_decision_is_confirmed_in_a_status_box_the_focus_can_reach(app: Flask) -> None:
    _, _, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    page = f"/sagsbehandler/sag/{application_id}"
    staff.post(f"{page}/tag", data={"csrf_token": csrf_from(staff, page)})
    html = staff.get(page).get_data(as_text=True)
    assert notice(html) is None  # nothing to confirm, nothing to focus
    # Each form whose answer is said at the top posts to an address naming the box.
    for action in ("afgoerelse", "oplysninger"):
        assert f'action="{page}/{action}#besked"' in html, action
    attributes, text = notice(staff.get(f"{page}?gemt=afgoerelse").get_data(as_text=True)) or (
        "",
        "",
    )
    assert 'role="status"' in attributes and "data-focus-on-load" in attributes
    assert "Afgørelsen er gemt" in text


def test_a_refused_claim_is_said_in_the_box_the_focus_goes_to(app: Flask) -> None:
    _, _, application_id = citizen_with_application(app)
    first = staff_client(app, "575", "ida@vejen.dk")
    second = staff_client(app, "575", "bo@vejen.dk")
    page = f"/sagsbehandler/sag/{application_id}"
    token = csrf_from(second, page)
    assert f'action="{page}/tag#besked"' in second.get(page).get_data(as_text=True)
    first.post(f"{page}/tag", data={"csrf_token": csrf_from(first, page)})
    response = second.post(f"{page}/tag", data={"csrf_token": token})
    assert response.status_code == 409
    attributes, text = notice(response.get_data(as_text=True)) or ("", "")
    assert "data-focus-on-load" in attributes and 'role="status"' not in attributes
    assert 'role="alert"' in text and "ida@vejen.dk har allerede taget sagen." in text
