"""PDFs: the citizen's receipt (and, later, the case-file copy), rendered by WeasyPrint."""

from __future__ import annotations

from portal.config import ROOT


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # base_url lets the template's stylesheet and fonts load from static/ as file URLs.
    return bytes(HTML(string=html, base_url=str(ROOT / "static")).write_pdf() or b"")
