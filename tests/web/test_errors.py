"""Error pages: in the design system, in the user's language, with a correlation id and
never a stack trace. A private app with a few routes that fail on purpose drives them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.web.access import access
from tests.conftest import make_app
from tests.web.helpers import parse, set_language


@pytest.fixture
def failing_app(tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path}/errors.sqlite3", PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/<int:code>")
    @access("public")
    def fail(code: int) -> str:
        abort(code)

    @app.get("/_test/crash")
    @access("public")
    def crash() -> str:
        raise RuntimeError("CPR 0101011234 must never reach a page or a log")

    class EchoForm(FlaskForm):
        text = StringField()

    @app.route("/_test/echo", methods=["GET", "POST"])
    @access("public")
    def echo() -> str:
        form = EchoForm()
        if form.validate_on_submit():
            return "ok"
        return str(form.csrf_token)

    yield app


@pytest.fixture
def failing_client(failing_app: Flask) -> FlaskClient:
    return failing_app.test_client()


def csrf_token(client: FlaskClient) -> str:
    html = client.get("/_test/echo").get_data(as_text=True)
    return html.split('value="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("code", "danish", "english"),
    [
        (400, "Noget gik galt", "Something went wrong"),
        (403, "Du har ikke adgang", "You do not have access"),
        (404, "Siden findes ikke", "Page not found"),
        (429, "For mange forsøg", "Too many attempts"),
    ],
)
def test_error_pages_speak_the_users_language(
    failing_client: FlaskClient, code: int, danish: str, english: str
) -> None:
    response = failing_client.get(f"/_test/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    parse(html)
    assert f"<h1>{danish}</h1>" in html
    set_language(failing_client, "en")
    html = failing_client.get(f"/_test/{code}").get_data(as_text=True)
    assert f"<h1>{english}</h1>" in html
    assert 'lang="en"' in html


def test_unknown_page_gets_the_404_page(client: FlaskClient) -> None:
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


def test_wrong_method_gets_the_405_page_with_allow_header(client: FlaskClient) -> None:
    response = client.post("/tilgaengelighed")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "Det kan du ikke her" in response.get_data(as_text=True)


def test_a_crash_shows_no_stack_trace_and_logs_no_personal_data(
    failing_client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_client.get("/_test/crash")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Der er sket en fejl hos os" in html
    assert "Traceback" not in html
    assert "0101011234" not in html
    request_id = response.headers["X-Request-ID"]
    assert request_id in html
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    assert request_id in logged
    assert "0101011234" not in logged


def test_a_post_without_csrf_token_is_refused(failing_client: FlaskClient) -> None:
    response = failing_client.post("/_test/echo", data={"text": "hej"})
    assert response.status_code == 400
    assert "Siden er udløbet" in response.get_data(as_text=True)


def test_a_post_with_a_valid_csrf_token_passes(failing_client: FlaskClient) -> None:
    token = csrf_token(failing_client)
    response = failing_client.post("/_test/echo", data={"text": "hej", "csrf_token": token})
    assert response.get_data(as_text=True) == "ok"


def test_an_expired_csrf_token_gets_a_clear_page(failing_app: Flask) -> None:
    client = failing_app.test_client()
    token = csrf_token(client)
    failing_app.config["WTF_CSRF_TIME_LIMIT"] = -1
    response = client.post("/_test/echo", data={"text": "hej", "csrf_token": token})
    assert response.status_code == 400
    assert "Siden var åben for længe" in response.get_data(as_text=True)


def test_a_request_larger_than_the_limit_gets_the_413_page(failing_client: FlaskClient) -> None:
    response = failing_client.post("/_test/echo", data={"text": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Der blev sendt for meget" in response.get_data(as_text=True)


def test_an_id_beyond_any_row_is_not_found_on_every_database(app: Flask) -> None:
    """Flask's int converter takes any size; PostgreSQL's INTEGER does not. A huge id is a
    404, never a database error."""
    from tests.web.staff import staff_client

    staff = staff_client(app, "575", "ida@vejen.dk")
    for path in ("/sagsbehandler/sag/99999999999", f"/sagsbehandler/sag/{2**31}"):
        assert staff.get(path).status_code == 404, path
    assert staff.get(f"/sagsbehandler/sag/{2**31 - 1}").status_code == 404
