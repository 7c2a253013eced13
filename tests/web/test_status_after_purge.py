"""A status link whose application the purge has deleted, or one that never led anywhere, gets
a page that says why it may be empty and that the municipality still has the case."""

from __future__ import annotations

import secrets

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal import retention
from portal.db.models import Application, utcnow
from portal.retention import Periods
from portal.web.db import database
from tests.web import retention_data as data
from tests.web.helpers import set_language
from tests.web.journey import answer_until, status_links, submit
from tests.web.test_retention import DAY

GONE = "Vi kan ikke finde ansøgningen"


def _applied(client: FlaskClient) -> str:
    answer_until(client)
    submit(client)
    [link] = status_links(client.get("/kvittering").get_data(as_text=True))
    return link


def test_after_the_purge_the_status_link_explains_instead_of_a_bare_404(
    app: Flask, client: FlaskClient
) -> None:
    link = _applied(client)
    with database(app).transaction() as session:
        application_id = session.scalar(select(func.max(Application.id)))
    assert application_id is not None
    assert GONE not in client.get(link).get_data(as_text=True)

    staff_id = data.caseworker(app)
    data.decided(app, application_id, staff_id)
    long_ago = utcnow() - Periods().applications - DAY
    data.delivered(app, application_id, long_ago)
    run = retention.Run(database(app), Periods(), frozenset({"575"}), utcnow(),
                        f"purge-{secrets.token_hex(8)}")  # fmt: skip
    assert retention.purge(run).applications == 1

    for path in (link, link + "/traek-tilbage"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert GONE in page and "90 dage" in page and "Kommunen har stadig sagen" in page


def test_a_mistyped_link_gets_the_same_page_in_english(client: FlaskClient) -> None:
    set_language(client, "en")
    response = client.get("/status/" + "A" * 22)
    assert response.status_code == 404
    assert "We cannot find the application" in response.get_data(as_text=True)


def test_the_privacy_page_states_the_configured_period(app: Flask, client: FlaskClient) -> None:
    app.config["RETENTION_APPLICATION_DAYS"] = 120
    assert "120 dage mere" in client.get("/privatliv").get_data(as_text=True)
