"""One push to a municipality's receiver, following the Standard Webhooks specification.

The headers carry the message id, the time and the signature, never personal data; the body
is the JSON document. Redirects are not followed (a receiver that moved must be re-configured,
not guessed at), and every answer is read within the timeout.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import time
from datetime import UTC
from urllib.parse import urlsplit

from portal.handoff import signing
from portal.outbox.queue import Outcome
from portal.outbox.targets import Webhook

TIMEOUT_SECONDS = 30.0
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "portal-104-handoff/1"


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        context = ssl.create_default_context()
        return http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=context
        ), path
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout), path


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header, in either of its forms (RFC 9110 10.2.3): a number
    of seconds or an HTTP date. Anything else is ignored: the ordinary backoff applies."""
    if value is None:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:  # "-0000": RFC 5322's "unknown zone", taken as UTC
            when = when.replace(tzinfo=UTC)
        at = when.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, at - (time.time() if now is None else now))


def case_number(answer: bytes) -> str | None:
    """The receiver's own case number, if its 2xx answer names one ({"case_number": ...})."""
    try:
        data = json.loads(answer or b"null")
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("case_number"), str | int):
        return str(data["case_number"])[:100]
    return None


def push(
    target: Webhook, message_id: str, body: bytes, timeout: float = TIMEOUT_SECONDS
) -> Outcome:
    headers = signing.headers(target.secret, message_id, int(time.time()), body)
    headers.update({
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "content-length": str(len(body)),
    })  # fmt: skip
    if target.token:
        headers["authorization"] = f"Bearer {target.token}"
    try:
        connection, path = _connection(target.url, timeout)
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read(MAX_ANSWER_BYTES)
        finally:
            connection.close()
    except TimeoutError:
        return Outcome.failed(f"No answer within {timeout:g} seconds")
    except ssl.SSLError as err:
        return Outcome.failed(f"TLS error: {err.reason or type(err).__name__}")
    except (OSError, http.client.HTTPException) as err:
        return Outcome.failed(f"Connection failed: {type(err).__name__}")
    status = response.status
    if 200 <= status < 300:
        return Outcome.ok(case_number(answer))
    error = f"The receiver answered {status} {response.reason}"[:300]
    if status == 410:
        return Outcome(False, error=error, gone=True)
    return Outcome.failed(error, retry_after(response.getheader("retry-after")))
