"""The caseworkers' blueprint: login, the municipality's queue and the case view."""

from portal.staff import actions, cases, exports  # noqa: F401  (they add their routes to bp)
from portal.staff.auth import bp

__all__ = ["bp"]
