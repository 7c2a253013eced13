"""The typed ORM models. Alembic migrations, not these classes, create the schema."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, Enum, String, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class StaffRole(enum.StrEnum):
    CASEWORKER = "caseworker"
    ADMIN = "admin"


class StaffUser(Base):
    """A caseworker or admin; belongs to exactly one municipality."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint("length(municipality_code) = 3", name="municipality_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(3), index=True)
    # Stored lower-cased so that login and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[StaffRole] = mapped_column(
        Enum(
            StaffRole,
            name="staff_role",
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
