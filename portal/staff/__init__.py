"""The caseworkers' blueprint: login, the municipality's queue and the case view."""

from portal.staff import actions, admin, cases, exports, handoff, letters, register  # noqa: F401  (add routes)
from portal.staff.auth import bp

__all__ = ["bp"]
