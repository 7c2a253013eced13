"""Where each municipality's events go, read from the environment.

PORTAL_DELIVERY_URL_<kommunekode>      the receiver (https; plain http only to loopback, and
                                       never in production)
PORTAL_DELIVERY_SECRET_<kommunekode>   its Standard Webhooks secret, whsec_<base64>
PORTAL_DELIVERY_TOKEN_<kommunekode>    an optional bearer token sent with every push
PORTAL_API_TOKEN_<kommunekode>         the pull API's token (also fetches the application PDF)
PORTAL_NOTICE_EMAIL_<kommunekode>      the functional mailbox told of each new application
PORTAL_KLE_FACET_<kommunekode>         the KLE action facet the municipality files § 104 under

A municipality with neither a receiver nor an API token has its staff queue in the portal as
the whole hand-off: its events are recorded and kept 30 days (for a receiver set up meanwhile),
but nothing is sent and nobody is told they wait. Pure; errors name the variable, never a
secret.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from portal.handoff.signing import parse_secret

CODE = re.compile(r"^[0-9]{3}$")
MIN_TOKEN_LENGTH = 32
KLE_FACET = re.compile(r"^[A-Z][0-9]{2}$")


class TargetError(ValueError):
    """A hand-off setting that cannot work or is unsafe; the message names the variable."""


@dataclass(frozen=True)
class Webhook:
    url: str
    secret: str = field(repr=False)
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Handoff:
    webhooks: Mapping[str, Webhook] = field(default_factory=dict)
    api_token_digests: Mapping[str, str] = field(default_factory=dict)
    notice_addresses: Mapping[str, str] = field(default_factory=dict)
    kle_facets: Mapping[str, str] = field(default_factory=dict)

    @property
    def receiving(self) -> frozenset[str]:
        """The municipalities that take events, by push or by pull."""
        return frozenset(self.webhooks) | frozenset(self.api_token_digests)

    def receives_events(self, code: str) -> bool:
        """Whether the municipality takes events at all, by push or by pull."""
        return code in self.webhooks or code in self.api_token_digests

    def municipality_for_token(self, token: str) -> str | None:
        """The municipality an API token belongs to; compared in constant time, and every
        configured digest is compared so the time does not tell which one was close."""
        digest = token_digest(token)
        found = None
        for code, expected in self.api_token_digests.items():
            if hmac.compare_digest(digest, expected):
                found = code
        return found


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_url(name: str, url: str, production: bool) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        if parts.username or parts.password:
            raise TargetError(f"{name} must not carry a user name or password; use the token.")
        return url
    if parts.scheme == "http" and is_loopback(parts.hostname) and not production:
        return url
    if production:
        raise TargetError(f"{name} must be an https address in production.")
    raise TargetError(f"{name} must be https (plain http only to 127.0.0.1 or ::1).")


def _by_code(environ: Mapping[str, str], prefix: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith(prefix) and value.strip():
            code = key[len(prefix) :]
            if not CODE.match(code):
                raise TargetError(f"{key}: the suffix must be a three-digit kommunekode.")
            found[code] = value.strip()
    return found


def _token(name: str, value: str) -> str:
    if len(value) < MIN_TOKEN_LENGTH:
        raise TargetError(f"{name} is too short (at least {MIN_TOKEN_LENGTH} random characters).")
    return value


def from_environ(environ: Mapping[str, str], production: bool) -> Handoff:
    urls = _by_code(environ, "PORTAL_DELIVERY_URL_")
    secrets = _by_code(environ, "PORTAL_DELIVERY_SECRET_")
    tokens = _by_code(environ, "PORTAL_DELIVERY_TOKEN_")
    webhooks: dict[str, Webhook] = {}
    for code, url in urls.items():
        name = f"PORTAL_DELIVERY_URL_{code}"
        secret = secrets.get(code)
        if not secret:
            raise TargetError(f"{name} is set but PORTAL_DELIVERY_SECRET_{code} is not.")
        try:
            parse_secret(secret)
        except ValueError as err:
            raise TargetError(f"PORTAL_DELIVERY_SECRET_{code}: {err}") from None
        token = tokens.get(code)
        if token:
            _token(f"PORTAL_DELIVERY_TOKEN_{code}", token)
        webhooks[code] = Webhook(check_url(name, url, production), secret, token)
    for code in (set(secrets) | set(tokens)) - set(urls):
        raise TargetError(f"PORTAL_DELIVERY_URL_{code} is missing for the secret or token.")
    api = {
        code: token_digest(_token(f"PORTAL_API_TOKEN_{code}", value))
        for code, value in _by_code(environ, "PORTAL_API_TOKEN_").items()
    }
    facets = _by_code(environ, "PORTAL_KLE_FACET_")
    for code, facet in facets.items():
        if not KLE_FACET.match(facet):
            raise TargetError(f"PORTAL_KLE_FACET_{code} must look like a KLE facet, e.g. G01.")
    notices = _by_code(environ, "PORTAL_NOTICE_EMAIL_")
    return Handoff(webhooks, api, notices, facets)
