"""Data access for drafts: answers kept server-side, encrypted, until submit or purge."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.crypto import DataCipher
from portal.db.models import Channel, Draft, utcnow

DRAFT_MAX_AGE = timedelta(days=30)


def new_draft_id() -> str:
    return secrets.token_urlsafe(24)


def create_draft(session: Session, cipher: DataCipher, channel: Channel = Channel.WEB) -> Draft:
    draft = Draft(id=new_draft_id(), answers_enc=cipher.encrypt({}), channel=channel)
    session.add(draft)
    session.flush()
    return draft


def get_draft(session: Session, draft_id: str | None, now: datetime | None = None) -> Draft | None:
    """The draft, unless it is unknown or older than the 30 days it is kept."""
    if not draft_id or len(draft_id) > 48:
        return None
    draft = session.get(Draft, draft_id)
    if draft is None:
        return None
    if draft.updated_at < (now or utcnow()) - DRAFT_MAX_AGE:
        return None
    return draft


def read_answers(cipher: DataCipher, draft: Draft) -> dict[str, dict[str, Any]]:
    return dict(cipher.decrypt(draft.answers_enc))


def write_answers(
    session: Session, cipher: DataCipher, draft: Draft, answers: Mapping[str, Any]
) -> None:
    draft.answers_enc = cipher.encrypt(dict(answers))
    draft.updated_at = utcnow()
    session.flush()


def delete_draft(session: Session, draft: Draft) -> None:
    session.delete(draft)
    session.flush()


def purge_drafts(session: Session, now: datetime | None = None) -> int:
    """Delete drafts untouched for 30 days; returns how many went."""
    cutoff = (now or utcnow()) - DRAFT_MAX_AGE
    # One DELETE, counted by what it deleted: two purges at once never count a draft twice.
    result = session.execute(delete(Draft).where(Draft.updated_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
