"""The caseworkers' blueprint: login, the municipality's queue and the case view."""

from portal.staff import cases  # noqa: F401  (adds its routes to bp)
from portal.staff.auth import bp

__all__ = ["bp"]
