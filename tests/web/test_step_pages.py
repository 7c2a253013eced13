"""A question page from its skeleton (portal.citizen.step_pages) is the page the full render
makes, for every question, in both languages and both voices, answered or not; and a skeleton
never carries one citizen's answers, name or language to another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.citizen import routes, step_pages
from tests.web.helpers import set_language
from tests.web.journey import ANSWERS, FOR_OTHER, token

TOKEN_RE = re.compile(r'name="csrf_token" value="[^"]+"')
# A name that needs escaping, and words no template or catalogue holds.
NAME = "Åse <b>&\"'"
TEXT = "Jeg maler <i>akvareller</i> & synger"
CPR = "010190-2345"  # not the hint's example


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Records, per question page GET, whether it came from a skeleton."""
    used: list[bool] = []
    real = routes.fast_page

    def spy(*args: Any) -> str | None:
        page = real(*args)
        used.append(page is not None)
        return page

    monkeypatch.setattr(routes, "fast_page", spy)
    yield used


def both(client: FlaskClient, path: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The page from its skeleton, and the same page rendered in full."""
    fast = client.get(path)
    with monkeypatch.context() as patch:
        patch.setattr(routes, "fast_page", lambda *_args: None)
        full = client.get(path)
    assert fast.status_code == full.status_code == 200, path
    return (
        TOKEN_RE.sub("TOKEN", fast.get_data(as_text=True)),
        TOKEN_RE.sub("TOKEN", full.get_data(as_text=True)),
    )


def journey_answers(other: bool) -> dict[str, dict[str, Any]]:
    answers = {**ANSWERS, "/ansoeg/andet": {"text": TEXT}}
    answers["/ansoeg/navn-og-cpr"] = {"full_name": "Karen Hansen", "cpr": CPR}
    if other:
        answers.update(FOR_OTHER)
        answers["/ansoeg/fornavn"] = {"first_name": NAME}
    return answers


def walk(client: FlaskClient, answers: dict[str, dict[str, Any]]) -> Iterator[str]:
    """Each question page on the way, before it is answered; then answers it."""
    location = client.get("/ansoeg").headers["Location"]
    while location in answers:
        yield location
        page = client.get(location).get_data(as_text=True)
        response = client.post(location, data={**answers[location], "csrf_token": token(page)})
        assert response.status_code == 303, location
        location = response.headers["Location"]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("other", [False, True], ids=["self", "other"])
def test_every_question_page_from_its_skeleton_is_the_full_render(
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    renders: list[bool],
    lang: str,
    other: bool,
) -> None:
    set_language(client, lang)
    answers = journey_answers(other)
    visited = []
    for path in walk(client, answers):
        if path == "/ansoeg/vejledning":
            continue
        fast, full = both(client, path, monkeypatch)
        assert fast == full, path
        visited.append(path)
    # Every question again, answered now: checked options and typed text come back.
    for path in visited:
        for query in ("", "?fra=tjek"):
            fast, full = both(client, path + query, monkeypatch)
            assert fast == full, path + query
    assert renders and all(renders), "a question page fell back to the full render"


def test_answers_and_the_name_come_back_escaped(client: FlaskClient) -> None:
    answers = journey_answers(other=True)
    list(walk(client, answers))
    html = client.get("/ansoeg/andet").get_data(as_text=True)
    assert "Jeg maler &lt;i&gt;akvareller&lt;/i&gt; &amp; synger" in html
    assert "<i>akvareller" not in html
    html = client.get("/ansoeg/hjaelp").get_data(as_text=True)
    assert "Åse &lt;b&gt;&amp;&#34;&#39; skal have meget hjælp" in html
    assert "<b>" not in html


def test_two_citizens_two_languages_two_voices_never_share_a_page(client: FlaskClient) -> None:
    other_client = client.application.test_client()
    set_language(other_client, "en")
    mine = journey_answers(other=False)
    theirs = journey_answers(other=True)
    theirs["/ansoeg/andet"] = {"text": "I sing in a choir"}
    # Interleaved, so each page is made from a skeleton the other citizen's request may have built.
    for mine_path, their_path in zip(walk(client, mine), walk(other_client, theirs), strict=False):
        page = client.get(mine_path).get_data(as_text=True)
        assert '<html lang="da">' in page
        assert "Åse" not in page and "choir" not in page
        page = other_client.get(their_path).get_data(as_text=True)
        assert '<html lang="en">' in page
        assert "akvareller" not in page
    assert "I sing in a choir" in other_client.get("/ansoeg/andet").get_data(as_text=True)
    assert "akvareller" in client.get("/ansoeg/andet").get_data(as_text=True)
    assert "choir" not in client.get("/ansoeg/andet").get_data(as_text=True)


def test_no_skeleton_holds_a_citizens_answers_or_token(client: FlaskClient) -> None:
    list(walk(client, journey_answers(other=True)))
    for path in ("/ansoeg/andet", "/ansoeg/fornavn", "/ansoeg/navn-og-cpr", "/ansoeg/adresse"):
        client.get(path)
    page_token = token(client.get("/ansoeg/andet").get_data(as_text=True))
    kept = "".join(part for s in step_pages._SKELETONS.values() if s for part in s.parts)
    for personal in ("Åse", "akvareller", "Karen Hansen", CPR, "2345", "Vestergade", page_token):
        assert personal not in kept


def test_a_page_asked_with_another_query_is_rendered_in_full(
    client: FlaskClient, renders: list[bool]
) -> None:
    assert client.get("/ansoeg/hvem?x=1").status_code == 200
    assert renders == [False]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("other", [False, True], ids=["self", "other"])
def test_the_guidance_page_in_its_frame_is_the_full_render(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, lang: str, other: bool
) -> None:
    set_language(client, lang)
    answers = journey_answers(other)
    for path in walk(client, answers):
        if path == "/ansoeg/vejledning":
            break
    for query in ("", "?fra=tjek"):
        framed = client.get("/ansoeg/vejledning" + query)
        with monkeypatch.context() as patch:
            patch.setattr(routes, "framed_page", lambda *_args: None)
            full = client.get("/ansoeg/vejledning" + query)
        assert framed.status_code == full.status_code == 200
        framed_html = TOKEN_RE.sub("TOKEN", framed.get_data(as_text=True))
        assert framed_html == TOKEN_RE.sub("TOKEN", full.get_data(as_text=True))
        assert ("Åse &lt;b&gt;" in framed_html) is other
    kept = "".join(part for s in step_pages._FRAMES.values() if s for part in s.parts)
    assert "Åse" not in kept and "akvareller" not in kept
