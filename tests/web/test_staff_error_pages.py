"""Error pages on the staff side keep the staff layout: the header with the municipality and
the menu (when logged in), and a way back to the inbox rather than the citizens' front page.
The probe of 2026-12-06 found a 404 in a case URL dropping the caseworker into the citizen
layout, and an expired page after "Log ud alle steder" never saying they were logged out."""

from __future__ import annotations

from flask import Flask

from tests.web.helpers import parse, set_language
from tests.web.staff import staff_client


def by_class(page, tag: str, name: str):  # type: ignore[no-untyped-def]
    return [e for e in page.iter(tag) if name in (e.get("class") or "").split()]


def main_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    main = next(e for e in page.iter() if e.get("id") == "main-content")
    # Not what is hidden until a script shows it (the staff timeout's logged-out notice).
    hidden = {id(a) for e in main.iter() if e.get("hidden") is not None for a in e.iter("a")}
    return [a.get("href") for a in main.iter("a") if id(a) not in hidden]


def text(page) -> str:  # type: ignore[no-untyped-def]
    return " ".join("".join(page.itertext()).split())


def test_a_missing_case_keeps_the_staff_menu_and_leads_to_the_inbox(app: Flask) -> None:
    client = staff_client(app, "575", "sb@vejen.dk")
    response = client.get("/sagsbehandler/sag/987654")
    assert response.status_code == 404
    page = parse(response.get_data(as_text=True))
    assert by_class(page, "nav", "staff-menu")
    assert "sb@vejen.dk" in text(by_class(page, "div", "staff-account")[0])
    assert main_links(page) == ["/sagsbehandler/"]
    assert "Gå til indbakken" in text(page)


def test_an_unknown_staff_address_has_the_staff_header_without_login(app: Flask) -> None:
    client = app.test_client()
    set_language(client, "en")
    response = client.get("/sagsbehandler/findes-ikke")
    assert response.status_code == 404
    page = parse(response.get_data(as_text=True))
    assert by_class(page, "header", "staff-header")
    assert not by_class(page, "nav", "staff-menu")  # nobody is logged in
    assert "Go to the inbox" in text(page)


def test_a_citizen_error_page_keeps_the_citizen_layout(app: Flask) -> None:
    page = parse(app.test_client().get("/ansoeg/findes-ikke").get_data(as_text=True))
    assert not by_class(page, "header", "staff-header")
    assert main_links(page) == ["/"]


def test_an_expired_staff_form_says_the_caseworker_may_be_logged_out(app: Flask) -> None:
    client = app.test_client()
    client.get("/sagsbehandler/login")  # a session, and no token sent with the POST
    response = client.post("/sagsbehandler/logout", data={})
    assert response.status_code == 400
    shown = text(parse(response.get_data(as_text=True)))
    assert "logget ud" in shown and "ikke gemt" in shown
    citizen = app.test_client().post("/ansoeg/hvem", data={})
    assert citizen.status_code == 400
    assert "logget ud" not in text(parse(citizen.get_data(as_text=True)))
