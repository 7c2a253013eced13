"""How the applicant was identified, in words for the caseworker: the case file's PDF, and
the queue and the case page may read the same lines (issue 13, point 5)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel.speaklater import LazyString

from portal.identity import LevelOfAssurance
from portal.identity.applying import Identification, Method, Stored
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l

# NSIS's own Danish names of the levels (lav, betydelig, høj).
LEVEL_NAMES: dict[LevelOfAssurance, LazyString] = {
    LevelOfAssurance.LOW: _l("lav"),
    LevelOfAssurance.SUBSTANTIAL: _l("betydelig"),
    LevelOfAssurance.HIGH: _l("høj"),
}


@dataclass(frozen=True)
class IdentificationLines:
    applicant: str
    submitter: str
    # Only when someone applied for the applicant: whether their authority was checked.
    authority: str | None


def identification_lines(known: Stored) -> IdentificationLines:
    authority = None
    if known.authority_verified is not None:
        authority = (
            _("Fuldmagt: Digital Fuldmagt")
            if known.authority_verified
            else _("Fuldmagt ikke kontrolleret")
        )
    return IdentificationLines(
        applicant=identified(known.applicant), submitter=submitted_by(known.submitter),
        authority=authority,
    )  # fmt: skip


def submitted_by(known: Identification) -> str:
    """The one who applied for the applicant: logged in, or nothing checked."""
    if known.method is Method.TYPED or known.level is None:
        return _("Ikke logget ind med MitID, ikke kontrolleret")
    return identified(known)


def identified(known: Identification) -> str:
    """One person's identification in a short line."""
    if known.method is Method.TYPED or known.level is None:
        return _("Indtastet CPR-nummer, ikke kontrolleret")
    level = str(LEVEL_NAMES[known.level])
    if known.method is Method.DIGITAL_FULDMAGT:
        return _(
            "CPR-nummeret kommer fra Digital Fuldmagt. Den, der søgte, loggede ind med MitID (%(level)s)",
            level=level,
        )  # fmt: skip
    return _("Identificeret med MitID (%(level)s)", level=level)
