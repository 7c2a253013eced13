"""Every route of the app with real values for its arguments, for the meta-tests that check
the whole URL map (tests/web/test_meta.py, tests/web/test_access_rules.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from portal.citizen.steps import SLUGS
from portal.web.db import database
from tests.web.journey import answer_until, status_links, submit
from tests.web.staff import make_staff

# The journey's steps asked only of a citizen logged in with Digital Fuldmagt (issue 13): without
# a login they redirect to the first unanswered question; tests/web/test_login_journey.py and
# tests/fuzz/test_login_journey_fuzz.py take them logged in.
ONLY_WITH_LOGIN = frozenset({"digital-fuldmagt", "navn"})


@pytest.fixture
def samples(app: Flask) -> dict[str, list[str]]:
    """Real values for every URL argument: a submitted application's status token, and a
    second client's draft with every question answered, so every page can render."""
    first = app.test_client()
    answer_until(first, other=True)
    submit(first)
    token = status_links(first.get("/kvittering").get_data(as_text=True))[0].rsplit("/", 1)[1]
    with database(app).transaction() as session:
        ids = [str(i) for i in session.scalars(text("SELECT id FROM application"))]
        events = [str(i) for i in session.scalars(text("SELECT id FROM outbox_message"))]
    other = make_staff(app, "575", "colleague@vejen.dk")
    return {
        "slug": list(SLUGS.values()), "token": [token], "application_id": ids,
        "staff_id": [str(other)], "action": ["laas-op"], "event_id": events[:1],
    }  # fmt: skip


def rules(
    app: Flask, method: str, samples: dict[str, list[str]], lang: str = "da"
) -> Iterator[tuple[str, str]]:
    """(endpoint, path) for every route that answers the method, each argument filled in
    with every sample value."""
    values = {**samples, "code": [lang]}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in (rule.methods or ()):
            continue
        names = sorted(rule.arguments)
        combos: list[dict[str, str]] = [{}]
        for name in names:
            combos = [{**c, name: v} for c in combos for v in values[name]]
        for args in combos:
            yield rule.endpoint, rule.build(args)[1]  # type: ignore[union-attr]


def audience(app: Flask, endpoint: str) -> str | None:
    """Who the route's view declares may use it (portal.web.access)."""
    return getattr(app.view_functions[endpoint], "portal_access", None)
