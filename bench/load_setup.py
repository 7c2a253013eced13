"""What the load benchmark prepares before it measures: a production environment, a schema,
citizens' sessions with drafts answered up to a page, a caseworker's session, and the request
files bench/load.lua sends.

Sessions are made in-process with the same keys the servers get (the signed Flask cookie holds
only the draft's id and the CSRF secret), so thousands of citizens cost a bulk insert instead
of thousands of journeys; one journey through the real app gives the answers they start from.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, session
from flask_wtf.csrf import generate_csrf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# PORTAL_CODE: another checkout's portal to measure (a worktree of the commit before a change),
# for this process and the servers alike; the benchmark's own files stay these.
CODE = os.environ.get("PORTAL_CODE")
if CODE:
    sys.path.insert(0, CODE)

from portal import create_app, journey  # noqa: E402
from portal.db import drafts, migrate  # noqa: E402
from portal.db.models import Channel, StaffRole  # noqa: E402
from portal.web.db import database  # noqa: E402
from portal.web.services import cipher  # noqa: E402

HOST = "ansoeg.bench.test"
BASE_URL = f"https://{HOST}"
MUNICIPALITY = "575"
# The journey's answers as the forms post them (tests/web/journey.py holds the same shape).
POSTED = {
    "who": {"who": "self"},
    "municipality": {"municipality": MUNICIPALITY},
    "difficulties": {"difficulties": ["mental"]},
}


def production_env(folder: Path) -> dict[str, str]:
    """The variables a production install sets (README, Configuration), with fresh keys."""
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATA_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "PORTAL_INDEX_KEY": secrets.token_urlsafe(48),
        "TRUSTED_HOSTS": HOST,
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "PORTAL_LOG_LEVEL": "INFO",
    }


def portal_app(env: Mapping[str, str], url: str) -> Flask:
    """The app as a server process builds it, on `url`, schema migrated."""
    os.environ.update(env)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    # This process only prepares; its own request lines would bury the figures.
    logging.getLogger("portal").setLevel(logging.WARNING)
    migrate.upgrade(database(app).engine)
    return app


def full_answers(app: Flask) -> dict[str, Any]:
    """One citizen's answers up to the check page, made through the real app."""
    from tests.web.journey import answer_until

    client = app.test_client()
    # As nginx forwards a request (deploy/nginx/portal.conf); the app trusts one proxy.
    client.environ_base.update(
        HTTP_X_FORWARDED_HOST=HOST,
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_FOR="127.0.0.1",
        HTTP_REFERER=BASE_URL + "/",
    )
    location = answer_until(client, **{"/ansoeg/kommune": {"municipality": MUNICIPALITY}})
    assert location == "/ansoeg/tjek", location
    with app.app_context():
        sess = database(app).read_session()
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert cookie is not None
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        draft = drafts.get_draft(sess, data["draft"])
        assert draft is not None
        answers = drafts.read_answers(cipher(), draft)
        sess.close()
    return answers


def answers_before(answers: Mapping[str, Any], step_id: str) -> dict[str, Any]:
    """The answers a citizen has when `step_id` is the next page (every step before it)."""
    ids = [step.id for step in journey.STEPS]
    return {k: v for k, v in answers.items() if ids.index(k) < ids.index(step_id)}


@dataclass(frozen=True)
class Citizen:
    cookie: str
    csrf: str
    draft_id: str


def make_drafts(app: Flask, answers: Mapping[str, Any], count: int) -> list[str]:
    """`count` drafts holding `answers`, each of another person (CPR number): one person's
    many applications would make every queue row list all the others as duplicates."""
    with app.app_context():
        data = cipher()
        with database(app).transaction() as sess:
            made = [drafts.create_draft(sess, data, Channel.WEB) for _ in range(count)]
            for draft in made:
                draft.answers_enc = data.encrypt(another_person(answers))
            return [d.id for d in made]


def another_person(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with a random CPR number for the same birth date (01-01-1990: the 7th
    digit 0-3 keeps the century)."""
    if "identity" not in answers:
        return dict(answers)
    cpr = f"010190-{secrets.randbelow(4000):04d}"
    return {**answers, "identity": {**answers["identity"], "cpr": cpr}}


def mint_cookie(app: Flask, values: Mapping[str, Any]) -> tuple[str, str]:
    """A signed session cookie holding `values` and a CSRF secret, and that secret's token."""
    with app.test_request_context(base_url=BASE_URL):
        token = generate_csrf()
        session.update(values)
        value = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return f"{app.config['SESSION_COOKIE_NAME']}={value}", token


def citizens(app: Flask, answers: Mapping[str, Any], count: int) -> list[Citizen]:
    out = []
    for draft_id in make_drafts(app, answers, count):
        cookie, token = mint_cookie(app, {"draft": draft_id})
        out.append(Citizen(cookie, token, draft_id))
    return out


def caseworker_cookie(app: Flask) -> str:
    """A logged-in caseworker of MUNICIPALITY: the session row made as the login makes it."""
    from portal import staff_auth
    from portal.db.models import utcnow

    email = f"bench-{secrets.token_hex(4)}@{HOST}"
    with app.app_context(), database(app).transaction() as sess:
        staff = staff_auth.create_staff(
            sess, email, MUNICIPALITY, StaffRole.CASEWORKER, secrets.token_urlsafe(24)
        )
        sess.flush()
        token = staff_auth.open_session(sess, staff, utcnow()).token
    session_cookie, _token = mint_cookie(app, {"staff_seen": int(time.time())})
    return f"{session_cookie}; portal_staff={token}"


def write_requests(path: Path, lines: Iterable[tuple[str, str, str | None, str | None]]) -> int:
    """The file bench/load.lua reads: METHOD, PATH, COOKIE, BODY, tab-separated."""
    n = 0
    with path.open("w") as out:
        for method, target, cookie, body in lines:
            out.write(f"{method}\t{target}\t{cookie or '-'}\t{body or '-'}\n")
            n += 1
    return n


def form_body(citizen: Citizen, values: Mapping[str, Any]) -> str:
    return urlencode({**values, "csrf_token": citizen.csrf}, doseq=True)
