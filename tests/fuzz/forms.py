"""The forms a page shows, read from its HTML, and the request bodies the fuzz suite builds
from them. Reading the rendered page, not a list, is what covers a new page or field without
anyone listing it; tests/fuzz/test_coverage.py checks the pages against the form classes."""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_plus, urljoin, urlsplit

from tests.fuzz.values import Value

CSRF = "csrf_token"
URLENCODED_TYPE = "application/x-www-form-urlencoded"
# What a person would type into an empty box of each type, so that the other fields of a form
# pass and the fuzzed one is what the view has to handle.
PLAUSIBLE = {"email": "fuzz@example.dk", "tel": "12345678", "number": "1"}
CHOICES = {"radio", "checkbox", "select"}
FIELD_TAGS = {"input", "select", "textarea", "button"}
ERROR_ID = re.compile(r'class="form-error-message" id="([^"]+)-error"')


@dataclass
class Field:
    name: str
    kind: str
    choices: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    value: str = ""
    fixed: list[str] | None = None  # a known good answer, tried first
    tried: int = 0  # how many of the alternatives the form has refused

    def default(self, method: str) -> list[str]:
        if self.kind in {"submit", "button", "image", "reset"}:
            return []
        options = self.alternatives(method)
        if self.fixed is not None:
            options = [self.fixed, *options]
        return options[min(self.tried, len(options) - 1)]

    def alternatives(self, method: str) -> list[list[str]]:
        """What to send when not fuzzed, best guess first: what the page shows, then the
        other choices, or for a text an empty box (an optional field may need one)."""
        if self.kind == "checkbox":
            first = self.checked or (self.choices[:1] if method == "POST" else [])
            return [first, *([c] for c in self.choices if [c] != first), []]
        if self.kind in CHOICES:
            first = self.checked or [c for c in self.choices if c][:1]
            return [first, *([c] for c in self.choices if [c] != first)]
        return [[self.value or PLAUSIBLE.get(self.kind, "Fuzz")], [""]]


@dataclass
class Form:
    page: str
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def csrf(self) -> str | None:
        found = self.fields.get(CSRF)
        return found.value if found else None

    def preset(self, answer: Mapping[str, Any]) -> None:
        """Start from a known good answer (tests/web/journey.ANSWERS): its fields as given,
        the others left out."""
        for name, item in self.fields.items():
            given = answer.get(name, [])
            item.fixed = [str(v) for v in (given if isinstance(given, list) else [given])]

    def refused(self, html: str) -> list[Field]:
        """The fields the form, shown again, marks as wrong (each marked by the id of its
        error message; a date's parts share the id of the date)."""
        wrong = set(ERROR_ID.findall(html))
        return [f for n, f in self.fields.items() if n in wrong or n.rsplit("-", 1)[0] in wrong]

    @property
    def names(self) -> list[str]:
        """The fields a person fills in or a page carries, the CSRF token aside."""
        return [n for n in self.fields if n != CSRF]

    def pairs(
        self, overrides: Mapping[str, Iterable[Value]] | None = None, csrf: str | None = None
    ) -> list[tuple[str, Value]]:
        """Every field's default, a field in `overrides` replaced by its values (an empty
        list leaves it out), and the CSRF token (the form's own unless `csrf` is given)."""
        overrides = overrides or {}
        out: list[tuple[str, Value]] = []
        for name, item in self.fields.items():
            if name == CSRF:
                continue
            values = overrides[name] if name in overrides else item.default(self.method)
            out += [(name, v) for v in values]
        out += [(n, v) for n, vs in overrides.items() if n not in self.fields for v in vs]
        token = csrf if csrf is not None else self.csrf
        if token is not None and self.method == "POST":
            out.append((CSRF, token))
        return out


class _Reader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self.elsewhere: list[tuple[Form, str]] = []  # a button's formaction

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, (a.get("method") or "GET").upper(), action)
            self.forms.append(self._form)
        elif tag in FIELD_TAGS and self._form is not None:
            if a.get("formaction"):
                self.elsewhere.append((self._form, urljoin(self.page, a["formaction"])))
            if a.get("name"):
                self._field(tag, a)
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _field(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        kind = a.get("type", "text").lower() if tag in {"input", "button"} else tag
        if tag == "button" and "type" not in a:
            kind = "submit"
        item = self._form.fields.setdefault(a["name"], Field(a["name"], kind))
        if kind in {"radio", "checkbox", "submit"}:
            item.choices.append(a.get("value", "on"))
            if "checked" in a:
                item.checked.append(a.get("value", "on"))
        else:
            item.value = a.get("value", "")
        self._select = item if tag == "select" else None
        self._textarea = item if tag == "textarea" else None

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        value = a.get("value", "")
        self._select.choices.append(value)
        if "selected" in a:
            self._select.checked.append(value)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag in {"select", "textarea"}:
            self._select = self._textarea = None


def forms_on(page: str, html: str) -> list[Form]:
    """Every form on the page; a button that sends its form elsewhere (formaction) makes one
    more, the same fields to that address."""
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    more = [Form(page, f.method, action, copy.deepcopy(f.fields)) for f, action in reader.elsewhere]
    return reader.forms + more


# -- bodies on the wire -----------------------------------------------------------------------


def urlencoded(pairs: Iterable[tuple[str, Value]]) -> bytes:
    """application/x-www-form-urlencoded; bytes values go out as they are, invalid UTF-8
    included, which no client library would let through."""
    return "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs).encode("ascii")


def multipart(pairs: Iterable[tuple[str, Value]], files: Iterable[str] = ()) -> tuple[bytes, str]:
    """multipart/form-data, each name in `files` sent as a file part (a filename and a
    content type) where the form has a text field."""
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    as_file = set(files)
    for name, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        head = f'Content-Disposition: form-data; name="{name}"'
        if name in as_file:
            head += '; filename="fz.txt"\r\nContent-Type: text/plain'
        chunks += [f"--{boundary}\r\n{head}\r\n\r\n".encode(), raw, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def query(pairs: Iterable[tuple[str, Value]]) -> str:
    return urlencoded(pairs).decode("ascii")
