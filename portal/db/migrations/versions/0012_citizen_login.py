"""Citizen logins with MitID (issue 13): the server side of a citizen's login session, so the
browser's cookie holds a random handle and never the CPR number, the name or the ID token.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_login",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("citizen_enc", sa.Text(), nullable=False),
        sa.Column("id_token_enc", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_login")),
    )
    op.create_index(op.f("ix_citizen_login_expires_at"), "citizen_login", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_citizen_login_expires_at"), table_name="citizen_login")
    op.drop_table("citizen_login")
