"""Who registered a phone, counter or letter application.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("registrar_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_application_registrar_id_staff_user"), "staff_user", ["registrar_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_constraint(op.f("fk_application_registrar_id_staff_user"), type_="foreignkey")
        batch.drop_column("registrar_id")
