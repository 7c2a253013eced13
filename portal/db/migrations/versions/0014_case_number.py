"""The municipality's case number on the application itself.

It lived only on the delivered outbox message, which `portal purge` deletes 30 days after it
was sent, so the caseworker's case page lost it a month after the hand-off. The upgrade copies
it from the messages still there (the delivered application.submitted event, whose answer
names the case).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("case_number", sa.String(length=100), nullable=True))
    op.execute(
        """
        UPDATE application SET case_number = (
            SELECT m.receiver_reference FROM outbox_message m
            WHERE m.application_id = application.id
              AND m.topic = 'application.submitted'
              AND m.kind = 'delivery' AND m.state = 'delivered'
              AND m.receiver_reference IS NOT NULL
            ORDER BY m.delivered_at DESC, m.id DESC
            LIMIT 1
        )
        WHERE case_number IS NULL
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("case_number")
