"""Structured logs: one JSON line a request, with the route rule and never the path a visitor
sent; a request id from X-Request-ID when it is safe; exceptions by type and place only; and
whole journeys (for yourself, for someone else, a caseworker's reads, errors) that log nothing
personal."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application, StaffRole
from portal.web.access import access
from portal.web.db import database
from portal.web.logs import LOGGER_NAME, JsonFormatter
from tests.conftest import make_app
from tests.log_scan import ScanningHandler
from tests.web.journey import answer_until, post_step, status_links, submit, token
from tests.web.staff import csrf_from, staff_client


class Lines(logging.Handler):
    """The portal's log lines as production writes them, parsed back."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[str] = []
        self.json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        self.raw.append(self.json.format(record))

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.raw]

    def requests(self) -> list[dict[str, Any]]:
        return [line for line in self.parsed() if line["message"] == "request"]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_each_request_writes_one_json_line_with_the_route_rule(
    client: FlaskClient, lines: Lines
) -> None:
    answer_until(client)
    submit(client)
    [link] = status_links(client.get("/kvittering").get_data(as_text=True))
    lines.raw.clear()
    response = client.get(link)
    assert response.status_code == 200
    [line] = lines.requests()
    assert line["route"] == "/status/<token>"
    assert line["endpoint"] == "citizen.status"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["level"] == "INFO" and line["logger"] == "portal"
    assert link.rsplit("/", 1)[1] not in "\n".join(lines.raw)


def test_a_url_that_matches_nothing_is_logged_without_its_path(
    client: FlaskClient, lines: Lines
) -> None:
    client.get("/status-of-0101901234?cpr=0101901234")
    [line] = lines.requests()
    assert line["route"] == "-" and line["status"] == 404
    assert "0101901234" not in lines.raw[0]


def test_the_query_string_and_cookies_stay_out_of_the_log(
    client: FlaskClient, lines: Lines
) -> None:
    client.set_cookie("tracking", "Karen Hansen 010190-1234")
    client.get("/?kommune=265")
    [line] = lines.requests()
    assert line["route"] == "/"
    assert "kommune" not in lines.raw[0] and "Karen" not in lines.raw[0]


@pytest.mark.parametrize(
    "incoming", ["nginx-5f1c2a7d9e3b4c6a8f0e1d2c3b4a5968", "123e4567-e89b-12d3-a456-426614174000"]
)
def test_a_safe_incoming_request_id_is_kept(
    client: FlaskClient, lines: Lines, incoming: str
) -> None:
    response = client.get("/livez", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    assert lines.requests()[0]["request_id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["short", "x" * 65, "has space in it", "<script>alert(1)</script>", "0101901234",
     "req-010190-1234", "-leading-dash-id", "quote\"in-it-123"],
)  # fmt: skip
def test_an_unsafe_incoming_request_id_is_replaced(
    client: FlaskClient, lines: Lines, incoming: str
) -> None:
    response = client.get("/livez", headers={"X-Request-ID": incoming})
    made = response.headers["X-Request-ID"]
    assert made != incoming and len(made) == 16
    assert lines.requests()[0]["request_id"] == made


def test_a_crash_is_logged_by_type_and_place_and_never_its_message(
    tmp_path,  # type: ignore[no-untyped-def]
    lines: Lines,
) -> None:
    app = make_app(f"sqlite:///{tmp_path}/crash.sqlite3", PROPAGATE_EXCEPTIONS=False)

    @app.get("/_test/crash")
    @access("public")
    def crash() -> str:
        raise ValueError("Karen Hansen, 010190-1234, answered: Jeg kan godt lide at male.")

    response = app.test_client().get("/_test/crash")
    assert response.status_code == 500
    [error] = [line for line in lines.parsed() if line["level"] == "ERROR"]
    assert error["exc_type"] == "ValueError"
    assert "test_logs.py" in error["exc_where"] and "in crash" in error["exc_where"]
    assert error["route"] == "/_test/crash"
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert lines.requests()[0]["status"] == 500
    everything = "\n".join(lines.raw)
    assert "Karen" not in everything and "010190" not in everything and "male" not in everything


def test_logger_exception_anywhere_writes_the_type_and_not_the_message(lines: Lines) -> None:
    try:
        raise KeyError("010190-1234")
    except KeyError:
        logging.getLogger("portal.somewhere").exception("Lookup failed")
    [line] = lines.parsed()
    assert line["exc_type"] == "KeyError" and "test_logs.py" in line["exc_where"]
    assert "010190" not in lines.raw[0]
    assert line["message"] == "Lookup failed"


def test_the_log_goes_to_stderr_as_json(
    capsys: pytest.CaptureFixture[str], client: FlaskClient
) -> None:
    client.get("/livez")
    err = capsys.readouterr().err.strip().splitlines()
    assert json.loads(err[-1])["route"] == "/livez"


# Whole journeys -------------------------------------------------------------------------


def resume_link(client: FlaskClient) -> str:
    answer_until(client, stop="/ansoeg/dage")
    post_step(client, "/ansoeg/dage", {"days": "4", "action": "save"})
    html = client.get("/ansoeg/gem").get_data(as_text=True)
    return re.search(r'href="http://localhost(/fortsaet/[^"]+)"', html).group(1)  # type: ignore[union-attr]


def application_ids(app: Flask) -> list[int]:
    with database(app).transaction() as session:
        return list(session.scalars(select(Application.id).order_by(Application.id)))


def staff_reads(app: Flask) -> None:
    """A caseworker logs in (and fails once), opens the queue, searches by CPR, opens the
    case, reveals the CPR number; an admin opens the staff list."""
    client = staff_client(app, "575", "ida@vejen.dk")
    client.post("/sagsbehandler/login", data={"email": "ida@vejen.dk", "password": "forkert"})
    client.get("/sagsbehandler/")
    csrf = csrf_from(client, "/sagsbehandler/")
    client.post("/sagsbehandler/soeg", data={"query": "010190-1234", "csrf_token": csrf})
    client.get("/sagsbehandler/?status=received&q=010190-1234")
    for application_id in application_ids(app):
        client.get(f"/sagsbehandler/sag/{application_id}")
        client.post(f"/sagsbehandler/sag/{application_id}/vis-cpr", data={"csrf_token": csrf})
    admin = staff_client(app, "575", "admin@vejen.dk", StaffRole.ADMIN)
    admin.get("/sagsbehandler/admin/medarbejdere")


def test_whole_journeys_log_nothing_personal(app: Flask, lines: Lines) -> None:
    citizen = app.test_client()
    answer_until(citizen)
    submit(citizen)
    tokens = [link.rsplit("/", 1)[1] for link in status_links(citizen.get("/kvittering").text)]
    relative = app.test_client()
    answer_until(relative, other=True)
    submit(relative)
    links = status_links(relative.get("/kvittering").text)
    tokens += [link.rsplit("/", 1)[1] for link in links]
    for link in links:
        relative.get(link)
    page = relative.get(links[0] + "/traek-tilbage").text
    relative.post(links[0] + "/traek-tilbage", data={"csrf_token": token(page)})
    saver = app.test_client()
    resume = resume_link(saver)
    tokens.append(resume.rsplit("/", 1)[1])
    app.test_client().get(resume)
    app.test_client().get(resume + "-forged")
    staff_reads(app)
    # Errors: a wrong method, a missing page, a refused form.
    citizen.post("/tilgaengelighed")
    citizen.get("/sagsbehandler/sag/999999")
    citizen.post("/ansoeg/hvem", data={"who": "self"})

    requests = lines.requests()
    assert len(requests) > 80
    assert {"/status/<token>", "/fortsaet/<token>", "/sagsbehandler/sag/<int:application_id>"} <= {
        line["route"] for line in requests
    }
    scanner = ScanningHandler()
    problems = [(scanner.check(line), line) for line in lines.raw if scanner.check(line)]
    assert problems == []
    everything = "\n".join(lines.raw)
    assert tokens and not [t for t in tokens if t in everything]


# The suite-wide scan (tests/log_scan.py) ---------------------------------------------------


@pytest.mark.parametrize(
    "leak",
    ['"cpr": "010190-1234"', "0101901234", "Karen Hansen", "hansen", "ole@example.dk",
     '"route": "/status/Zm9vYmFyYmF6"', '"path": "/fortsaet/abc.def"', "/ansoeg/hvem?who=self",
     "Cookie: portal_session=x", "eyJkcmFmdCI6ImFiYyJ9.Z3x1Aw.c2lnbmF0dXJl", "12345678"],
)  # fmt: skip
def test_the_suite_wide_scan_catches_each_kind_of_leak(leak: str) -> None:
    assert ScanningHandler().check(f'{{"message": "x", "detail": "{leak}"}}') != []


def test_the_suite_wide_scan_passes_a_clean_request_line_and_is_listening(
    client: FlaskClient, lines: Lines, portal_log_scan: ScanningHandler
) -> None:
    before = portal_log_scan.lines
    client.get("/status/not-a-real-token")
    assert portal_log_scan.lines == before + 1
    assert ScanningHandler().check(lines.raw[0]) == []
