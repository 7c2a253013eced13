"""A caseworker who picks English on the login page keeps it after logging in (the login
starts a fresh session, which dropped the choice), and every staff page links to changing
one's own password."""

from __future__ import annotations

from flask import Flask

from tests.web.helpers import set_language
from tests.web.staff import login, make_staff


def test_the_language_chosen_before_login_is_kept(app: Flask) -> None:
    make_staff(app, "575", "sb@vejen.dk")
    client = app.test_client()
    set_language(client, "en")
    response = login(client, "sb@vejen.dk")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'lang="en"' in page and "Inbox" in page


def test_every_staff_page_links_to_changing_the_password(app: Flask) -> None:
    make_staff(app, "575", "sb@vejen.dk")
    client = app.test_client()
    login(client, "sb@vejen.dk")
    page = client.get("/sagsbehandler/").get_data(as_text=True)
    assert 'href="/sagsbehandler/adgangskode"' in page and "Skift adgangskode" in page
