"""What the test provider remembers, and the faults a test may ask it for."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from tests.oidc import people

# What a test may ask to go wrong in the next login (POST /control/next {"faults": [...]}).
FAULTS = frozenset({
    "wrong_aud",  # the ID token is for another client
    "wrong_iss",  # the ID token names another issuer
    "expired",  # the ID token expired an hour ago (well past any clock leeway)
    "no_nonce",  # the ID token carries no nonce
    "wrong_nonce",  # the ID token carries a nonce the client never sent
    "bad_signature",  # signed with a key that is not in the JWKS, under the published kid
    "unsigned",  # alg "none"
    "no_id_token",  # the token response has an access token only
    "access_denied",  # the authorize endpoint answers error=access_denied (the user cancelled)
    "token_error",  # the token endpoint refuses the code (invalid_grant)
    "userinfo_other_sub",  # userinfo answers for another subject than the ID token's
    "userinfo_error",  # userinfo answers 500
})  # fmt: skip
LOOPBACK = frozenset({"127.0.0.1", "::1"})
CODE_SECONDS = 60
TOKEN_SECONDS = 300


@dataclass(frozen=True)
class Login:
    """The next login a test asked for: its claims, its faults, and the claims that only
    userinfo sends."""

    claims: dict[str, Any]
    faults: frozenset[str] = frozenset()
    userinfo_only: frozenset[str] = frozenset()


@dataclass
class Client:
    secret: str
    redirect_uris: set[str] = field(default_factory=set)
    post_logout_redirect_uris: set[str] = field(default_factory=set)


@dataclass
class Grant:
    """What an authorization code stands for, until the token endpoint takes it."""

    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str
    claims: dict[str, Any]
    faults: frozenset[str]
    sid: str
    expires: float
    # The subject, the same in the ID token and at userinfo; and the claims that are left
    # out of the ID token and sent from userinfo only (as some bridges are set up).
    sub: str = ""
    userinfo_only: frozenset[str] = frozenset()


@dataclass
class State:
    """Everything the provider remembers; one lock guards it (the server is threaded)."""

    issuer: str = ""
    profile: str = people.DEFAULT_PROFILE  # the claim names of the chooser page's logins
    clients: dict[str, Client] = field(default_factory=dict)
    next_login: Login | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, Grant] = field(default_factory=dict)
    sessions: dict[str, bool] = field(default_factory=dict)  # sid -> still open
    log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
