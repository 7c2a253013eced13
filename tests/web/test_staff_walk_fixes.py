"""What the outside walk of 2026-12-06 found on the staff side, through the test client: the
case page's confirmation and refusals stand in one box that the form's address points at
(#besked), so the browser moves the focus there even without JavaScript; the inbox pages
back as well as forward; logging out, setting up the app and choosing a first password say
they worked."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask

from portal import casework
from portal.db.models import StaffRole
from portal.staff import paging
from tests.web.staff import csrf_from, login, staff_client
from tests.web.test_probe_defects import submitted
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


# The inbox had "Næste side" but no way back -------------------------------------------------


def page_links(html: str) -> dict[str, str]:
    """The inbox's page links by their words, as addresses to visit."""
    nav = re.search(r'<nav class="queue-pages.*?</nav>', html, re.S)
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(0)) if nav else []
    return {words: unescape(href) for href, words in found}


def references(html: str) -> list[str]:
    return re.findall(r"AS-\d{4}-\d{6}", html)


def test_the_inbox_pages_back_to_the_start_by_links_alone_keeping_the_filters(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):
        submitted(app)
    monkeypatch.setattr(casework, "PAGE_SIZE", 2)
    staff = staff_client(app, "575", "pager@vejen.dk")
    url, pages = "/sagsbehandler/?status=alle&cpr=vis", []
    while url:  # forwards: three pages of 2, 2 and 1
        html = staff.get(url).get_data(as_text=True)
        pages.append((url, references(html)))
        assert ("Forrige side" in page_links(html)) == (len(pages) > 1)
        url = page_links(html).get("Næste side", "")
    assert [len(shown) for _, shown in pages] == [2, 2, 1]
    assert len({r for _, shown in pages for r in shown}) == 5
    url = pages[-1][0]
    for _, shown in reversed(pages[:-1]):  # and back, page by page, to the first
        url = page_links(staff.get(url).get_data(as_text=True))["Forrige side"]
        assert "status=alle" in url and "cpr=vis" in url
        assert references(staff.get(url).get_data(as_text=True)) == shown
    assert "efter=" not in url and "tilbage=" not in url


@pytest.mark.parametrize(
    "trail",
    [["x"], ["9" * 5000], ["-1"], ["²"], ["2020-01-01_1"], ["ROW"] * 5000, [""]],
)
def test_a_strange_trail_back_shows_the_page_and_a_way_back_to_the_start(
    app: Flask, trail: list[str]
) -> None:
    """What is no row id of this municipality (garbage, a number past every row, an erased
    row) leads back to the first page; 5,000 of them cost no more than 100."""
    row = str(submitted(app))
    trail = [row if value == "ROW" else value for value in trail]
    staff = staff_client(app, "575", "cw@vejen.dk")
    cursor = "2000-01-01T00:00:00+00:00_1"
    response = staff.get("/sagsbehandler/", query_string={"efter": cursor, "tilbage": trail})
    assert response.status_code == 200
    back = page_links(response.get_data(as_text=True))["Forrige side"]
    if trail[0] == row:  # a real row: its page, with the trail cut to 100 entries
        assert back.count(f"tilbage={row}") == paging.TRAIL_MAX - 1 and f"_{row}" in back
    else:
        assert back == "/sagsbehandler/?status=aabne"
    first = staff.get("/sagsbehandler/", query_string={"tilbage": trail})  # the first page
    assert first.status_code == 200
    assert "Forrige side" not in page_links(first.get_data(as_text=True))


@pytest.mark.parametrize("name", ["samme", "efter", "tilbage"])
def test_an_id_of_5000_digits_is_no_id_rather_than_an_error(app: Flask, name: str) -> None:
    """int() refuses more than 4,300 digits: such an id was a 500, now it is the whole inbox."""
    staff = staff_client(app, "575", "cw@vejen.dk")
    value = "9" * 5000 if name != "efter" else "2020-01-01T00:00:00+00:00_" + "9" * 5000
    response = staff.get("/sagsbehandler/", query_string={name: value})
    assert response.status_code == 200 and "<h1>Indbakke</h1>" in response.get_data(as_text=True)


# No word after logging out, setting up the app or choosing a first password ------------------


def notice_box(html: str) -> str | None:
    """The one-time notice at the top of a staff page (portal.staff.notices), as text."""
    found = re.search(
        r'<div id="bekraeftelse" class="staff-notice" tabindex="-1" role="status"'
        r" data-focus-on-load>(.*?)</div>\s*</div>\s*</div>",
        html,
        re.S,
    )
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)) if found else None


@pytest.mark.parametrize(
    ("button", "said"),
    [
        ("logout", "Du er logget ud Du kan logge ind igen herunder."),
        ("logout-alle-steder", "Du er logget ud på alle computere og telefoner"),
    ],
)
def test_the_login_page_says_once_that_the_logout_worked(
    app: Flask, button: str, said: str
) -> None:
    staff = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(staff, "/sagsbehandler/")
    response = staff.post(f"/sagsbehandler/{button}", data={"csrf_token": token})
    # Nothing about the person in the address: the login page, and the notice's anchor.
    assert response.headers["Location"] == "/sagsbehandler/login#bekraeftelse"
    shown = notice_box(staff.get("/sagsbehandler/login").get_data(as_text=True))
    assert shown is not None and said in " ".join(shown.split()), shown
    assert notice_box(staff.get("/sagsbehandler/login").get_data(as_text=True)) is None  # once
    assert staff.get("/sagsbehandler/").status_code == 303  # and logged out it is


def test_the_logout_keeps_the_language_the_caseworker_chose(app: Flask) -> None:
    """The logout cleared the whole session, so an English-reading caseworker was told in
    Danish; like the login, it keeps the language and nothing else."""
    staff = staff_client(app, "575", "ida@vejen.dk")
    staff.get("/sprog/en?next=/sagsbehandler/")
    token = csrf_from(staff, "/sagsbehandler/")
    staff.post("/sagsbehandler/logout", data={"csrf_token": token})
    shown = notice_box(staff.get("/sagsbehandler/login").get_data(as_text=True))
    assert shown is not None and "You are logged out" in shown, shown


def test_setting_up_the_app_and_a_first_password_are_confirmed_on_the_next_page(
    app: Flask,
) -> None:
    import pyotp

    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    admin_page = "/sagsbehandler/admin/medarbejdere"
    made = admin.post(
        admin_page,
        data={
            "email": "ny@vejen.dk",
            "role": "caseworker",
            "csrf_token": csrf_from(admin, admin_page),
        },
    )
    issued = re.search(r'<strong class="break-all">([^<]+)</strong>', made.get_data(as_text=True))
    assert issued is not None
    app.config["STAFF_TOTP_REQUIRED"] = True
    try:
        client = app.test_client()
        login(client, "ny@vejen.dk", unescape(issued.group(1)))
        enrol = "/sagsbehandler/login/opsaet"
        html = client.get(enrol).get_data(as_text=True)
        assert notice_box(html) is None
        secret = re.search(r'<code class="break-all">([A-Z2-7]+)</code>', html)
        assert secret is not None
        code = pyotp.TOTP(secret.group(1)).now()
        set_up = client.post(enrol, data={"code": code, "csrf_token": csrf_from(client, enrol)})
    finally:
        app.config["STAFF_TOTP_REQUIRED"] = False
    # The app is set up; the password an admin made is changed next, on the login's address.
    assert set_up.headers["Location"].endswith("#bekraeftelse")
    page = client.get("/sagsbehandler/login").get_data(as_text=True)
    assert "Godkendelses-appen er sat op" in (notice_box(page) or ""), page
    new = "min egen lange adgangskode"
    chosen = client.post(
        "/sagsbehandler/login",
        data={"current": unescape(issued.group(1)), "new": new, "repeat": new,
              "csrf_token": csrf_from(client, "/sagsbehandler/login")},
    )  # fmt: skip
    assert chosen.headers["Location"] == "/sagsbehandler/#bekraeftelse"
    queue = client.get("/sagsbehandler/").get_data(as_text=True)
    assert "Din nye adgangskode er gemt" in (notice_box(queue) or "")
    assert notice_box(client.get("/sagsbehandler/").get_data(as_text=True)) is None
