"""How the applicant was identified (issue 13): typed, MitID with its level, or MitID with
Digital Fuldmagt and its privilege; whether a representative's authority was verified; and
the keyed index of the logged-in submitter's CPR number, for "Mine ansøgninger".

All nullable: applications from before read as typed and not verified (NULL), and the
submitter index stays NULL for an application made without login.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add a column with a constraint in place.
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("identified_by", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("identified_level", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("authority_verified", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("fuldmagt_privilege", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("submitter_index", sa.String(length=64), nullable=True))
        batch.create_index(op.f("ix_application_submitter_index"), ["submitter_index"])


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_index(op.f("ix_application_submitter_index"))
        batch.drop_column("submitter_index")
        batch.drop_column("fuldmagt_privilege")
        batch.drop_column("authority_verified")
        batch.drop_column("identified_level")
        batch.drop_column("identified_by")
