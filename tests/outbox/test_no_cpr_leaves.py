"""Whatever leaves the portal carries the CPR number only where it belongs: in the body of the
document for the municipality's system, under the applicant. Never in an e-mail, a header, a
URL, a file name or a title."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from flask import Flask

from portal.handoff.signing import new_secret
from portal.outbox import targets
from tests.outbox.delivery import run_worker
from tests.outbox.smtp import send_mail_to, smtp_server
from tests.web.journey import answer_until, submit, token
from tests.web.staff import csrf_from, staff_client

CPR_FORMS = ("0101901234", "010190-1234", "010190 1234")


class Capture(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Capture.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def capture() -> Iterator[str]:
    Capture.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events?kommune=575"
    server.shutdown()
    server.server_close()


def test_no_cpr_in_mails_headers_urls_or_titles(
    app: Flask, capture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    handoff = targets.from_environ({
        "PORTAL_DELIVERY_URL_575": capture, "PORTAL_DELIVERY_SECRET_575": new_secret(),
        "PORTAL_NOTICE_EMAIL_575": "post@vejen.dk",
    }, production=False)  # fmt: skip
    monkeypatch.setitem(app.extensions, "portal.handoff", handoff)
    with smtp_server() as server:
        send_mail_to(app, monkeypatch, server.port)
        # A citizen applies and has the links mailed; a caseworker registers a call.
        citizen = app.test_client()
        answer_until(citizen)
        submit(citizen)
        html = citizen.get("/kvittering").get_data(as_text=True)
        citizen.post("/kvittering", data={"email": "karen@example.dk", "csrf_token": token(html)})
        staff = staff_client(app, "575", "ida@vejen.dk")
        path = "/sagsbehandler/ny-ansoegning"
        staff.post(path, data={"channel": "phone", "csrf_token": csrf_from(staff, path)})
        answer_until(staff, **{"/ansoeg/kontakt": {
            "phone": "12345678", "email": "karen@example.dk", "preferred": "email"}})  # fmt: skip
        submit(staff)
        tally = run_worker(app)
        mails = server.inbox.messages
    assert tally.failed == 0 and tally.delivered == len(mails) + len(Capture.seen)
    assert len(mails) == 4 and len(Capture.seen) == 2  # link, receipt, 2 notices; 2 cases
    for mail in mails:
        text = mail.as_string()
        assert not any(cpr in text for cpr in CPR_FORMS), mail["Subject"]
    for request in Capture.seen:
        outside_body = json.dumps([request["path"], request["headers"]])
        assert not any(cpr in outside_body for cpr in CPR_FORMS)
        document = json.loads(request["body"])
        assert document["parties"]["applicant"]["cpr"] == "0101901234"
        del document["parties"]["applicant"]["cpr"]
        assert not any(cpr in json.dumps(document) for cpr in CPR_FORMS)
        assert not any(cpr in document["pdf"]["url"] for cpr in CPR_FORMS)
