"""What a decision letter says beyond the decision itself: the complaint guidance, and which
decision is the application's current one.

No Flask here. The complaint guidance (klagevejledning) goes with every decision that is not
a full grant: where to complain, how, and by when. The deadline is the municipality's own
figure where its standard states one, else the law's (retssikkerhedsloven § 67, stk. 1); a
figure neither gives is never shown. From when the deadline runs is cited on its own: the
standard's words where it says, else the law's (Gentofte gives the 4 weeks, not their start).
Where the standard has a line for the letter on where the complaint goes, those words are
used; else the route the law sets: the municipality first, which looks at the case again,
then Ankestyrelsen.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from portal.applications import history
from portal.crypto import DataCipher
from portal.db.models import Application, StatusEvent
from portal.lifecycle import Decision
from portal.standards import SourceKind, Standard, Statement
from portal.standards.laws import LAWS
from portal.standards.text import LANGS
from portal.statuses import DECIDED

DEADLINE_LAW = "retssikkerhedsloven § 67, stk. 1"
# Where the complaint goes and who reconsiders it: the municipality first (§ 66), then the
# appeals board. Cited in the letter next to the route when the law, not the standard, says it.
ROUTE_LAW = "retssikkerhedsloven §§ 66 og 67"


def law_deadline_weeks() -> int:
    """The complaint deadline in weeks, read from the law's own summary (portal.standards.laws)."""
    found = re.search(r"(\d+) uger", LAWS[DEADLINE_LAW])
    if found is None:  # the summary is checked by a test; this guards a careless edit
        raise LookupError(f"{DEADLINE_LAW}: no deadline in weeks")
    return int(found.group(1))


def complaint_guidance(standard: Standard | None) -> dict[str, Any]:
    """The complaint guidance as the letter stores it: JSON, both languages.

    `deadline`: {"weeks", "from": "standard"|"law", "source": {lang: citation}, "start"}, where
    `start` is from when it runs: {"text", "source"} per language from the standard, or only
    {"source"} (the law's) for the letter's own sentence. Letters stored before have no
    `start`: their deadline's source covered both.
    `route`: the standard's own words on where to complain, {"text", "source"} per language,
    or None when the law's route is to be said instead.
    """
    return {"deadline": _deadline(standard), "route": _route(standard)}


def _deadline(standard: Standard | None) -> dict[str, Any]:
    steps = standard.next_steps if standard else None
    start = _said(steps.complaint_start if steps else None) or _law(DEADLINE_LAW)
    if steps is not None and steps.complaint_weeks is not None:
        # The line that states the deadline: its own line where there is one, else the
        # complaint line. The check against the seed (seedcheck) found the figure there.
        said_in = steps.complaint_deadline or steps.complaint
        if said_in.source.kind is SourceKind.SEED:
            source = said_in.source
            return {"weeks": steps.complaint_weeks, "from": "standard",
                    "source": {lang: source.label(lang) for lang in LANGS}, "start": start}  # fmt: skip
    return {"weeks": law_deadline_weeks(), "from": "law", **_law(DEADLINE_LAW), "start": start}


def _route(standard: Standard | None) -> dict[str, Any] | None:
    return _said(standard.next_steps.complaint_route if standard else None)


def _said(statement: Statement | None) -> dict[str, Any] | None:
    """A standard's own line for the letter with its citation; None where it is silent."""
    if statement is None or statement.source.kind is not SourceKind.SEED:
        return None
    # A letter speaks to the applicant, so the statement's own "du" voice.
    return {
        "text": {lang: statement.text(lang) for lang in LANGS},
        "source": {lang: statement.source.label(lang) for lang in LANGS},
    }


def _law(law: str) -> dict[str, Any]:
    return {"source": {lang: law for lang in LANGS}}


def current_decision(
    session: Session, cipher: DataCipher, application: Application
) -> Decision | None:
    """The decision the application stands on: its latest status event, when that is a
    decision. A reopened case has none until it is decided again."""
    if application.status not in DECIDED:
        return None
    events = history(session, application)
    last = events[-1] if events else None
    return stored_decision(cipher, last) if last is not None else None


def latest_decision(
    session: Session, cipher: DataCipher, application: Application
) -> Decision | None:
    """The last decision sent to the citizen, whatever happened since. A reopen does not
    take back a letter the citizen has had: its complaint period runs on, so the letter
    stays readable (by the citizen and the caseworker) until a new decision replaces it."""
    made = all_decisions(session, cipher, application)
    return made[-1] if made else None


def all_decisions(session: Session, cipher: DataCipher, application: Application) -> list[Decision]:
    """Every decision the application has had, oldest first: a reopened and decided again
    case keeps the earlier ones for the record."""
    found = (stored_decision(cipher, event) for event in history(session, application))
    return [decision for decision in found if decision is not None]


def stored_decision(cipher: DataCipher, event: StatusEvent) -> Decision | None:
    """The decision a status event records, or None for any other event."""
    if event.status not in DECIDED or not event.message_enc:
        return None
    note = cipher.decrypt(event.message_enc)
    stored = note.get("decision") if isinstance(note, dict) else None
    return Decision.from_stored(stored) if isinstance(stored, dict) else None


def with_complaint(decision: Decision, standard: Standard | None) -> Decision:
    """The decision with its complaint guidance: stored with it from now on; for a decision
    stored before, made from today's standard when its letter is shown."""
    if decision.fully_granted or decision.complaint is not None:
        return decision
    return Decision.from_stored({**decision.stored(), "complaint": complaint_guidance(standard)})
