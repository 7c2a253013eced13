"""From a validated login's claims to a Citizen, or a refusal.

The caller (the login glue) has already checked the ID token's signature, issuer, audience,
times and nonce; this module decides what the claims mean for the portal. It checks what no
OpenID Connect library checks: the level of assurance, and that the CPR number, the name and
the Digital Fuldmagt privileges are what they claim to be.

Claim values are never put in an exception or a log line: a refusal carries only its reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from portal.identity.model import (
    Citizen,
    IdentityRefused,
    LevelOfAssurance,
    RefusalReason,
    valid_cpr,
)
from portal.identity.privileges import people_to_act_for
from portal.identity.settings import LoginSettings

# Longer than any person's name in the CPR register; a longer value is not a name.
MAX_NAME_LENGTH = 300


def citizen_from_claims(claims: Mapping[str, object], settings: LoginSettings) -> Citizen:
    """The citizen these claims describe, under `settings.profile`'s claim names.

    Refusals, in the order checked: LOW_ASSURANCE (a level below settings.minimum_loa, or none
    the portal knows), NO_CPR, INVALID_CPR, NO_NAME, BAD_PRIVILEGES (see people_to_act_for)."""
    profile = settings.profile
    loa = LevelOfAssurance.parse(_single(claims.get(profile.loa)))
    if loa is None or loa < settings.minimum_loa:
        raise IdentityRefused(RefusalReason.LOW_ASSURANCE)
    cpr = _cpr(claims.get(profile.cpr))
    name = _name(
        *(
            _single(claims.get(key)) if key else None
            for key in (profile.full_name, profile.given_name, profile.family_name)
        )
    )
    may_act_for: tuple[str, ...] = ()
    document = _single(claims.get(profile.privileges)) if profile.privileges else None
    if document is not None:
        if not isinstance(document, str):
            raise IdentityRefused(RefusalReason.BAD_PRIVILEGES)
        if document.strip():
            may_act_for = people_to_act_for(document, settings.privilege, own_cpr=cpr)
    return Citizen(cpr=cpr, name=name, loa=loa, may_act_for=may_act_for)


# Stands for "several values": no check accepts it, so each refuses with its own reason.
_AMBIGUOUS = object()


def _single(value: object) -> object:
    """A claim's one value. SAML attributes are lists, and a bridge may pass a one-element
    list on; an empty list is no value, and more than one value for a fact about one person
    is not a value at all."""
    if isinstance(value, list | tuple):
        if len(value) > 1:
            return _AMBIGUOUS
        return value[0] if value else None
    return value


def _cpr(value: object) -> str:
    value = _single(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise IdentityRefused(RefusalReason.NO_CPR)
    cpr = valid_cpr(value)
    if cpr is None:
        raise IdentityRefused(RefusalReason.INVALID_CPR)
    return cpr


def _name(full: object, given: object, family: object) -> str:
    """The full name when the profile has one and it is there, else given and family name."""
    name = _clean_name(full)
    if not name:
        name = " ".join(part for part in (_clean_name(given), _clean_name(family)) if part)
    if not name or len(name) > MAX_NAME_LENGTH:
        raise IdentityRefused(RefusalReason.NO_NAME)
    return name


def _clean_name(value: object) -> str:
    """A name part in NFC with runs of white space made one space; '' when it is not text a
    person's name can be (no control or format characters: they would reach letters and PDFs)."""
    if not isinstance(value, str):
        return ""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in text):
        return ""
    return text
