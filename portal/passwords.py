"""Staff passwords: argon2id hashes, a minimum length and a refusal of common passwords.

A password an admin made (a new account, a reset) has been seen by the admin, so its holder
must choose their own at the next login. Its hash says so with a prefix (as Django marks an
unusable password with "!"): the mark cannot outlive the password, since any new hash drops it.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12

# The most common passwords of at least MIN_LENGTH characters in public breach lists, plus
# Danish favourites; a short list is enough because the length rule does most of the work.
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "qwertyuiopas",
        "passwordpassword",
        "password1234",
        "password12345",
        "qwerty123456",
        "123456789abc",
        "iloveyou1234",
        "adgangskode1",
        "adgangskode12",
        "adgangskode123",
        "sommer2024!!",
        "sommer123456",
        "kodeord12345",
        "velkommen123",
        "velkommen1234",
        "danmark12345",
        "abcdefghijkl",
        "aaaaaaaaaaaa",
        "111111111111",
        "000000000000",
        "qwertyqwerty",
        "letmein12345",
        "welcome12345",
    }
)

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class WeakPasswordError(ValueError):
    pass


def weakness(password: str) -> str | None:
    """Why the password is refused ("short", "common"), or None: for a page's own words."""
    if len(password) < MIN_LENGTH:
        return "short"
    if password.lower() in COMMON:
        return "common"
    return None


def check_strength(password: str) -> None:
    found = weakness(password)
    if found == "short":
        raise WeakPasswordError(f"The password must have at least {MIN_LENGTH} characters.")
    if found == "common":
        raise WeakPasswordError("The password is too common.")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def rehash(password: str) -> str:
    """A new hash with current parameters for a password that just verified (no strength
    check: the password is already in use, and refusing it here would lock the user out)."""
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def generate() -> str:
    """A random password to hand over once; 16 url-safe bytes are about 128 bits."""
    return secrets.token_urlsafe(16)
