"""How a CPR number is shown where it need not be read in full: the birth date and four x's,
the way Danish public services mask it (ddmmyy-xxxx). One definition, so no page shows more."""

from __future__ import annotations


def masked(cpr: str) -> str:
    """ "010190-xxxx" for "010190-1234" or "0101901234"; "" for no number."""
    digits = cpr.strip()
    return f"{digits[:6]}-xxxx" if digits else ""
