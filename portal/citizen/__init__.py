"""The citizen's blueprint: the question flow, guidance, submit, receipt and status."""

from portal.citizen import followup, letters, mine, resume, submit  # noqa: F401  (they add their routes to bp)
from portal.citizen.routes import bp

__all__ = ["bp"]
