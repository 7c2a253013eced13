"""Audit rows written before 0011 named the person of a search or an access request by the
first six digits of the CPR number (`cpr:050575-xxxx`): the birth date. Those digits go; the
row keeps that a person was looked up. Rows written since name the person by the number's
keyed index, which old rows cannot be given, since the full number was never stored.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE audit_event SET detail = 'person:-' WHERE detail LIKE 'cpr:%'"))


def downgrade() -> None:
    """Nothing to restore: the digits are gone on purpose."""
