"""Meta-tests that keep the house honest, generated from the app's own URL map."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from portal.web.db import database
from tests.web.helpers import parse, set_language

# Values for URL arguments, so routes with arguments are crawled too.
SAMPLE_ARGS = {"code": "da"}
AUDIENCES = {"public", "citizen", "staff", "admin"}


def rules(app: Flask, method: str, lang: str = "da") -> Iterator[tuple[str, str]]:
    samples = {**SAMPLE_ARGS, "code": lang}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in (rule.methods or ()):
            continue
        args = {name: samples[name] for name in rule.arguments}
        yield rule.endpoint, rule.build(args)[1]  # type: ignore[union-attr]


def test_every_view_declares_who_may_use_it(app: Flask) -> None:
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and getattr(view, "portal_access", None) not in AUDIENCES
    ]
    assert undeclared == []


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_get_page_is_valid_html_with_a_title_and_unique_ids(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    checked = 0
    for endpoint, path in rules(app, "GET", lang):
        with client.get(path) as response:
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
    assert checked >= 3


def test_no_get_request_writes_to_the_database(app: Flask, client: FlaskClient) -> None:
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for _endpoint, path in rules(app, "GET"):
            client.get(path).close()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def test_no_get_view_opens_a_write_transaction(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "portal_transactional", False):
            assert "GET" not in (rule.methods or ()), rule.endpoint


def test_csrf_protection_covers_every_post_route(app: Flask, client: FlaskClient) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    assert "csrf" in app.extensions
    for endpoint, path in rules(app, "POST"):
        response = client.post(path, data={})
        assert response.status_code == 400, endpoint
