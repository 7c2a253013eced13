"""An admin manages the caseworkers of their own municipality, and only an admin can."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select, update

from portal.db.models import StaffRole, StaffUser, utcnow
from portal.web.db import database
from tests.web.staff import csrf_from, login, make_staff, staff_client

LIST = "/sagsbehandler/admin/medarbejdere"


def shown_password(html: str) -> str:
    found = re.search(r'<strong class="break-all">([^<]+)</strong>', html)
    assert found, "no password shown"
    return found.group(1)


def user(app: Flask, email: str) -> StaffUser:
    with database(app).transaction() as session:
        return session.scalars(select(StaffUser).where(StaffUser.email == email)).one()


def test_an_admin_creates_a_caseworker_whose_password_is_shown_once(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    response = admin.post(LIST, data={"email": "Ny@Vejen.dk", "role": "caseworker",
                                      "csrf_token": csrf_from(admin, LIST)})  # fmt: skip
    password = shown_password(response.get_data(as_text=True))
    assert password not in admin.get(LIST).get_data(as_text=True)
    created = user(app, "ny@vejen.dk")
    assert created.municipality_code == "575" and created.role is StaffRole.CASEWORKER
    assert login(app.test_client(), "ny@vejen.dk", password).status_code == 303


def test_a_taken_email_is_refused_with_a_message(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    response = admin.post(LIST, data={"email": "chef@vejen.dk", "role": "admin",
                                      "csrf_token": csrf_from(admin, LIST)})  # fmt: skip
    assert "Der findes allerede en medarbejder med den e-mail." in response.get_data(as_text=True)


def test_deactivating_ends_the_caseworkers_sessions_at_once(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    worker = staff_client(app, "575", "ida@vejen.dk")
    target = user(app, "ida@vejen.dk").id
    admin.post(f"{LIST}/{target}/deaktiver", data={"csrf_token": csrf_from(admin, LIST)})
    assert worker.get("/sagsbehandler/").status_code == 303
    assert login(app.test_client(), "ida@vejen.dk").status_code == 200


def test_a_reset_password_replaces_the_old_one_and_unlocks(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    make_staff(app, "575", "ida@vejen.dk")
    with database(app).transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.email == "ida@vejen.dk")
                        .values(failed_logins=5, locked_until=utcnow().replace(year=2099)))  # fmt: skip
    target = user(app, "ida@vejen.dk").id
    response = admin.post(f"{LIST}/{target}/nulstil", data={"csrf_token": csrf_from(admin, LIST)})
    password = shown_password(response.get_data(as_text=True))
    assert login(app.test_client(), "ida@vejen.dk").status_code == 200
    assert login(app.test_client(), "ida@vejen.dk", password).status_code == 303


def test_an_admin_unlocks_a_locked_account(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    make_staff(app, "575", "ida@vejen.dk")
    locked = app.test_client()
    for _ in range(5):
        login(locked, "ida@vejen.dk", "forkert adgangskode")
    assert "Låst" in admin.get(LIST).get_data(as_text=True)
    target = user(app, "ida@vejen.dk").id
    admin.post(f"{LIST}/{target}/laas-op", data={"csrf_token": csrf_from(admin, LIST)})
    assert login(app.test_client(), "ida@vejen.dk").status_code == 303


def test_a_caseworker_gets_no_admin_page_or_action(app: Flask) -> None:
    worker = staff_client(app, "575", "ida@vejen.dk")
    other = make_staff(app, "575", "bo@vejen.dk")
    token = csrf_from(worker, "/sagsbehandler/")
    assert worker.get(LIST).status_code == 403
    assert (
        worker.post(
            LIST, data={"email": "x@vejen.dk", "role": "admin", "csrf_token": token}
        ).status_code
        == 403
    )
    assert worker.post(f"{LIST}/{other}/deaktiver", data={"csrf_token": token}).status_code == 403
    assert user(app, "bo@vejen.dk").is_active


def test_an_admin_of_another_municipality_gets_404_for_our_staff(app: Flask) -> None:
    outsider = staff_client(app, "265", "chef@roskilde.dk", StaffRole.ADMIN)
    target = make_staff(app, "575", "ida@vejen.dk")
    token = csrf_from(outsider, LIST)
    for action in ("deaktiver", "aktiver", "nulstil", "laas-op"):
        assert (
            outsider.post(f"{LIST}/{target}/{action}", data={"csrf_token": token}).status_code
            == 404
        )
    assert "ida@vejen.dk" not in outsider.get(LIST).get_data(as_text=True)
    assert user(app, "ida@vejen.dk").is_active


def test_an_admin_cannot_deactivate_themself(app: Flask) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    me = user(app, "chef@vejen.dk").id
    assert (
        admin.post(
            f"{LIST}/{me}/deaktiver", data={"csrf_token": csrf_from(admin, LIST)}
        ).status_code
        == 400
    )


def test_an_admin_exports_the_audit_log_about_one_citizen(app: Flask) -> None:
    import json

    from tests.web.test_staff import submitted

    mine = submitted(app, "575", "010190-1234")
    submitted(app, "575", "010190-2345")
    elsewhere = submitted(app, "265", "010190-1234")
    worker = staff_client(app, "575", "ida@vejen.dk")
    worker.get(f"/sagsbehandler/sag/{mine.id}")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    path = "/sagsbehandler/admin/indsigt"
    response = admin.post(path, data={"cpr": "010190-1234", "csrf_token": csrf_from(admin, path)})
    assert response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(response.get_data(as_text=True))
    assert document["applications"] == [mine.reference]
    assert elsewhere.reference not in response.get_data(as_text=True)
    assert [(e["action"], e["staff"]) for e in document["events"]] == [("view", "ida@vejen.dk")]
    bad = admin.post(path, data={"cpr": "12", "csrf_token": csrf_from(admin, path)})
    assert "Skriv borgerens CPR-nummer med 10 tal" in bad.get_data(as_text=True)


def test_a_caseworker_cannot_export_a_citizens_audit_log(app: Flask) -> None:
    worker = staff_client(app, "575", "ida@vejen.dk")
    assert worker.get("/sagsbehandler/admin/indsigt").status_code == 403


def test_the_access_request_export_costs_the_same_queries_for_one_application_or_three(
    app: Flask,
) -> None:
    """The export once looked up each application's trail in a loop (N+1)."""
    import json

    from sqlalchemy import event

    from tests.web.test_staff import submitted

    worker = staff_client(app, "575", "ida@vejen.dk")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    path = "/sagsbehandler/admin/indsigt"

    def export() -> tuple[dict, int]:  # type: ignore[type-arg]
        selects: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append(statement)

        token = csrf_from(admin, path)
        engine = database(app).engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = admin.post(path, data={"cpr": "010190-1234", "csrf_token": token})
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return json.loads(response.get_data(as_text=True)), len(selects)

    first = submitted(app, "575", "010190-1234")
    worker.get(f"/sagsbehandler/sag/{first.id}")
    _, one = export()
    later = [submitted(app, "575", "010190-1234") for _ in range(2)]
    for application in reversed(later):
        worker.get(f"/sagsbehandler/sag/{application.id}")
    document, three = export()
    assert three == one
    assert document["applications"] == [first.reference, *(a.reference for a in later)]
    # By application, then in time; each action in words.
    assert [e["application"] for e in document["events"]] == document["applications"]
    assert {e["description"] for e in document["events"]} == {"Så sagen"}
