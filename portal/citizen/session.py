"""The citizen's draft in this browser: the cookie holds its id and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Connection

from portal import drafts as keyed
from portal import journey
from portal.db import drafts
from portal.db.models import Channel, Draft
from portal.identity import Citizen
from portal.identity.prefill import with_login
from portal.web import db, metrics
from portal.web.citizen_login import current_citizen
from portal.web.questions import DRAFT_KEY
from portal.web.services import cipher, standards

PRESELECTED_KEY = "kommune"
RESUME_SALT = "portal.resume-link"


def current_draft() -> Draft | None:
    return drafts.get_draft(db.session(), session.get(DRAFT_KEY))


def current_stored() -> keyed.StoredDraft | None:
    """The draft as committed, read on its own (one keyed read on a pooled connection, no
    transaction): a page that saves then writes only over what it read (save_answers), so
    SQLite's one write lock is not taken while the answer is being checked."""
    draft_id = session.get(DRAFT_KEY)
    if draft_id is None:
        return None
    return keyed.read_draft(db.database().engine, draft_id)


def load_answers(draft: Draft | keyed.StoredDraft | None) -> dict[str, dict[str, Any]]:
    answers = dict(cipher().decrypt(draft.answers_enc)) if draft is not None else {}
    preselected = session.get(PRESELECTED_KEY)
    if preselected in standards() and "municipality" not in answers:
        # A municipality's own link (/?kommune=265) answers the question in advance.
        answers["municipality"] = {"municipality": preselected}
    return with_login(answers, login())


def login() -> Citizen | None:
    """The logged-in citizen, read once per request (every read and save of the answers
    asks): the answers always agree with the login, and without one carry nothing from it."""
    if "citizen_of_request" not in g:
        g.citizen_of_request = current_citizen()
    found: Citizen | None = g.citizen_of_request
    return found


Change = Callable[[dict[str, Any]], dict[str, Any]]


def save_answers(
    draft: keyed.StoredDraft | None, before: dict[str, Any], change: Change
) -> dict[str, Any]:
    """Save `change` applied to the answers `before` (the draft as this request read it) in the
    request's write transaction (its first statement begins it), and return what was saved;
    creates the draft on the first answer. If another tab has saved the draft since, `change`
    is applied to what it holds now, so neither tab's answer is lost."""
    answers = change(before)
    conn = db.session().connection()
    if draft is not None:
        if _store(conn, draft.id, answers, expected=draft.answers_enc):
            return answers
        now = keyed.read_draft(conn, draft.id)
        if now is not None:
            rebased = change(load_answers(now))
            if _store(conn, draft.id, rebased):
                return rebased
    # The first answer, or a draft deleted since this request read it: a new one.
    created = drafts.create_draft(db.session(), cipher(), Channel.WEB)
    drafts.write_answers(db.session(), cipher(), created, with_login(answers, login()))
    session[DRAFT_KEY] = created.id
    session.pop(PRESELECTED_KEY, None)
    return answers


def _store(conn: Connection, draft_id: str, answers: dict[str, Any], **check: Any) -> bool:
    # A changed "who" drops the login's identity before it is stored as the other person's.
    answers = with_login(answers, login())
    if not keyed.store_answers(conn, draft_id, cipher().encrypt(answers), **check):
        return False
    # A caseworker's registration keeps its channel in the answers (journey.REGISTRATION).
    channel = answers.get(journey.REGISTRATION, {}).get("channel", Channel.WEB.value)
    metrics.note_draft_saved(db.session(), draft_id, channel)
    session.pop(PRESELECTED_KEY, None)
    return True


def forget_draft() -> None:
    session.pop(DRAFT_KEY, None)
    session.pop(PRESELECTED_KEY, None)


def resume_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESUME_SALT)


def resume_token(draft: Draft) -> str:
    return resume_serializer().dumps(draft.id)


def draft_from_resume_token(token: str) -> Draft | None:
    try:
        draft_id = resume_serializer().loads(
            token, max_age=int(drafts.DRAFT_MAX_AGE.total_seconds())
        )
    except (BadSignature, SignatureExpired):
        return None
    return drafts.get_draft(db.session(), draft_id if isinstance(draft_id, str) else None)
