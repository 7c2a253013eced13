"""When the municipality asks for more or decides, the applicant and the relative who applied
for them get an e-mail with their own status link, in the language they applied in, through
the outbox; nothing about the case is in it."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal.db.models import Application
from portal.web.db import database
from tests.outbox.smtp import send_mail_to, smtp_server
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.helpers import set_language
from tests.web.journey import answer_until, status_links, submit
from tests.web.outbox import drain
from tests.web.staff import case_fields, staff_client

DECISION = {
    "outcome": "granted", **DECIDED_TODAY, "offer": "Kærhøj", "days": "3", "day_length": "full",
    "transport": "yes",
}  # fmt: skip


def act(staff, application_id: int, action: str, data: dict) -> int:  # type: ignore[no-untyped-def, type-arg]
    path = f"/sagsbehandler/sag/{application_id}"
    response = staff.post(f"{path}/{action}", data={**data, **case_fields(staff, path)})
    return int(response.status_code)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_relative_and_the_person_get_their_own_links_when_there_is_news(
    app: Flask, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    citizen = app.test_client()
    set_language(citizen, lang)
    answer_until(citizen, other=True, **{"/ansoeg/kontakt": {
        "phone": "12345678", "email": "karen@example.dk", "preferred": "email"}})  # fmt: skip
    submit(citizen)
    own, persons = status_links(citizen.get("/kvittering").get_data(as_text=True))
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
    staff = staff_client(app, "575", "ida@vejen.dk")
    with smtp_server() as server:
        send_mail_to(app, monkeypatch, server.port)
        assert act(staff, application.id, "tag", {}) == 303
        assert drain(app).delivered == 0  # taking the case is no news to act on
        assert (
            act(staff, application.id, "oplysninger", {"message": "Send en lægeerklæring."}) == 303
        )
        assert act(staff, application.id, "afgoerelse", DECISION) == 303
        assert drain(app).delivered == 4
        mails = server.inbox.messages
    by_address: dict[str, list[str]] = {}
    for mail in mails:
        body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
        by_address.setdefault(mail["To"], []).append(body)
        assert application.reference in mail["Subject"]
        # Nothing about the case: not the message, not the decision, not a name or CPR.
        for secret in ("lægeerklæring", "Kærhøj", "Karen", "Hansen", "010190"):
            assert secret not in body and secret not in mail["Subject"]
    assert sorted(by_address) == ["karen@example.dk", "ole@example.dk"]
    assert all(persons in b for b in by_address["karen@example.dk"])
    assert all(own in b for b in by_address["ole@example.dk"])
    greeting = "Der er nyt i ansøgningen" if lang == "da" else "There is news"
    assert all(greeting in b for bodies in by_address.values() for b in bodies)
