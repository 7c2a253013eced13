"""Klarsprog: every citizen page's rendered Danish text scores LIX <= 35.

LIX = words per sentence + 100 x words over 6 letters / words. Headings, labels, list items
and buttons count as units of their own. Source references and the source list count like
any other text; only printed links (a status URL to copy) are left out (tests/web/helpers.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.citizen.steps import SLUGS
from portal.db import migrate
from portal.standards.lix import lix
from portal.web.db import database
from tests.conftest import make_app
from tests.web.helpers import readable_sentences
from tests.web.journey import answer_until, status_links, submit
from tests.web.url_map import ONLY_WITH_LOGIN

LIX_LIMIT = 35
PUBLIC_PAGES = [
    "/",
    "/tilgaengelighed",
    "/privatliv",
    "/findes-ikke",
    "/ansoeg/anden-kommune",
    "/status/" + "A" * 22,  # a status link that leads nowhere
]
ONLY_FOR_OTHER = {"relation", "fuldmagt", "fornavn", "om-dig"}
MUNICIPALITIES = ["157", "173", "265", "370", "575"]


@pytest.fixture(scope="module")
def lix_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    # Readability does not depend on the database, so one SQLite app serves every case.
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('lix')}/lix.sqlite3")
    migrate.upgrade(database(app).engine)
    yield app


def score(client: FlaskClient, path: str) -> float:
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    return lix(" ".join(readable_sentences(response.get_data(as_text=True))))


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_read_at_lix_35_or_below(lix_app: Flask, path: str) -> None:
    assert score(lix_app.test_client(), path) <= LIX_LIMIT, path


@pytest.mark.parametrize("other", [False, True], ids=["for-yourself", "for-someone-else"])
@pytest.mark.parametrize("municipality", MUNICIPALITIES)
def test_every_page_of_the_journey_reads_at_lix_35_or_below(
    lix_app: Flask, municipality: str, other: bool
) -> None:
    client = lix_app.test_client()
    answer_until(client, other=other, **{"/ansoeg/kommune": {"municipality": municipality}})
    pages = [
        f"/ansoeg/{slug}"
        for slug in SLUGS.values()
        if (other or slug not in ONLY_FOR_OTHER) and slug not in ONLY_WITH_LOGIN
    ]
    pages += ["/ansoeg/vejledning", "/ansoeg/tjek", "/ansoeg/gem", "/ansoeg/start-forfra"]
    scores = {path: score(client, path) for path in pages}
    submit(client)
    status = status_links(client.get("/kvittering").get_data(as_text=True))[0]
    for path in ("/kvittering", status, status + "/traek-tilbage"):
        scores[path] = score(client, path)
    too_hard = {path: round(value, 1) for path, value in scores.items() if value > LIX_LIMIT}
    assert too_hard == {}


def test_lix_counts_headings_as_units_of_their_own() -> None:
    html = "<html><body><h1>Overskrift</h1><p>En kort sætning.</p></body></html>"
    assert readable_sentences(html) == ["Overskrift.", "En kort sætning."]


def test_printed_links_are_not_counted_as_prose_but_source_references_are() -> None:
    html = (
        '<html><body><p>Det er gratis.<sup class="source-ref"><a href="#kilde-1">1</a></sup>'
        "</p><p>https://portal.example/status/abc</p></body></html>"
    )
    assert readable_sentences(html) == ["Det er gratis. 1."]


def test_a_page_of_long_words_and_sentences_fails_the_limit() -> None:
    long = "Kommunalbestyrelsens sagsbehandlingstid forudsætter dokumentation " * 6
    html = f"<html><body><p>{long}.</p></body></html>"
    assert lix(" ".join(readable_sentences(html))) > LIX_LIMIT
