"""A few mails a day per draft or application, and per address: kept in the database.

A visitor can make the portal send mail: the "continue later" link, the receipt's status
link. Unlimited, that is a spam relay with the municipality's name on it. Each such mail
takes one unit from two counters, one for the draft or application it is about and one for
the address it goes to; when either is used up the mail is refused and neither is counted.

The counters live in the database, so every app server sees the same ones. Taking a unit is
one conditional UPDATE (`... WHERE sent < limit OR the window has passed`) that either changes
the row or does not, the same idiom as claiming a case: PostgreSQL re-checks the condition
after a competing transaction commits, and SQLite runs one writer at a time, so two servers
never both take the last unit. A counter's window starts with its first mail and lasts a day;
the first mail after it starts a new one. Expired counters are deleted as new ones are taken.

Counters are keyed by a keyed HMAC (PORTAL_INDEX_KEY, as the CPR index) of what they count:
the table never holds an address or a draft's id. The address is lower-cased and a "+tag"
in its local part dropped first, so `navn+1@…` and `navn+2@…` share one counter.

No Flask here: callers pass the session and the cipher, and commit before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.crypto import DataCipher
from portal.db.models import MailQuota, utcnow

WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    per_case: int = 3  # mails about one draft or one application
    per_address: int = 5  # mails to one address, whatever they are about
    window: timedelta = WINDOW


class MailLimitReached(Exception):
    """No more mail about this draft or application, or to this address, for now."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__("mail limit reached")
        self.retry_after = retry_after


def address_key(address: str) -> str:
    local, at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}" if at else domain


def take(
    session: Session,
    cipher: DataCipher,
    *,
    case_id: str,
    address: str,
    limits: Limits,
    now: datetime | None = None,
) -> None:
    """Count one mail about `case_id` (e.g. "draft:…", "application:…") to `address`, or raise
    MailLimitReached. Run it in a write transaction of its own and commit it before sending:
    on MailLimitReached the caller's rollback undoes a unit taken from the first counter."""
    now = now or utcnow()
    session.execute(delete(MailQuota).where(MailQuota.window_start <= now - limits.window))
    counters = (
        (cipher.index(f"mail-case:{case_id}"), limits.per_case),
        (cipher.index(f"mail-address:{address_key(address)}"), limits.per_address),
    )
    for key, limit in counters:
        if not _take_one(session, key, limit, now, limits.window):
            started = session.scalar(
                select(MailQuota.window_start).where(MailQuota.key_digest == key)
            )
            raise MailLimitReached((started or now) + limits.window - now)


def _take_one(session: Session, key: str, limit: int, now: datetime, window: timedelta) -> bool:
    _insert_if_missing(session, key, now)
    expired = MailQuota.window_start <= now - window
    result = session.execute(
        update(MailQuota)
        .where(MailQuota.key_digest == key, or_(expired, MailQuota.sent < limit))
        .values(
            sent=case((expired, 1), else_=MailQuota.sent + 1),
            window_start=case((expired, now), else_=MailQuota.window_start),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _insert_if_missing(session: Session, key: str, now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(MailQuota)
        .values(key_digest=key, window_start=now, sent=0)
        .on_conflict_do_nothing(index_elements=[MailQuota.key_digest])
    )
