"""Health for a load balancer: /livez (the process answers), /readyz (and its older name
/healthz: the database answers), and a plain 400, never a 500, for a Host we do not serve."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from portal.web.db import database
from tests.conftest import make_app

OURS = "portal.example.dk"
FOREIGN_HOSTS = ["10.0.0.7", "evil.example", f"{'a' * 64}.example.dk"]


@pytest.fixture
def trusting_app(app: Flask) -> Iterator[Flask]:
    """The session's app (SQLite, then PostgreSQL) with TRUSTED_HOSTS set for this test."""
    app.config["TRUSTED_HOSTS"] = [OURS]
    yield app
    app.config["TRUSTED_HOSTS"] = None


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_app(request: pytest.FixtureRequest, tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    """An app whose database cannot be reached: a folder that does not exist, a closed port."""
    if request.param == "sqlite":
        return make_app(f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3")
    return make_app("postgresql+psycopg://portal:portal@127.0.0.1:9/portal?connect_timeout=2")


def statements_during(app: Flask, client: FlaskClient, path: str) -> tuple[int, list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        status = client.get(path).status_code
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return status, seen


def test_livez_answers_without_asking_the_database(app: Flask, client: FlaskClient) -> None:
    status, statements = statements_during(app, client, "/livez")
    assert status == 200
    assert statements == []
    assert client.get("/livez").get_json() == {"status": "ok"}


def test_livez_answers_when_the_database_is_gone(unreachable_app: Flask) -> None:
    client = unreachable_app.test_client()
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 503


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_readyz_and_its_old_name_ask_the_database(
    app: Flask, client: FlaskClient, path: str
) -> None:
    status, statements = statements_during(app, client, path)
    assert status == 200
    assert any("SELECT 1" in s for s in statements)
    assert client.get(path).get_json() == {"status": "ok", "database": "ok"}


def test_readyz_says_503_and_logs_only_the_type_when_the_database_is_gone(
    unreachable_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = unreachable_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    logged = [r.getMessage() for r in caplog.records if "Readiness" in r.getMessage()]
    assert logged == ["Readiness: the database did not answer (OperationalError)"]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
@pytest.mark.parametrize("path", ["/livez", "/readyz", "/healthz"])
def test_health_answers_for_any_host(trusting_app: Flask, host: str, path: str) -> None:
    """Load balancers probe by address; the probes build no links, so the Host is moot."""
    response = trusting_app.test_client().get(path, headers={"Host": host})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/ansoeg/hvem"), ("GET", "/findes-ikke"), ("POST", "/ansoeg/hvem"),
     ("GET", "/sagsbehandler/"), ("POST", "/livez")],
)  # fmt: skip
def test_a_foreign_host_gets_a_plain_400(
    trusting_app: Flask, host: str, method: str, path: str
) -> None:
    response = trusting_app.test_client().open(path, method=method, headers={"Host": host})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert "Noget gik galt" in body
    assert response.headers["X-Request-ID"] in body
    assert "<html" not in body


def test_a_trusted_host_still_gets_pages(trusting_app: Flask) -> None:
    client = trusting_app.test_client()
    response = client.get("/", headers={"Host": OURS})
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_a_64_character_label_gets_a_plain_400_without_trusted_hosts(client: FlaskClient) -> None:
    response = client.get("/", headers={"Host": f"{'a' * 64}.example.dk"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert client.get("/livez", headers={"Host": f"{'a' * 64}.example.dk"}).status_code == 200


def test_a_crash_under_a_foreign_host_is_a_plain_500(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The 500 handler must not fail as the 400 handler did: its page builds links too."""
    app = make_app(
        f"sqlite:///{tmp_path}/crash.sqlite3", PROPAGATE_EXCEPTIONS=False, TRUSTED_HOSTS=[OURS]
    )

    def broken() -> str:
        raise RuntimeError("boom")

    app.view_functions["pages.readyz"] = broken
    response = app.test_client().get("/readyz", headers={"Host": "evil.example"})
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert "Der er sket en fejl hos os" in response.get_data(as_text=True)


def test_an_error_page_that_cannot_be_drawn_falls_back_to_plain_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path}/broken.sqlite3", PROPAGATE_EXCEPTIONS=False)
    app.jinja_env.globals["button_link"] = None  # the error page's button now fails to draw
    response = app.test_client().get("/findes-ikke")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "Siden findes ikke" in response.get_data(as_text=True)
