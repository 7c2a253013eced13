"""Staff pages in Chromium: a caseworker (here an admin) logs in, sees the queue, opens and takes a case
submitted through the browser; axe reports nothing on any of the pages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portal.db.models import StaffRole
from tests.browser.conftest import VIEWPORTS, axe_violations, screenshot
from tests.browser.test_journey import apply_in_browser
from tests.web.staff import PASSWORD, make_staff


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_caseworker_takes_a_case_submitted_in_the_browser(
    browser: Any, live_server: str, live_app: Any, axe_source: str, viewport: str
) -> None:
    email = f"browser-{viewport}@vejen.dk"
    make_staff(live_app, "575", email, StaffRole.ADMIN)
    citizen = browser.new_context()
    page = citizen.new_page()
    reference = apply_in_browser(page, live_server)
    status_link = page.locator('a[href*="/status/"]').first.get_attribute("href")
    assert status_link
    citizen.close()

    context = browser.new_context(viewport=VIEWPORTS[viewport])
    staff = context.new_page()
    staff.clock.install()
    staff.goto(f"{live_server}/sagsbehandler/")
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-login")
    staff.fill("#email", email)
    staff.fill("#password", PASSWORD)
    staff.locator('form button[type="submit"]').click()
    assert staff.url.endswith("/sagsbehandler/")
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-queue")
    staff.get_by_role("link", name=reference).click()
    assert "010190-xxxx" in staff.content()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-case")
    staff.get_by_role("button", name="Tag sagen").click()
    assert email in staff.content()
    screenshot(staff, f"staff-{viewport}-case-taken")

    staff.get_by_text("Bed borgeren om flere oplysninger").click()
    staff.fill("#message", "Send os en udtalelse fra din læge.")
    staff.get_by_role("button", name="Send besked").click()
    viewer = browser.new_page()
    viewer.goto(status_link)
    assert "Send os en udtalelse fra din læge." in viewer.content()
    assert axe_violations(viewer, axe_source) == []
    screenshot(viewer, f"status-{viewport}-awaiting")
    staff.get_by_text("Træf afgørelse").click()
    staff.locator('input[name="outcome"][value="granted"]').check()
    staff.select_option("#offer", "Kærhøj")
    staff.locator('input[name="days"][value="3"]').check()
    staff.get_by_role("button", name="Gem afgørelsen").click()
    viewer.reload()
    assert "Bevilget" in viewer.content() and "Kærhøj" in viewer.content()
    href = viewer.get_by_role("link", name="Hent brevet (PDF)").get_attribute("href")
    letter = viewer.request.get(f"{live_server}{href}")
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert axe_violations(viewer, axe_source) == []
    screenshot(viewer, f"status-{viewport}-granted")
    viewer.close()

    # Two minutes before the idle logout the warning appears, is focused and passes axe.
    staff.clock.fast_forward("13:01")
    warning = staff.locator(".js-timeout-warning")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-timeout-warning")
    staff.get_by_role("button", name="Bliv logget ind").click()
    expect(staff.locator(".js-timeout-warning")).to_be_hidden()
    staff.get_by_role("link", name="Medarbejdere").click()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-admin")
    staff.get_by_role("link", name="Overblik").click()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-dashboard")
    context.close()


def log_in(page: Any, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sagsbehandler/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator('form button[type="submit"]').click()


def test_the_other_staff_pages_pass_axe(
    browser: Any, live_server: str, live_app: Any, axe_source: str
) -> None:
    """Search results, a new phone application, the access request, the hand-off page and the
    dashboard's hand-off warning, and the two-factor pages (enrolment and code), which a test
    app shows only when the factor is required."""
    import pyotp

    email = "axe-admin@vejen.dk"
    make_staff(live_app, "575", email, StaffRole.ADMIN)
    context = browser.new_context()
    page = context.new_page()
    live_app.config["STAFF_TOTP_REQUIRED"] = True
    try:
        log_in(page, live_server, email)
        assert "/login/opsaet" in page.url
        assert axe_violations(page, axe_source) == []
        screenshot(page, "staff-totp-enrol")
        secret = page.locator("code").inner_text()
        page.fill("#code", pyotp.TOTP(secret).now())
        page.locator('form button[type="submit"]').click()
        assert page.url.endswith("/sagsbehandler/")
        second = browser.new_context().new_page()
        log_in(second, live_server, email)
        assert "/login/kode" in second.url
        assert axe_violations(second, axe_source) == []
        screenshot(second, "staff-totp-code")
    finally:
        live_app.config["STAFF_TOTP_REQUIRED"] = False
    page.fill("#query", "010190-1234")
    page.get_by_role("button", name="Søg").click()
    assert axe_violations(page, axe_source) == []
    screenshot(page, "staff-search")
    page.goto(f"{live_server}/sagsbehandler/ny-ansoegning")
    assert axe_violations(page, axe_source) == []
    screenshot(page, "staff-register")
    page.goto(f"{live_server}/sagsbehandler/admin/indsigt")
    assert axe_violations(page, axe_source) == []
    screenshot(page, "staff-access-request")
    trouble_in_the_handoff(live_app)
    page.goto(f"{live_server}/sagsbehandler/admin/overfoersler")
    assert page.get_by_role("button", name="Slå modtageren til igen").is_visible()
    assert axe_violations(page, axe_source) == []
    screenshot(page, "staff-handoff")
    # On a phone the wide table scrolls in its own box; the page itself does not widen.
    page.set_viewport_size(VIEWPORTS["phone"])
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "staff-handoff-phone")
    page.goto(f"{live_server}/sagsbehandler/overblik")
    assert "Noget skal ordnes" in page.content()
    assert axe_violations(page, axe_source) == []
    screenshot(page, "staff-dashboard-handoff-warning")
    context.close()


def trouble_in_the_handoff(app: Any) -> None:
    """A dead e-mail and a receiver switched off, so the hand-off page shows its table and
    its warning, and the dashboard its alert."""
    from sqlalchemy import update

    from portal.db.models import OutboxMessage, OutboxState, utcnow
    from portal.outbox import queue
    from portal.web.db import database

    with database(app).transaction() as session:
        mail = queue.add_mail(
            session, app.extensions["portal.cipher"], municipality_code="575",
            topic="mail.receipt", to="axe@example.dk", subject="Kvittering", body="Hej",
        )  # fmt: skip
        session.flush()
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == mail.id).values(
                state=OutboxState.DEAD, attempts=12,
                last_error="The mail server did not answer in time",
            )
        )  # fmt: skip
        queue.disable_target(session, "575", "The receiver answered 410 Gone", utcnow())
