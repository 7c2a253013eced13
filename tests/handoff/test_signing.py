"""Our Standard Webhooks signer, held to the spec's test vector and the reference library.

The reference library (``standardwebhooks``) is a test dependency only: these tests check both
directions (its signatures verify with ours, ours verify with it), so a receiver built on any
Standard Webhooks library accepts what the portal sends.
"""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portal.handoff import signing
from portal.handoff.signing import SignatureError

# The test vector of the Standard Webhooks libraries (their "sign function works" test).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SECRET = signing.new_secret()
OTHER_SECRET = signing.new_secret()
BODY = b'{"type":"application.submitted","data":{"application":{"id":"42"}}}'


def now() -> int:
    return int(time.time())


def library_sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    return Webhook(secret).sign(message_id, datetime.fromtimestamp(timestamp, UTC), body)


def test_signs_the_published_test_vector() -> None:
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == (
        VECTOR_SIGNATURE
    )


def test_verifies_the_published_test_vector_at_its_time() -> None:
    headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": VECTOR_SIGNATURE,
    }
    signing.verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TIMESTAMP + 10)


def test_headers_carry_id_timestamp_and_signature() -> None:
    headers = signing.headers(SECRET, "17", 1700000000, BODY)
    assert headers == {
        "webhook-id": "17",
        "webhook-timestamp": "1700000000",
        "webhook-signature": signing.sign(SECRET, "17", 1700000000, BODY),
    }


def test_the_library_accepts_our_signature() -> None:
    headers = signing.headers(SECRET, "msg_1", now(), BODY)
    assert Webhook(SECRET).verify(BODY, headers) == {
        "type": "application.submitted",
        "data": {"application": {"id": "42"}},
    }


def test_we_accept_the_librarys_signature() -> None:
    timestamp = now()
    headers = {
        "webhook-id": "msg_2",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": library_sign(SECRET, "msg_2", timestamp, BODY),
    }
    signing.verify(SECRET, headers, BODY)


def test_header_names_are_case_insensitive() -> None:
    headers = signing.headers(SECRET, "msg_3", now(), BODY)
    signing.verify(SECRET, {name.title(): value for name, value in headers.items()}, BODY)


def test_a_wrong_secret_fails_here_and_in_the_library() -> None:
    headers = signing.headers(OTHER_SECRET, "msg_4", now(), BODY)
    with pytest.raises(SignatureError, match="no matching signature"):
        signing.verify(SECRET, headers, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(BODY, headers)


def test_a_changed_body_fails() -> None:
    headers = signing.headers(SECRET, "msg_5", now(), BODY)
    with pytest.raises(SignatureError, match="no matching signature"):
        signing.verify(SECRET, headers, BODY.replace(b"42", b"43"))


def test_a_changed_id_fails() -> None:
    headers = signing.headers(SECRET, "msg_6", now(), BODY)
    with pytest.raises(SignatureError, match="no matching signature"):
        signing.verify(SECRET, {**headers, "webhook-id": "msg_7"}, BODY)


def test_an_old_timestamp_fails_even_with_a_valid_signature() -> None:
    old = now() - 301
    headers = signing.headers(SECRET, "msg_8", old, BODY)
    with pytest.raises(SignatureError, match="too old"):
        signing.verify(SECRET, headers, BODY)
    # Within the tolerance, the same headers are good.
    signing.verify(SECRET, headers, BODY, now=old + 300)


def test_a_future_timestamp_fails() -> None:
    future = now() + 301
    headers = signing.headers(SECRET, "msg_9", future, BODY)
    with pytest.raises(SignatureError, match="too new"):
        signing.verify(SECRET, headers, BODY)
    signing.verify(SECRET, headers, BODY, now=future - 300)


def test_the_tolerance_is_adjustable() -> None:
    headers = signing.headers(SECRET, "msg_10", now() - 60, BODY)
    with pytest.raises(SignatureError, match="too old"):
        signing.verify(SECRET, headers, BODY, tolerance=30)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_fails(missing: str) -> None:
    headers = signing.headers(SECRET, "msg_11", now(), BODY)
    del headers[missing]
    with pytest.raises(SignatureError, match="missing"):
        signing.verify(SECRET, headers, BODY)


@pytest.mark.parametrize("timestamp", ["", "soon", "1.7e9", "-5", "12 34"])
def test_a_timestamp_that_is_not_whole_seconds_fails(timestamp: str) -> None:
    headers = {**signing.headers(SECRET, "msg_12", now(), BODY), "webhook-timestamp": timestamp}
    with pytest.raises(SignatureError):
        signing.verify(SECRET, headers, BODY)


def test_one_valid_signature_among_several_is_enough() -> None:
    timestamp = now()
    valid = signing.sign(SECRET, "msg_13", timestamp, BODY)
    rotated_away = signing.sign(OTHER_SECRET, "msg_13", timestamp, BODY)
    headers = {
        "webhook-id": "msg_13",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"{rotated_away} v1a,bm90IGFuIGVkMjU1MTk= {valid}",
    }
    signing.verify(SECRET, headers, BODY)
    Webhook(SECRET).verify(BODY, headers)
    # ...and none valid is not.
    headers["webhook-signature"] = rotated_away
    with pytest.raises(SignatureError):
        signing.verify(SECRET, headers, BODY)


def test_a_bare_hmac_without_the_v1_prefix_fails() -> None:
    headers = signing.headers(SECRET, "msg_14", now(), BODY)
    headers["webhook-signature"] = headers["webhook-signature"].removeprefix("v1,")
    with pytest.raises(SignatureError):
        signing.verify(SECRET, headers, BODY)


def test_the_key_is_the_decoded_secret() -> None:
    assert signing.parse_secret(VECTOR_SECRET) == base64.b64decode(
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    )
    # Padding may be left off, as the reference library allows.
    padded = signing.new_secret(32)
    assert padded.endswith("=")
    assert signing.parse_secret(padded.rstrip("=")) == signing.parse_secret(padded)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with whsec_"),
        ("whsec_not*base64!at*all/xxxxxxxxxxxxxxxxxx", "not base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "24 to 64 bytes"),
        ("whsec_" + base64.b64encode(bytes(65)).decode(), "24 to 64 bytes"),
        ("whsec_", "24 to 64 bytes"),
    ],
)
def test_a_malformed_secret_is_refused_without_repeating_it(secret: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as refused:
        signing.parse_secret(secret)
    encoded = secret.removeprefix("whsec_")
    assert not encoded or encoded not in str(refused.value)
    with pytest.raises(ValueError):
        signing.sign(secret, "msg_15", now(), BODY)


def test_a_secret_without_the_prefix_is_refused_though_the_library_takes_it() -> None:
    bare = SECRET.removeprefix("whsec_")
    with pytest.raises(ValueError, match="whsec_") as refused:
        signing.verify(bare, signing.headers(SECRET, "msg_16", now(), BODY), BODY)
    assert bare not in str(refused.value)


@pytest.mark.parametrize("message_id", ["", "a.b", "has space", "line\nbreak", "x" * 201])
def test_an_id_that_would_be_ambiguous_or_unsafe_in_a_header_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError, match="message id"):
        signing.sign(SECRET, message_id, now(), BODY)


@pytest.mark.parametrize("timestamp", [-1, True])
def test_a_timestamp_that_is_not_whole_seconds_is_refused_when_signing(timestamp: int) -> None:
    with pytest.raises(ValueError, match="timestamp"):
        signing.sign(SECRET, "msg_17", timestamp, BODY)


def test_new_secrets_are_random_and_parse() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first != second
    assert len(signing.parse_secret(first)) == 32
    with pytest.raises(ValueError):
        signing.new_secret(16)


MESSAGE_IDS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
    min_size=1,
    max_size=64,
)


@settings(max_examples=60, deadline=None)
@given(
    message_id=MESSAGE_IDS,
    timestamp=st.integers(min_value=0, max_value=2**33),
    body=st.binary(max_size=2048),
    key=st.binary(min_size=24, max_size=64),
)
def test_any_id_timestamp_and_body_agree_with_the_library(
    message_id: str, timestamp: int, body: bytes, key: bytes
) -> None:
    secret = "whsec_" + base64.b64encode(key).decode()
    ours = signing.sign(secret, message_id, timestamp, body)
    assert ours == library_sign(secret, message_id, timestamp, body)
    headers = signing.headers(secret, message_id, timestamp, body)
    signing.verify(secret, headers, body, now=timestamp)
    # Any change to the body breaks it.
    with pytest.raises(SignatureError):
        signing.verify(secret, headers, body + b" ", now=timestamp)
