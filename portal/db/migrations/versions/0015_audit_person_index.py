"""An index for the access request's audit rows about a person.

The GDPR access request (portal.casework.access_request) reads the audit rows whose detail
names the person (a CPR search, an earlier access request) in one municipality, oldest first.
Nothing indexed the detail, so each request scanned every audit row of the municipality:
one row per case view, list and search, kept for years.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_event_person", "audit_event", ["municipality_code", "detail", "at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_event_person", table_name="audit_event")
