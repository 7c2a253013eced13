"""What the key rotation asks of the cipher: is a value on the newest key, and re-encrypting."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from portal.crypto import DataCipher, DecryptionError

INDEX_KEY = "i" * 32
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_value_is_current_only_under_the_first_key() -> None:
    before = DataCipher(OLD, INDEX_KEY).encrypt({"navn": "Åse"})
    both = DataCipher(f"{NEW},{OLD}", INDEX_KEY)
    assert not both.is_current(before)
    rotated = both.rotate(before)
    assert both.is_current(rotated)
    assert DataCipher(NEW, INDEX_KEY).decrypt(rotated) == {"navn": "Åse"}


def test_rotating_a_value_no_key_opens_raises_the_portals_own_error() -> None:
    stranger = DataCipher(Fernet.generate_key().decode(), INDEX_KEY).encrypt("x")
    cipher = DataCipher(f"{NEW},{OLD}", INDEX_KEY)
    assert not cipher.is_current(stranger)
    with pytest.raises(DecryptionError):
        cipher.rotate(stranger)
    assert not cipher.is_current("not a token")
