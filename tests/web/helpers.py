"""Small helpers for the web tests."""

from __future__ import annotations

import html5lib
from flask.testing import FlaskClient


def set_language(client: FlaskClient, lang: str) -> None:
    response = client.get(f"/sprog/{lang}?next=/")
    assert response.status_code == 303


def parse(html: str):  # type: ignore[no-untyped-def]
    """Parse strictly: an HTML syntax error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def visible_text(html: str, selector: str = "body") -> str:
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    root = tree.find(".//" + selector) if selector != "body" else tree.find("body")
    assert root is not None

    hidden = {"script", "style", "template", "noscript"}
    parts: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if node.tag in hidden:
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(root)
    return " ".join(" ".join(parts).split())


# Everything that is not inline text is a unit of its own: a heading, a label, a list item.
INLINE = {
    "a", "span", "strong", "em", "b", "i", "abbr", "small", "code", "sup", "sub", "time",
    "br", "mark", "q", "cite",
}  # fmt: skip


def readable_sentences(html: str) -> list[str]:
    """The page's visible text as a reader meets it: every heading, list item, label or
    button is a unit of its own, so a heading without a full stop is not glued to the next
    paragraph into one endless sentence."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    body = tree.find("body")
    assert body is not None
    units: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if node.tag in {"script", "style", "template", "svg"}:
            return
        own = [node.text or ""]
        for child in node:
            if child.tag not in INLINE:
                flush(own)
                own = []
                walk(child)
            else:
                own.append(inline_text(child))
            own.append(child.tail or "")
        flush(own)

    def flush(parts: list[str]) -> None:
        # A printed link (a status or resume URL) is an address to copy, not prose to read.
        words = [w for w in " ".join(parts).split() if not w.startswith(("http://", "https://"))]
        text = " ".join(words)
        if text:
            units.append(text if text[-1] in ".!?:" else text + ".")

    walk(body)
    return units


def inline_text(node) -> str:  # type: ignore[no-untyped-def]
    if node.tag in {"script", "style", "svg"}:
        return ""
    return "".join([node.text or ""] + [inline_text(c) + (c.tail or "") for c in node])
