"""Staff accounts, logins and sessions. No Flask: the web layer passes in the request's facts.

One message for every refused login (unknown e-mail, wrong password, locked, inactive), so
the answer tells an attacker nothing; the reason is logged for the municipality instead. A
wrong password and a wrong second-factor code count alike: the fifth in a row locks the
account for 15 minutes. Accounts are made, listed and changed here, for the CLI and the admin
page alike.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import passwords, totp
from portal.crypto import DataCipher
from portal.db.models import LoginFailure, StaffRole, StaffSession, StaffUser

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
ADDRESS_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 20
IDLE_TIMEOUT = timedelta(minutes=15)
ABSOLUTE_TIMEOUT = timedelta(hours=8)


@cache
def _dummy_hash() -> str:
    # Verifying against a real hash even for unknown users keeps the answer time the same.
    return passwords.hash_password("not-a-real-password-just-for-timing")


class LoginRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # for the log, never for the page


class TooManyAttempts(LoginRefused):
    pass


class StaffExists(Exception):
    """Another account has this e-mail address (perhaps created a moment ago, elsewhere)."""


@dataclass(frozen=True)
class OpenedSession:
    token: str
    staff: StaffUser


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_staff(
    session: Session, email: str, municipality_code: str, role: StaffRole, password: str,
    issued: bool = False,
) -> StaffUser:  # fmt: skip
    """Create a caseworker or admin; the one place staff accounts are made (CLI and admin page).
    `issued`: someone else made the password (an admin), so it is changed at the first login.

    Raises StaffExists when the e-mail is taken, also when another transaction takes it between
    the look-up and the insert: the unique constraint decides, inside a savepoint, so the
    caller's transaction stays usable. Raises passwords.WeakPasswordError for a weak password.
    """
    email = email.strip().lower()
    password_hash = passwords.hash_password(password)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise StaffExists(email)
    user = StaffUser(
        email=email,
        municipality_code=municipality_code,
        role=role,
        password_hash=password_hash,
        must_change_password=issued,
    )
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError as err:
        if not _is_email_taken(err):
            raise
        raise StaffExists(email) from None
    return user


def _is_email_taken(err: IntegrityError) -> bool:
    # PostgreSQL names the constraint (uq_staff_user_email, from the naming convention);
    # SQLite names the column.
    constraint = getattr(getattr(err.orig, "diag", None), "constraint_name", None)
    return constraint == "uq_staff_user_email" or "staff_user.email" in str(err.orig)


@dataclass(frozen=True)
class PasswordCheck:
    """What the slow part of a login found (argon2 takes tens of milliseconds), found before
    any write transaction begins: on SQLite a write holds the one write lock, and no login
    should make every other writer wait for its password check."""

    user_id: int | None
    checked_hash: str | None  # the hash the password was checked against
    matches: bool
    new_hash: str | None = None  # the password under today's parameters, when they changed


def check_password(
    session: Session, email: str, password: str, address_digest: str, now: datetime
) -> PasswordCheck:
    """Reads only. Raises TooManyAttempts when the address has failed too often."""
    recent = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.address_digest == address_digest, LoginFailure.at > now - ADDRESS_WINDOW
        )
    )
    if (recent or 0) >= MAX_FAILURES_PER_ADDRESS:
        raise TooManyAttempts("too many failures from this address")
    user = session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None:
        passwords.verify(_dummy_hash(), password)
        return PasswordCheck(None, None, matches=False)
    matches = passwords.verify(user.password_hash, password)
    rehashed = passwords.rehash(password) if matches and passwords.needs_rehash(
        user.password_hash
    ) else None  # fmt: skip
    return PasswordCheck(user.id, user.password_hash, matches, rehashed)


def settle_login(
    session: Session, check: PasswordCheck, address_digest: str, now: datetime
) -> StaffUser:
    """In the write transaction: count the failure or start the count over. The account is
    read again here, so a lock or a new password set since the check decides."""
    # Failures older than the window no longer count; dropping them here keeps the table
    # to the last 15 minutes without a separate clean-up job.
    forget_old_failures(session, now)
    user = session.get(StaffUser, check.user_id) if check.user_id is not None else None
    if user is None:
        return _refuse(session, None, address_digest, now, "unknown e-mail")
    if is_locked(user, now):
        return _refuse(session, None, address_digest, now, "account locked")
    if not check.matches or user.password_hash != check.checked_hash:
        return _refuse(session, user, address_digest, now, "wrong password")
    if not user.is_active:
        return _refuse(session, None, address_digest, now, "account deactivated")
    user.failed_logins = 0
    user.locked_until = None
    if check.new_hash is not None:
        user.password_hash = check.new_hash
    return user


def authenticate(
    session: Session, email: str, password: str, address_digest: str, now: datetime
) -> StaffUser:
    """Both steps in one session (the CLI and tests); the login page runs them apart."""
    check = check_password(session, email, password, address_digest, now)
    return settle_login(session, check, address_digest, now)


def _refuse(
    session: Session, user: StaffUser | None, address_digest: str, now: datetime, reason: str
) -> StaffUser:
    session.add(LoginFailure(at=now, address_digest=address_digest))
    if user is not None and count_failure(user, now):
        reason += "; account locked for 15 minutes"
    session.flush()
    raise LoginRefused(reason)


def count_failure(user: StaffUser, now: datetime) -> bool:
    """One more failed login in a row; True when it locks the account."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCK_TIME
        return True
    return False


def check_code(cipher: DataCipher, user: StaffUser, code: str, now: datetime) -> bool:
    """The second factor, after the password: a right code, not used before, from an active
    account. A wrong one counts as a failed login (see is_locked)."""
    if user.is_active and totp.verify(cipher, user, code, now):
        return True
    count_failure(user, now)
    return False


def start_enrolment(cipher: DataCipher, user: StaffUser) -> None:
    """A new second-factor secret, kept aside until the user proves their app has it."""
    user.totp_pending_enc = cipher.encrypt(totp.new_secret())


def is_locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def open_session(session: Session, staff: StaffUser, now: datetime) -> OpenedSession:
    """Every factor has passed: the count of failed logins starts over."""
    staff.failed_logins = 0
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(id=digest(token), staff_id=staff.id, created_at=now,
                             expires_at=now + ABSOLUTE_TIMEOUT))  # fmt: skip
    session.flush()
    return OpenedSession(token, staff)


def current_staff(session: Session, token: str | None, now: datetime) -> StaffUser | None:
    """The staff user of a live session: not revoked, not past 8 hours, user still active."""
    if not token or len(token) > 100:
        return None
    row = session.get(StaffSession, digest(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    staff = session.get(StaffUser, row.staff_id)
    return staff if staff is not None and staff.is_active else None


def revoke(session: Session, token: str | None, now: datetime) -> None:
    if token:
        session.execute(
            update(StaffSession).where(StaffSession.id == digest(token)).values(revoked_at=now)
        )


def revoke_all(session: Session, staff_id: int, now: datetime) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def forget_old_failures(session: Session, now: datetime) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - ADDRESS_WINDOW))


# -- the municipality's accounts, for its admin ---------------------------------------------


# `portal demo-data` (development only) makes its accounts under this reserved domain (RFC
# 2606: it never receives mail); the e-mail rule of the admin page and of `portal
# create-staff` refuses it, so no other account has it.
DEMO_DOMAIN = "@demo.invalid"


def active_demo_accounts(session: Session) -> list[StaffUser]:
    """The demo accounts that can still log in. A production portal must have none: their
    passwords were printed on a developer's terminal (portal.cli_staff refuses to serve)."""
    return list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.email.endswith(DEMO_DOMAIN), StaffUser.is_active.is_(True))
            .order_by(StaffUser.email)
        )
    )


def staff_by_id(session: Session, staff_id: int) -> StaffUser | None:
    return session.get(StaffUser, staff_id)


def list_staff(session: Session, municipality: str) -> list[StaffUser]:
    return list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.municipality_code == municipality)
            .order_by(StaffUser.email)
        )
    )


def get_staff(session: Session, municipality: str, staff_id: int) -> StaffUser | None:
    """One of the municipality's accounts; another municipality's is not found."""
    user = session.get(StaffUser, staff_id)
    return user if user is not None and user.municipality_code == municipality else None


# An admin's change to an account: the new password where it makes one, else None.
AccountChange = Callable[[Session, StaffUser, datetime], str | None]


def deactivate(session: Session, user: StaffUser, now: datetime) -> None:
    """Logged out everywhere at once, and no new login until reactivated."""
    user.is_active = False
    revoke_all(session, user.id, now)
    session.flush()


def reactivate(session: Session, user: StaffUser, now: datetime) -> None:
    user.is_active = True
    session.flush()


def reset_password(session: Session, user: StaffUser, now: datetime) -> str:
    """A new generated password, shown once to the admin; every open session ends."""
    password = passwords.generate()
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = True
    unlock(session, user, now)
    revoke_all(session, user.id, now)
    session.flush()
    return password


def reset_authenticator(session: Session, user: StaffUser, now: datetime) -> None:
    """For a lost or replaced phone: the second-factor secret is forgotten, so the next login
    sets up an app again. Every open session ends, since the phone may be in someone's hands."""
    user.totp_secret_enc = None
    user.totp_pending_enc = None
    user.totp_last_step = None
    revoke_all(session, user.id, now)
    session.flush()


class WrongPassword(Exception):
    """The current password given to change it was wrong (counted as a failed login)."""


def change_password(
    session: Session, user: StaffUser, current: str, new: str, now: datetime
) -> None:
    """The staff member's own new password, in place of the current one (perhaps one an admin
    made and saw). A wrong current password counts as a failed login, so this page is no way
    round the lock; the caller checks the new one's strength and that it is new."""
    if is_locked(user, now) or not passwords.verify(user.password_hash, current):
        count_failure(user, now)
        session.flush()
        raise WrongPassword
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    user.failed_logins = 0
    session.flush()


def unlock(session: Session, user: StaffUser, now: datetime) -> None:
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
