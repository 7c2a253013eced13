"""Drafts, applications, their status history, the outbox and the reference counter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATUS = sa.Enum(
    "received", "in_progress", "awaiting_citizen", "granted", "refused", "withdrawn",
    name="status", native_enum=False, length=20,
)  # fmt: skip
CHANNEL = sa.Enum("web", "phone", "counter", "letter", name="channel", native_enum=False, length=20)


def upgrade() -> None:
    op.create_table(
        "reference_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counter")),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("draft_key", sa.String(length=48), nullable=False),
        sa.Column("municipality_code", sa.String(length=3), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("standard_version", sa.String(length=32), nullable=False),
        sa.Column("cpr_index", sa.String(length=64), nullable=False),
        sa.Column("person_enc", sa.Text(), nullable=False),
        sa.Column("answers_enc", sa.Text(), nullable=False),
        sa.Column("guidance_enc", sa.Text(), nullable=False),
        sa.Column("status_token_digest", sa.String(length=64), nullable=False),
        sa.Column("representative_token_digest", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("draft_key", name=op.f("uq_application_draft_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_application_reference")),
        sa.UniqueConstraint(
            "representative_token_digest",
            name=op.f("uq_application_representative_token_digest"),
        ),
        sa.UniqueConstraint("status_token_digest", name=op.f("uq_application_status_token_digest")),
    )
    op.create_index(op.f("ix_application_cpr_index"), "application", ["cpr_index"])
    op.create_index(
        "ix_application_queue", "application", ["municipality_code", "status", "received_at", "id"]
    )
    op.create_table(
        "draft",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers_enc", sa.Text(), nullable=False),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    op.create_index(op.f("ix_draft_updated_at"), "draft", ["updated_at"])
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_outbox_message_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(op.f("ix_outbox_message_application_id"), "outbox_message", ["application_id"])
    op.create_index(op.f("ix_outbox_message_state"), "outbox_message", ["state"])
    op.create_table(
        "status_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=20), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("message_enc", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_status_event_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_status_event_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_event")),
    )
    op.create_index(op.f("ix_status_event_application_id"), "status_event", ["application_id"])


def downgrade() -> None:
    op.drop_table("status_event")
    op.drop_table("outbox_message")
    op.drop_table("draft")
    op.drop_table("application")
    op.drop_table("reference_counter")
