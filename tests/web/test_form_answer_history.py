"""A page that answers a form names the address that shows it by a plain visit
(`data-form-answer`), so that static/js/init.js can make its history entry that visit and
Back never asks "Confirm Form Resubmission" (tests/browser/test_journey_probe.py walks it in
Chromium). Never on a page shown by a visit, and never an address that takes only forms."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.db.models import Application
from portal.web.db import database
from tests.web.journey import answer_until, post_step, submit
from tests.web.staff import csrf_from, login, make_staff, staff_client

MARK_RE = re.compile(r'<body data-form-answer="([^"]*)">')


def mark(html: str) -> str | None:
    found = MARK_RE.search(html)
    if found is None:
        assert "<body>" in html, "the body tag changed: teach this test"
    return found.group(1) if found else None


def test_a_question_with_errors_names_itself_and_a_visit_does_not(client: FlaskClient) -> None:
    assert mark(client.get("/ansoeg/hvem").get_data(as_text=True)) is None
    refused = post_step(client, "/ansoeg/hvem", {})
    assert refused.status_code == 200
    assert mark(refused.get_data(as_text=True)) == "/ansoeg/hvem"
    # From the check page, the page keeps its "?fra=tjek" (escaped in the attribute).
    refused = post_step(client, "/ansoeg/hvem?fra=tjek", {})
    assert mark(refused.get_data(as_text=True)) == "/ansoeg/hvem?fra=tjek"


def test_the_staff_login_and_search_name_themselves(app: Flask) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    client = app.test_client()
    assert mark(login(client, "ida@vejen.dk", "wrong password").get_data(as_text=True)) == (
        "/sagsbehandler/login"
    )
    client = staff_client(app, "575", "bo@vejen.dk")
    token = csrf_from(client, "/sagsbehandler/")
    refused = client.post("/sagsbehandler/soeg", data={"query": "sag", "csrf_token": token})
    assert mark(refused.get_data(as_text=True)) == "/sagsbehandler/soeg"


def test_a_case_action_with_errors_names_the_case_page(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen)
    assert submit(citizen).status_code == 303
    with database(app).transaction() as session:
        application_id = session.scalar(select(func.max(Application.id)))
    client = staff_client(app, "575", "ida@vejen.dk")
    page = f"/sagsbehandler/sag/{application_id}"
    assert mark(client.get(page).get_data(as_text=True)) is None
    refused = client.post(page + "/note", data={"text": "", "csrf_token": csrf_from(client, page)})
    assert refused.status_code == 200
    assert mark(refused.get_data(as_text=True)) == page
