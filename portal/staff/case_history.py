"""The case's history as the caseworker reads it: each change of status, who made it, and
what it said: the message the citizen was asked, the reason a case was reopened, the decision.

The citizen's status page shows the citizen's part of this; staff see all of it, on the case
page and in the case file PDF for the municipality's journal, so the file says what the
citizen was told and why the case was opened again. No Flask here: the words are the
templates' (templates/staff/_case_history.html).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from portal.crypto import DataCipher
from portal.db.models import StatusEvent
from portal.decisions import stored_decision
from portal.lifecycle import Decision, Outcome


@dataclass(frozen=True)
class HistoryEntry:
    event: StatusEvent
    staff: str  # the caseworker who made the change (e-mail); empty for the citizen's own
    message: str = ""  # what the caseworker asked the citizen to send or answer
    reopen_reason: str = ""  # why the case was opened again; the citizen does not see it
    decision: Decision | None = None

    @property
    def partly_granted(self) -> bool:
        return self.decision is not None and self.decision.outcome is Outcome.PARTLY_GRANTED


def case_history(
    cipher: DataCipher, events: Sequence[StatusEvent], staff_names: Mapping[int, str]
) -> list[HistoryEntry]:
    return [entry(cipher, event, staff_names) for event in events]


def entry(cipher: DataCipher, event: StatusEvent, staff_names: Mapping[int, str]) -> HistoryEntry:
    staff = staff_names.get(event.staff_id, "") if event.staff_id is not None else ""
    decision = stored_decision(cipher, event)
    if decision is not None or not event.message_enc:
        return HistoryEntry(event, staff, decision=decision)
    note = cipher.decrypt(event.message_enc)
    if not isinstance(note, dict) or not note.get("text"):
        return HistoryEntry(event, staff)
    text = str(note["text"])
    # A reopen's reason is kept from the citizen ("internal"); a request for information is
    # what the citizen was asked.
    if note.get("internal"):
        return HistoryEntry(event, staff, reopen_reason=text)
    return HistoryEntry(event, staff, message=text)


def decisions_made(history: Sequence[HistoryEntry]) -> list[HistoryEntry]:
    """The entries that record a decision, latest first: the one the letter is about, then
    the earlier ones a reopen set aside, kept for the record."""
    return [e for e in reversed(history) if e.decision is not None]


# "Hvem har set sagen": every read is stored as its own audit row (the law asks for each), but
# a caseworker at work reloads the case, and a form shown again after an error is a view too;
# fourteen "Så sagen" rows in a few minutes hide what else happened. The page shows repeated
# views by the same person, each within REPEAT_GAP of the last, as one row with a count.
REPEAT_GAP = timedelta(minutes=10)
GROUPED_ACTIONS = frozenset({"view"})


@dataclass(frozen=True)
class TrailRow:
    at: datetime  # the first of the run
    last: datetime  # the last of the run (= at for a single row)
    action: str
    staff_id: int | None
    times: int = 1


def grouped_trail(records: Iterable[Any]) -> list[TrailRow]:
    """The audit rows in time order as the page lists them: runs of views grouped."""
    rows: list[TrailRow] = []
    for record in records:
        before = rows[-1] if rows else None
        if (
            before is not None
            and record.action in GROUPED_ACTIONS
            and (before.action, before.staff_id) == (record.action, record.staff_id)
            and record.at - before.last <= REPEAT_GAP
        ):
            rows[-1] = replace(before, last=record.at, times=before.times + 1)
        else:
            rows.append(TrailRow(record.at, record.at, record.action, record.staff_id))
    return rows
