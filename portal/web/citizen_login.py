"""Citizens log in with MitID through the municipality's OpenID Connect provider (issue 13).

Login is a deployment choice (portal.identity.login_settings). With PORTAL_CITIZEN_LOGIN=none
this module only tells the templates so: no route is registered, and nothing changes.

With oidc, Authlib's Flask client runs the code flow with state, nonce and PKCE (S256). It
checks the ID token's signature and times, but the issuer only when no claims_options are
given and the audience only when asked, so both are passed here. What the ID token lacks is
asked of the userinfo endpoint, for the same subject only (portal.identity.userinfo). The
level of assurance, the CPR number, the name and Digital Fuldmagt are portal.identity's to
judge. Every way a
login can fail (an error from the provider, a missing or replayed state, a token that does
not pass, a refused identity) ends on a page that says what to do, never a 500, and in the
log as a fixed reason without personal data.

The login itself is kept on the server (portal.db.citizen_logins); the browser's signed
cookie holds a random handle, the idle clock and the absolute end, nothing personal. At the
callback the cookie session starts afresh (as the staff login does), so nothing planted in
it before, a draft id or an old handle, carries over into the login.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth, OAuthError  # type: ignore[import-untyped]
from flask import Blueprint, Flask, Response, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from joserfc.errors import JoseError

from portal.config import ConfigError
from portal.db import citizen_logins
from portal.db.models import utcnow
from portal.identity import (
    Citizen,
    IdentityRefused,
    LoginConfigError,
    LoginSettings,
    citizen_from_claims,
    login_settings,
    userinfo,
)
from portal.web import db
from portal.web.access import access
from portal.web.i18n import safe_next
from portal.web.login_pages import (
    Problem,
    logged_out_page,
    problem_for_provider_error,
    problem_page,
    refusal_problem,
)
from portal.web.security import CSP
from portal.web.services import cipher

bp = Blueprint("citizen_login", __name__)
log = logging.getLogger("portal.citizen_login")

SETTINGS = "portal.citizen_login"
OAUTH = "portal.citizen_login.oauth"
CLIENT = "mitid"
# The cookie session's keys: the handle, when the login was last used, and when it ends.
HANDLE_KEY = "citizen_login"
SEEN_KEY = "citizen_seen"
UNTIL_KEY = "citizen_until"
NEXT_KEY = "citizen_login_next"
# Kept through the fresh start at the callback and at logout: the visitor's language only.
KEPT_KEYS = ("lang",)
# The idle clock is written back at most this often, so not every page sets a new cookie.
SEEN_GRANULARITY_S = 60
# Seconds for each call to the provider: a bridge that hangs must not hold a request long.
PROVIDER_TIMEOUT_S = 10
# What can go wrong talking to the provider or reading its answer, besides OAuthError.
PROVIDER_FAULTS = (requests.RequestException, JoseError, ValueError, KeyError, TypeError)


def init_app(app: Flask) -> None:
    """Read and check the login settings (a wrong one stops start-up with its one-line
    reason, as portal.config does), and with login on, register the client and the routes."""
    production = app.config.get("PORTAL_ENV") == "production"
    try:
        settings = login_settings(_login_environ(app.config), production=production)
    except LoginConfigError as err:
        raise ConfigError(f"Refusing to start: {err}") from None
    app.extensions[SETTINGS] = settings
    app.jinja_env.globals["citizen_login_enabled"] = settings.enabled
    app.jinja_env.globals["citizen_logged_in"] = logged_in
    if not settings.enabled:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": " ".join(settings.scopes),
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT_S,
        },
    )
    app.extensions[OAUTH] = oauth
    app.register_blueprint(bp)
    app.before_request(_keep_alive)
    app.after_request(_allow_logout_form(settings.issuer))


def _login_environ(config: Mapping[str, Any]) -> dict[str, str]:
    """The environment, with what the app's own config says on top (tests pass it there)."""
    prefixes = ("PORTAL_CITIZEN_", "PORTAL_OIDC_")
    environ = {key: value for key, value in os.environ.items() if key.startswith(prefixes)}
    environ.update({k: str(v) for k, v in config.items() if k.startswith(prefixes)})
    return environ


def settings() -> LoginSettings:
    return current_app.extensions[SETTINGS]  # type: ignore[no-any-return]


def _client() -> Any:
    return current_app.extensions[OAUTH].create_client(CLIENT)


# -- the citizen of this request ----------------------------------------------------------------


def current_citizen() -> Citizen | None:
    """The logged-in citizen, or None: login off, not logged in, idle for an hour, past the
    eight hours, or the login ended elsewhere. One keyed read of the login's row."""
    if not settings().enabled or not logged_in():
        return None
    return citizen_logins.find_login(db.session(), cipher(), session.get(HANDLE_KEY), utcnow())


def logged_in() -> bool:
    """Whether the cookie holds a login that has not run out, without asking the database
    (for templates): current_citizen() is the answer that counts."""
    seen, until = session.get(SEEN_KEY), session.get(UNTIL_KEY)
    if HANDLE_KEY not in session or not isinstance(seen, int) or not isinstance(until, int):
        return False
    now = time.time()
    return now - seen < citizen_logins.IDLE_TIMEOUT.total_seconds() and now < until


def _keep_alive() -> None:
    """Any page the citizen opens keeps the login from going idle (a cookie write, at most
    once a minute; no database). Not for static files, which must not vary by cookie."""
    if (
        request.endpoint != "static"
        and logged_in()
        and time.time() - session[SEEN_KEY] >= SEEN_GRANULARITY_S
    ):
        session[SEEN_KEY] = int(time.time())


def _allow_logout_form(issuer: str) -> Any:
    """Logout is a form (a POST with its CSRF token) whose answer redirects to the provider's
    end_session endpoint; browsers hold that redirect to the page's form-action, so pages
    allow the provider's origin there too, and nothing else changes in the policy."""
    parts = urlsplit(issuer)
    policy = CSP.replace(
        "form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}"
    )

    def add_policy(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return add_policy


# -- routes -----------------------------------------------------------------------------------


@bp.get("/log-ind")
@access("public")
def login() -> ResponseReturnValue:
    """Send the visitor to MitID. Authlib keeps state, nonce and the PKCE verifier in the
    signed cookie until the callback, which takes them out (a replay finds none)."""
    target = safe_next(request.args.get("next"), url_for("citizen.start"))
    if logged_in() and current_citizen() is not None:
        return redirect(target, 303)
    # One pending login per browser: each start adds a few hundred bytes of state to the
    # cookie, and a visitor who starts again and again must not push it past 4 KB.
    _forget_pending_login()
    session[NEXT_KEY] = target
    try:
        response: Response = _client().authorize_redirect(
            url_for("citizen_login.callback", _external=True),
            ui_locales=str(session.get("lang") or current_app.config["BABEL_DEFAULT_LOCALE"]),
        )
    except (OAuthError, RuntimeError, *PROVIDER_FAULTS) as err:
        log.warning("Citizen login could not start: the provider did not answer (%s)",
                    type(err).__name__)  # fmt: skip
        return problem_page(Problem.UNAVAILABLE)
    return response


@bp.get("/log-ind/retur")
@access("public")
def callback() -> ResponseReturnValue:
    """The provider sends the visitor back here, with a code or an error. A GET that writes
    (the login's row), because OpenID Connect's redirect is a GET: the write is one short
    transaction of its own, after every check has passed."""
    try:
        claims, id_token = _validated_login()
    except _LoginFailed as failed:
        _forget_pending_login()
        log.warning("Citizen login refused (%s)", failed.reason)
        return problem_page(failed.problem)
    try:
        citizen = citizen_from_claims(claims, settings())
    except IdentityRefused as err:
        _forget_pending_login()
        log.warning("Citizen login refused (%s)", err.reason.value)
        return problem_page(refusal_problem(err.reason))
    target = safe_next(session.get(NEXT_KEY), url_for("citizen.start"))
    _start_session(citizen, id_token)
    return redirect(target, 303)


@bp.post("/log-ud")
@access("public")
@db.transactional
def logout() -> ResponseReturnValue:
    """End the portal's login, then the provider's (RP-initiated logout). Public, as the staff
    logout: whoever holds the cookie may end its login, also one gone idle."""
    id_token = citizen_logins.end_login(db.session(), cipher(), session.get(HANDLE_KEY))
    _fresh_session()
    done = url_for("citizen_login.logged_out", _external=True)
    if id_token is None:
        return redirect(done, 303)
    try:
        response: Response = _client().logout_redirect(
            post_logout_redirect_uri=done, id_token_hint=id_token
        )
    except (OAuthError, RuntimeError, *PROVIDER_FAULTS) as err:
        # The portal's login has ended; the provider's runs out on its own.
        log.warning("Provider logout skipped (%s)", type(err).__name__)
        return redirect(done, 303)
    response.status_code = 303
    return response


@bp.get("/log-ud/faerdig")
@access("public")
def logged_out() -> ResponseReturnValue:
    """Where the provider sends the visitor after its logout (or the portal, without one)."""
    # An old or foreign state changes nothing: the visitor is logged out all the same.
    with contextlib.suppress(OAuthError):
        if request.args.get("state"):
            _client().validate_logout_response()
    return logged_out_page()


# -- the callback's steps -----------------------------------------------------------------------


class _LoginFailed(Exception):
    def __init__(self, problem: Problem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason  # fixed words for the log, never a value the visitor sent


def _validated_login() -> tuple[dict[str, Any], str]:
    """The ID token's claims and the token itself, every check passed; else _LoginFailed."""
    client = _client()
    try:
        metadata = client.load_server_metadata()
        if metadata.get("issuer") != settings().issuer:
            raise _LoginFailed(Problem.FAILED, "the provider's discovery names another issuer")
        token = client.authorize_access_token(claims_options=_claims_options())
    except OAuthError as err:
        raise _LoginFailed(*problem_for_provider_error(err.error)) from None
    except requests.RequestException as err:
        raise _LoginFailed(Problem.UNAVAILABLE, f"no answer ({type(err).__name__})") from None
    except PROVIDER_FAULTS as err:
        raise _LoginFailed(Problem.FAILED, f"the token did not pass ({_fault(err)})") from None
    claims, id_token = token.get("userinfo"), token.get("id_token")
    if not claims or not isinstance(id_token, str):
        raise _LoginFailed(Problem.FAILED, "no ID token")
    return _with_userinfo(client, metadata, token, dict(claims)), id_token


def _with_userinfo(
    client: Any, metadata: Mapping[str, Any], token: Mapping[str, Any], claims: dict[str, Any]
) -> dict[str, Any]:
    """The ID token's claims, with what they lack filled in from the provider's userinfo
    endpoint (portal.identity.userinfo), when it has one and there is something to fill."""
    profile = settings().profile
    wanted = settings().userinfo == "always" or userinfo.lacks_required(claims, profile)
    if not wanted or not metadata.get("userinfo_endpoint"):
        return claims
    try:
        answer = client.userinfo(token=dict(token))
    except requests.HTTPError as err:
        status = err.response.status_code if err.response is not None else "none"
        raise _LoginFailed(Problem.FAILED, f"userinfo refused (HTTP {status})") from None
    except requests.exceptions.JSONDecodeError:
        raise _LoginFailed(Problem.FAILED, "userinfo did not answer JSON") from None
    except requests.RequestException as err:
        raise _LoginFailed(
            Problem.UNAVAILABLE, f"userinfo: no answer ({type(err).__name__})"
        ) from None
    except (OAuthError, *PROVIDER_FAULTS) as err:
        raise _LoginFailed(
            Problem.FAILED, f"userinfo did not pass ({type(err).__name__})"
        ) from None
    try:
        return userinfo.merged(claims, answer, profile)
    except userinfo.UserinfoMismatch as err:
        raise _LoginFailed(Problem.FAILED, str(err)) from None


# The ID token's claims a failed check may name in the log (joserfc's errors carry it).
CHECKED_CLAIMS = frozenset({"iss", "aud", "azp", "exp", "iat", "nbf", "nonce", "sub", "at_hash",
                            "auth_time"})  # fmt: skip


def _fault(err: Exception) -> str:
    claim = getattr(err, "claim", None)
    named = f" {claim}" if isinstance(claim, str) and claim in CHECKED_CLAIMS else ""
    return type(err).__name__ + named


def _claims_options() -> dict[str, Any]:
    """Both checks Authlib leaves out once options are given (issuer) or unless asked
    (audience); nonce, times and signature it checks itself."""
    return {
        "iss": {"essential": True, "values": [settings().issuer]},
        "aud": {"essential": True, "values": [settings().client_id]},
    }


def _start_session(citizen: Citizen, id_token: str) -> None:
    """Store the login and start the cookie session afresh around its new handle: a handle
    an attacker planted before (or this browser's previous login) is gone, and its row too."""
    now = utcnow()
    with db.database().transaction() as writer:
        citizen_logins.end_login(writer, cipher(), session.get(HANDLE_KEY))
        handle = citizen_logins.open_login(writer, cipher(), citizen, id_token, now)
    _fresh_session()
    session[HANDLE_KEY] = handle
    session[SEEN_KEY] = int(time.time())
    session[UNTIL_KEY] = int(time.time() + citizen_logins.ABSOLUTE_TIMEOUT.total_seconds())


def _fresh_session() -> None:
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


def _forget_pending_login() -> None:
    """A failed callback leaves no state, nonce or verifier behind to try again with."""
    for key in [k for k in session if k.startswith(f"_state_{CLIENT}_")]:
        session.pop(key, None)
    session.pop(NEXT_KEY, None)
