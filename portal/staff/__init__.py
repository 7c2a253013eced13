"""The caseworkers' blueprint: login, the municipality's queue and the case view."""

from portal.staff import (  # noqa: F401  (they add routes, and Jinja globals, to bp)
    actions,
    admin,
    audit_names,
    cases,
    exports,
    handoff,
    letters,
    password,
    register,
    search,
)
from portal.staff.auth import bp

__all__ = ["bp"]
