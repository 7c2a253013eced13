"""Standard Webhooks signatures (https://www.standardwebhooks.com, spec 1.0.0), symmetric only.

The portal signs each delivery with the municipality's secret; the receiver checks it. The
signed content is ``{webhook-id}.{webhook-timestamp}.{body}``, the signature HMAC-SHA256 with
the decoded secret, sent as ``v1,<base64>``. Several space-separated signatures are allowed
(secret rotation); one match is enough.

Standard library only: the portal does not depend on the ``standardwebhooks`` package at run
time. The tests hold this module to that library and to the spec's published test vector.
docs/receiver/receiver.py repeats the verification on purpose, so a municipality can copy that
one file alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix, not a secret)
# The spec: a random secret of at least 24 bytes (192 bits).
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_TOLERANCE = 300  # seconds either side of now, as the reference libraries allow
# The id goes into a header and into the signed content, where a "." would make
# "{id}.{timestamp}." ambiguous: the spec asks producers to keep dots out of it.
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


class SignatureError(Exception):
    """A request whose signature does not verify. The message is a short reason that names no
    secret and no body, fit for a log line and a 401 answer."""


def new_secret(size: int = 32) -> str:
    """A fresh random secret in the spec's serialisation, for a new receiver or a test."""
    if not MIN_SECRET_BYTES <= size <= MAX_SECRET_BYTES:
        raise ValueError(f"a secret has {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes")
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(size)).decode("ascii")


def parse_secret(secret: str) -> bytes:
    """The key bytes of ``whsec_<base64>``. Strict where the reference library is lenient (it
    also takes bare base64): a secret in the wrong variable, or pasted half, fails at start
    and not as 401s at the receiver. Messages never contain the secret."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"the secret must start with {SECRET_PREFIX}")
    encoded = secret[len(SECRET_PREFIX) :]
    try:
        # Padding is optional, as in the reference library.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"the secret after {SECRET_PREFIX} is not base64") from None
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"the secret must decode to {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes"
        )
    return key


def _signature(key: bytes, message_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one attempt: ``v1,<base64 HMAC-SHA256>``."""
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError("the message id must be 1-200 letters, digits, '_' or '-'")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("the timestamp must be whole seconds since the epoch")
    return _signature(parse_secret(secret), message_id, str(timestamp), body)


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt. They carry no personal data: the
    id is the outbox message's, the timestamp the attempt's."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    now: int | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> None:
    """Raise SignatureError unless ``headers`` carry a valid signature of ``body`` made within
    ``tolerance`` seconds of ``now``. Header names are matched case-insensitively."""
    key = parse_secret(secret)
    lowered = {name.lower(): value for name, value in headers.items()}
    message_id = lowered.get("webhook-id", "")
    timestamp = lowered.get("webhook-timestamp", "").strip()
    offered = lowered.get("webhook-signature", "")
    if not (message_id and timestamp and offered):
        raise SignatureError("missing webhook headers")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise SignatureError("invalid webhook-timestamp")
    now = int(time.time()) if now is None else now
    if int(timestamp) < now - tolerance:
        raise SignatureError("webhook-timestamp too old")
    if int(timestamp) > now + tolerance:
        raise SignatureError("webhook-timestamp too new")
    expected = _signature(key, message_id, timestamp, body).encode()
    # Compare with every offered signature, without stopping at the first match, each in
    # constant time: the answer's timing tells nothing about the expected value.
    matches = [hmac.compare_digest(expected, candidate.encode()) for candidate in offered.split()]
    if not any(matches):
        raise SignatureError("no matching signature")
