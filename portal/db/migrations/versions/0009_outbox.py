"""One outbox for everything that leaves the portal: deliveries, notices and e-mails, with
leases, retries and a dead-letter state; receivers switched off by 410; the application's PDF.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("municipality_code", sa.String(length=3), nullable=True))
        batch.add_column(sa.Column("event_status", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("payload_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("give_up_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("receiver_reference", sa.String(length=100), nullable=True))
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("state", existing_type=sa.String(length=10), type_=sa.String(20))
        batch.drop_index("ix_outbox_message_state")
    # The events written before this revision: all were deliveries, none was ever sent.
    op.execute(
        "UPDATE outbox_message SET kind = 'delivery', municipality_code = (SELECT "
        "a.municipality_code FROM application a WHERE a.id = outbox_message.application_id)"
    )
    op.execute(
        "UPDATE outbox_message SET event_status = 'received' WHERE topic = 'application.submitted'"
    )
    op.execute(
        "UPDATE outbox_message SET event_status = 'withdrawn' WHERE topic = 'application.withdrawn'"
    )
    # Status changes were written as application.<status>; now one topic carries the status.
    op.execute(
        "UPDATE outbox_message SET event_status = substr(topic, 13), "
        "topic = 'application.status_changed' "
        "WHERE topic NOT IN ('application.submitted', 'application.withdrawn')"
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.alter_column("kind", existing_type=sa.String(length=20), nullable=False)
        batch.create_index("ix_outbox_message_due", ["state", "next_attempt_at"])
        batch.create_index(
            "ix_outbox_message_municipality", ["municipality_code", "kind", "state", "id"]
        )
    # A proxy's request id (a UUID is 36 characters) did not fit the audit trail's 32.
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("request_id", existing_type=sa.String(length=32), type_=sa.String(64))
    op.create_table(
        "delivery_target",
        sa.Column("municipality_code", sa.String(length=3), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_reason", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("municipality_code", name=op.f("pk_delivery_target")),
    )
    op.create_table(
        "application_document",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf_enc", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_application_document_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_application_document")),
    )


def downgrade() -> None:
    op.execute("UPDATE audit_event SET request_id = substr(request_id, 1, 32)")
    with op.batch_alter_table("audit_event") as batch:
        batch.alter_column("request_id", existing_type=sa.String(length=64), type_=sa.String(32))
    op.drop_table("application_document")
    op.drop_table("delivery_target")
    # Mails and notices have no place in the old table; deliveries keep their old topics.
    op.execute("DELETE FROM outbox_message WHERE kind <> 'delivery'")
    op.execute(
        "UPDATE outbox_message SET topic = 'application.' || event_status "
        "WHERE topic = 'application.status_changed'"
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_index("ix_outbox_message_municipality")
        batch.drop_index("ix_outbox_message_due")
        batch.create_index("ix_outbox_message_state", ["state"])
        batch.alter_column("state", existing_type=sa.String(length=20), type_=sa.String(10))
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        for column in (
            "receiver_reference", "last_error", "delivered_at", "lease", "give_up_at",
            "body_enc", "payload_enc", "event_status", "municipality_code", "kind",
        ):  # fmt: skip
            batch.drop_column(column)
