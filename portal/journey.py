"""The citizen's question flow as data: which steps, in which order, asked when.

Pure Python, no Flask. Next and back, skipping, the step indicator, "check your answers" and
the guard against a step posted out of order all derive from STEPS, so a new question is one
line here plus its form and template.

A draft's answers are a mapping from step id to that step's saved values. A step counts as
answered when its id is in the mapping (an optional step saves an empty dict when skipped).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from portal.cpr import fits_age_answer
from portal.deadlines import danish_date
from portal.identity import prefill

Answers = Mapping[str, Mapping[str, Any]]


class Section(enum.IntEnum):
    """The five stages the step indicator shows; questions are grouped under them."""

    ABOUT = 1
    NEEDS = 2
    GUIDANCE = 3
    CONTACT = 4
    SEND = 5


def always(_answers: Answers) -> bool:
    return True


def for_someone_else(answers: Answers) -> bool:
    return answers.get("who", {}).get("who") == "other"


def by_a_representative(answers: Answers) -> bool:
    """A relative or helper applies; a caseworker taking a phone or counter application does
    not answer the questions about their own authority or contact details."""
    return for_someone_else(answers) and REGISTRATION not in answers


def offered_fuldmagt(answers: Answers) -> bool:
    """Logged in with Digital Fuldmagt for someone: those people are offered first."""
    return by_a_representative(answers) and bool(answers.get(prefill.OFFERS, {}).get("may_act_for"))


# Set by the staff side when a caseworker registers an application from a phone call, the
# counter or a letter: {"channel": ..., "staff_id": ...}. Not a step, so never asked.
REGISTRATION = "registration"


@dataclass(frozen=True)
class Step:
    id: str
    section: Section
    asked_when: Callable[[Answers], bool] = always
    # Shown on "check your answers" (the guidance and the declaration are not answers).
    summarised: bool = True


STEPS: tuple[Step, ...] = (
    Step("who", Section.ABOUT),
    Step(prefill.FULDMAGT_STEP, Section.ABOUT, offered_fuldmagt),
    Step("relation", Section.ABOUT, by_a_representative),
    Step("authority", Section.ABOUT, by_a_representative),
    Step("applicant_name", Section.ABOUT, for_someone_else),
    Step("municipality", Section.ABOUT),
    Step("age", Section.ABOUT),
    Step("difficulties", Section.NEEDS),
    Step("help_level", Section.NEEDS),
    Step("wishes", Section.NEEDS),
    Step("situation", Section.NEEDS),
    Step("days", Section.NEEDS),
    Step("day_length", Section.NEEDS),
    Step("transport", Section.NEEDS),
    Step("action_plan", Section.NEEDS),
    Step("other_info", Section.NEEDS),
    Step("guidance", Section.GUIDANCE, summarised=False),
    # After the guidance, so the offers have been seen before one is wished for.
    Step("offer_wish", Section.GUIDANCE),
    # For a person chosen from Digital Fuldmagt the name alone: the login has the CPR number.
    Step(prefill.NAME_STEP, Section.CONTACT, prefill.person_chosen, summarised=False),
    Step("identity", Section.CONTACT),
    Step("address", Section.CONTACT),
    Step("contact", Section.CONTACT),
    Step("meeting_help", Section.CONTACT),
    Step("representative", Section.CONTACT, by_a_representative),
    Step("consent", Section.CONTACT),
    Step("check", Section.SEND, summarised=False),
)
BY_ID: dict[str, Step] = {step.id: step for step in STEPS}
# Kept in the answers without being steps: a registration, and what a login offers.
# A CPR number that no longer fits a changed birth date or age is asked again. The name given
# with it is kept here, never the number, so the page can say why and need not ask the name
# anew; answering the page removes it.
ASKED_AGAIN = "identity_asked_again"
NOT_STEPS = frozenset({REGISTRATION, prefill.OFFERS, ASKED_AGAIN})
# The check page is reached, never answered: it is where the flow ends before submitting.
FINAL = "check"


def visible(answers: Answers) -> list[Step]:
    return [step for step in STEPS if step.asked_when(answers)]


def first_unanswered(answers: Answers) -> Step:
    """Where a returning user resumes, and where an out-of-order POST is sent."""
    for step in visible(answers):
        if step.id not in answers and step.id != FINAL:
            return step
    return BY_ID[FINAL]


# The mark on an authority the relation answered: a guardian's authority is the guardianship.
FROM_RELATION = "from_relation"
GUARDIAN_AUTHORITY = {"authority": "guardianship", FROM_RELATION: True}


def _answered_by_relation(answers: Answers) -> bool:
    """Whether the authority was answered by the relation ("Værge"), not asked."""
    return bool(answers.get("authority", {}).get(FROM_RELATION))


def fixed(step_id: str, answers: Answers) -> bool:
    """A caseworker registers applications for their own municipality only: the registration
    answers the municipality in advance, and nobody may change it. A MitID login answers the
    name, CPR number and birth date, or the authority (portal.identity.prefill); a guardian's
    relation answers the authority."""
    if step_id == "municipality":
        return REGISTRATION in answers
    if step_id == "authority" and _answered_by_relation(answers):
        return True
    return prefill.fixed_by_login(step_id, answers)


def changed_at(step_id: str, field: str, answers: Answers) -> str | None:
    """The step whose page changes this answer (the check page's "Ret"): its own, or None
    when it is fixed, except a part the citizen typed elsewhere (prefill.typed_at) and an
    authority the relation answered."""
    if not fixed(step_id, answers):
        return step_id
    if step_id == "authority" and _answered_by_relation(answers):
        return "relation"
    return prefill.typed_at(step_id, field, answers)


def may_visit(step_id: str, answers: Answers) -> bool:
    """A step may be shown or saved once every visible step before it is answered, and
    unless it is fixed."""
    if step_id not in BY_ID or not BY_ID[step_id].asked_when(answers):
        return False
    if fixed(step_id, answers):
        return False
    steps = visible(answers)
    index = [s.id for s in steps].index(step_id)
    return all(s.id in answers for s in steps[:index])


def next_step(step_id: str, answers: Answers) -> Step:
    """The first unanswered step after this one, else the check page."""
    steps = visible(answers)
    ids = [s.id for s in steps]
    for step in steps[ids.index(step_id) + 1 :] if step_id in ids else steps:
        # The name just given for a Digital Fuldmagt person answers the identity on save.
        if step.id not in answers and not prefill.fills_on_save(step.id, answers):
            return step
    return first_unanswered(answers)


def previous_step(step_id: str, answers: Answers) -> Step | None:
    steps = visible(answers)
    ids = [s.id for s in steps]
    if step_id not in ids:
        return None
    # Back skips what cannot be changed (a registrar's municipality, the login's answers).
    earlier = [s for s in steps[: ids.index(step_id)] if not fixed(s.id, answers)]
    return earlier[-1] if earlier else None


# What is about the person: given for one person, it is not the answer for another.
ABOUT_THE_PERSON = frozenset({"identity", "address", "contact", "meeting_help", "consent"})
# Later answers that lose their meaning when this one changes: they are asked again.
LATER_MEANING: dict[str, frozenset[str]] = {
    # The offers are the municipality's own: a wish chosen from another list means nothing here.
    "municipality": frozenset({"guidance", "offer_wish"}),
    # Whom the name, CPR number, address, contact, help at meetings and consent are about.
    "who": ABOUT_THE_PERSON | {"guidance"},
    # Another person from Digital Fuldmagt: the first and full name typed were the other's.
    prefill.FULDMAGT_STEP: ABOUT_THE_PERSON | {"guidance", "applicant_name", prefill.NAME_STEP},
}


def revise(
    before: Answers, step_id: str, value: Mapping[str, Any], today: date | None = None
) -> dict[str, Mapping[str, Any]]:
    """The answers with this step answered anew: what a changed answer made meaningless is
    dropped, so the flow asks it again (next_step finds it), and the rest is kept."""
    answers = dict(before)
    old = answers.get(step_id)
    answers[step_id] = value
    if old is not None and _differs(old, value):
        for later in LATER_MEANING.get(step_id, ()):
            answers.pop(later, None)
    if step_id == "relation":
        _authority_of_relation(answers)
    if step_id == "age" and not _cpr_fits_age(answers, today):
        # The identity page refuses a CPR number of another birth date or age: ask it again.
        name = answers.pop("identity", {}).get("full_name", "")
        answers[ASKED_AGAIN] = {"full_name": name}
    if step_id == "identity":
        answers.pop(ASKED_AGAIN, None)
    return prune(answers)


def _authority_of_relation(answers: dict[str, Mapping[str, Any]]) -> None:
    """Whoever answered "Værge" is not asked what gives them the right to apply ("Jeg er
    værge") again; another relation asks it, unless it was typed before. An authority from
    the login (Digital Fuldmagt, checked) stays."""
    if prefill.fixed_by_login("authority", answers):
        return
    if answers["relation"].get("relation") == "guardian":
        answers["authority"] = GUARDIAN_AUTHORITY
    elif _answered_by_relation(answers):
        del answers["authority"]


def _cpr_fits_age(answers: Mapping[str, Mapping[str, Any]], today: date | None) -> bool:
    """Whether the CPR number given agrees with the birth date or age given (as the identity
    page checks when it is typed); true when either is missing."""
    cpr = answers.get("identity", {}).get("cpr")
    if not isinstance(cpr, str):
        return True
    return fits_age_answer(cpr, answers.get("age", {}), today or danish_date(datetime.now(UTC)))


def answered_after(step_id: str, answers: Answers) -> bool:
    """Whether a step after this one is answered: the guidance shown again after a change."""
    later = STEPS[STEPS.index(BY_ID[step_id]) + 1 :]
    return any(step.id in answers for step in later)


def before_guidance(step_id: str) -> bool:
    """Whether the step is asked before the guidance, so its answer may change the guidance."""
    return STEPS.index(BY_ID[step_id]) < STEPS.index(BY_ID["guidance"])


def _differs(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    # Ticked boxes in another order are the same answer.
    def norm(value: Any) -> Any:
        return sorted(map(str, value)) if isinstance(value, list) else value

    keys = set(old) | set(new)
    return any(norm(old.get(k)) != norm(new.get(k)) for k in keys)


def prune(answers: Answers) -> dict[str, Mapping[str, Any]]:
    """Drop answers to steps no longer asked, e.g. the relation once "for myself" is chosen,
    so nothing the user took back is kept or sent."""
    kept = {k: v for k, v in answers.items() if k in BY_ID or k in NOT_STEPS}
    return {k: v for k, v in kept.items() if k in NOT_STEPS or BY_ID[k].asked_when(kept)}


class SectionState(NamedTuple):
    # A tuple, not a frozen dataclass: every question page builds one per section, and the
    # step indicator's cache uses them as its key.
    section: Section
    first_step: str
    done: bool
    current: bool
    reachable: bool


def sections(answers: Answers, current: str) -> list[SectionState]:
    """The step indicator: each section, whether it is done, current, or reachable."""
    steps = visible(answers)
    # A visible step may be visited when it comes no later than the first unanswered one
    # (may_visit's rule), so one pass finds where every section's first step stands.
    gap = next((i for i, step in enumerate(steps) if step.id not in answers), len(steps))
    current_section = BY_ID[current].section if current in BY_ID else None
    grouped: dict[Section, list[tuple[int, Step]]] = {}
    for i, step in enumerate(steps):
        grouped.setdefault(step.section, []).append((i, step))
    states = []
    for section in Section:
        members = grouped.get(section)
        if not members:
            continue
        # A section opens at its first step that can be changed (the login's may be fixed).
        opening = next((m for m in members if not fixed(m[1].id, answers)), None)
        first_index, first = opening or members[0]
        done = all(step.id in answers for _, step in members if step.id != FINAL)
        states.append(
            SectionState(
                section=section,
                first_step=first.id,
                done=done and section != Section.SEND,
                current=section == current_section,
                reachable=opening is not None and first_index <= gap,
            )
        )
    return states
