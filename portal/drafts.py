"""A citizen's draft by its key, one statement each: the question pages' hot path.

Every question page reads the draft and every answer writes it. Through the ORM that is an
identity-map load of the whole row (about a quarter of a question page's time); here it is one
keyed SELECT of the two columns the page needs, and one keyed UPDATE. Creating, deleting and
purging drafts stay in portal.db.drafts, which also holds the 30-day rule both share.

Pure SQLAlchemy Core on the caller's connection (the request's transaction), no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from portal.db.drafts import DRAFT_MAX_AGE
from portal.db.fast_read import FastRead
from portal.db.models import Draft, utcnow

# A draft id is 32 characters (secrets.token_urlsafe(24)); anything much longer is not one.
LONGEST_ID = 48

# Built once: making a statement costs several times what running a cached one does.
_READ = select(Draft.answers_enc).where(
    Draft.id == bindparam("draft_id"), Draft.updated_at >= bindparam("cutoff")
)
_FAST_READ = FastRead(_READ)
_STORE = (
    update(Draft)
    .where(Draft.id == bindparam("draft_id"))
    .values(answers_enc=bindparam("answers_enc"), updated_at=bindparam("now"))
)
_STORE_IF = _STORE.where(Draft.answers_enc == bindparam("expected"))
_DISCARD = delete(Draft).where(Draft.id == bindparam("draft_id"))


@dataclass(frozen=True)
class StoredDraft:
    id: str
    answers_enc: str


def read_draft(
    conn: Connection | Engine, draft_id: object, now: datetime | None = None
) -> StoredDraft | None:
    """The draft's encrypted answers, unless it is unknown or older than the 30 days it is kept.

    On the Engine: a read of its own on a pooled connection, the cheapest there is (every
    question page, which saves with store_answers(expected=...) over what it read). On a
    Connection: in that connection's transaction (a save re-reading a draft another tab
    changed, the submit's read session)."""
    if not isinstance(draft_id, str) or not draft_id or len(draft_id) > LONGEST_ID:
        return None
    params = {"draft_id": draft_id, "cutoff": (now or utcnow()) - DRAFT_MAX_AGE}
    if isinstance(conn, Engine):
        row = _FAST_READ.first(conn, params)
        answers_enc = None if row is None else row[0]
    else:
        answers_enc = conn.scalar(_READ, params)
    return None if answers_enc is None else StoredDraft(draft_id, answers_enc)


def store_answers(
    conn: Connection, draft_id: str, answers_enc: str, expected: str | None = None
) -> bool:
    """Replace the draft's answers; False when it is gone (deleted or purged meanwhile), or,
    given `expected`, when it no longer holds that (another tab saved since it was read)."""
    params = {"draft_id": draft_id, "answers_enc": answers_enc, "now": utcnow()}
    if expected is None:
        return bool(conn.execute(_STORE, params).rowcount)
    return bool(conn.execute(_STORE_IF, {**params, "expected": expected}).rowcount)


def discard_draft(conn: Connection, draft_id: str) -> None:
    """Delete the draft: nothing is kept for someone who cannot apply here."""
    conn.execute(_DISCARD, {"draft_id": draft_id})
