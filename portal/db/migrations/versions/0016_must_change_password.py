"""The "must change the password" mark as a column of its own.

An admin- or operator-made password was marked by the prefix "issued:" on its hash, so every
reader of a hash had to know to strip it. The upgrade moves the mark to the boolean
must_change_password and strips the prefix; the downgrade puts the prefix back.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

PREFIX = "issued:"


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.execute(
        sa.text(
            "UPDATE staff_user SET must_change_password = :yes, "
            "password_hash = substr(password_hash, :rest) WHERE password_hash LIKE :marked"
        ).bindparams(yes=True, rest=len(PREFIX) + 1, marked=PREFIX + "%")
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE staff_user SET password_hash = :prefix || password_hash "
            "WHERE must_change_password = :yes"
        ).bindparams(prefix=PREFIX, yes=True)
    )
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("must_change_password")
