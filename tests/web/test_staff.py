"""The staff side: login and sessions, tenant isolation, the queue, claiming, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.db.models import Application, AuditEvent, StaffSession, StaffUser, utcnow
from portal.web.db import database
from tests.web.journey import answer_until, submit
from tests.web.staff import claim_race, csrf_from, login, make_staff, staff_client


def submitted(app: Flask, municipality: str = "575", cpr: str = "010190-1234") -> Application:
    client = app.test_client()
    answer_until(client, **{"/ansoeg/kommune": {"municipality": municipality},
                            "/ansoeg/navn-og-cpr": {"full_name": "Karen Hansen", "cpr": cpr}})  # fmt: skip
    submit(client)
    with database(app).transaction() as session:
        return session.scalars(select(Application).order_by(Application.id.desc())).first()  # type: ignore[return-value]


def audit_rows(app: Flask) -> list[AuditEvent]:
    with database(app).transaction() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


# Login and sessions ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/sagsbehandler/")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sagsbehandler/login")


def test_unknown_user_and_wrong_password_get_the_same_answer(
    app: Flask, client: FlaskClient
) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    unknown = login(client, "nobody@vejen.dk").get_data(as_text=True)
    wrong = login(client, "ida@vejen.dk", "forkert adgangskode").get_data(as_text=True)
    marker = "Du blev ikke logget ind"
    assert marker in unknown and marker in wrong
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731
    assert strip(unknown) == strip(wrong)


def test_five_failures_lock_the_account_even_for_the_right_password(app: Flask) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    client = app.test_client()
    for _ in range(5):
        login(client, "ida@vejen.dk", "forkert adgangskode")
    response = login(client, "ida@vejen.dk")
    assert response.status_code == 200 and "Du blev ikke logget ind" in response.get_data(
        as_text=True
    )
    with database(app).transaction() as session:
        session.execute(update(StaffUser).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert login(client, "ida@vejen.dk").status_code == 303


def test_many_failures_from_one_address_are_throttled(app: Flask) -> None:
    client = app.test_client()
    statuses = [login(client, f"x{i}@vejen.dk", "forkert").status_code for i in range(21)]
    assert statuses[-1] == 429 and 429 not in statuses[:20]


def test_the_session_token_changes_at_every_login(app: Flask) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    first, second = app.test_client(), app.test_client()
    login(first, "ida@vejen.dk")
    login(second, "ida@vejen.dk")
    a, b = (
        first.get_cookie("portal_staff", path="/sagsbehandler"),
        second.get_cookie("portal_staff", path="/sagsbehandler"),
    )
    assert a and b and a.value != b.value
    assert a.http_only and a.same_site == "Strict"


def test_a_cookie_replayed_after_logout_is_refused(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    cookie = client.get_cookie("portal_staff", path="/sagsbehandler")
    assert cookie is not None
    client.post("/sagsbehandler/logout", data={"csrf_token": csrf_from(client, "/sagsbehandler/")})
    thief = app.test_client()
    login(thief, "ida@vejen.dk")  # a session of its own, so only the stolen cookie differs
    thief.set_cookie("portal_staff", cookie.value, path="/sagsbehandler")
    assert thief.get("/sagsbehandler/").status_code == 303


def test_deactivation_takes_effect_on_the_next_request(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    assert client.get("/sagsbehandler/").status_code == 200
    with database(app).transaction() as session:
        session.execute(update(StaffUser).values(is_active=False))
    assert client.get("/sagsbehandler/").status_code == 303


def test_fifteen_idle_minutes_end_the_session(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    with client.session_transaction() as session:
        session["staff_seen"] -= 15 * 60 + 1
    assert client.get("/sagsbehandler/").status_code == 303


def test_eight_hours_end_the_session_however_active(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    with database(app).transaction() as session:
        session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get("/sagsbehandler/").status_code == 303


# Tenant isolation -------------------------------------------------------------------------


def application_routes(app: Flask) -> list[tuple[str, str]]:
    """Every staff route that takes an application, straight from the URL map."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "application_id" in rule.arguments:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, rule.rule))
    return found


def test_staff_of_another_municipality_get_404_and_change_nothing(app: Flask) -> None:
    application = submitted(app, "575")
    outsider = staff_client(app, "265", "ole@roskilde.dk")
    routes = application_routes(app)
    assert len(routes) >= 4
    token = csrf_from(outsider, "/sagsbehandler/")
    for method, rule in routes:
        path = rule.replace("<int:application_id>", str(application.id))
        response = outsider.open(path, method=method, data={"csrf_token": token})
        html = response.get_data(as_text=True)
        assert response.status_code == 404, (method, path)
        assert "Karen" not in html and application.reference not in html
    with database(app).transaction() as session:
        after = session.get(Application, application.id)
        assert after is not None and after.assigned_to_id is None
    assert [r for r in audit_rows(app) if r.application_id == application.id] == []


def test_the_queue_and_search_show_only_the_own_municipality(app: Flask) -> None:
    vejen = submitted(app, "575", "010190-1234")
    roskilde = submitted(app, "265", "010190-2345")
    client = staff_client(app, "575", "ida@vejen.dk")
    html = client.get("/sagsbehandler/").get_data(as_text=True)
    assert vejen.reference in html and roskilde.reference not in html
    token = csrf_from(client, "/sagsbehandler/")
    found = client.post(
        "/sagsbehandler/soeg", data={"query": "010190-2345", "csrf_token": token},
        follow_redirects=True,
    )  # fmt: skip
    assert roskilde.reference not in found.get_data(as_text=True)
    found = client.post("/sagsbehandler/soeg", data={"query": "010190-1234", "csrf_token": token})
    # The hits come by a redirect (Back from a case found never resends the form), and the
    # session holds their ids, not the number searched for.
    assert found.status_code == 303 and found.headers["Location"] == "/sagsbehandler/soeg"
    with client.session_transaction() as cookie:
        assert "010190" not in str(dict(cookie))
    assert vejen.reference in client.get("/sagsbehandler/soeg").get_data(as_text=True)
    # Another municipality's ids in the session show nothing: the hits are read again.
    with client.session_transaction() as cookie:
        cookie["staff_search_hits"] = [roskilde.id]
    assert roskilde.reference not in client.get("/sagsbehandler/soeg").get_data(as_text=True)


# The case, claiming and audit -------------------------------------------------------------


def test_the_case_view_masks_the_cpr_number_and_a_reveal_is_logged(app: Flask) -> None:
    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    html = client.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)
    assert "010190-xxxx" in html and "010190-1234" not in html
    assert "Karen Hansen" in html and "source-ref" in html and 'id="kilder"' in html
    token = csrf_from(client, f"/sagsbehandler/sag/{application.id}")
    revealed = client.post(
        f"/sagsbehandler/sag/{application.id}/vis-cpr", data={"csrf_token": token}
    )
    # A redirect to the case page (Back and reload never resend the form), which shows the
    # number once; the session holds the case's id only.
    assert revealed.status_code == 303
    assert revealed.headers["Location"] == f"/sagsbehandler/sag/{application.id}"
    shown = client.get(revealed.headers["Location"]).get_data(as_text=True)
    assert "010190-1234" in shown
    with client.session_transaction() as cookie:
        assert "010190-1234" not in str(dict(cookie))
    actions = [r.action for r in audit_rows(app) if r.application_id == application.id]
    assert actions == ["view", "view", "reveal_cpr", "view"]
    trail = client.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)
    assert "<td>Så hele CPR-nummeret</td><td>ida@vejen.dk</td>" in trail
    assert "010190-1234" not in trail  # a reload shows it masked again


def test_every_list_and_search_is_logged_with_the_cpr_masked(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    client.get("/sagsbehandler/")
    token = csrf_from(client, "/sagsbehandler/")
    client.post(
        "/sagsbehandler/soeg", data={"query": "010190-1234", "csrf_token": token},
        follow_redirects=True,
    )  # fmt: skip
    rows = audit_rows(app)
    assert [r.action for r in rows] == ["list", "list", "search", "list"]
    # The person by the CPR number's keyed index, the same as on their applications: every
    # lookup of one person can be found, and no digit of the number (the birth date) is kept.
    assert rows[2].detail == f"person:{app.extensions['portal.cipher'].index('0101901234')}"
    assert all("010190" not in (r.detail or "") and "1234" not in (r.detail or "") for r in rows)


def test_a_claim_is_told_who_already_has_the_case(app: Flask) -> None:
    application = submitted(app)
    first = staff_client(app, "575", "ida@vejen.dk")
    second = staff_client(app, "575", "bo@vejen.dk")
    path = f"/sagsbehandler/sag/{application.id}"
    assert first.post(path + "/tag", data={"csrf_token": csrf_from(first, path)}).status_code == 303
    response = second.post(path + "/tag", data={"csrf_token": csrf_from(second, path)})
    assert response.status_code == 409
    assert "ida@vejen.dk har allerede taget sagen." in response.get_data(as_text=True)


def test_ten_simultaneous_claims_have_exactly_one_winner(app: Flask) -> None:
    application = submitted(app)
    winners = claim_race(app, "575", application.id)
    assert len(winners) == 1
    with database(app).transaction() as session:
        assert session.get(Application, application.id).assigned_to_id == winners[0]  # type: ignore[union-attr]


def test_audit_rows_survive_a_rolled_back_action(app: Flask) -> None:
    application = submitted(app)
    first = staff_client(app, "575", "ida@vejen.dk")
    second = staff_client(app, "575", "bo@vejen.dk")
    path = f"/sagsbehandler/sag/{application.id}"
    first.post(path + "/tag", data={"csrf_token": csrf_from(first, path)})
    second.post(path + "/tag", data={"csrf_token": csrf_from(second, path)})  # 409: rolled back
    assert "claim_refused" in [r.action for r in audit_rows(app)]


@pytest.mark.parametrize("path", ["/sagsbehandler/", "/sagsbehandler/sag/1"])
def test_a_citizen_with_a_draft_gets_no_staff_page(client: FlaskClient, path: str) -> None:
    answer_until(client, stop="/ansoeg/dage")
    assert client.get(path).status_code == 303


def test_logging_out_everywhere_ends_the_other_devices_sessions(app: Flask) -> None:
    laptop = staff_client(app, "575", "ida@vejen.dk")
    phone = app.test_client()
    login(phone, "ida@vejen.dk")
    assert phone.get("/sagsbehandler/").status_code == 200
    laptop.post(
        "/sagsbehandler/logout-alle-steder",
        data={"csrf_token": csrf_from(laptop, "/sagsbehandler/")},
    )
    assert phone.get("/sagsbehandler/").status_code == 303
    assert laptop.get("/sagsbehandler/").status_code == 303


def test_exports_hold_the_case_and_are_logged(app: Flask) -> None:
    import io
    import json

    from pypdf import PdfReader

    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    exported = client.get(f"/sagsbehandler/sag/{application.id}/eksport.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(exported.get_data(as_text=True))
    assert document["schema"] == "portal.application.export" and document["version"] == 2
    # The citizen's private status links stay the citizen's (the probe of 2026-12-06).
    links = app.extensions["portal.cipher"].decrypt(application.person_enc)["links"]
    assert "links" not in document["person"] and links["status"]
    assert links["status"] not in exported.get_data(as_text=True)
    assert document["reference"] == application.reference
    assert document["person"]["identity"]["cpr"] == "010190-1234"
    assert document["guidance"]["municipality"]["code"] == "575"
    assert document["history"][0]["status"] == "received"
    pdf = client.get(f"/sagsbehandler/sag/{application.id}/sag.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert application.reference in text and "Karen Hansen" in text
    actions = [r.action for r in audit_rows(app) if r.application_id == application.id]
    assert actions == ["export_json", "export_pdf"]


def test_the_timeout_warnings_button_extends_the_session(app: Flask) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    html = client.get("/sagsbehandler/").get_data(as_text=True)
    assert 'data-idle-seconds="900"' in html and "js/staff-timeout." in html
    with client.session_transaction() as session:
        session["staff_seen"] -= 14 * 60  # one minute left
    response = client.post("/sagsbehandler/forlaeng", data={
        "next": "/sagsbehandler/?status=received", "csrf_token": csrf_from(client, "/sagsbehandler/")})  # fmt: skip
    assert response.headers["Location"] == "/sagsbehandler/?status=received"
    with client.session_transaction() as session:
        session["staff_seen"] -= 14 * 60  # would be past 15 minutes without the extension
    assert client.get("/sagsbehandler/").status_code == 200


def test_the_warnings_background_extension_answers_204_and_only_while_logged_in(
    app: Flask,
) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(client, "/sagsbehandler/")
    background = {"X-Portal-Background": "1"}
    with client.session_transaction() as session:
        session["staff_seen"] -= 14 * 60
    extended = client.post(
        "/sagsbehandler/forlaeng", data={"csrf_token": token}, headers=background
    )
    assert extended.status_code == 204
    with client.session_transaction() as session:
        session["staff_seen"] -= 14 * 60
    assert client.get("/sagsbehandler/").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] -= 16 * 60  # past the idle limit: no extension any more
    ended = client.post("/sagsbehandler/forlaeng", data={"csrf_token": token}, headers=background)
    assert ended.status_code != 204


def test_the_case_view_shows_the_consent_with_its_time(app: Flask) -> None:
    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    html = client.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)
    assert "Samtykke" in html and "Hos læge og sygehus" in html and "Om helbred og sygdom" in html


def test_a_password_hashed_with_old_parameters_is_rehashed_at_login(app: Flask) -> None:
    from argon2 import PasswordHasher

    from tests.web.staff import PASSWORD

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    make_staff(app, "575", "ida@vejen.dk")
    with database(app).transaction() as session:
        session.execute(update(StaffUser).values(password_hash=weak))
    assert login(app.test_client(), "ida@vejen.dk").status_code == 303
    with database(app).transaction() as session:
        stored = session.scalars(select(StaffUser.password_hash)).one()
    assert stored != weak and "m=65536" in stored


def test_every_refused_login_is_logged_without_the_password(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    login(app.test_client(), "ida@vejen.dk", "forkert adgangskode")
    login(app.test_client(), "ukendt@vejen.dk", "forkert adgangskode")
    logged = [r.getMessage() for r in caplog.records if "login refused" in r.getMessage()]
    assert len(logged) == 2
    assert all("forkert" not in line for line in logged)


def test_the_queue_marks_overdue_and_soon_due_cases_where_a_processing_time_is_stated(
    app: Flask,
) -> None:
    # Two days past, not one: the deadline counts from the Danish date of receipt, and late in
    # a Danish evening one day back is already the next day there.
    late, soon = submitted(app, "575"), submitted(app, "575", "010190-2345")
    roskilde = submitted(app, "265")
    with database(app).transaction() as session:
        session.execute(update(Application).where(Application.id == late.id)
                        .values(received_at=utcnow() - timedelta(weeks=6, days=2)))  # fmt: skip
        session.execute(update(Application).where(Application.id == soon.id)
                        .values(received_at=utcnow() - timedelta(weeks=5, days=3)))  # fmt: skip
    vejen = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    assert vejen.count("(overskredet)") == 1 and vejen.count("(under en uge)") == 1
    other = (
        staff_client(app, "265", "ole@roskilde.dk").get("/sagsbehandler/").get_data(as_text=True)
    )
    # Roskilde states no processing time: no deadline column, rather than "Ikke oplyst".
    assert roskilde.reference in other and "Frist" not in other and "overskredet" not in other
    assert "Ikke oplyst" not in other


def test_failures_older_than_the_throttle_window_are_dropped(app: Flask) -> None:
    from portal.db.models import LoginFailure

    client = app.test_client()
    login(client, "x@vejen.dk", "forkert")
    with database(app).transaction() as session:
        session.execute(update(LoginFailure).values(at=utcnow() - timedelta(minutes=16)))
    login(client, "y@vejen.dk", "forkert")
    with database(app).transaction() as session:
        assert len(list(session.scalars(select(LoginFailure)))) == 1


def test_a_proxys_uuid_request_id_is_kept_in_the_audit_trail(app: Flask) -> None:
    """nginx or a load balancer may send a UUID (36 characters) as X-Request-ID; the staff
    read that is audited with it must not fail on the column's width (PostgreSQL checks)."""

    citizen = app.test_client()
    answer_until(citizen)
    submit(citizen)
    staff = staff_client(app, "575", "ida@vejen.dk")
    request_id = "3f2b8c1e-9a4d-4e8b-a1c2-5d6e7f809a1b"
    response = staff.get("/sagsbehandler/", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    with database(app).transaction() as session:
        assert request_id in set(session.scalars(select(AuditEvent.request_id)))


def test_a_protected_address_is_flagged_to_the_caseworker(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/adresse": {
        "street": "Vestergade 1", "postcode": "6600", "city": "Vejen", "protected": "yes"}})  # fmt: skip
    submit(citizen)
    staff = staff_client(app, "575", "ida@vejen.dk")
    with database(app).transaction() as session:
        application_id = session.scalars(select(Application.id)).one()
    html = staff.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    assert "Ansøgeren har oplyst, at adressen er beskyttet." in html
    pdf = staff.get(f"/sagsbehandler/sag/{application_id}/sag.pdf").data
    assert b"%PDF" in pdf[:8]


@pytest.mark.parametrize(
    ("typed", "with_year"),
    [("{ref}", True), ("{ref_lower}", True), ("as {year} {number}", True),
     ("{year}-{number}", True), ("{number}", False), ("{padded}", False),
     ("AS-{number}", False)],
)  # fmt: skip
def test_a_case_number_is_found_as_people_say_it(app: Flask, typed: str, with_year: bool) -> None:
    vejen = submitted(app, "575", "010190-1234")
    roskilde = submitted(app, "265", "010190-2345")
    year, padded = vejen.reference.split("-")[1:]
    query = typed.format(ref=vejen.reference, ref_lower=vejen.reference.lower(), year=year,
                         number=int(padded), padded=padded)  # fmt: skip
    client = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(client, "/sagsbehandler/")
    found = client.post("/sagsbehandler/soeg", data={"query": query, "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert vejen.reference in found and roskilde.reference not in found
    searched = [r.detail for r in audit_rows(app) if r.action == "search"]
    assert searched == [f"reference:{vejen.reference if with_year else int(padded)}"]
    # Another municipality's case is not found by its number, however it is typed.
    other = typed.replace("{ref", "{other_ref").format(
        other_ref=roskilde.reference, other_ref_lower=roskilde.reference.lower(), year=year,
        number=int(roskilde.reference[-6:]), padded=roskilde.reference[-6:],
    )  # fmt: skip
    found = client.post("/sagsbehandler/soeg", data={"query": other, "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert roskilde.reference not in found and "/sagsbehandler/sag/" not in found


@pytest.mark.parametrize("typed", ["AS-2026-1234567", "12345678", "sag 12", "AS-20-000001"])
def test_what_is_not_a_case_or_cpr_number_is_explained(app: Flask, typed: str) -> None:
    client = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(client, "/sagsbehandler/")
    response = client.post("/sagsbehandler/soeg", data={"query": typed, "csrf_token": token})
    assert response.status_code == 200
    assert "Skriv sagens nummer, fx AS-2026-000123 eller bare 123, eller et CPR-nummer." in (
        response.get_data(as_text=True)
    )
