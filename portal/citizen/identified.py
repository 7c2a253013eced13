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
from portal.own_applications import record_identification
from portal.web import db, services
from portal.web.citizen_login import settings


def submit(made: applications.Submission) -> applications.Receipt:
    """Store the application and its identification in the request's transaction."""
    citizen = None if made.registrar_id else drafts_in_session.login()
    record = identify(citizen, made.for_someone_else, made.cpr, settings().privilege)
    made = dataclasses.replace(made, cpr=record.applicant_cpr)
    cipher = services.cipher()
    # The page has already looked for this draft's application in this transaction.
    receipt = applications.submit(db.session(), cipher, made, looked_up=True)
    if citizen is not None:
        # Without a login nothing is stored: NULL reads as typed and, for someone else, as
        # not verified (portal.identity.applying.stored), so login off stores what it did.
        record_identification(db.session(), cipher, receipt.application, record)
    return receipt
