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
