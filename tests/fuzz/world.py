"""The portal as the fuzz suite finds it: three submitted applications in Vejen (one new, one
a caseworker has taken, one decided), a dead delivery, a citizen who has just sent one, and
who sends what: a caseworker, an admin and their colleague. Each person is a Persona that
keeps its CSRF token current and logs in again when a fuzzed request ends its session."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text, update
from werkzeug.test import TestResponse

from portal import passwords, staff_auth
from portal.citizen.steps import SLUGS
from portal.db.models import (
    Application,
    OutboxMessage,
    OutboxState,
    StaffRole,
    StaffUser,
    Status,
    utcnow,
)
from portal.outbox import queue, targets
from portal.staff.auth import COOKIE, SEEN_KEY
from portal.statuses import CLOSED
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.journey import answer_until, status_links, submit
from tests.web.staff import PASSWORD, case_fields

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
MUNICIPALITY = "575"
API_TOKEN = "fuzz-api-token-0123456789abcdefghijklmnop"
STAFF_PAGE = "/sagsbehandler/"
ENROL = "/sagsbehandler/login/opsaet"
REFUSAL = {"outcome": "refused", "reasons": "Fuzz", **DECIDED_TODAY}
# Citizen pages about an application already sent, seen by the one who sent it.
AFTER_SENDING = {"citizen.receipt", "citizen.receipt_pdf", "citizen.status",
                 "citizen.withdraw", "citizen.decision_letter"}  # fmt: skip


@dataclass
class Persona:
    name: str
    client: FlaskClient
    token: str = ""
    staff_id: int | None = None
    app: Flask | None = field(default=None, repr=False)
    headers: dict[str, str] = field(default_factory=dict)

    def refresh_token(self, path: str) -> None:
        found = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert found, f"no CSRF token on {path} for {self.name}"
        self.token = found.group(1)

    def sign_in(self) -> None:
        """A staff session as the login makes it (a session row, the cookie, the idle clock)
        without the password's hashing, so a fuzzed logout costs a query, not a second."""
        assert self.app is not None and self.staff_id is not None
        with database(self.app).transaction() as session:
            user = session.get(StaffUser, self.staff_id)
            assert user is not None and user.is_active, f"{self.name} can no longer log in"
            opened = staff_auth.open_session(session, user, utcnow())
        self.client.set_cookie(COOKIE, opened.token, path="/sagsbehandler")
        with self.client.session_transaction() as flask_session:
            flask_session[SEEN_KEY] = int(time.time())
        self.refresh_token(STAFF_PAGE)

    def after(self, response: TestResponse) -> None:
        """A staff persona whose session a request ended (a logout, a reset) logs in again."""
        if self.staff_id is None:
            return
        ended = response.headers.get("Location", "").startswith("/sagsbehandler/login") or any(
            h.startswith(f"{COOKIE}=;") for h in response.headers.getlist("Set-Cookie")
        )
        if ended:
            self.sign_in()


@dataclass
class World:
    app: Flask
    caseworker: Persona
    admin: Persona
    applicant: Persona
    drafter: Persona
    api: Persona
    status_token: str
    cases: dict[str, int]
    colleague: int
    events: list[int]

    @property
    def staff(self) -> list[Persona]:
        return [self.caseworker, self.admin]

    def persona_for(self, endpoint: str, access: str | None) -> Persona:
        """Who would use the route: its own audience, past the login."""
        if access == "admin":
            return self.admin
        if endpoint.startswith("staff."):
            return self.caseworker
        if endpoint.startswith("api."):
            return self.api
        return self.applicant if endpoint in AFTER_SENDING else self.drafter

    def restore(self) -> None:
        """The cases as the world made them, after a form that moved one (released, decided,
        reopened, taken by the admin): the taken case open and the caseworker's, the decided
        case decided; through the caseworker's own forms."""
        holders = {p.staff_id: p for p in self.staff}
        for key, closed in (("taken", False), ("decided", True)):
            case = f"/sagsbehandler/sag/{self.cases[key]}"
            status, holder = self.state(self.cases[key])
            if holder != self.caseworker.staff_id:
                if holder in holders:
                    post(holders[holder], f"{case}/slip", {})
                post(self.caseworker, f"{case}/tag", {})
            if (status in CLOSED) != closed:
                post(self.caseworker, *((f"{case}/afgoerelse", REFUSAL) if closed else
                                        (f"{case}/genaabn", {"reason": "Fuzz"})))  # fmt: skip

    def state(self, application_id: int) -> tuple[Status, int | None]:
        with database(self.app).transaction() as session:
            found = session.get(Application, application_id)
            assert found is not None
            return found.status, found.assigned_to_id

    def samples(self, lang: str = "da") -> dict[str, list[str]]:
        """A real value for every URL argument of the map (tests/web/url_map.rules)."""
        return {
            "slug": list(SLUGS.values()), "token": [self.status_token],
            "application_id": [str(i) for i in self.cases.values()],
            "staff_id": [str(self.colleague)], "action": ["laas-op"],
            "event_id": [str(i) for i in self.events[:1]], "code": [lang],
        }  # fmt: skip


@cache
def password_hash() -> str:
    """One argon2 hash for every fuzz staff account: hashing is slow by design."""
    return passwords.hash_password(PASSWORD)


def add_staff(app: Flask, email: str, role: StaffRole = StaffRole.CASEWORKER) -> int:
    with database(app).transaction() as session:
        user = StaffUser(email=email, municipality_code=MUNICIPALITY, role=role,
                         password_hash=password_hash())  # fmt: skip
        session.add(user)
        session.flush()
        return user.id


def staff_persona(app: Flask, name: str, email: str, role: StaffRole) -> Persona:
    persona = Persona(name, app.test_client(), app=app)
    persona.staff_id = add_staff(app, email, role)
    persona.sign_in()
    return persona


def citizen(app: Flask, name: str = "citizen") -> Persona:
    """A visitor without a draft; the token from the staff login, which anyone may open."""
    persona = Persona(name, app.test_client())
    persona.refresh_token("/sagsbehandler/login")
    return persona


def submit_one(app: Flask) -> None:
    client = app.test_client()
    answer_until(client)
    assert submit(client).status_code == 303


def build_world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    # Vejen pulls its events, so the API answers a token and the hand-off page has a queue.
    environ = {f"PORTAL_API_TOKEN_{MUNICIPALITY}": API_TOKEN}
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.from_environ(environ, False))
    applicant = citizen(app, "applicant")
    answer_until(applicant.client, other=True)
    submit(applicant.client)
    receipt = applicant.client.get("/kvittering").get_data(as_text=True)
    status_token = status_links(receipt)[0].rsplit("/", 1)[1]
    applicant.refresh_token("/kvittering")
    submit_one(app)
    submit_one(app)
    with database(app).transaction() as session:
        ids = list(session.scalars(text("SELECT id FROM application ORDER BY id")))
        events = list(session.scalars(text("SELECT id FROM outbox_message ORDER BY id")))
    caseworker = staff_persona(app, "caseworker", "fuzz.sb@vejen.dk", StaffRole.CASEWORKER)
    admin = staff_persona(app, "admin", "fuzz.admin@vejen.dk", StaffRole.ADMIN)
    colleague = add_staff(app, "fuzz.kollega@vejen.dk")
    cases = {"new": ids[0], "taken": ids[1], "decided": ids[2]}
    for case in (cases["taken"], cases["decided"]):
        post(caseworker, f"/sagsbehandler/sag/{case}/tag", {})
    post(caseworker, f"/sagsbehandler/sag/{cases['decided']}/afgoerelse", REFUSAL)
    kill_delivery(app, events[0])
    with database(app).transaction() as session:
        # Switched off (it answered 410 Gone), so the hand-off page offers to switch it on.
        queue.disable_target(session, MUNICIPALITY, "The receiver answered 410 Gone", utcnow())
    api = Persona("api", app.test_client(), headers={"Authorization": f"Bearer {API_TOKEN}"})
    return World(
        app, caseworker, admin, applicant, drafter(app), api, status_token, cases, colleague,
        events,
    )  # fmt: skip


def drafter(app: Flask) -> Persona:
    """A citizen with every question answered, not yet sent."""
    persona = citizen(app, "drafter")
    answer_until(persona.client, other=True)
    return persona


def post(persona: Persona, path: str, data: dict[str, str]) -> None:
    """Post as a browser would: a case action carries its page's count of status changes."""
    case = re.match(r"/sagsbehandler/sag/\d+", path)
    shown = case_fields(persona.client, case.group(0)) if case else {}
    response = persona.client.post(path, data={**shown, **data, "csrf_token": persona.token})
    assert response.status_code == 303, (path, response.status_code)


def kill_delivery(app: Flask, message_id: int) -> None:
    """A delivery the worker gave up on, so the hand-off page offers "send again"."""
    with database(app).transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(
                state=OutboxState.DEAD, attempts=14, last_error="The receiver answered 500",
                next_attempt_at=utcnow() - timedelta(hours=1),
                give_up_at=utcnow() - timedelta(hours=1),
            )
        )  # fmt: skip


def second_factor(app: Flask, monkeypatch: pytest.MonkeyPatch, enrolled: bool) -> Persona:
    """A caseworker halfway through a login where a second factor is required: the password
    taken, the code form waiting, to set up the app (/login/opsaet) or, `enrolled`, for a
    code from it (/login/kode)."""
    monkeypatch.setitem(app.config, "STAFF_TOTP_REQUIRED", True)
    email = f"fuzz.totp{int(enrolled)}@vejen.dk"
    add_staff(app, email)
    persona = citizen(app, "second-factor")
    if enrolled:
        password_step(persona, email)
        html = persona.client.get(ENROL).get_data(as_text=True)
        secret = re.search(r'<code class="break-all">([A-Z2-7]+)</code>', html)
        assert secret, "no secret on the enrolment page"
        token = TOKEN.search(html).group(1)  # type: ignore[union-attr]
        code = pyotp.TOTP(secret.group(1)).now()
        done = persona.client.post(ENROL, data={"code": code, "csrf_token": token})
        assert done.status_code == 303, done.status_code
        persona.client = app.test_client()
        persona.refresh_token("/sagsbehandler/login")
    where = password_step(persona, email)
    persona.refresh_token(where)
    return persona


def password_step(persona: Persona, email: str) -> str:
    response = persona.client.post(
        "/sagsbehandler/login",
        data={"email": email, "password": PASSWORD, "csrf_token": persona.token},
    )
    where = response.headers.get("Location", "")
    assert where.startswith("/sagsbehandler/login/"), (response.status_code, where)
    return where
