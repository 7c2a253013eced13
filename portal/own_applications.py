"""A logged-in citizen's applications (issue 13, points 4 and 5), without Flask.

The submit stores how the applicant and the submitter were identified
(`identification_columns`); "Mine ansøgninger" finds the applications a citizen made for
themselves (by `cpr_index`) and those they submitted for someone else (by
`submitter_index`). Both indexes are the keyed HMAC of portal.crypto, never a CPR number,
and every lookup is scoped to the citizen: another citizen's application is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.crypto import DataCipher
from portal.db.models import ROW_ID_MAX, Application
from portal.identity.applying import TYPED, Applying, Method, Stored, level_name, stored

# More than any citizen applies for in the years an application is kept; a bound all the same.
LIST_LIMIT = 200


def record_identification(
    session: Session, indexer: DataCipher, application: Application, record: Applying
) -> None:
    """Store `record` on an application already stored, in its transaction."""
    for column, value in identification_columns(indexer, record).items():
        setattr(application, column, value)
    session.flush()


def identification_columns(indexer: DataCipher, record: Applying) -> dict[str, Any]:
    """The application's columns that record how it was identified, to store with it. The
    submitter is kept as the keyed index of their CPR number, and only when they logged in."""
    applicant = record.applicant
    return {
        "identified_by": applicant.method.value,
        # The login's level: the applicant's when identified by it, else the submitter's only.
        "identified_level": level_name(record.submitter.level),
        "fuldmagt_privilege": applicant.privilege,
        "authority_verified": record.authority_verified,
        "submitter_index": indexer.index(record.submitter_cpr) if record.submitter_cpr else None,
    }


def identification_of(application: Application, for_someone_else: bool) -> Stored:
    """The stored identification; `for_someone_else` comes from the application's answers
    (who applied), which old rows have too."""
    applicant = stored(
        application.identified_by, application.identified_level, application.fuldmagt_privilege
    )
    # A caseworker's registration speaks of the citizen in the third person, but nobody
    # applied for them: there is no authority to check.
    represented = for_someone_else and application.registrar_id is None
    verified = bool(application.authority_verified) if represented else None
    level = application.identified_level
    submitter = stored(Method.MITID.value, level, None) if application.submitter_index else TYPED
    return Stored(applicant, submitter, verified)


@dataclass(frozen=True)
class Own:
    """An application in a citizen's list: `for_me` when they are the applicant, else they
    submitted it for someone else."""

    application: Application
    for_me: bool


def list_for(session: Session, indexer: DataCipher, cpr: str) -> list[Own]:
    """The citizen's own applications and those they submitted, newest first."""
    index = indexer.index(cpr)
    rows = session.scalars(
        select(Application)
        .where(or_(Application.cpr_index == index, Application.submitter_index == index))
        .order_by(Application.received_at.desc(), Application.id.desc())
        .limit(LIST_LIMIT)
    )
    return [Own(row, row.cpr_index == index) for row in rows]


def find_for(session: Session, indexer: DataCipher, cpr: str, application_id: int) -> Own | None:
    """One application by id, only when it is the citizen's own or one they submitted:
    anyone else's id gives None, exactly as an id that does not exist."""
    if not 0 < application_id <= ROW_ID_MAX:
        return None
    index = indexer.index(cpr)
    row = session.scalar(
        select(Application).where(
            Application.id == application_id,
            or_(Application.cpr_index == index, Application.submitter_index == index),
        )
    )
    return Own(row, row.cpr_index == index) if row is not None else None
