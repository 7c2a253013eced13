"""The caseworkers' blueprint: login, the municipality's queue and the case view."""

from portal.staff import actions, admin, cases, exports  # noqa: F401  (they add routes to bp)
from portal.staff.auth import bp

__all__ = ["bp"]
