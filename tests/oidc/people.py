"""The test provider's people, and their claims as a NemLog-in bridge or a broker names them.

The CPR numbers are made up (real dates, so they pass the portal's check); the names are
plainly test names. The claim names come from portal.identity's profiles, so the provider and
the portal can never disagree about them.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from portal.identity import DEFAULT_PRIVILEGE, PROFILES

DEFAULT_PROFILE = "oiosaml"
PRIVILEGE_NAMESPACE = "http://digst.dk/oiosaml/basic_privilege_profile"
CPR_SCOPE = "urn:dk:gov:saml:cprNumberIdentifier:"
# The level each profile's provider names Substantial with (portal.identity reads both).
LOA_WORDS = {"oiosaml": {"Low": "Low", "Substantial": "Substantial", "High": "High"},
             "broker": {"Low": "LOW", "Substantial": "SUBSTANTIAL", "High": "HIGH"}}  # fmt: skip


@dataclass(frozen=True)
class Person:
    label: str  # on the provider's chooser page
    cpr: str
    name: str
    loa: str = "Substantial"
    # The people who gave this person a power of attorney, with the privileges they gave.
    powers: Mapping[str, Sequence[str]] | None = None


GRANDMOTHER = "0502401238"
GRANDFATHER = "1108381235"
PEOPLE: dict[str, Person] = {
    "selv": Person("Testperson, søger selv", "1204801234", "Testperson Selvsøger"),
    "fuldmagt-en": Person(
        "Pårørende med fuldmagt fra én person", "2306751231", "Testperson Pårørende",
        powers={GRANDMOTHER: [DEFAULT_PRIVILEGE]},
    ),
    "fuldmagt-to": Person(
        "Pårørende med fuldmagt fra to personer", "1712691232", "Testperson Tofuld",
        powers={GRANDMOTHER: [DEFAULT_PRIVILEGE], GRANDFATHER: [DEFAULT_PRIVILEGE]},
    ),
    "lav": Person("Login på lavt niveau (afvises)", "0909901239", "Testperson Lavniveau",
                  loa="Low"),
}  # fmt: skip


def privilege_document(powers: Mapping[str, Sequence[str]]) -> str:
    """Base64 of a Basic Privilege Profile list: one group per person who gave the power."""
    groups = "".join(
        f"<PrivilegeGroup Scope={quoteattr(CPR_SCOPE + cpr)}>"
        + "".join(f"<Privilege>{privilege}</Privilege>" for privilege in privileges)
        + "</PrivilegeGroup>"
        for cpr, privileges in powers.items()
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<bpp:PrivilegeList xmlns:bpp="{PRIVILEGE_NAMESPACE}">{groups}</bpp:PrivilegeList>'
    )
    return base64.b64encode(xml.encode()).decode()


def claims(person: Person, profile_name: str = DEFAULT_PROFILE) -> dict[str, Any]:
    """The claims a provider under this profile sends for the person."""
    profile = PROFILES[profile_name]
    found: dict[str, Any] = {
        profile.cpr: person.cpr,
        profile.loa: LOA_WORDS[profile_name][person.loa],
    }
    if profile.full_name:
        found[profile.full_name] = person.name
    if person.powers and profile.privileges:
        found[profile.privileges] = privilege_document(person.powers)
    return found
