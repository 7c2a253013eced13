"""The submit with how the applicant was identified (issue 13, points 3 and 5).

Logged in with MitID and applying for oneself, the CPR number stored is the login's, whatever
the answers say (they say the same: portal.identity.prefill fills them from the login). For
someone else, portal.identity.applying decides whether Digital Fuldmagt verifies the authority.
A caseworker's registration is never the caseworker's own login: typed, as without login.
"""

from __future__ import annotations

import dataclasses

from portal import applications
from portal.citizen import session as drafts_in_session
from portal.identity.applying import identify
from portal.own_applications import identification_columns
from portal.web import db, services
from portal.web.citizen_login import settings


def prepare(made: applications.Submission) -> applications.Prepared:
    """The submission identified, encrypted and given its links: no write, so it can be done
    before the write transaction begins (the login was read with the answers)."""
    citizen = None if made.registrar_id else drafts_in_session.login()
    record = identify(citizen, made.for_someone_else, made.cpr, settings().privilege)
    made = dataclasses.replace(made, cpr=record.applicant_cpr)
    cipher = services.cipher()
    # Without a login nothing is stored: NULL reads as typed and, for someone else, as not
    # verified (portal.identity.applying.stored), so login off stores what it did.
    columns = identification_columns(cipher, record) if citizen is not None else None
    return applications.prepare(cipher, made, columns)


def store(prepared: applications.Prepared, *, claimed: bool) -> applications.Receipt:
    """Store the application in the request's transaction. Either the page has already looked
    for this draft's application in it, or it has claimed the draft (applications.claim_draft)."""
    return applications.store(
        db.session(), services.cipher(), prepared, looked_up=True, claimed=claimed
    )


def submit(made: applications.Submission) -> applications.Receipt:
    """Prepare and store in the request's transaction (the page has looked for the draft's
    application in it)."""
    return store(prepare(made), claimed=False)
