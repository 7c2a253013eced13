"""Personal data at rest: Fernet encryption with key rotation, and a keyed CPR index.

Pure Python, no Flask. Encryption uses MultiFernet: the first key encrypts, every key
decrypts, so a new key can be put first and old rows re-encrypted at leisure. CPR numbers
are looked up through an HMAC with a key of its own, so the index survives rotation of the
encryption keys and cannot be reversed by trying all 3.6 million birth-date prefixes
without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key."""


class DataCipher:
    def __init__(self, keys: str, index_key: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("at least one data key is needed")
        fernets = [Fernet(k.encode()) for k in parts]
        self._newest = fernets[0]
        self._fernet = MultiFernet(fernets)
        if len(index_key) < 32:
            raise ValueError("the index key must have at least 32 characters")
        self._index_key = index_key.encode()

    def encrypt(self, value: Any) -> str:
        """Encrypt any JSON-serialisable value."""
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return self._fernet.encrypt(raw.encode()).decode()

    def decrypt(self, token: str) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as err:
            raise DecryptionError("no configured key decrypts this value") from err

    def encrypt_bytes(self, value: bytes) -> str:
        """Encrypt raw bytes (a PDF) without a detour through JSON and base64."""
        return self._fernet.encrypt(value).decode()

    def decrypt_bytes(self, token: str) -> bytes:
        try:
            return self._fernet.decrypt(token.encode())
        except InvalidToken as err:
            raise DecryptionError("no configured key decrypts this value") from err

    def rotate(self, token: str) -> str:
        """Re-encrypt with the newest key (for a rotation job)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as err:
            raise DecryptionError("no configured key decrypts this value") from err

    def is_current(self, token: str) -> bool:
        """Whether the newest key already encrypts this value (then rotating it is a no-op).

        Cheap for a value under an older key: Fernet checks the HMAC before decrypting."""
        try:
            self._newest.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def index(self, value: str) -> str:
        """A keyed, deterministic digest for exact-match lookups (e.g. CPR search)."""
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Status-link tokens are stored as a digest, so a database leak opens no status page."""
    return hashlib.sha256(token.encode()).hexdigest()
