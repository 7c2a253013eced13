"""Claims a provider sends from its userinfo endpoint instead of in the ID token.

Some NemLog-in bridges and brokers put only part of the citizen's attributes in the ID token
and the rest behind the userinfo endpoint (a Keycloak mapper, for one, is set per claim to
"add to ID token" or "add to userinfo"). The login glue asks userinfo when the ID token lacks
what the portal needs (or at every login, with PORTAL_OIDC_USERINFO=always), and merges here.

The ID token is signed and checked; the userinfo answer is only as good as the access token it
was fetched with. So the ID token's claims always win, only the claims the profile reads are
taken from userinfo, and userinfo must name the same subject (`sub`) as the ID token
(OpenID Connect Core 1.0, section 5.3.2: otherwise its claims must not be used).
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.identity.settings import ClaimProfile


class UserinfoMismatch(Exception):
    """The userinfo answer is not about the person in the ID token (or names no one). The
    message is fixed words: neither subject may reach a log line."""

    def __init__(self) -> None:
        super().__init__("userinfo names another subject than the ID token")


def present(value: object) -> bool:
    """Whether a claim has a value: a bridge may send an empty string or list for none."""
    return value not in (None, "", [], ())


def lacks_required(claims: Mapping[str, object], profile: ClaimProfile) -> bool:
    """Whether the ID token lacks the level, the CPR number or every claim with a name: the
    login would be refused without userinfo. (Digital Fuldmagt's privileges are optional, so
    their absence cannot tell; PORTAL_OIDC_USERINFO=always covers a bridge that sends them
    only from userinfo.)"""
    names = [key for key in (profile.full_name, profile.given_name, profile.family_name) if key]
    return (
        not present(claims.get(profile.loa))
        or not present(claims.get(profile.cpr))
        or not any(present(claims.get(key)) for key in names)
    )


def profile_claims(profile: ClaimProfile) -> tuple[str, ...]:
    """The claim names the portal reads under this profile."""
    keys = (profile.loa, profile.cpr, profile.full_name, profile.given_name,
            profile.family_name, profile.privileges)  # fmt: skip
    return tuple(key for key in keys if key)


def merged(
    id_claims: Mapping[str, object], userinfo: Mapping[str, object], profile: ClaimProfile
) -> dict[str, object]:
    """The ID token's claims with what it lacks of the profile's claims taken from userinfo.

    UserinfoMismatch when userinfo's `sub` is missing or not exactly the ID token's."""
    subject = id_claims.get("sub")
    if not isinstance(subject, str) or not subject or userinfo.get("sub") != subject:
        raise UserinfoMismatch
    out = dict(id_claims)
    for key in profile_claims(profile):
        if not present(out.get(key)) and present(userinfo.get(key)):
            out[key] = userinfo[key]
    return out
