"""Personal data at rest: encryption with rotation, and the keyed CPR index."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from portal.crypto import DataCipher, DecryptionError, token_digest

INDEX_KEY = "k" * 40


def test_values_round_trip_and_are_not_readable_at_rest() -> None:
    cipher = DataCipher(Fernet.generate_key().decode(), INDEX_KEY)
    token = cipher.encrypt({"cpr": "010190-1234", "navn": "Åse Ørsted"})
    assert "010190" not in token and "Åse" not in token
    assert cipher.decrypt(token) == {"cpr": "010190-1234", "navn": "Åse Ørsted"}


def test_a_new_key_first_still_reads_values_written_with_the_old_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = DataCipher(old, INDEX_KEY).encrypt("hemmelig")
    rotated_cipher = DataCipher(f"{new},{old}", INDEX_KEY)
    assert rotated_cipher.decrypt(token) == "hemmelig"
    rotated = rotated_cipher.rotate(token)
    assert DataCipher(new, INDEX_KEY).decrypt(rotated) == "hemmelig"


def test_a_value_from_an_unknown_key_is_refused() -> None:
    token = DataCipher(Fernet.generate_key().decode(), INDEX_KEY).encrypt("x")
    with pytest.raises(DecryptionError):
        DataCipher(Fernet.generate_key().decode(), INDEX_KEY).decrypt(token)


def test_the_cpr_index_is_stable_keyed_and_unlike_the_number() -> None:
    key = Fernet.generate_key().decode()
    a = DataCipher(key, INDEX_KEY).index("0101901234")
    assert a == DataCipher(Fernet.generate_key().decode(), INDEX_KEY).index("0101901234")
    assert a != DataCipher(key, "z" * 40).index("0101901234")
    assert "0101901234" not in a and len(a) == 64


def test_a_short_index_key_is_refused() -> None:
    with pytest.raises(ValueError):
        DataCipher(Fernet.generate_key().decode(), "short")


def test_status_tokens_are_stored_as_digests() -> None:
    assert token_digest("abc") != "abc" and len(token_digest("abc")) == 64
