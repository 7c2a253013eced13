"""Migration 0013 adds how the applicant was identified; an application from before it reads
as typed and not verified, on a fresh database of each kind (never the shared test database:
it migrates up from 0012)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.db import migrate
from portal.db.models import Application
from portal.identity.applying import TYPED, Stored
from portal.own_applications import identification_of
from tests.web.migration_db import fresh_engine

OLD_ROW = (
    "INSERT INTO application (reference, draft_key, municipality_code, status, channel, "
    "received_at, updated_at, standard_version, cpr_index, person_enc, answers_enc, "
    "guidance_enc, status_token_digest) VALUES ('AS-2026-000001', 'd', '575', 'received', "
    "'web', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '1', 'i', 'p', 'a', 'g', 's')"
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_application_from_before_reads_as_typed_and_not_verified(
    backend: str, tmp_path: Path
) -> None:
    engine = fresh_engine(backend, tmp_path, "mig13")
    migrate.upgrade(engine, "0012")
    with engine.begin() as conn:
        conn.execute(text(OLD_ROW))
    migrate.upgrade(engine)
    with Session(engine) as session:
        old = session.query(Application).one()
        assert (old.identified_by, old.identified_level, old.authority_verified) == (None,) * 3
        assert old.fuldmagt_privilege is None and old.submitter_index is None
        assert identification_of(old, for_someone_else=False) == Stored(TYPED, TYPED, None)
        assert identification_of(old, for_someone_else=True) == Stored(TYPED, TYPED, False)
    migrate.downgrade(engine, "0012")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM application")) == 1
    engine.dispose()
