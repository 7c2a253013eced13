"""Meta-tests that keep the house honest, generated from the app's own URL map."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from portal.db.models import StaffRole
from portal.web.db import database
from tests.web.helpers import parse, set_language
from tests.web.journey import answer_until
from tests.web.staff import staff_client
from tests.web.url_map import ONLY_WITH_LOGIN, rules

AUDIENCES = {"public", "citizen", "staff", "admin", "api"}


@pytest.fixture
def staff(app: Flask) -> FlaskClient:
    # An admin sees every staff page a caseworker sees, and the admin pages too.
    return staff_client(app, "575", "meta@vejen.dk", StaffRole.ADMIN)


def client_for(endpoint: str, citizen: FlaskClient, staff: FlaskClient) -> FlaskClient:
    return staff if endpoint.startswith("staff.") else citizen


@pytest.fixture
def full_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    answer_until(client, other=True)
    return client


def test_every_view_declares_who_may_use_it(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "portal_access", None) not in AUDIENCES
    ]
    assert undeclared == []


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_get_page_is_valid_html_with_a_title_and_unique_ids(
    app: Flask,
    full_client: FlaskClient,
    staff: FlaskClient,
    samples: dict[str, list[str]],
    lang: str,
) -> None:
    set_language(full_client, lang)
    set_language(staff, lang)
    checked = 0
    for endpoint, path in rules(app, "GET", samples, lang):
        with client_for(endpoint, full_client, staff).get(path) as response:
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            html = response.get_data(as_text=True)
        tree = parse(html)
        title = tree.find(".//title")
        assert title is not None and (title.text or "").strip(), endpoint
        ids = Counter(el.get("id") for el in tree.iter() if el.get("id"))
        assert [i for i, n in ids.items() if n > 1] == [], endpoint
        assert tree.get("lang") == lang, endpoint
        checked += 1
    assert checked >= 30


def test_no_get_request_writes_to_the_database(
    app: Flask, full_client: FlaskClient, staff: FlaskClient, samples: dict[str, list[str]]
) -> None:
    """A GET changes nothing; the one write it may cause is the audit row of a staff read,
    which the law asks for."""
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE"} and "INSERT INTO audit_event" not in statement:
            writes.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for endpoint, path in rules(app, "GET", samples):
            client_for(endpoint, full_client, staff).get(path).close()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def test_no_get_view_opens_a_write_transaction(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "portal_transactional", None) == "always":
            assert "GET" not in (rule.methods or ()), rule.endpoint


def test_every_post_route_refuses_a_request_without_a_csrf_token(
    app: Flask, full_client: FlaskClient, samples: dict[str, list[str]]
) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert "csrf" in app.extensions
    checked = 0
    for endpoint, path in rules(app, "POST", samples):
        if path.rsplit("/", 1)[-1] in ONLY_WITH_LOGIN:
            continue  # not reachable without a login: tests/web/test_login_journey.py
        response = full_client.post(path, data={})
        # The pull API takes no cookies and so needs no CSRF token: it refuses without its own.
        expected = 401 if endpoint.startswith("api.") else 400
        assert response.status_code == expected, (endpoint, path, response.status_code)
        checked += 1
    assert checked >= 25
