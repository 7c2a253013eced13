"""Staff pages in Chromium: a caseworker (here an admin) logs in, sees the queue, opens and takes a case
submitted through the browser; axe reports nothing on any of the pages. The queue starts within
the first screen at 1280 x 800 and at 375 x 667, where it is a stack of cards; "Tag sagen" is three Tab
presses after the skip link at most."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portal.db.models import StaffRole
from tests.browser.conftest import VIEWPORTS, axe_violations, follow, screenshot
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
    follow(staff, staff.locator('form button[type="submit"]'))
    assert staff.url.endswith("/sagsbehandler/")
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-queue")
    follow(staff, staff.get_by_role("link", name=reference))
    assert "010190-xxxx" in staff.content()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-case")
    follow(staff, staff.get_by_role("button", name="Tag sagen"))
    assert email in staff.content()
    screenshot(staff, f"staff-{viewport}-case-taken")

    staff.get_by_text("Bed borgeren om flere oplysninger").click()
    staff.fill("#message", "Send os en udtalelse fra din læge.")
    follow(staff, staff.get_by_role("button", name="Send besked"))
    viewer = browser.new_page()
    viewer.goto(status_link)
    assert "Send os en udtalelse fra din læge." in viewer.content()
    assert axe_violations(viewer, axe_source) == []
    screenshot(viewer, f"status-{viewport}-awaiting")
    # The holder's decision form is open on the page: no details element to unfold first.
    staff.locator('input[name="outcome"][value="granted"]').check()
    staff.select_option("#offer", "Kærhøj")
    staff.locator('input[name="days"][value="3"]').check()
    follow(staff, staff.get_by_role("button", name="Gem afgørelsen"))
    viewer.reload()
    assert "Bevilget" in viewer.content() and "Kærhøj" in viewer.content()
    href = viewer.get_by_role("link", name="Hent brevet (PDF)").get_attribute("href")
    letter = viewer.request.get(f"{live_server}{href}")
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert axe_violations(viewer, axe_source) == []
    screenshot(viewer, f"status-{viewport}-granted")
    viewer.close()
    # The caseworker reads the same letter as a page.
    follow(staff, staff.get_by_role("link", name="Læs afgørelsesbrevet"))
    assert "Du får et tilbud." in staff.content()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-letter-preview")
    staff.go_back()

    # Two minutes before the idle logout the warning appears, is focused and passes axe.
    staff.clock.fast_forward("13:01")
    warning = staff.locator(".js-timeout-warning")
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-timeout-warning")
    staff.get_by_role("button", name="Bliv logget ind").click()
    expect(staff.locator(".js-timeout-warning")).to_be_hidden()
    follow(staff, staff.get_by_role("link", name="Medarbejdere"))
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-admin")
    follow(staff, staff.get_by_role("link", name="Overblik"))
    assert axe_violations(staff, axe_source) == []
    screenshot(staff, f"staff-{viewport}-dashboard")
    context.close()


def log_in(page: Any, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sagsbehandler/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    follow(page, page.locator('form button[type="submit"]'))


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
        follow(page, page.locator('form button[type="submit"]'))
        # The inbox says the app is set up, and the focus is on that (#bekraeftelse).
        assert page.url.endswith("/sagsbehandler/#bekraeftelse")
        assert "Godkendelses-appen er sat op" in page.locator("#bekraeftelse:focus").inner_text()
        assert axe_violations(page, axe_source) == []
        screenshot(page, "staff-totp-enrolled")
        second = browser.new_context().new_page()
        log_in(second, live_server, email)
        assert "/login/kode" in second.url
        assert axe_violations(second, axe_source) == []
        screenshot(second, "staff-totp-code")
    finally:
        live_app.config["STAFF_TOTP_REQUIRED"] = False
    page.fill("#query", "010190-1234")
    follow(page, page.get_by_role("button", name="Søg"))
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


# Issue 11: the queue, the case page built for deciding, the staff chrome -------------------

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 667}}


def submitted(app: Any, full_name: str = "Karen Hansen", cpr: str = "010190-1234") -> int:
    """An application sent through the test client (faster than the browser); its id."""
    from sqlalchemy import func, select

    from portal.db.models import Application
    from portal.web.db import database
    from tests.web.journey import answer_until, submit

    client = app.test_client()
    answer_until(client, **{"/ansoeg/navn-og-cpr": {"full_name": full_name, "cpr": cpr}})
    submit(client)
    with database(app).transaction() as session:
        return int(session.scalar(select(func.max(Application.id))))  # type: ignore[arg-type]


def signed_in(browser: Any, live_server: str, email: str, screen: str) -> Any:
    page = browser.new_context(viewport=SCREENS[screen]).new_page()
    log_in(page, live_server, email)
    assert page.url.endswith("/sagsbehandler/")
    return page


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0)


@pytest.mark.parametrize("screen", SCREENS)
def test_the_queue_starts_on_the_first_screen_and_is_cards_on_a_phone(
    browser: Any, live_server: str, live_app: Any, axe_source: str, screen: str
) -> None:
    submitted(live_app)
    submitted(live_app)  # the same CPR number: a possible duplicate
    submitted(live_app, "Jens Jensen", "010190-2345")
    email = f"queue-{screen}@vejen.dk"
    make_staff(live_app, "575", email)
    page = signed_in(browser, live_server, email, screen)
    first = page.locator(".queue-table tbody tr").first.bounding_box()
    assert fits(page)
    if screen == "desktop":
        assert first["y"] + first["height"] <= SCREENS["desktop"]["height"], first
    else:
        # The first card starts on the first screen: its number and the name at least.
        name = page.locator(".queue-table tbody tr .queue-name").first.bounding_box()
        assert name["y"] + name["height"] <= SCREENS["phone"]["height"], (first, name)
        display = page.evaluate(
            "getComputedStyle(document.querySelector('.queue-table tr')).display"
        )
        assert display == "block"  # a card, not a table row that scrolls sideways
    assert "Mulig dublet" in page.content()
    assert axe_violations(page, axe_source) == []
    screenshot(page, f"staff-queue-{screen}")
    page.locator("#cpr").check()
    follow(page, page.get_by_role("button", name="Vis", exact=True))
    assert "010190-xxxx" in page.content() and fits(page)
    assert axe_violations(page, axe_source) == []
    screenshot(page, f"staff-queue-cpr-{screen}")
    page.context.close()


def test_take_the_case_is_within_three_tabs_after_the_skip_link(
    browser: Any, live_server: str, live_app: Any
) -> None:
    application_id = submitted(live_app)
    make_staff(live_app, "575", "tabs@vejen.dk")
    page = signed_in(browser, live_server, "tabs@vejen.dk", "desktop")
    page.goto(f"{live_server}/sagsbehandler/sag/{application_id}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skipnav')")
    page.keyboard.press("Enter")
    focused = []
    for _ in range(3):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.textContent.trim()"))
        if focused[-1] == "Tag sagen":
            break
    assert focused[-1] == "Tag sagen", focused
    page.context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_case_page_dashboard_and_search_pass_axe_and_fit(
    browser: Any, live_server: str, live_app: Any, axe_source: str, screen: str
) -> None:
    application_id = submitted(live_app)
    email = f"case-{screen}@vejen.dk"
    make_staff(live_app, "575", email, StaffRole.ADMIN)
    page = signed_in(browser, live_server, email, screen)
    page.goto(f"{live_server}/sagsbehandler/sag/{application_id}")
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-case-{screen}")
    follow(page, page.get_by_role("button", name="Tag sagen"))
    expect(page.locator("form.decision-form")).to_be_visible()
    page.get_by_text("Vejledningen, som borgeren så den").click()
    expect(page.locator(".case-guidance").get_by_text("Kort fortalt")).to_be_visible()
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-case-held-{screen}")
    follow(page, page.get_by_role("button", name="Gem afgørelsen"))  # empty: the errors, named
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-case-errors-{screen}")
    page.goto(f"{live_server}/sagsbehandler/overblik")
    for summary in page.locator("main summary").all():
        summary.click()
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-dashboard-{screen}")
    page.goto(f"{live_server}/sagsbehandler/")
    page.fill("#query", "010190-1234")
    follow(page, page.get_by_role("button", name="Søg"))
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-search-{screen}")
    # Back from a case found comes to the hits again, not to "Confirm Form Resubmission".
    found = page.locator("main a[href^='/sagsbehandler/sag/']").first
    follow(page, found)
    page.go_back()
    assert page.url.endswith("/sagsbehandler/soeg")
    assert page.locator("main a[href^='/sagsbehandler/sag/']").count() >= 1
    page.goto(f"{live_server}/sagsbehandler/admin/medarbejdere")
    assert fits(page) and axe_violations(page, axe_source) == []
    screenshot(page, f"staff-admin-{screen}")
    page.context.close()
    login = browser.new_context(viewport=SCREENS[screen]).new_page()
    login.goto(f"{live_server}/sagsbehandler/login")
    assert fits(login) and axe_violations(login, axe_source) == []
    screenshot(login, f"staff-login-{screen}")
    login.context.close()


def test_typing_keeps_the_session_and_an_unattended_page_is_cleared(
    browser: Any, live_server: str, live_app: Any
) -> None:
    """The second walk: typing did not count as use, "Bliv logget ind" reloaded the page and
    lost a half-written decision, and after the logout the case stayed on screen."""
    email = "timeout@vejen.dk"
    make_staff(live_app, "575", email)
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    try:
        log_in(page, live_server, email)
        search = page.locator("#query")
        page.clock.fast_forward("12:00")
        search.fill("AS-2026-1")  # typing extends the session in the background
        page.wait_for_load_state("networkidle")
        page.clock.fast_forward("12:00")  # 24 minutes since the page came, 12 since typing
        expect(page.locator(".js-timeout-warning")).to_be_hidden()
        assert search.input_value() == "AS-2026-1"
        page.clock.fast_forward("01:30")  # 13:30 since typing: the warning, nothing reloaded
        expect(page.locator(".js-timeout-warning")).to_be_visible()
        page.get_by_role("button", name="Bliv logget ind").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".js-timeout-warning")).to_be_hidden()
        assert search.input_value() == "AS-2026-1"  # the button did not reload the page
        page.clock.fast_forward("15:01")  # left alone: the page gives way to the notice
        ended = page.locator(".js-timeout-ended")
        expect(ended).to_be_visible()
        expect(ended).to_be_focused()
        assert page.locator("#query").count() == 0
    finally:
        context.close()
