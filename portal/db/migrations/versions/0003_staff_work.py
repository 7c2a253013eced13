"""Staff sessions, login throttling, the audit log, and assigning an application.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
    )
    op.create_index(op.f("ix_login_failure_address_digest"), "login_failure", ["address_digest"])
    op.create_index(op.f("ix_login_failure_at"), "login_failure", ["at"])
    op.create_table(
        "staff_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_staff_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
    )
    op.create_index(op.f("ix_staff_session_staff_id"), "staff_session", ["staff_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("municipality_code", sa.String(length=3), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_audit_event_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_audit_event_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_application_id"), "audit_event", ["application_id"])
    op.create_index(op.f("ix_audit_event_staff_id"), "audit_event", ["staff_id"])
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch.create_index(op.f("ix_application_assigned_to_id"), ["assigned_to_id"])
        batch.create_foreign_key(
            op.f("fk_application_assigned_to_id_staff_user"),
            "staff_user",
            ["assigned_to_id"],
            ["id"],
        )
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("locked_until", WHEN, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
    with op.batch_alter_table("application") as batch:
        batch.drop_constraint(op.f("fk_application_assigned_to_id_staff_user"), type_="foreignkey")
        batch.drop_index(op.f("ix_application_assigned_to_id"))
        batch.drop_column("assigned_to_id")
    op.drop_table("audit_event")
    op.drop_table("staff_session")
    op.drop_table("login_failure")
