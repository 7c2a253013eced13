"""What a login tells the portal about a citizen, and why a login can be refused.

No Flask here: the login glue (portal.web) turns a refusal into a page, this module only names it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError as StdnumError

# The NSIS level as OIOSAML 3 requests it (AuthnContextClassRef); the loa attribute in the
# assertion carries the bare name ("Substantial"), which parse() takes as well.
NSIS_LOA_PREFIX = "https://data.gov.dk/concept/core/nsis/loa/"
# Other spellings a bridge or broker may pass on: eIDAS's own URIs (the NSIS levels are the
# eIDAS levels) and Signicat's "loa:substantial" (its acr_values form).
_LOA_PREFIXES = (NSIS_LOA_PREFIX, "http://eidas.europa.eu/LoA/", "loa:")


class LevelOfAssurance(enum.IntEnum):
    """NSIS levels of assurance, ordered, so `loa >= LevelOfAssurance.SUBSTANTIAL` reads true."""

    LOW = 1
    SUBSTANTIAL = 2
    HIGH = 3

    @classmethod
    def parse(cls, value: object) -> LevelOfAssurance | None:
        """The level a claim names, or None when it names none the portal knows.

        Known: the bare names in any case ("Substantial", "SUBSTANTIAL"), and the same after
        one of the prefixes above. Anything else, including the numbered levels of the old
        NemID assurance attribute (not NSIS levels), is unknown: the caller refuses it."""
        if not isinstance(value, str):
            return None
        text = value.strip()
        for prefix in _LOA_PREFIXES:
            if text.lower().startswith(prefix.lower()):
                text = text[len(prefix) :]
                break
        return cls.__members__.get(text.upper()) if text.isascii() else None


class RefusalReason(enum.Enum):
    """Why a login does not make a Citizen; the login page explains each in plain words."""

    LOW_ASSURANCE = "low_assurance"
    NO_CPR = "no_cpr"
    INVALID_CPR = "invalid_cpr"
    NO_NAME = "no_name"
    BAD_PRIVILEGES = "bad_privileges"


class IdentityRefused(Exception):
    """A login the portal will not accept. The message names the reason, never a claim's
    value: it may reach a log line, and a CPR number must never."""

    def __init__(self, reason: RefusalReason) -> None:
        super().__init__(f"login refused: {reason.value}")
        self.reason = reason


@dataclass(frozen=True)
class Citizen:
    """A logged-in person. `cpr` is ten ASCII digits without a dash; `may_act_for` holds the
    CPR numbers of the people who gave this citizen the portal's privilege through Digital
    Fuldmagt: de-duplicated, sorted, never the citizen's own.

    repr() shows only the level: a Citizen in a traceback or a debug line must not put a CPR
    number or a name in the log."""

    cpr: str = field(repr=False)
    name: str = field(repr=False)
    loa: LevelOfAssurance
    may_act_for: tuple[str, ...] = field(default=(), repr=False)


def valid_cpr(value: object) -> str | None:
    """`value` when it is exactly ten ASCII digits whose date part is a real, past birth date
    (python-stdnum's dk.cpr, as the typed CPR step), else None.

    Stricter than the form: no dash, no spaces, because an identity provider sends the bare
    number and anything else means the claim is not what it should be."""
    if not (isinstance(value, str) and len(value) == 10 and value.isascii() and value.isdigit()):
        return None
    try:
        stdnum_cpr.validate(value)
    except StdnumError:
        return None
    return value
