"""The guidance as the citizen meets it: the guidance page, the receipt (and its PDF) and the
status page, for every municipality, both voices and both languages.

- No sentence twice in <main>.
- Every numbered reference leads to an item of the one source list, and every item is used.
- The receipt PDF holds the source list.
- LIX <= 35 of the whole text in <main>: the references, the source list and the text folded
  into <details> count too (helpers.readable_sentences leaves citations out; this does not).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from portal.db import migrate
from portal.standards.lix import lix
from portal.web.db import database
from tests.conftest import make_app
from tests.web.helpers import INLINE, inline_text, set_language
from tests.web.journey import answer_until, status_links, submit

LIX_LIMIT = 35
MUNICIPALITIES = ["173", "157", "575", "370", "265"]
VOICES = {"self": False, "other": True}
LANGS = ["da", "en"]
SKIPPED = {"script", "style", "template", "svg", "noscript"}
# A sentence ends at . ! or ? before a capital letter (or a quote), so "5. december" and
# "kl. 12:44" stay inside their sentence.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«»“\"(])")
END_PUNCTUATION = re.compile(r"[.!?:]+$")
REF_RE = re.compile(r"^#kilde-(\d+)$")
SOURCES_HEADING = {"da": "Kilder", "en": "Sources"}
SECTION_ENTRY = {"da": "Afsnittet »", "en": "The section “"}


@dataclass
class Visit:
    """One citizen's pages, as HTML, and the receipt PDF's text."""

    guidance: str
    receipt: str
    statuses: dict[str, str]  # status link -> page (a relative gets two links)
    pdf_text: str

    def pages(self) -> Iterator[tuple[str, str]]:
        yield "/ansoeg/vejledning", self.guidance
        yield "/kvittering", self.receipt
        yield from self.statuses.items()


def visit(client: FlaskClient, code: str, other: bool, lang: str) -> Visit:
    set_language(client, lang)
    kommune = {"/ansoeg/kommune": {"municipality": code}}
    assert answer_until(client, stop="/ansoeg/vejledning", other=other, **kommune) == (
        "/ansoeg/vejledning"
    )
    guidance = client.get("/ansoeg/vejledning")
    assert guidance.status_code == 200
    answer_until(client, other=other, **kommune)
    assert submit(client).status_code == 303
    receipt = client.get("/kvittering").get_data(as_text=True)
    links = status_links(receipt)
    assert len(links) == (2 if other else 1), links
    statuses = {link: client.get(link).get_data(as_text=True) for link in links}
    pdf = client.get("/kvittering.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    return Visit(guidance.get_data(as_text=True), receipt, statuses, text)


@pytest.fixture(scope="module")
def pages_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # What a page says does not depend on the database, so one SQLite app serves the wide
    # matrix; test_the_pages_keep_their_promises_on_both_databases covers PostgreSQL.
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('guidance')}/guidance.sqlite3")
    migrate.upgrade(database(app).engine)
    yield app


@pytest.fixture(scope="module")
def visited(pages_app: Flask) -> Callable[[str, bool, str], Visit]:
    """Each case is walked once, on first use, and read by several tests."""
    cache: dict[tuple[str, bool, str], Visit] = {}

    def get(code: str, other: bool, lang: str) -> Visit:
        if (code, other, lang) not in cache:
            cache[code, other, lang] = visit(pages_app.test_client(), code, other, lang)
        return cache[code, other, lang]

    return get


# --- Reading <main> -----------------------------------------------------------------------


def main_of(html: str):  # type: ignore[no-untyped-def]
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    main = tree.find(".//main")
    assert main is not None, "no <main>"
    return main


def is_reference(node) -> bool:  # type: ignore[no-untyped-def]
    return node.tag == "sup" and "source-ref" in (node.get("class") or "").split()


def units_in_main(html: str, references: bool) -> list[str]:
    """The text of <main>, one unit per block element (a heading, a list item, a summary, a
    paragraph, a table cell), each ending a sentence. Everything counts, text folded into
    <details> and screen-reader text included. A numbered reference ("Kilde 3") is read with
    the sentence it follows (before its full stop), or left out when `references` is False.
    Printed addresses (the status link) are left out: an address is not prose."""
    units: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if node.tag in SKIPPED:
            return
        own = node.text or ""
        for child in node:
            if is_reference(child):
                if references:
                    own = with_reference(own, inline_text(child))
            elif child.tag in INLINE:
                own += " " if child.tag == "br" else inline_text(child)
            else:
                flush(own)
                own = ""
                walk(child)
            own += child.tail or ""
        flush(own)

    def flush(text: str) -> None:
        words = [w for w in text.split() if not w.startswith(("http://", "https://"))]
        if words:
            joined = " ".join(words)
            units.append(joined if END_PUNCTUATION.search(joined) else joined + ".")

    walk(main_of(html))
    return units


def with_reference(text: str, reference: str) -> str:
    text = text.rstrip()
    end = END_PUNCTUATION.search(text)
    reference = " ".join(reference.split())
    if end is None:
        return f"{text} {reference}"
    return f"{text[: end.start()]} {reference}{end.group()}"


def sentences_in_main(html: str) -> list[str]:
    return [s for unit in units_in_main(html, references=False) for s in SENTENCE_END.split(unit)]


def repeated_sentences(html: str) -> list[str]:
    seen: dict[str, int] = {}
    for sentence in sentences_in_main(html):
        # One- and two-word units are headings, buttons and short answers ("Nej", "Mig selv",
        # "Kørsel"): a receipt may rightly say "Nej" to two questions.
        if len(sentence.split()) <= 2:
            continue
        key = " ".join(sentence.lower().split())
        seen[key] = seen.get(key, 0) + 1
    return [sentence for sentence, count in seen.items() if count > 1]


def reference_problems(html: str) -> list[str]:
    """What is wrong with the page's references and its source list (empty: nothing)."""
    main = main_of(html)
    lists = [d for d in main.iter("details") if d.get("id") == "kilder"]
    refs = [r for r in main.iter("sup") if is_reference(r)]
    if not lists:
        return [f"{len(refs)} references but no source list"] if refs else []
    problems = [] if len(lists) == 1 else [f"{len(lists)} source lists"]
    items = [li for li in lists[0].iter("li")]
    ids = [li.get("id") for li in items]
    expected = [f"kilde-{n}" for n in range(1, len(items) + 1)]
    if ids != expected:
        problems.append(f"list items {ids}, expected {expected}")
    summary = lists[0].find("summary")
    heading = " ".join(inline_text(summary).split()) if summary is not None else ""
    if f"({len(items)})" not in heading:
        problems.append(f"the heading {heading!r} does not count {len(items)} sources")
    used: set[int] = set()
    for ref in refs:
        links = [a.get("href", "") for a in ref.iter("a")]
        found = REF_RE.match(links[0]) if len(links) == 1 else None
        if found is None or not 1 <= int(found.group(1)) <= len(items):
            problems.append(f"reference {links} leads to no listed source")
            continue
        used.add(int(found.group(1)))
    unused = sorted(set(range(1, len(items) + 1)) - used)
    if unused:
        problems.append(f"sources {unused} are listed but never referenced")
    return problems


def whole_main_lix(html: str) -> float:
    return lix(" ".join(units_in_main(html, references=True)))


# --- The matrix ---------------------------------------------------------------------------

CASES = [
    pytest.param(code, other, lang, id=f"{code}-{voice}-{lang}")
    for code in MUNICIPALITIES
    for voice, other in VOICES.items()
    for lang in LANGS
]


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_no_sentence_appears_twice_on_the_guidance_receipt_or_status_page(
    visited: Callable[..., Visit], code: str, other: bool, lang: str
) -> None:
    pages = visited(code, other, lang)
    repeated = {path: repeated_sentences(html) for path, html in pages.pages()}
    assert {path: found for path, found in repeated.items() if found} == {}


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_every_reference_leads_to_a_listed_source_and_every_source_is_referenced(
    visited: Callable[..., Visit], code: str, other: bool, lang: str
) -> None:
    pages = visited(code, other, lang)
    problems = {path: reference_problems(html) for path, html in pages.pages()}
    assert {path: found for path, found in problems.items() if found} == {}
    for path, html in pages.pages():
        if "/status/" not in path:  # the status page cites only the contact line
            assert 'id="kilder"' in html and 'href="#kilde-1"' in html, path


@pytest.mark.parametrize(("code", "other", "lang"), CASES)
def test_the_receipt_pdf_holds_the_source_list(
    visited: Callable[..., Visit], code: str, other: bool, lang: str
) -> None:
    pages = visited(code, other, lang)
    text = " ".join(pages.pdf_text.split())
    assert SOURCES_HEADING[lang] in text
    assert SECTION_ENTRY[lang] in text
    # Every entry of the receipt's own source list is in the PDF too.
    receipt = main_of(pages.receipt)
    entries = [
        " ".join(inline_text(li).split())
        for li in receipt.iter("li")
        if (li.get("id") or "").startswith("kilde-")
    ]
    assert entries and [e for e in entries if e not in text] == []


@pytest.mark.parametrize(("code", "other"), [c.values[:2] for c in CASES if c.values[2] == "da"])
def test_the_whole_text_in_main_reads_at_lix_35_or_below_sources_and_details_included(
    visited: Callable[..., Visit], code: str, other: bool
) -> None:
    pages = visited(code, other, "da")
    scores = {path: round(whole_main_lix(html), 1) for path, html in pages.pages()}
    assert {path: score for path, score in scores.items() if score > LIX_LIMIT} == {}, scores


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_keep_their_promises_on_both_databases(client: FlaskClient, lang: str) -> None:
    pages = visit(client, "265", True, lang)
    for path, html in pages.pages():
        assert repeated_sentences(html) == [], path
        assert reference_problems(html) == [], path
    assert SOURCES_HEADING[lang] in pages.pdf_text


# --- The reading itself -------------------------------------------------------------------


def test_a_reference_is_read_with_the_sentence_it_follows_and_every_block_ends_one() -> None:
    html = (
        "<html><body><main><h2>Kort fortalt</h2><ul><li><strong>Det passer.</strong> Du betaler"
        ' ikke.<sup class="source-ref"><a href="#kilde-1"><span class="sr-only">Kilde </span>1'
        '</a></sup></li></ul><details id="kilder"><summary>Kilder (1)</summary><ol>'
        '<li id="kilde-1">Afsnittet »Udgifter«</li></ol></details>'
        "<p>https://portal.example/status/abc</p></main></body></html>"
    )
    assert units_in_main(html, references=True) == [
        "Kort fortalt.",
        "Det passer. Du betaler ikke Kilde 1.",
        "Kilder (1).",
        "Afsnittet »Udgifter«.",
    ]
    assert units_in_main(html, references=False)[1] == "Det passer. Du betaler ikke."
    assert reference_problems(html) == []


def test_a_sentence_said_twice_is_found_but_a_short_answer_said_twice_is_not() -> None:
    html = (
        "<html><body><main><p>Du kan altid søge. Kommunen bestemmer.</p><p>Nej</p><p>Nej</p>"
        "<ul><li>Kommunen fik den 5. december 2026 kl. 12:44.</li>"
        "<li>Du kan altid søge.</li></ul></main></body></html>"
    )
    assert repeated_sentences(html) == ["du kan altid søge."]


def test_a_reference_to_no_item_and_an_item_never_referenced_are_both_found() -> None:
    html = (
        '<html><body><main><p>Ja.<sup class="source-ref"><a href="#kilde-3">3</a></sup></p>'
        '<details id="kilder"><summary>Kilder (2)</summary><ol><li id="kilde-1">A</li>'
        '<li id="kilde-2">B</li></ol></details></main></body></html>'
    )
    assert reference_problems(html) == [
        "reference ['#kilde-3'] leads to no listed source",
        "sources [1, 2] are listed but never referenced",
    ]
