"""Every e-mail leaves through the outbox: a mail server that is down (or hangs) never fails
or slows a request, never loses the application, and the mail goes out when it is back."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.db.models import Application, Channel, OutboxKind, OutboxMessage, OutboxState, utcnow
from portal.outbox.targets import Handoff
from portal.web.db import database
from portal.web.outbox import build_worker
from tests.outbox.smtp import SmtpServer, free_port, send_mail_to
from tests.web.journey import answer_until, submit, token
from tests.web.staff import csrf_from, staff_client


@pytest.fixture
def blackhole() -> Iterator[socket.socket]:
    """A mail server that takes connections and never answers: sending inside a request would
    hang on it. Nobody accepts, so any connection attempt stays in its queue for us to see."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", free_port()))
    listener.listen(8)
    listener.setblocking(False)
    yield listener
    listener.close()


def nobody_connected(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


@pytest.fixture
def hanging_mail(app: Flask, blackhole: socket.socket, monkeypatch: pytest.MonkeyPatch) -> int:
    port = blackhole.getsockname()[1]
    send_mail_to(app, monkeypatch, port)
    return int(port)


def messages(app: Flask) -> list[OutboxMessage]:
    with database(app).transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def mails(app: Flask) -> list[OutboxMessage]:
    return [m for m in messages(app) if m.kind is not OutboxKind.DELIVERY]


def send_when_back(app: Flask, port: int, blackhole: socket.socket) -> SmtpServer:
    """Close the hanging server, start a real one on the same port, and run the worker as if
    its retries were due (an hour later)."""
    blackhole.close()
    server = SmtpServer(port)
    server.start()
    worker = build_worker(app)
    worker.clock = lambda: utcnow() + timedelta(hours=1)
    with app.app_context():
        worker.run_once()
    return server


def test_a_phone_registration_with_the_mail_server_down_is_saved_and_mailed_later(
    app: Flask, hanging_mail: int, blackhole: socket.socket
) -> None:
    staff = staff_client(app, "575", "ida@vejen.dk")
    path = "/sagsbehandler/ny-ansoegning"
    staff.post(path, data={"channel": "phone", "csrf_token": csrf_from(staff, path)})
    answer_until(staff, **{"/ansoeg/kontakt": {
        "phone": "12345678", "email": "karen@example.dk", "preferred": "email"}})  # fmt: skip
    response = submit(staff)
    assert response.status_code == 303 and response.headers["Location"] == "/kvittering"
    assert "AS-" in staff.get("/kvittering").get_data(as_text=True)
    assert nobody_connected(blackhole)  # the request never spoke to the mail server
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
    assert application.channel is Channel.PHONE
    [mail] = mails(app)
    assert mail.state is OutboxState.PENDING and mail.application_id == application.id
    assert "karen" not in (mail.payload_enc or "")  # encrypted at rest

    server = send_when_back(app, hanging_mail, blackhole)
    try:
        [sent] = server.inbox.messages
    finally:
        server.stop()
    assert sent["To"] == "karen@example.dk"
    assert application.reference in sent.get_payload(decode=True).decode()  # type: ignore[union-attr]
    [mail] = mails(app)
    assert mail.state is OutboxState.DELIVERED and mail.delivered_at is not None


def test_a_citizens_submit_and_mail_request_with_the_mail_server_down_lose_nothing(
    app: Flask, hanging_mail: int, blackhole: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        app.extensions, "portal.handoff", Handoff(notice_addresses={"575": "post@vejen.dk"})
    )
    client = app.test_client()
    answer_until(client)
    assert submit(client).status_code == 303
    html = client.get("/kvittering").get_data(as_text=True)
    asked = client.post(
        "/kvittering", data={"email": "karen@example.dk", "csrf_token": token(html)}
    )
    assert asked.status_code == 303
    assert nobody_connected(blackhole)
    queued = mails(app)
    assert sorted(m.kind.value for m in queued) == ["mail", "notice"]
    assert all(m.state is OutboxState.PENDING for m in queued)

    server = send_when_back(app, hanging_mail, blackhole)
    try:
        recipients = sorted(m["To"] for m in server.inbox.messages)
    finally:
        server.stop()
    assert recipients == ["karen@example.dk", "post@vejen.dk"]
    assert all(m.state is OutboxState.DELIVERED for m in mails(app))


def test_a_failed_attempt_is_kept_with_a_reason_that_names_no_address(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens: refused at once
    send_mail_to(app, monkeypatch, port)
    client = app.test_client()
    answer_until(client)
    submit(client)
    html = client.get("/kvittering").get_data(as_text=True)
    client.post("/kvittering", data={"email": "karen@example.dk", "csrf_token": token(html)})
    worker = build_worker(app)
    with app.app_context():
        tally = worker.run_once()
    assert (tally.delivered, tally.failed) == (0, 1)
    [mail] = mails(app)
    assert mail.state is OutboxState.FAILED and mail.attempts == 1
    assert mail.last_error and "karen" not in mail.last_error
    assert mail.next_attempt_at > utcnow() + timedelta(seconds=25)  # not retried in a hot loop
