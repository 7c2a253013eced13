"""What a MitID login answers in the citizen's journey (issue 13, point 3), without Flask.

The draft's answers are made to agree with the login on every read and every save
(`with_login`): applying for oneself, the name, the CPR number and the birth date are the
login's, marked as such, and the journey makes those steps fixed (portal.journey.fixed):
shown on the check page, never asked, never changed by a POST. Applying for someone else,
the people who gave the citizen the portal's privilege through Digital Fuldmagt are offered
first; choosing one answers the authority step (a power of attorney, checked).

Whatever came from a login is dropped again when it no longer holds: "who" changed to someone
else (the login's identity is never the other person's), the login ended, or a caseworker's
registration. Without login nothing is added, so the journey is today's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stdnum.dk import cpr as stdnum_cpr

from portal.identity.model import Citizen

# The marker in a step's answer that the login gave it (the value says which: MitID, or a
# Digital Fuldmagt the citizen holds).
FROM_LOGIN = "from_login"
MITID = "mitid"
DIGITAL_FULDMAGT = "digital-fuldmagt"
# Not a step: the people the logged-in citizen may act for (CPR numbers, ten digits), so the
# journey knows whether to ask the fuldmagt step. Set on every read, never typed.
OFFERS = "login_offers"
# The step that offers them: {"person": <ten digits>} or {"person": SOMEONE_ELSE}.
FULDMAGT_STEP = "fuldmagt"
SOMEONE_ELSE = "other"
# Then this step asks the person's full name, and the login's CPR number makes the identity.
NAME_STEP = "fuldmagt_name"
# Kept in step with portal.journey.REGISTRATION (journey imports this module, not back).
_REGISTRATION = "registration"


def from_login(answers: Mapping[str, Any], step_id: str) -> bool:
    """Whether the login answered this step (the journey then shows it, fixed)."""
    stored = answers.get(step_id)
    return isinstance(stored, Mapping) and stored.get(FROM_LOGIN) is not None


def chosen_person(answers: Mapping[str, Any]) -> str | None:
    """The CPR number (ten digits) of the Digital Fuldmagt person chosen, if one was and the
    login still lets the citizen act for them."""
    person = answers.get(FULDMAGT_STEP, {}).get("person")
    offered = answers.get(OFFERS, {}).get("may_act_for", ())
    return person if isinstance(person, str) and person in offered else None


def person_chosen(answers: Mapping[str, Any]) -> bool:
    return answers.get("who", {}).get("who") == "other" and chosen_person(answers) is not None


def fills_on_save(step_id: str, answers: Mapping[str, Any]) -> bool:
    """Whether saving these answers with the login answers this step (the name of a person
    chosen from Digital Fuldmagt makes the identity), so the next page is the one after it."""
    return step_id == "identity" and person_chosen(answers) and NAME_STEP in answers


def with_login(answers: Mapping[str, Any], citizen: Citizen | None) -> dict[str, Any]:
    """The answers as this login makes them: what a login filled in before is dropped, then
    filled again from `citizen` where it applies."""
    out = {key: value for key, value in answers.items() if not from_login(answers, key)}
    out.pop(OFFERS, None)
    if citizen is None or _REGISTRATION in out:
        return out
    if citizen.may_act_for:
        # Whatever "who" says now: a POST that changes it to someone else finds them here.
        out[OFFERS] = {"may_act_for": list(citizen.may_act_for)}
    who = out.get("who", {}).get("who")
    if who == "self":
        out["identity"] = {
            "full_name": citizen.name,
            "cpr": stdnum_cpr.format(citizen.cpr),
            FROM_LOGIN: MITID,
        }
        out["age"] = {
            "birth_date": stdnum_cpr.get_birth_date(citizen.cpr).isoformat(),
            "age": None,
            FROM_LOGIN: MITID,
        }
    elif person_chosen(out):
        _fill_for_chosen(out, str(chosen_person(out)))
    return out


def _fill_for_chosen(out: dict[str, Any], cpr: str) -> None:
    """The authority is the Digital Fuldmagt itself (the submit records it as checked); the
    birth date is the CPR number's, and the identity the typed name with the CPR number the
    login vouches for."""
    out["authority"] = {"authority": "power_of_attorney", FROM_LOGIN: DIGITAL_FULDMAGT}
    born = stdnum_cpr.get_birth_date(cpr).isoformat()
    out["age"] = {"birth_date": born, "age": None, FROM_LOGIN: DIGITAL_FULDMAGT}
    name = out.get(NAME_STEP, {}).get("full_name")
    if name:
        out["identity"] = {
            "full_name": name,
            "cpr": stdnum_cpr.format(cpr),
            FROM_LOGIN: DIGITAL_FULDMAGT,
        }


def fixed_by_login(step_id: str, answers: Mapping[str, Any]) -> bool:
    """A step the login answered is not asked and cannot be changed."""
    return step_id in ("identity", "age", "authority") and from_login(answers, step_id)


def typed_at(step_id: str, field: str, answers: Mapping[str, Any]) -> str | None:
    """The step where the citizen typed part of an answer the login fixed, so the check page
    can offer "Ret" for that part alone: the name of a person chosen from Digital Fuldmagt is
    typed on its own step, while the CPR number beside it stays the login's."""
    stored = answers.get(step_id)
    from_fuldmagt = isinstance(stored, Mapping) and stored.get(FROM_LOGIN) == DIGITAL_FULDMAGT
    if step_id == "identity" and field == "full_name" and from_fuldmagt:
        return NAME_STEP
    return None


def representative_name(answers: Mapping[str, Any], citizen: Citizen | None) -> str | None:
    """The logged-in citizen's own name, offered on the representative step: applying for
    someone else, they are the representative. Only offered, never fixed (the citizen may
    correct it), and never on a caseworker's registration, where the login is not theirs."""
    if citizen is None or _REGISTRATION in answers:
        return None
    return citizen.name if answers.get("who", {}).get("who") == "other" else None
