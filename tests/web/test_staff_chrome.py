"""The staff side's own header: the municipality, the caseworker, log out and a menu that
marks the current page; no citizen tagline. The language link works from a staff page.
The dashboard folds its tables under the charts."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.db.models import StaffRole
from tests.web.helpers import parse
from tests.web.staff import staff_client

TAGLINE = "Se, hvad du kan få, og søg om det"


@pytest.mark.parametrize(
    ("path", "current"),
    [("/sagsbehandler/", "Indbakke"), ("/sagsbehandler/overblik", "Overblik"),
     ("/sagsbehandler/ny-ansoegning", "Ny ansøgning"),
     ("/sagsbehandler/admin/medarbejdere", "Medarbejdere")],
)  # fmt: skip
def test_staff_pages_have_their_own_header_and_mark_the_current_page(
    app: Flask, path: str, current: str
) -> None:
    client = staff_client(app, "575", "ida@vejen.dk", StaffRole.ADMIN)
    html = client.get(path).get_data(as_text=True)
    assert TAGLINE not in html
    header = parse(html).find(".//header")
    text = " ".join(" ".join(header.itertext()).split())
    assert "Vejen Kommune" in text and "ida@vejen.dk" in text and "Log ud" in text
    marked = [a for a in header.iterfind(".//nav//a") if a.get("aria-current") == "page"]
    assert [a.text for a in marked] == [current]


def test_a_caseworker_sees_no_admin_entries(app: Flask) -> None:
    html = staff_client(app, "265", "ole@roskilde.dk").get("/sagsbehandler/").get_data(as_text=True)
    assert "Roskilde Kommune" in html and "Medarbejdere" not in html


def test_the_login_page_has_the_staff_header_without_the_tagline(app: Flask) -> None:
    html = app.test_client().get("/sagsbehandler/login").get_data(as_text=True)
    assert TAGLINE not in html and "For kommunens sagsbehandlere" in html


def test_the_citizen_pages_keep_their_header(app: Flask) -> None:
    html = app.test_client().get("/").get_data(as_text=True)
    assert TAGLINE in html and 'class="language-switcher' in html and "staff-menu" not in html


def test_the_language_link_on_a_staff_page_returns_to_it_in_english(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    html = client.get("/sagsbehandler/overblik").get_data(as_text=True)
    [link] = [a for a in parse(html).find(".//header").iterfind(".//a") if a.get("lang") == "en"]
    response = client.get(link.get("href"))
    assert response.status_code == 303 and response.headers["Location"] == "/sagsbehandler/overblik"
    english = client.get("/sagsbehandler/overblik").get_data(as_text=True)
    assert 'lang="en"' in english and "Vejen Municipality" in english


def test_the_dashboard_folds_each_table_under_its_chart(app: Flask) -> None:
    html = (
        staff_client(app, "575", "ida@vejen.dk")
        .get("/sagsbehandler/overblik")
        .get_data(as_text=True)
    )
    tree = parse(html)
    folded = [d for d in tree.iterfind(".//details") if d.find(".//table") is not None]
    assert len(folded) == 2 and all(d.get("open") is None for d in folded)
    assert (
        len(tree.findall(".//svg")) + len(tree.findall(".//{http://www.w3.org/2000/svg}svg")) >= 2
    )
