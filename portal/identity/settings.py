"""Citizen login settings from the environment, checked once at start-up.

Login is a deployment choice: PORTAL_CITIZEN_LOGIN=none keeps the typed CPR number (what
`make run` uses); oidc sends citizens to the municipality's OpenID Connect provider, which is a
bridge in front of NemLog-in (or a commercial MitID broker). Every variable is described, with
an example, in docs/mitid.md. A wrong value raises LoginConfigError with a one-line reason that
names the variable and never repeats a secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from portal.config import LOOPBACK
from portal.identity.model import LevelOfAssurance

# The privilege the portal asks municipalities to register in Digital Fuldmagt (docs/mitid.md):
# "may apply for an activity and company offer (serviceloven § 104) on my behalf, follow the
# application and withdraw it".
DEFAULT_PRIVILEGE = "urn:dk:serviceloven-104:ansoegning"

# A client secret shorter than this is a placeholder, not a secret (brokers and bridges issue
# 32 characters or more); development and tests may use a short one against a local provider.
MIN_PRODUCTION_SECRET_LENGTH = 16
_MAX_SETTING_LENGTH = 255
# RFC 6749 §3.3: a scope token is printable ASCII except space, double quote and backslash.
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
# A claim name or a privilege id: printable ASCII without spaces (URIs, dotted names).
_NAME_TOKEN = re.compile(r"[\x21-\x7e]+")
# Optional claims can be switched off with this word (a profile's name claim, the privileges).
_OFF = "none"


class LoginConfigError(ValueError):
    """A login setting that is missing or wrong; the message is one line and names it."""


@dataclass(frozen=True)
class ClaimProfile:
    """Where in the ID token (or userinfo) each fact about the citizen is found. None: this
    profile has no such claim. The name comes from `full_name`, else given + family name."""

    name: str
    cpr: str
    full_name: str | None
    given_name: str | None
    family_name: str | None
    loa: str
    privileges: str | None


_EID = "https://data.gov.dk/model/core/eid/"

# OIOSAML 3 attribute names, as a SAML→OIDC bridge in front of NemLog-in passes them through.
OIOSAML = ClaimProfile(
    name="oiosaml",
    cpr=_EID + "cprNumber",
    full_name=_EID + "fullName",
    given_name=_EID + "firstName",
    family_name=_EID + "lastName",
    loa="https://data.gov.dk/concept/core/nsis/loa",
    privileges=_EID + "privilegesIntermediate",
)

# Signicat's MitID claims (docs/mitid.md): "nin" is the CPR number, "mitid_loa" the NSIS level
# in capitals. A broker carries no Digital Fuldmagt, so no privileges.
BROKER = ClaimProfile(
    name="broker",
    cpr="nin",
    full_name="name",
    given_name="given_name",
    family_name="family_name",
    loa="mitid_loa",
    privileges=None,
)

PROFILES: Mapping[str, ClaimProfile] = {profile.name: profile for profile in (OIOSAML, BROKER)}

# What to ask for when PORTAL_OIDC_SCOPES is unset. A bridge releases the OIOSAML attributes
# by its own configuration; Signicat releases the CPR number and the level only when asked.
DEFAULT_SCOPES: Mapping[str, tuple[str, ...]] = {
    "oiosaml": ("openid",),
    "broker": ("openid", "profile", "nin", "mitid-extra"),
}

# Per-claim overrides, because bridges rename claims: variable suffix → ClaimProfile field.
CLAIM_OVERRIDES: Mapping[str, str] = {
    "CPR": "cpr",
    "NAME": "full_name",
    "GIVEN_NAME": "given_name",
    "FAMILY_NAME": "family_name",
    "LOA": "loa",
    "PRIVILEGES": "privileges",
}
_REQUIRED_CLAIMS = frozenset({"cpr", "loa"})


@dataclass(frozen=True)
class LoginSettings:
    """How citizens log in. With mode "none" only `mode` matters; the rest keeps its defaults
    so code can read the fields without asking first."""

    mode: Literal["none", "oidc"]
    issuer: str = ""
    client_id: str = ""
    # Kept out of repr(): settings end up in debug output and error reports, a secret must not.
    client_secret: str = field(default="", repr=False)
    scopes: tuple[str, ...] = ("openid",)
    profile: ClaimProfile = OIOSAML
    privilege: str = DEFAULT_PRIVILEGE
    minimum_loa: LevelOfAssurance = LevelOfAssurance.SUBSTANTIAL
    # When to ask the provider's userinfo endpoint (portal.identity.userinfo): "missing", when
    # the ID token lacks a claim the portal requires; "always", at every login.
    userinfo: Literal["missing", "always"] = "missing"

    def __post_init__(self) -> None:
        # The floor is the portal's, not the deployment's: NSIS Substantial is what Danish
        # public self-service with personal data requires. Checked here so no caller can lower it.
        if self.minimum_loa < LevelOfAssurance.SUBSTANTIAL:
            raise LoginConfigError("the minimum level of assurance cannot be below Substantial")

    @property
    def enabled(self) -> bool:
        return self.mode == "oidc"


def login_settings(environ: Mapping[str, str], *, production: bool) -> LoginSettings:
    """The login settings in `environ`, or LoginConfigError naming the first wrong variable."""
    mode = _text(environ, "PORTAL_CITIZEN_LOGIN").lower() or "none"
    if mode == "none":
        _refuse_stray_oidc_settings(environ)
        return LoginSettings(mode="none")
    if mode != "oidc":
        raise LoginConfigError("PORTAL_CITIZEN_LOGIN must be none or oidc.")
    profile = _claim_profile(environ)
    return LoginSettings(
        mode="oidc",
        issuer=_issuer(environ, production=production),
        client_id=_client_id(environ),
        client_secret=_client_secret(environ, production=production),
        scopes=_scopes(environ, default=DEFAULT_SCOPES[profile.name]),
        profile=profile,
        privilege=_privilege(environ),
        minimum_loa=_minimum_loa(environ),
        userinfo=_userinfo(environ),
    )


def _text(environ: Mapping[str, str], name: str) -> str:
    return str(environ.get(name) or "").strip()


def _refuse_stray_oidc_settings(environ: Mapping[str, str]) -> None:
    """OIDC settings without PORTAL_CITIZEN_LOGIN=oidc are a forgotten switch: the portal
    would quietly take typed CPR numbers where the municipality meant MitID."""
    stray = sorted(key for key in environ if key.startswith("PORTAL_OIDC_") and _text(environ, key))
    if stray:
        raise LoginConfigError(
            f"{stray[0]} is set but PORTAL_CITIZEN_LOGIN is not oidc; "
            f"set PORTAL_CITIZEN_LOGIN=oidc or unset the PORTAL_OIDC_ variables."
        )


def _issuer(environ: Mapping[str, str], *, production: bool) -> str:
    name = "PORTAL_OIDC_ISSUER"
    issuer = _text(environ, name)
    if not issuer:
        raise LoginConfigError(f"{name} is not set (the OpenID Connect issuer's address).")
    try:
        parts = urlsplit(issuer)
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise LoginConfigError(f"{name} is not a valid address.") from None
    if (
        not (_NAME_TOKEN.fullmatch(issuer) and host)
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise LoginConfigError(f"{name} must be an address like https://login.example.dk/realm.")
    if parts.scheme == "https":
        return issuer
    if parts.scheme == "http" and host in LOOPBACK and not production:
        return issuer
    raise LoginConfigError(
        f"{name} must be an https address (plain http only to 127.0.0.1 outside production)."
    )


def _client_id(environ: Mapping[str, str]) -> str:
    name = "PORTAL_OIDC_CLIENT_ID"
    value = _text(environ, name)
    if not value:
        raise LoginConfigError(f"{name} is not set (the portal's client id at the provider).")
    if not value.isprintable() or len(value) > _MAX_SETTING_LENGTH:
        raise LoginConfigError(f"{name} must be printable and at most 255 characters.")
    return value


def _client_secret(environ: Mapping[str, str], *, production: bool) -> str:
    name = "PORTAL_OIDC_CLIENT_SECRET"
    # Not stripped beyond the ends, and never quoted back: it is a secret.
    value = _text(environ, name)
    if not value:
        raise LoginConfigError(f"{name} is not set (the portal's client secret at the provider).")
    if not value.isprintable():
        raise LoginConfigError(f"{name} contains characters a secret cannot have.")
    if production and len(value) < MIN_PRODUCTION_SECRET_LENGTH:
        raise LoginConfigError(
            f"{name} is too short for production (at least "
            f"{MIN_PRODUCTION_SECRET_LENGTH} characters, as the provider issued it)."
        )
    return value


def _scopes(environ: Mapping[str, str], *, default: tuple[str, ...]) -> tuple[str, ...]:
    name = "PORTAL_OIDC_SCOPES"
    raw = _text(environ, name)
    if not raw:
        return default
    scopes = tuple(dict.fromkeys(raw.split()))
    if not all(_SCOPE_TOKEN.fullmatch(scope) for scope in scopes):
        raise LoginConfigError(f"{name} must be scope names separated by spaces.")
    if "openid" not in scopes:
        raise LoginConfigError(f"{name} must include openid.")
    return scopes


def _claim_profile(environ: Mapping[str, str]) -> ClaimProfile:
    name = "PORTAL_OIDC_CLAIM_PROFILE"
    chosen = _text(environ, name).lower() or OIOSAML.name
    if chosen not in PROFILES:
        raise LoginConfigError(f"{name} must be one of: {', '.join(PROFILES)}.")
    profile = PROFILES[chosen]
    claims: dict[str, Any] = {
        attribute: getattr(profile, attribute) for attribute in CLAIM_OVERRIDES.values()
    }
    for suffix, attribute in CLAIM_OVERRIDES.items():
        variable = f"PORTAL_OIDC_CLAIM_{suffix}"
        value = _text(environ, variable)
        if value:
            claims[attribute] = _claim_name(variable, value, required=attribute in _REQUIRED_CLAIMS)
    if not (claims["full_name"] or claims["given_name"] or claims["family_name"]):
        raise LoginConfigError(
            "PORTAL_OIDC_CLAIM_NAME, _GIVEN_NAME and _FAMILY_NAME are all none; "
            "the portal needs at least one claim with the citizen's name."
        )
    return ClaimProfile(name=profile.name, **claims)


def _claim_name(variable: str, value: str, *, required: bool) -> str | None:
    if value.lower() == _OFF:
        if required:
            raise LoginConfigError(f"{variable} cannot be none: the portal needs that claim.")
        return None
    if not (_NAME_TOKEN.fullmatch(value) and len(value) <= _MAX_SETTING_LENGTH):
        raise LoginConfigError(f"{variable} must be a claim name without spaces.")
    return value


def _privilege(environ: Mapping[str, str]) -> str:
    name = "PORTAL_CITIZEN_PRIVILEGE"
    value = _text(environ, name) or DEFAULT_PRIVILEGE
    if not (_NAME_TOKEN.fullmatch(value) and len(value) <= _MAX_SETTING_LENGTH and ":" in value):
        raise LoginConfigError(
            f"{name} must be the privilege's id as registered in NemLog-in, "
            f"e.g. {DEFAULT_PRIVILEGE} (no spaces)."
        )
    return value


def _minimum_loa(environ: Mapping[str, str]) -> LevelOfAssurance:
    name = "PORTAL_OIDC_MINIMUM_LOA"
    raw = _text(environ, name)
    if not raw:
        return LevelOfAssurance.SUBSTANTIAL
    level = LevelOfAssurance.parse(raw)
    if level is None or level < LevelOfAssurance.SUBSTANTIAL:
        raise LoginConfigError(f"{name} must be substantial or high.")
    return level


def _userinfo(environ: Mapping[str, str]) -> Literal["missing", "always"]:
    name = "PORTAL_OIDC_USERINFO"
    value = _text(environ, name).lower() or "missing"
    if value == "missing":
        return "missing"
    if value == "always":
        return "always"
    raise LoginConfigError(f"{name} must be missing or always.")
