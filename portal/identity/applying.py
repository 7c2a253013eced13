"""How the applicant and the one who submitted were identified (issue 13, point 5), as data.

No Flask and no database: the submit asks `identify()` with the logged-in citizen (or None),
whether the application is for someone else and the CPR number the application names, and
stores the answer (portal.own_applications); the caseworker's pages, the event document and
the PDF read it back. Applications from before login existed read as typed (not verified).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from portal.identity.model import Citizen, LevelOfAssurance


class Method(enum.StrEnum):
    """How a person's identity is known to the portal. The values are stored and sent."""

    # The CPR number was typed; only its format and its agreement with the birth date are
    # checked. Also how the one who submitted is known without login: by what they typed.
    TYPED = "typed"
    # The person logged in with MitID, at the level of assurance recorded with it.
    MITID = "mitid"
    # A relative logged in with MitID and holds the person's power of attorney through
    # Digital Fuldmagt, for the privilege recorded with it.
    DIGITAL_FULDMAGT = "mitid-digital-fuldmagt"


@dataclass(frozen=True)
class Identification:
    """One person's identification: the method, the MitID level (None when typed) and, for
    Digital Fuldmagt, the privilege the person gave (its scope is the person's CPR number)."""

    method: Method
    level: LevelOfAssurance | None = None
    privilege: str | None = None

    @property
    def verified(self) -> bool:
        return self.method is not Method.TYPED


TYPED = Identification(Method.TYPED)


@dataclass(frozen=True)
class Applying:
    """Who applied and how each was identified.

    `authority_verified` is None when the applicant applied themselves (there is no
    representation to verify); for someone else it is True only when Digital Fuldmagt shows
    the applicant gave the submitter the portal's privilege. A guardian (værge) or a helper
    without it can still apply: authority not verified. The CPR numbers are kept out of
    repr(), so a record in a traceback puts none in a log."""

    applicant: Identification
    submitter: Identification
    for_someone_else: bool
    authority_verified: bool | None
    applicant_cpr: str = field(repr=False)
    # The logged-in submitter's CPR number (for "Mine ansøgninger"); None without login.
    submitter_cpr: str | None = field(default=None, repr=False)


def identify(
    citizen: Citizen | None, for_someone_else: bool, applicant_cpr: str | None, privilege: str
) -> Applying:
    """The record for one submit. `applicant_cpr` is the number the application names (ten
    digits); logged in and applying for oneself it is the login's, whatever was passed.
    `privilege` is the Digital Fuldmagt privilege the portal checks (its settings)."""
    if citizen is None:
        return Applying(TYPED, TYPED, for_someone_else, False if for_someone_else else None,
                        _required(applicant_cpr))  # fmt: skip
    by_login = Identification(Method.MITID, citizen.loa)
    if not for_someone_else:
        return Applying(by_login, by_login, False, None, citizen.cpr, citizen.cpr)
    cpr = _required(applicant_cpr)
    if cpr in citizen.may_act_for:
        applicant = Identification(Method.DIGITAL_FULDMAGT, citizen.loa, privilege)
        return Applying(applicant, by_login, True, True, cpr, citizen.cpr)
    return Applying(TYPED, by_login, True, False, cpr, citizen.cpr)


def _required(cpr: str | None) -> str:
    if not cpr:
        raise ValueError("the application names no CPR number")
    return cpr


def stored(method: str | None, level: str | None, privilege: str | None) -> Identification:
    """The applicant's identification from its stored columns. NULL (an application from
    before login) and any value this version does not know read as typed: nothing is ever
    shown as verified that was not."""
    try:
        known = Method(method) if method else Method.TYPED
    except ValueError:
        return TYPED
    loa = LevelOfAssurance.__members__.get(level.upper()) if level else None
    # The login refuses a level below Substantial, so a stored one is not to be trusted.
    if known is Method.TYPED or loa is None or loa < LevelOfAssurance.SUBSTANTIAL:
        return TYPED
    if known is Method.DIGITAL_FULDMAGT:
        return Identification(known, loa, privilege) if privilege else TYPED
    return Identification(known, loa)


@dataclass(frozen=True)
class Stored:
    """What an application says about identification, for the caseworker and the document.

    `authority_verified` is None when the applicant applied themselves; for a representative
    NULL (an application from before) reads as not verified. `submitter` is MitID at the
    applicant's level when the one who submitted logged in, else typed."""

    applicant: Identification = TYPED
    submitter: Identification = TYPED
    authority_verified: bool | None = None


def level_name(level: LevelOfAssurance | None) -> str | None:
    """The level as stored and sent: "substantial", "high" (or None)."""
    return level.name.lower() if level is not None else None
