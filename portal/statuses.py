"""Which statuses count as what: the one definition the lifecycle, the queue, the dashboard,
the case page, the status page and the mails all read. No Flask; the words for each status
live in portal.web.case_words, keyed by the same Status members.

A case is open until the municipality decides or the citizen withdraws it; a decided case
can be reopened, a withdrawn one not. The tuples keep the order a case goes through, which is the
order the dashboard lists them in.
"""

from __future__ import annotations

from portal.db.models import Status

# Waiting for the municipality or the citizen: in the queue, can be withdrawn, can be decided.
OPEN: tuple[Status, ...] = (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CITIZEN)
# The municipality has decided: there is a decision letter.
DECIDED: tuple[Status, ...] = (Status.GRANTED, Status.REFUSED)
# Nothing more happens unless a caseworker reopens it.
CLOSED: tuple[Status, ...] = (*DECIDED, Status.WITHDRAWN)
# The citizen has something to read or to do: they get an e-mail saying so.
NEWS_FOR_CITIZEN: tuple[Status, ...] = (Status.AWAITING_CITIZEN, *DECIDED)
