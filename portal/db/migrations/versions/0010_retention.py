"""Retention (`portal purge`): when the municipality's own system got an application's closing
event, which starts its retention period, and an index for the purge of old audit rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_application_handed_over_at", ["handed_over_at"])
    op.create_index("ix_audit_event_at", "audit_event", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_handed_over_at")
        batch.drop_column("handed_over_at")
