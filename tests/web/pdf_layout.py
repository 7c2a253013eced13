"""Where WeasyPrint puts things: which page each table row and heading of a PDF's HTML lands
on, read from its laid-out boxes (the PDF's text alone cannot tell a row split in two from two
rows). Used by the page-break tests of every PDF the portal makes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from portal.config import ROOT

HEADINGS = {"h1", "h2", "h3", "h4"}
# The blocks a page can end with: a heading must never be the last of them on a page.
BLOCKS = HEADINGS | {"p", "li", "tr", "dt", "dd"}


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


class Layout:
    """The HTML laid out as the PDF is: per page, the elements drawn on it, in order."""

    def __init__(self, html: str) -> None:
        from weasyprint import HTML

        document = HTML(string=html, base_url=str(ROOT / "static")).render()
        self.pages: list[list[Any]] = []
        for page in document.pages:
            seen: list[Any] = []
            for box in _boxes(page._page_box):
                element = getattr(box, "element", None)
                if getattr(box, "element_tag", None) in BLOCKS and element not in seen:
                    seen.append(element)
            self.pages.append(seen)

    def split_rows(self) -> list[str]:
        """The text of every table row drawn on more than one page."""
        pages: dict[Any, set[int]] = {}
        for number, elements in enumerate(self.pages):
            for element in elements:
                if element.tag == "tr":
                    pages.setdefault(element, set()).add(number)
        return [_text(row) for row, on in pages.items() if len(on) > 1]

    def stranded_headings(self) -> list[str]:
        """Headings that end a page, their text on the next one."""
        return [_text(elements[-1]) for elements in self.pages[:-1]
                if elements and elements[-1].tag in HEADINGS]  # fmt: skip

    def rows(self) -> int:
        return sum(1 for elements in self.pages for e in elements if e.tag == "tr")
