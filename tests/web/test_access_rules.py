"""access() enforces what it declares, proven for every route in the URL map: a staff route
sends an anonymous visitor to the staff login, an admin route answers 403 to a caseworker, and
an API route answers 401 without a token. Each request carries a valid CSRF token, so the
refusal is about who asks, not about the form."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.web.access import MissingGuard, access
from tests.web.staff import staff_client
from tests.web.url_map import audience, rules

LOGIN = "/sagsbehandler/login"
METHODS = ("GET", "POST")
# The staff pages anyone may open: the login's steps, and logging out (also once the session
# has idled out, so its row is revoked).
STAFF_PUBLIC = {"staff.login", "staff.login_code", "staff.totp_enrol", "staff.logout"}


def csrf_token(client: FlaskClient) -> str:
    """A token for this client's own session, from the login form anyone may open."""
    html = client.get(LOGIN).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def send(client: FlaskClient, method: str, path: str, token: str):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": token})


def guarded(
    app: Flask, samples: dict[str, list[str]], audiences: set[str]
) -> list[tuple[str, str, str]]:
    return [
        (method, endpoint, path)
        for method in METHODS
        for endpoint, path in rules(app, method, samples)
        if audience(app, endpoint) in audiences
    ]


def test_every_staff_route_is_declared_for_staff_and_every_admin_address_for_admins(
    app: Flask,
) -> None:
    """What the tests below check is the declaration; this keeps the declaration right."""
    wrong = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        if rule.endpoint in STAFF_PUBLIC:
            expected = "public"
        elif rule.rule.startswith("/sagsbehandler/admin/"):
            expected = "admin"
        else:
            expected = "staff"
        if audience(app, rule.endpoint) != expected:
            wrong.append((rule.endpoint, audience(app, rule.endpoint), expected))
    assert wrong == []


def test_every_staff_and_admin_route_sends_an_anonymous_visitor_to_the_login(
    app: Flask, samples: dict[str, list[str]]
) -> None:
    visitor = app.test_client()
    token = csrf_token(visitor)
    routes = guarded(app, samples, {"staff", "admin"})
    for method, endpoint, path in routes:
        response = send(visitor, method, path, token)
        where = urlsplit(response.headers.get("Location", ""))
        assert (response.status_code, where.path) == (303, LOGIN), (method, endpoint)
        assert parse_qs(where.query)["next"] == [path], (method, endpoint)
    assert len(routes) >= 25  # the map was read, not skipped


def test_every_admin_route_answers_403_to_a_caseworker(
    app: Flask, samples: dict[str, list[str]]
) -> None:
    caseworker = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_token(caseworker)
    routes = guarded(app, samples, {"admin"})
    for method, endpoint, path in routes:
        assert send(caseworker, method, path, token).status_code == 403, (method, endpoint)
    assert len(routes) >= 7


def test_a_caseworker_is_let_through_every_staff_page(
    app: Flask, samples: dict[str, list[str]]
) -> None:
    """The other side: the check turns away no caseworker from a staff page (GET only: a
    POST would act; a decision letter of an undecided case is 404, which is not a refusal)."""
    caseworker = staff_client(app, "575", "ida@vejen.dk")
    checked = 0
    for endpoint, path in rules(app, "GET", samples):
        if audience(app, endpoint) == "staff":
            response = caseworker.get(path)
            assert response.status_code in (200, 404), endpoint
            checked += 1
    assert checked >= 6


def test_every_api_route_answers_401_without_a_token(
    app: Flask, samples: dict[str, list[str]]
) -> None:
    samples = {**samples, "event_id": ["1"], "application_id": ["1"]}
    routes = guarded(app, samples, {"api"})
    for method, endpoint, path in routes:
        response = app.test_client().open(path, method=method)
        assert response.status_code == 401, (method, endpoint)
    assert len(routes) >= 4


def test_an_audience_whose_check_no_blueprint_handed_in_lets_no_one_through(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.web import access as module

    monkeypatch.setattr(module, "_checks", {})
    ran: list[str] = []

    @access("staff")
    def view() -> str:
        ran.append("view")
        return "secret"

    with pytest.raises(MissingGuard):
        view()
    assert ran == []
