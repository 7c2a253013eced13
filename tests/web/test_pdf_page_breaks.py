"""A PDF never splits a table row over two pages, nor leaves a heading alone at the bottom of
a page: the receipt, the application for the case file, the decision letter and the staff
journal, with answers long enough to run over several pages. Free-text answers of two lengths move the rows
across the page ends, so some row would straddle one without the stylesheet's rules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from portal import receipts
from portal.config import ROOT
from portal.db.models import Application
from portal.web import db
from portal.web.handoff_render import application_pdf
from tests.web.journey import answer_until, submit
from tests.web.pdf_layout import Layout
from tests.web.staff import staff_client
from tests.web.test_decision_letter import Case

# Free text of these lengths (the longest near the question's 2,000 characters) moves the rows
# after it to other places on the pages.
LENGTHS = [300, 1990]


def long_text(length: int) -> str:
    words = "Jeg kan godt lide at male og tegne sammen med andre om formiddagen. "
    return (words * (length // len(words) + 1))[:length].strip()


@pytest.fixture(name="rendered")
def rendered_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The HTML of every PDF rendered while the test runs."""
    made: list[str] = []
    real = receipts.render_pdf

    def keep(html: str) -> bytes:
        made.append(html)
        return real(html)

    monkeypatch.setattr(receipts, "render_pdf", keep)
    yield made


def broken(html: str) -> dict[str, list[str]]:
    """The rows split over two pages and the headings left at a page's foot."""
    layout = Layout(html)
    assert len(layout.pages) > 1 and layout.rows() > 10  # the answers did run over a page
    return {"rows": layout.split_rows(), "headings": layout.stranded_headings()}


NOTHING_BROKEN = {"rows": [], "headings": []}


@pytest.mark.parametrize("length", LENGTHS)
def test_the_receipt_and_the_case_file_pdf_keep_rows_and_headings_whole(
    app: Flask, rendered: list[str], length: int
) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/andet": {"text": long_text(length)}})
    submit(citizen)
    assert citizen.get("/kvittering.pdf").status_code == 200
    with app.app_context():
        application = db.session().scalars(select(Application)).one()
        application_pdf(application)
    receipt, case_file = rendered
    assert "<h1>Kvittering</h1>" in receipt
    assert {"receipt": broken(receipt), "case file": broken(case_file)} == {
        "receipt": NOTHING_BROKEN, "case file": NOTHING_BROKEN,
    }  # fmt: skip


def test_the_decision_letter_keeps_rows_and_headings_whole(app: Flask, rendered: list[str]) -> None:
    case = Case(app).decide("partly_granted", reasons=long_text(1990))
    assert case.staff.get(f"{case.path}/afgoerelse.pdf").status_code == 200
    layout = Layout(rendered[-1])
    assert len(layout.pages) > 1
    assert layout.split_rows() == [] and layout.stranded_headings() == []


# The journal's own words stand before its tables: each of these lengths left a row across a
# page end before the shared stylesheet kept rows whole (tried in steps of 100 characters).
JOURNAL_LENGTHS = [600, 800, 1400]


@pytest.mark.parametrize("length", JOURNAL_LENGTHS)
def test_the_staff_journal_pdf_keeps_rows_and_headings_whole(
    app: Flask, rendered: list[str], length: int
) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/andet": {"text": long_text(length)}})
    submit(citizen)
    with app.app_context():
        application_id = db.session().scalars(select(Application.id)).one()
    staff = staff_client(app, "575", "sagsbehandler@575.dk")
    assert staff.get(f"/sagsbehandler/sag/{application_id}/sag.pdf").status_code == 200
    journal = rendered[-1]
    assert "Interne noter" in journal
    assert broken(journal) == NOTHING_BROKEN


PDF_TEMPLATES = [
    "citizen/receipt_pdf.html",
    "handoff/application_pdf.html",
    "staff/decision_letter.html",
    "staff/case_pdf.html",
]


@pytest.mark.parametrize("template", PDF_TEMPLATES)
def test_every_pdf_loads_the_shared_stylesheet_that_keeps_rows_whole(template: str) -> None:
    # One rule in one place: a PDF that forgot its own copy split rows (the journal did).
    html = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="css/receipt-pdf.css">' in html
    assert "break-inside" not in html
    css = (ROOT / "static" / "css" / "receipt-pdf.css").read_text(encoding="utf-8")
    assert "tr { break-inside: avoid; }" in css


# ---------------------------------------------------------------- the check itself


def unruled(body: str) -> str:
    """A page with none of the page-break rules (WeasyPrint's own keeps a heading with what
    follows: undone here)."""
    style = "h2 { break-after: auto; }"
    return f"<html><head><style>{style}</style></head><body>{body}</body></html>"


def test_the_check_sees_a_split_row_and_a_stranded_heading() -> None:
    # Rows growing by a line each: one of them straddles the first page's end.
    rows = "".join(f"<tr><th>{n}</th><td>{'ord ' * 15 * n}</td></tr>" for n in range(1, 25))
    assert Layout(unruled(f"<table>{rows}</table>")).split_rows()
    # Paragraphs before a heading, one more each time: one count leaves it at a page's foot.
    stranded = [
        Layout(unruled("<p>Tekst.</p>" * count + "<h2>Frist</h2><p>Efter.</p>")).stranded_headings()
        for count in range(30, 60)
    ]
    assert ["Frist"] in stranded
