"""Data access for citizens' MitID logins: one row per login, kept on the server.

The browser holds a random handle (in the signed session cookie) and nothing else of the
login; the row is found by the handle's SHA-256 digest, so the table alone opens no session.
The citizen (CPR number, name, level, whom they may act for) and the provider's ID token
(needed for the provider's logout, and as personal as the citizen) are encrypted like all
personal data at rest. No Flask here: portal.web.citizen_login passes the request's facts in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.crypto import DataCipher, DecryptionError
from portal.db.models import CitizenLogin
from portal.identity import Citizen, LevelOfAssurance

# Idle: an hour without a page. The answers are saved at every step, so a login that runs out
# costs a new login, never an answer; an hour is room to read, think and ask someone before
# answering, and still ends a login left open on a shared computer the same afternoon.
# Absolute: eight hours, a working day as for staff (portal.staff_auth): a stolen cookie is
# worth no more than that, and a row is never kept longer (purge_citizen_logins).
IDLE_TIMEOUT = timedelta(hours=1)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
# A handle is 43 characters (32 random bytes); anything much longer is not one of ours.
MAX_HANDLE_LENGTH = 100


def digest(handle: str) -> str:
    return hashlib.sha256(handle.encode()).hexdigest()


def open_login(
    session: Session, cipher: DataCipher, citizen: Citizen, id_token: str, now: datetime
) -> str:
    """Store the login; returns the new handle for the browser (never stored)."""
    handle = secrets.token_urlsafe(32)
    session.add(
        CitizenLogin(
            id=digest(handle),
            created_at=now,
            expires_at=now + ABSOLUTE_TIMEOUT,
            citizen_enc=cipher.encrypt(_citizen_to_json(citizen)),
            id_token_enc=cipher.encrypt(id_token),
        )
    )
    session.flush()
    return handle


def find_login(
    session: Session, cipher: DataCipher, handle: object, now: datetime
) -> Citizen | None:
    """The citizen of a live login, or None (no handle, unknown, past its 8 hours, or
    unreadable). The idle clock is the caller's: it lives in the signed cookie."""
    row = _row(session, handle)
    if row is None or row.expires_at <= now:
        return None
    try:
        return _citizen_from_json(cipher.decrypt(row.citizen_enc))
    except (DecryptionError, KeyError, TypeError, ValueError):
        return None


def end_login(session: Session, cipher: DataCipher, handle: object) -> str | None:
    """Delete the login; returns its ID token for the provider's logout (None when there was
    no such login, or its token cannot be read)."""
    row = _row(session, handle)
    if row is None:
        return None
    try:
        token = cipher.decrypt(row.id_token_enc)
    except DecryptionError:
        token = None
    session.delete(row)
    session.flush()
    return token if isinstance(token, str) else None


def purge_citizen_logins(session: Session, now: datetime) -> int:
    """Delete every login past its absolute expiry; returns how many went. For portal.retention:
    nothing of a login is kept once it can no longer be used."""
    result = session.execute(delete(CitizenLogin).where(CitizenLogin.expires_at <= now))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _row(session: Session, handle: object) -> CitizenLogin | None:
    if not isinstance(handle, str) or not handle or len(handle) > MAX_HANDLE_LENGTH:
        return None
    return session.get(CitizenLogin, digest(handle))


def _citizen_to_json(citizen: Citizen) -> dict[str, Any]:
    return {
        "cpr": citizen.cpr,
        "name": citizen.name,
        "loa": citizen.loa.name,
        "may_act_for": list(citizen.may_act_for),
    }


def _citizen_from_json(data: Any) -> Citizen:
    return Citizen(
        cpr=str(data["cpr"]),
        name=str(data["name"]),
        loa=LevelOfAssurance[data["loa"]],
        may_act_for=tuple(str(cpr) for cpr in data["may_act_for"]),
    )
