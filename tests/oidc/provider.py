"""A real OpenID Connect provider on 127.0.0.1, standing in for the municipality's NemLog-in
bridge in tests and local trials. Never for production: it logs anyone in as whoever the
tests (or the developer, on its chooser page) say.

    .venv/bin/python -m tests.oidc.provider --port 9400 \\
        --redirect-uri http://127.0.0.1:5000/log-ind/retur \\
        --post-logout-redirect-uri http://127.0.0.1:5000/log-ud/faerdig

It speaks the code flow as a bridge does: discovery, JWKS, authorize (state, nonce and PKCE
S256 required), token (client_secret_basic or _post, one use per code), userinfo and
end_session (RP-initiated logout). Its ID tokens are RS256 JWTs made with joserfc. A test may
leave some claims out of the ID token and send them from userinfo only, as some bridges do.

A control API on the loopback address (/control/...) lets a test choose the claims of the next
login and the faults to put in it, and read what the provider saw (its log of token, userinfo
and end_session calls, and whose provider sessions are still open). Without a chosen login, the
authorize endpoint shows a chooser page with the test people of tests/oidc/people.py.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import secrets
import sys
import time
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

from portal.identity import PROFILES
from tests.oidc import people
from tests.oidc.control import register_control
from tests.oidc.state import CODE_SECONDS, TOKEN_SECONDS, Client, Grant, Login, State


def create_provider(state: State, key: RSAKey) -> Flask:
    app = Flask(__name__)
    app.config["PROVIDER_STATE"] = state
    app.register_blueprint(_protocol(state, key))
    register_control(app, state)
    return app


def _protocol(state: State, key: RSAKey) -> Any:
    from flask import Blueprint

    bp = Blueprint("oidc", __name__)

    @bp.get("/.well-known/openid-configuration")
    def discovery() -> Response:
        base = state.issuer
        return jsonify({
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/end_session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile"],
        })  # fmt: skip

    @bp.get("/jwks")
    def jwks() -> Response:
        return jsonify(KeySet([key]).as_dict(private=False))

    @bp.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        return _authorize(state)

    @bp.post("/token")
    def token() -> Any:
        return _token(state, key)

    @bp.get("/userinfo")
    def userinfo() -> Any:
        return _userinfo(state)

    @bp.route("/end_session", methods=["GET", "POST"])
    def end_session() -> Any:
        return _end_session(state, key)

    return bp


# -- authorize ------------------------------------------------------------------------------


def _authorize(state: State) -> Any:
    args = request.values
    client = state.clients.get(args.get("client_id", ""))
    redirect_uri = args.get("redirect_uri", "")
    if client is None or redirect_uri not in client.redirect_uris:
        # Never redirect to an address the client did not register.
        return Response("Unknown client or redirect_uri.\n", 400, mimetype="text/plain")

    def back(**params: str) -> Response:
        params["state"] = args.get("state", "")
        return redirect(f"{redirect_uri}?{urlencode(params)}", 302)

    if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
        return back(error="unsupported_response_type")
    if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
        return back(error="invalid_request", error_description="PKCE S256 is required")
    with state.lock:
        chosen = state.next_login
        state.next_login = None
    if chosen is None:
        chosen = _from_chooser(args, state.profile)
        if chosen is None:
            return _chooser_page(args)
    claims, faults, userinfo_only = chosen.claims, chosen.faults, chosen.userinfo_only
    if "access_denied" in faults:
        return back(error="access_denied", error_description="The user cancelled the login")
    code = secrets.token_urlsafe(24)
    sid = secrets.token_urlsafe(12)
    with state.lock:
        state.grants[code] = Grant(
            client_id=args["client_id"], redirect_uri=redirect_uri, nonce=args.get("nonce"),
            challenge=args["code_challenge"], claims=claims, faults=faults, sid=sid,
            expires=time.time() + CODE_SECONDS, sub=str(claims.get("sub") or secrets.token_hex(8)),
            userinfo_only=userinfo_only,
        )  # fmt: skip
        state.sessions[sid] = True
    return back(code=code)


def _from_chooser(args: Any, profile: str) -> Login | None:
    """The test person picked on the chooser page (a POST back to /authorize)."""
    if request.method != "POST":
        return None
    person = people.PEOPLE.get(args.get("person", ""))
    if person is None:
        return None
    return Login(people.claims(person, profile))


def _chooser_page(args: Any) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in args.items()
        if k != "person"
    )
    buttons = "".join(
        f'<p><button name="person" value="{html.escape(key)}">{html.escape(p.label)}</button></p>'
        for key, p in people.PEOPLE.items()
    )
    page = (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Test-login (ikke MitID)</title></head><body><main>"
        "<h1>Test-login (ikke MitID)</h1>"
        "<p>Det her er en testudbyder. Vælg, hvem du vil logge ind som.</p>"
        f'<form method="post" action="/authorize">{hidden}{buttons}</form>'
        "</main></body></html>"
    )
    return Response(page, 200, mimetype="text/html")


# -- token ----------------------------------------------------------------------------------


def _client_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username or "", auth.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


def _token(state: State, key: RSAKey) -> Any:
    client_id, secret = _client_credentials()
    client = state.clients.get(client_id)
    if client is None or not secrets.compare_digest(client.secret, secret):
        return _token_error("invalid_client", 401)
    form = request.form
    with state.lock:
        # A code is taken out when it is first presented: a replay finds nothing.
        grant = state.grants.pop(form.get("code", ""), None)
        state.log.append({"endpoint": "token", "found": grant is not None})
    if form.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    if grant is None or grant.expires < time.time() or "token_error" in grant.faults:
        return _token_error("invalid_grant")
    if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
        return _token_error("invalid_grant")
    verifier = form.get("code_verifier", "")
    if not verifier or create_s256_code_challenge(verifier) != grant.challenge:
        return _token_error("invalid_grant")
    access_token = secrets.token_urlsafe(24)
    body: dict[str, Any] = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
        "scope": "openid",
    }
    if "no_id_token" not in grant.faults:
        body["id_token"] = id_token(state, key, grant, client_id)
    with state.lock:
        state.access_tokens[access_token] = grant
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


def _token_error(error: str, status: int = 400) -> Response:
    response = jsonify({"error": error})
    response.status_code = status
    return response


def id_token(state: State, key: RSAKey, grant: Grant, client_id: str) -> str:
    now = int(time.time())
    faults = grant.faults
    claims: dict[str, Any] = {
        **{k: v for k, v in grant.claims.items() if k not in grant.userinfo_only},
        "sub": grant.sub,
        "iss": state.issuer + ("/someone-else" if "wrong_iss" in faults else ""),
        "aud": "another-client" if "wrong_aud" in faults else client_id,
        "iat": now - 7200 if "expired" in faults else now,
        "exp": now - 3600 if "expired" in faults else now + TOKEN_SECONDS,
        "auth_time": now,
        "sid": grant.sid,
    }
    if grant.nonce and "no_nonce" not in faults:
        claims["nonce"] = "not-the-nonce-sent" if "wrong_nonce" in faults else grant.nonce
    if "unsigned" in faults:
        return _unsigned(claims)
    signer = key
    if "bad_signature" in faults:
        signer = RSAKey.generate_key(2048, parameters={"kid": key.kid}, private=True)
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, signer)


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


# -- userinfo -------------------------------------------------------------------------------


def _userinfo(state: State) -> Any:
    """The login's claims for its access token, withheld ones included, under the ID token's
    subject (or another's, when the test asked for that fault)."""
    bearer = request.headers.get("Authorization", "")
    with state.lock:
        grant = state.access_tokens.get(bearer.removeprefix("Bearer ").strip())
        state.log.append({"endpoint": "userinfo", "found": grant is not None})
    if grant is None:
        return jsonify({"error": "invalid_token"}), 401
    if "userinfo_error" in grant.faults:
        return jsonify({"error": "server_error"}), 500
    other = "userinfo_other_sub" in grant.faults
    return jsonify({**grant.claims, "sub": f"{grant.sub}-other" if other else grant.sub})


# -- end_session ----------------------------------------------------------------------------


def _end_session(state: State, key: RSAKey) -> Any:
    args = request.values
    hint = args.get("id_token_hint", "")
    sid = _sid_of(hint, key, state.issuer)
    target = args.get("post_logout_redirect_uri", "")
    allowed = any(target in c.post_logout_redirect_uris for c in state.clients.values())
    with state.lock:
        ended = sid is not None and state.sessions.get(sid, False)
        if sid is not None:
            state.sessions[sid] = False
        state.log.append({
            "endpoint": "end_session", "sid": sid, "ended": ended,
            "post_logout_redirect_uri": target, "state": args.get("state"),
            "id_token_hint": bool(hint),
        })  # fmt: skip
    if target and allowed and sid is not None:
        query = urlencode({"state": args["state"]}) if args.get("state") else ""
        return redirect(f"{target}?{query}" if query else target, 302)
    return Response("Logged out of the test provider.\n", 200, mimetype="text/plain")


def _sid_of(hint: str, key: RSAKey, issuer: str) -> str | None:
    """The provider session an ID token of ours names; expiry does not matter here (a
    logout may come long after the login), the signature and the issuer do."""
    try:
        token = jwt.decode(hint, key)
    except (JoseError, ValueError):
        return None
    if token.claims.get("iss") != issuer:
        return None
    sid = token.claims.get("sid")
    return sid if isinstance(sid, str) else None


# -- running it -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, default=9400, help="0 picks a free port")
    parser.add_argument("--client-id", default="portal")
    parser.add_argument("--client-secret", default="portal-test-secret")
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
    parser.add_argument("--profile", choices=sorted(PROFILES), default=people.DEFAULT_PROFILE,
                        help="the claim names of the chooser page's logins")  # fmt: skip
    args = parser.parse_args(argv)
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4)}, private=True)
    state = State(profile=args.profile)
    state.clients[args.client_id] = Client(
        args.client_secret, set(args.redirect_uri), set(args.post_logout_redirect_uri)
    )
    server = make_server("127.0.0.1", args.port, create_provider(state, key), threaded=True)
    state.issuer = f"http://127.0.0.1:{server.server_port}"
    # The first line tells a parent process (tests/oidc/running.py) where to find it.
    print(f"listening on {state.issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
