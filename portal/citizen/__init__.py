"""The citizen's blueprint: the start page and, later, the question flow."""

from portal.citizen.routes import bp

__all__ = ["bp"]
