"""The caseworker's queue, row by row: who, for whom, what for, how long, and how the applicant
was identified; the duplicates and partial grants for a page of rows in one query each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import deadlines, ffb, journey
from portal.casework import staff_emails
from portal.cpr import masked as masked_cpr
from portal.db.models import Application, Status, StatusEvent
from portal.identity.applying import Method, Stored
from portal.lifecycle import Outcome
from portal.own_applications import identification_of
from portal.statuses import OPEN

# The queue ---------------------------------------------------------------------------------
# A row a caseworker can tell apart at a glance: who, for whom, what for, and how long.

# The stored answers keep their FFB codes whatever language the citizen used, so the needs are
# read from the codes: the kinds of difficulty, then what the person wishes. Two wishes share
# a code (keeping and learning skills); the first key names it.
NEED_KEYS: dict[str, str] = {
    **{code.code: key for key, code in reversed(ffb.WISH_CODES.items())},
    **{code.code: key for key, code in ffb.TARGET_GROUPS.items()},
}
# "The main needs in three or four words": two difficulties and one wish; the rest counted.
DIFFICULTIES_SHOWN = 2
WISHES_SHOWN = 1


# An application from before identification was recorded: typed, nothing checked.
NOTHING_CHECKED = Stored()


@dataclass(frozen=True)
class QueueRow:
    application: Application
    name: str
    masked_cpr: str  # ddmmyy-xxxx; the page shows it only when asked
    applied_by: str  # "self", or the representative's relation: relative, guardian, helper
    difficulties: tuple[str, ...]  # at most two of physical, mental, social
    wishes: tuple[str, ...]  # at most one: social_contact, get_out, ...
    days: int
    holder: str | None  # the caseworker's e-mail
    deadline: date | None  # open cases, where the standard states a processing time
    overdue: bool
    due_soon: bool
    duplicates: tuple[tuple[int, str], ...]  # other open applications, same CPR: (id, reference)
    partly_granted: bool = False  # Status.GRANTED, but for less than was asked for
    more_needs: int = 0  # difficulties and wishes left out of the row
    identification: Stored = (
        NOTHING_CHECKED  # how the applicant (and a representative) was identified
    )

    @property
    def checked(self) -> str:
        """What was checked about who applied, as a key for the row's short words."""
        known = self.identification
        if known.applicant.method is Method.DIGITAL_FULDMAGT:
            return "fuldmagt"
        if known.applicant.method is Method.MITID and known.applicant.level is not None:
            return "mitid"
        if known.authority_verified is False and known.submitter.method is Method.MITID:
            return "authority_not_checked"
        return "not_checked"


def needs(answers: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """What the application is about, in keys: the first two kinds of difficulty and the
    first wish, in the order the citizen chose them, and how many more were chosen."""
    found: dict[str, list[str]] = {"difficulties": [], "wishes": []}
    for row in answers:
        if row.get("field") in found:
            keys = [NEED_KEYS.get(str(c.get("code"))) for c in row.get("codes", ())]
            found[row["field"]].extend(k for k in keys if k and k not in found[row["field"]])
    difficulties = found["difficulties"][:DIFFICULTIES_SHOWN]
    wishes = found["wishes"][:WISHES_SHOWN]
    more = len(found["difficulties"]) + len(found["wishes"]) - len(difficulties) - len(wishes)
    return tuple(difficulties), tuple(wishes), more


def applied_by(person: dict[str, Any]) -> str:
    """A relative, guardian or helper applied; a caseworker's phone registration speaks of
    the citizen in the third person but is the citizen's own application."""
    if person.get("who", {}).get("who") != "other":
        return "self"
    return str(person.get("relation", {}).get("relation") or "self")


def open_duplicates(
    session: Session, municipality: str, applications: Sequence[Application]
) -> dict[int, tuple[tuple[int, str], ...]]:
    """For each open application on the page, the municipality's other open applications
    with the same CPR number: one query on the keyed digest, never the number itself."""
    digests = {a.cpr_index for a in applications if a.status in OPEN}
    if not digests:
        return {}
    same: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for ident, reference, digest in session.execute(
        select(Application.id, Application.reference, Application.cpr_index)
        .where(
            Application.municipality_code == municipality,
            Application.status.in_(OPEN),
            Application.cpr_index.in_(digests),
        )
        .order_by(Application.received_at, Application.id)
    ).tuples():
        same[digest].append((ident, reference))
    return {
        a.id: tuple(other for other in same[a.cpr_index] if other[0] != a.id)
        for a in applications
        if a.status in OPEN and len(same[a.cpr_index]) > 1
    }


def is_partial_grant(cipher: Any, event: StatusEvent) -> bool:
    """A partial grant is stored as Status.GRANTED (a grant, with reasons and complaint
    guidance); only the decision in its status event says it is partial."""
    if event.status is not Status.GRANTED or not event.message_enc:
        return False
    note = cipher.decrypt(event.message_enc)
    decision = note.get("decision") if isinstance(note, dict) else None
    return isinstance(decision, dict) and decision.get("outcome") == Outcome.PARTLY_GRANTED


def partly_granted(session: Session, cipher: Any, applications: Sequence[Application]) -> set[int]:
    """Which of the granted applications were granted in part: one query for the grant
    events of them all; the latest grant of each is the one the case stands on."""
    granted = [a.id for a in applications if a.status is Status.GRANTED]
    if not granted:
        return set()
    events = session.scalars(
        select(StatusEvent)
        .where(StatusEvent.application_id.in_(granted), StatusEvent.status == Status.GRANTED)
        .order_by(StatusEvent.at, StatusEvent.id)
    )
    latest = {event.application_id: event for event in events}  # oldest first: the last wins
    return {ident for ident, event in latest.items() if is_partial_grant(cipher, event)}


def queue_rows(
    session: Session, cipher: Any, municipality: str, applications: Sequence[Application],
    now: datetime, processing_weeks: int | None,
) -> list[QueueRow]:  # fmt: skip
    """The page's rows: two small decryptions per row (the person and the answers; never the
    guidance), the caseworkers' e-mails, the duplicates and the partial grants in one query
    each."""
    holders = staff_emails(session, municipality, active_only=True)
    duplicates = open_duplicates(session, municipality, applications)
    partial = partly_granted(session, cipher, applications)
    today = deadlines.danish_date(now)
    rows = []
    for a in applications:
        person = cipher.decrypt(a.person_enc)
        cpr = str(person.get("identity", {}).get("cpr", ""))
        due = deadlines.due_date(a.received_at, processing_weeks)
        pending = a.status in OPEN
        difficulties, wishes, more = needs(cipher.decrypt(a.answers_enc))
        rows.append(QueueRow(
            application=a, name=str(person.get("identity", {}).get("full_name", "")),
            masked_cpr=masked_cpr(cpr), applied_by=applied_by(person),
            difficulties=difficulties, wishes=wishes, more_needs=more,
            days=(now - a.received_at).days,
            holder=holders.get(a.assigned_to_id) if a.assigned_to_id else None,
            deadline=due if pending else None,
            overdue=pending and deadlines.is_overdue(due, today),
            due_soon=pending and deadlines.is_due_soon(due, today),
            duplicates=duplicates.get(a.id, ()), partly_granted=a.id in partial,
            identification=identification_of(a, journey.for_someone_else(person)),
        ))  # fmt: skip
    return rows
