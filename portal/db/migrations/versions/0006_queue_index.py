"""An index for the unfiltered queue (municipality, oldest first).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_application_queue_all", "application", ["municipality_code", "received_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_application_queue_all", table_name="application")
