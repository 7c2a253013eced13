"""Regression tests for the defects an outside probe found (issue 12, D1 to D12), each on
SQLite and PostgreSQL (the `app` fixture runs both). D8 and D11 (database sessions and
outages) are in tests/fault/. D12 (tokens in logged URLs) is tests/web/test_logs.py (no token
in any line the portal writes) with tests/packaging/test_serve.py (gunicorn's access log off)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text, update

from portal import applications, casework
from portal.db.models import Application, ReferenceCounter, StaffRole
from portal.staff import cases as staff_cases
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import ANSWERS, answer_until, errors, post_step, submit, token
from tests.web.staff import csrf_from, login, make_staff, staff_client

BEYOND = ["2147483648", str(2**63), "99999999999999999999"]


def submitted(app: Flask, other: bool = False) -> int:
    citizen = app.test_client()
    answer_until(citizen, other=other)
    assert submit(citizen).status_code == 303
    with database(app).transaction() as session:
        return int(session.scalar(select(func.max(Application.id))))


def count(app: Flask, table: str) -> int:
    with database(app).transaction() as session:
        return int(session.scalar(text(f"SELECT count(*) FROM {table}")))  # noqa: S608


# D1: ids beyond the column's range match no route ------------------------------------------


def int_routes(app: Flask) -> list[tuple[str, str]]:
    """Every rule with an <int:…> part, as (method, path with a placeholder per int)."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if conv.regex == r"\d+"]
        if not ints:
            continue
        path = rule.rule
        for name in ints:
            path = re.sub(rf"<int:{name}>", "{id}", path)
        path = re.sub(r"<any\([^)]*\):action>", "nulstil", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_every_id_route_answers_ids_beyond_the_column_with_a_4xx(app: Flask) -> None:
    admin = staff_client(app, "575", "admin@vejen.dk", StaffRole.ADMIN)
    csrf = csrf_from(admin, "/sagsbehandler/")
    routes = int_routes(app)
    assert {("GET", "/sagsbehandler/sag/{id}"), ("POST", "/sagsbehandler/sag/{id}/tag")} <= set(
        routes
    )
    assert ("POST", "/sagsbehandler/admin/medarbejdere/{id}/nulstil") in routes
    for method, path in routes:
        for number in BEYOND:
            url = path.replace("{id}", number)
            response = admin.open(url, method=method, data={"csrf_token": csrf})
            assert response.status_code in (404, 405), (method, url, response.status_code)


# D2: the queue's paging parameter ----------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "2020-01-01_1",
        "0001-01-01T00:00:00+14:00_1",
        "9999-12-31T23:59:59-14:00_1",
        "2020-01-01T00:00:00+00:00_99999999999999999999",
        "2020-01-01T00:00:00+00:00_-1",
        "2020-01-01T00:00:00+00:00_²",
        "x_1",
        "_",
    ],
)
def test_a_strange_page_cursor_shows_a_page(app: Flask, cursor: str) -> None:
    submitted(app)
    staff = staff_client(app, "575", "cw@vejen.dk")
    response = staff.get("/sagsbehandler/", query_string={"efter": cursor})
    assert response.status_code == 200


def test_paging_still_walks_the_whole_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        submitted(app)
    monkeypatch.setattr(casework, "PAGE_SIZE", 2)
    staff = staff_client(app, "575", "pager@vejen.dk")
    seen: list[str] = []
    url = "/sagsbehandler/"
    while url:
        html = staff.get(url).get_data(as_text=True)
        seen += re.findall(r"AS-\d{4}-\d{6}", html)
        following = re.search(r'href="([^"]*efter=[^"]*)"', html)
        url = following.group(1).replace("&amp;", "&") if following else ""
    assert len(set(seen)) == 3


# D3: a 10-digit day or month ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("9999999999", "1", "1990"), ("1", "9999999999", "1990"), ("²", "1", "1990")],
)
def test_an_impossible_birth_date_is_an_error_next_to_the_field(
    client: FlaskClient, day: str, month: str, year: str
) -> None:
    answer_until(client, stop="/ansoeg/alder")
    response = post_step(
        client,
        "/ansoeg/alder",
        {"birth_date-day": day, "birth_date-month": month, "birth_date-year": year},
    )
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True))
    assert day in response.get_data(as_text=True)  # shown back as typed


def decision_data(**overrides: str) -> dict[str, str]:
    return {
        "outcome": "granted",
        "offer_other": "Værkstedet",
        "days": "3",
        **DECIDED_TODAY,
        **overrides,
    }


def held_case(app: Flask) -> tuple[FlaskClient, int, str]:
    application_id = submitted(app)
    staff = staff_client(app, "575", "decider@vejen.dk")
    csrf = csrf_from(staff, f"/sagsbehandler/sag/{application_id}")
    assert staff.post(f"/sagsbehandler/sag/{application_id}/tag", data={"csrf_token": csrf})
    return staff, application_id, csrf


@pytest.mark.parametrize(
    "overrides",
    [
        {"decided_on-day": "9999999999"},
        {"decided_on-month": "9999999999"},
        {"days": " "},  # D4
        {"days": "\t"},
        {"day_length": " "},
        {"transport": " "},
    ],
    ids=["day", "month", "days-space", "days-tab", "day-length-space", "transport-space"],
)
def test_a_bad_decision_field_is_named_and_nothing_is_decided(
    app: Flask, overrides: dict[str, str]
) -> None:
    staff, application_id, csrf = held_case(app)
    decided_before = count(app, "status_event")
    response = staff.post(
        f"/sagsbehandler/sag/{application_id}/afgoerelse",
        data={**decision_data(**overrides), "csrf_token": csrf},
    )
    assert response.status_code in (200, 400)
    assert errors(response.get_data(as_text=True))
    assert count(app, "status_event") == decided_before


# D5: a file where a text field belongs -----------------------------------------------------

TEXT_STEPS = {
    "/ansoeg/fornavn": "first_name",
    "/ansoeg/alder": "birth_date-day",
    "/ansoeg/navn-og-cpr": "full_name",
    "/ansoeg/adresse": "street",
    "/ansoeg/kontakt": "phone",
    "/ansoeg/om-dig": "full_name",
    "/ansoeg/andet": "text",
}


@pytest.mark.parametrize("path", TEXT_STEPS)
def test_a_file_in_a_citizen_text_field_is_refused_and_nothing_saved(app: Flask, path: str) -> None:
    client = app.test_client()
    answer_until(client, stop=path, other=True)
    page = client.get(path).get_data(as_text=True)
    drafts_before = draft_answers(app)
    data: dict[str, Any] = {**ANSWERS[path], "csrf_token": token(page)}
    data[TEXT_STEPS[path]] = (io.BytesIO(b"<script>x</script>"), "x.txt", "text/plain")
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Noget gik galt" in response.get_data(as_text=True)  # the portal's own page
    assert draft_answers(app) == drafts_before


def draft_answers(app: Flask) -> list[Any]:
    with database(app).transaction() as session:
        return list(session.execute(text("SELECT id, answers_enc FROM draft ORDER BY id")).all())


@pytest.mark.parametrize("target", ["note", "search"])
def test_a_file_in_a_staff_text_field_is_refused(app: Flask, target: str) -> None:
    application_id = submitted(app)
    staff = staff_client(app, "575", "files@vejen.dk")
    csrf = csrf_from(staff, f"/sagsbehandler/sag/{application_id}")
    path, field = {
        "note": (f"/sagsbehandler/sag/{application_id}/note", "text"),
        "search": ("/sagsbehandler/soeg", "query"),
    }[target]
    notes = count(app, "case_note")
    response = staff.post(
        path,
        data={"csrf_token": csrf, field: (io.BytesIO(b"010190-1234"), "cpr.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert count(app, "case_note") == notes


def test_a_multipart_form_without_files_still_works(client: FlaskClient) -> None:
    """Multipart itself is fine (a browser may send it); only file parts are refused."""
    page = client.get("/ansoeg/hvem").get_data(as_text=True)
    response = client.post(
        "/ansoeg/hvem",
        data={"who": "self", "csrf_token": token(page)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303


# D6: hosts ---------------------------------------------------------------------------------


def test_a_host_with_a_64_character_label_gets_a_plain_400(client: FlaskClient) -> None:
    for path in ("/", "/ansoeg/hvem", "/sagsbehandler/"):
        response = client.get(path, headers={"Host": "a" * 64 + ".dk"})
        assert response.status_code == 400, path


def test_an_untrusted_host_gets_a_plain_400_when_hosts_are_trusted(app: Flask) -> None:
    app.config["TRUSTED_HOSTS"] = ["portal.example.dk"]
    try:
        client = app.test_client()
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
        assert client.post("/ansoeg/hvem", headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/nowhere", headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/", headers={"Host": "portal.example.dk"}).status_code == 200
    finally:
        app.config["TRUSTED_HOSTS"] = None


# D7: a failed login never sends the password back ------------------------------------------


def test_a_failed_login_does_not_send_the_typed_password_back(app: Flask) -> None:
    make_staff(app, "575", "login@vejen.dk")
    response = login(app.test_client(), "login@vejen.dk", "det forkerte kodeord 123")
    html = response.get_data(as_text=True)
    assert "det forkerte kodeord 123" not in html
    assert re.search(r'<input[^>]+type="password"', html)
    assert not re.search(r'<input[^>]+type="password"[^>]+value=', html)


# D9: the losing claimant sees the winner ---------------------------------------------------


def test_a_claim_that_loses_names_the_holder_even_after_a_stale_read(app: Flask) -> None:
    """The loser's session read the case before the winner's claim landed (as a parallel
    request on PostgreSQL does); the refusal must still name the winner."""
    application_id = submitted(app)
    winner = make_staff(app, "575", "winner@vejen.dk")
    loser = make_staff(app, "575", "loser@vejen.dk")
    with database(app).transaction() as session:
        stale = session.get(Application, application_id)
        assert stale is not None and stale.assigned_to_id is None
        session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(assigned_to_id=winner)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(casework.AlreadyClaimed) as refused:
            casework.claim(session, "575", application_id, loser, stale.received_at)
        assert refused.value.holder is not None and refused.value.holder.id == winner


def test_the_losing_claimant_page_shows_the_winner(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    application_id = submitted(app)
    winner = make_staff(app, "575", "first@vejen.dk")
    staff = staff_client(app, "575", "second@vejen.dk")
    csrf = csrf_from(staff, f"/sagsbehandler/sag/{application_id}")
    original = casework.claim

    def claimed_first(session: Any, *args: Any, **kwargs: Any) -> None:
        # The winner's claim lands after this request has read the case.
        session.execute(
            update(Application)
            .where(Application.id == application_id)
            .values(assigned_to_id=winner)
            .execution_options(synchronize_session=False)
        )
        original(session, *args, **kwargs)

    monkeypatch.setattr(staff_cases.casework, "claim", claimed_first)
    response = staff.post(f"/sagsbehandler/sag/{application_id}/tag", data={"csrf_token": csrf})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "first@vejen.dk" in html
    assert "Ingen" not in re.sub(r"\s+", " ", html).split("Sagsbehandler", 1)[1][:200]


# D10: a registrar's applications stay in the registrar's municipality ----------------------


def test_a_registrar_cannot_move_an_application_to_another_municipality(app: Flask) -> None:
    staff = staff_client(app, "265", "phone@roskilde.dk")
    csrf = csrf_from(staff, "/sagsbehandler/ny-ansoegning")
    response = staff.post(
        "/sagsbehandler/ny-ansoegning", data={"channel": "phone", "csrf_token": csrf}
    )
    assert response.status_code == 303
    answer_until(staff, other=True)
    # The municipality step is closed to the registrar, also straight from the check page.
    page = staff.get("/ansoeg/kommune?fra=tjek")
    assert page.status_code == 303
    moved = staff.post("/ansoeg/kommune?fra=tjek", data={"municipality": "575", "csrf_token": csrf})
    assert moved.status_code == 303
    check = staff.get("/ansoeg/tjek").get_data(as_text=True)
    assert "/ansoeg/kommune" not in check  # no "Ret" link for it
    assert submit(staff).status_code == 303
    with database(app).transaction() as session:
        codes = set(session.scalars(select(Application.municipality_code)))
    assert codes == {"265"}


# Reference numbers: parallel clicks on one draft use one number ---------------------------


def test_a_lost_race_for_a_draft_gives_its_reference_number_back(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parallel click on the same draft loses at the insert (the unique draft key) and
    rolls its number back with its savepoint: the counter shows no gap."""
    first = submitted(app)
    real_lookup = applications.find_by_draft_key
    looks: list[str] = []

    def not_yet_committed(session: Any, draft_key: str) -> Any:
        # The first look happens before the winner has committed, as in a parallel request.
        looks.append(draft_key)
        return None if len(looks) == 1 else real_lookup(session, draft_key)

    monkeypatch.setattr(applications, "find_by_draft_key", not_yet_committed)
    with database(app).transaction() as session:
        winner = session.get(Application, first)
        assert winner is not None
        number = session.scalar(select(ReferenceCounter.value))
        again = applications.Submission(
            draft_key=winner.draft_key, municipality_code="575", standard_version="x",
            cpr="0101901234", person={}, answers=[], guidance={}, for_someone_else=False,
        )  # fmt: skip
        receipt = applications.submit(session, app.extensions["portal.cipher"], again)
        assert receipt.application.id == first
        assert session.scalar(select(ReferenceCounter.value)) == number
    assert len(looks) == 2
    assert count(app, "application") == 1


def test_a_click_that_finds_the_draft_gone_lands_on_the_receipt(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clicks on Send: the second looked for the application before the first committed,
    and for the draft after the first had deleted it. It belongs on the receipt."""
    from portal.citizen import submit as submit_view

    client = app.test_client()
    answer_until(client)
    page = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert submit(client).status_code == 303
    real_sent = submit_view.already_sent
    looks: list[bool] = []

    def before_the_commit(draft_key: str | None) -> bool:
        looks.append(True)
        return False if len(looks) == 1 else real_sent(draft_key)

    monkeypatch.setattr(submit_view, "already_sent", before_the_commit)
    with client.session_transaction() as cookie:
        cookie.pop("submitted", None)
        cookie["draft"] = cookie.get("draft") or looks_like_the_old_draft(app)
    response = client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": token(page)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/kvittering")
    assert count(app, "application") == 1


def looks_like_the_old_draft(app: Flask) -> str:
    with database(app).transaction() as session:
        return str(session.scalar(select(Application.draft_key)))


# Found by the fuzz suite (tests/fuzz) after the probe --------------------------------------


@pytest.mark.parametrize(
    "path", ["/privatliv", "/ansoeg/hvem", "/sagsbehandler/", "/api/v1/events"]
)
def test_a_query_string_that_is_not_utf8_gets_a_400(client: FlaskClient, path: str) -> None:
    response = client.get(path, environ_overrides={"QUERY_STRING": "next=\xff"})
    assert response.status_code == 400


def test_send_again_with_an_id_beyond_the_column_is_refused(app: Flask) -> None:
    admin = staff_client(app, "575", "outbox@vejen.dk", StaffRole.ADMIN)
    csrf = csrf_from(admin, "/sagsbehandler/admin/overfoersler")
    for number in BEYOND:
        response = admin.post(
            "/sagsbehandler/admin/overfoersler/send-igen",
            data={"message": number, "csrf_token": csrf},
        )
        assert response.status_code < 500, number


def test_a_nul_in_the_login_email_is_an_error_not_a_crash(app: Flask) -> None:
    client = app.test_client()
    response = login(client, "a\x00@vejen.dk", "noget")
    assert response.status_code == 200
    assert errors(response.get_data(as_text=True))


def test_a_head_request_to_a_question_page_is_the_page_unsent(client: FlaskClient) -> None:
    """HEAD (a link checker) ran the POST branch: the page with errors, and no CSRF token."""
    answer_until(client, stop="/ansoeg/dage")
    head = client.head("/ansoeg/dage")
    assert head.status_code == 200
    assert head.headers["Content-Length"] == client.get("/ansoeg/dage").headers["Content-Length"]


@pytest.mark.parametrize("same", ["²", "99999999999999999999", "-1", "x"])
def test_a_strange_same_person_parameter_shows_the_queue(app: Flask, same: str) -> None:
    submitted(app)
    staff = staff_client(app, "575", "same@vejen.dk")
    assert staff.get("/sagsbehandler/", query_string={"samme": same}).status_code == 200
