"""Citizen identity from a MitID login (issue 13), without Flask.

- settings: PORTAL_CITIZEN_LOGIN and the PORTAL_OIDC_* variables, checked at start-up.
- claims: from a validated ID token's claims to a Citizen, or IdentityRefused with a reason.
- privileges: whom the citizen may act for, from Digital Fuldmagt's privilege document.
- userinfo: claims the ID token lacks, from the userinfo endpoint, for the same subject only.

The login glue (state, nonce, PKCE, token validation, the session) lives in the web layer and
imports from here; docs/mitid.md is the municipality's guide to the settings.
"""

from portal.identity.claims import citizen_from_claims
from portal.identity.model import (
    Citizen,
    IdentityRefused,
    LevelOfAssurance,
    RefusalReason,
    valid_cpr,
)
from portal.identity.privileges import people_to_act_for
from portal.identity.settings import (
    BROKER,
    DEFAULT_PRIVILEGE,
    OIOSAML,
    PROFILES,
    ClaimProfile,
    LoginConfigError,
    LoginSettings,
    login_settings,
)

__all__ = [
    "BROKER",
    "DEFAULT_PRIVILEGE",
    "OIOSAML",
    "PROFILES",
    "Citizen",
    "ClaimProfile",
    "IdentityRefused",
    "LevelOfAssurance",
    "LoginConfigError",
    "LoginSettings",
    "RefusalReason",
    "citizen_from_claims",
    "login_settings",
    "people_to_act_for",
    "valid_cpr",
]
