"""Citizens and caseworkers driving the served portal over HTTP, as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyotp
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from portal import passwords
from portal.crypto import DataCipher
from portal.db.models import StaffRole, StaffUser
from tests.fault.server import Answer, Browser, Unanswered
from tests.web.journey import ANSWERS

REFERENCE_RE = re.compile(r"AS-\d{4}-\d{6}")
PASSWORD = "en lang og sikker adgangskode til fejltest"
# What a citizen may be told while the database is away: the submit's own 503 page.
NOT_SENT = "Ansøgningen er ikke sendt endnu"
BUSY = "Der er travlt lige nu"


@dataclass
class Citizen:
    """One applicant with a CPR number of their own: born on one of 336 days of 1990, with
    serial numbers from 1000 (the 7th digit puts a 90 birth year in the 1900s up to 3999)."""

    number: int
    browser: Browser
    receipts: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)

    @property
    def born(self) -> tuple[int, int]:
        return 1 + self.number % 28, 1 + self.number // 28 % 12

    @property
    def cpr(self) -> str:
        day, month = self.born
        return f"{day:02d}{month:02d}90-{1000 + self.number // 336:04d}"

    def answers(self) -> dict[str, dict[str, Any]]:
        day, month = self.born
        age = {"birth_date-day": str(day), "birth_date-month": str(month),
               "birth_date-year": "1990"}  # fmt: skip
        own = {"full_name": f"Borger {self.number}", "cpr": self.cpr}
        return {**ANSWERS, "/ansoeg/alder": age, "/ansoeg/navn-og-cpr": own}

    def steps(self) -> Iterator[None]:
        """Answer one question a step (a GET and a POST), up to the check page."""
        answers = self.answers()
        location = self.browser.get("/ansoeg").location
        while location in answers:
            page = self.browser.get(location)
            sent = self.browser.post(location, {**answers[location], "csrf_token": page.token()})
            assert sent.status == 303, (location, sent.status)
            location = sent.location
            yield
        assert location == "/ansoeg/tjek", location

    def prepare(self) -> None:
        for _ in self.steps():
            pass

    def submit(self) -> str:
        """Confirm and send; the outcome in a word: receipt, not sent (the 503 page), no answer
        (the connection was cut), or the unexpected status."""
        try:
            page = self.browser.get("/ansoeg/tjek")
            if page.status == 303 and page.location == "/kvittering":
                return self._outcome(self._read_receipt())  # sent by an earlier, cut-off try
            if page.status != 200:
                return self._outcome(self._refusal(page))
            sent = self.browser.post("/ansoeg/tjek", {"confirm": "y", "csrf_token": page.token()})
            if sent.status == 303 and sent.location == "/kvittering":
                return self._outcome(self._read_receipt())
            return self._outcome(self._refusal(sent))
        except Unanswered:
            return self._outcome("no answer")

    def _read_receipt(self) -> str:
        receipt = self.browser.get("/kvittering")
        found = REFERENCE_RE.search(receipt.body) if receipt.status == 200 else None
        if found is None:
            return self._refusal(receipt)
        self.receipts.append(found.group(0))
        return "receipt"

    @staticmethod
    def _refusal(answer: Answer) -> str:
        clean = answer.status == 503 and "Retry-After" in answer.headers
        if clean and (NOT_SENT in answer.body or BUSY in answer.body):
            return "not sent"
        return f"status {answer.status}"

    def _outcome(self, outcome: str) -> str:
        self.outcomes.append(outcome)
        return outcome


@dataclass
class Caseworker:
    browser: Browser
    email: str
    secret: str

    def login(self) -> None:
        page = self.browser.get("/sagsbehandler/login")
        form = {"email": self.email, "password": PASSWORD, "csrf_token": page.token()}
        first = self.browser.post("/sagsbehandler/login", form)
        assert first.status == 303 and first.location.startswith("/sagsbehandler/login/kode"), (
            first.status
        )
        code_page = self.browser.get("/sagsbehandler/login/kode")
        code = {"code": pyotp.TOTP(self.secret).now(), "csrf_token": code_page.token()}
        second = self.browser.post("/sagsbehandler/login/kode", code)
        assert second.status == 303, second.status

    def token(self) -> str:
        return self.browser.get("/sagsbehandler/").token()

    def claim_next(self, token: str) -> Answer:
        return self.browser.post("/sagsbehandler/tag-naeste", {"csrf_token": token})

    def note(self, application_id: int, text: str, token: str) -> Answer:
        path = f"/sagsbehandler/sag/{application_id}/note"
        return self.browser.post(path, {"text": text, "csrf_token": token})


def make_caseworkers(
    database_url: str, cipher: DataCipher, port: int, municipality: str, count: int
) -> list[Caseworker]:
    """Accounts with a second factor enrolled (production requires one), not yet logged in."""
    engine = create_engine(database_url)
    made = []
    try:
        with Session(engine) as session, session.begin():
            for n in range(count):
                secret = pyotp.random_base32()
                email = f"sagsbehandler{n}@fejltest.dk"
                session.add(StaffUser(
                    email=email, municipality_code=municipality, role=StaffRole.CASEWORKER,
                    password_hash=passwords.hash_password(PASSWORD),
                    totp_secret_enc=cipher.encrypt(secret),
                ))  # fmt: skip
                made.append(Caseworker(Browser(port), email, secret))
    finally:
        engine.dispose()
    return made
