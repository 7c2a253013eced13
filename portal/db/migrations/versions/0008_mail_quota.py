"""Mail quotas: how many mails visitors made the portal send per draft, application, address.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_quota",
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_digest", name=op.f("pk_mail_quota")),
    )
    op.create_index(op.f("ix_mail_quota_window_start"), "mail_quota", ["window_start"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_quota_window_start"), table_name="mail_quota")
    op.drop_table("mail_quota")
