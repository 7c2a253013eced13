"""The guidance page's body from the cache (portal.citizen.guidance_body) is the body the full
render makes, for every municipality, both languages and every voice; the cache never holds a
citizen's name, CPR number, free text or token, and one citizen's name never reaches another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.citizen import guidance_body
from tests.web.helpers import set_language
from tests.web.journey import answer_until, token

TOKEN_RE = re.compile(r'name="csrf_token" value="[^"]+"')
GUIDANCE = "/ansoeg/vejledning"
CPR = "010190-2345"
TEXT = "Jeg maler akvareller og synger"
MUNICIPALITIES = ["173", "157", "575", "370", "265"]
# "self"; someone else with no first name; lower-case (the capitalised "{Name}" must still
# come out capitalised); hyphenated; and names the cache must leave to the full render.
VOICES: dict[str, dict[str, Any]] = {
    "self": {},
    "other-lower": {"other": True, "/ansoeg/fornavn": {"first_name": "åse"}},
    "other-hyphen": {"other": True, "/ansoeg/fornavn": {"first_name": "Anne-Marie"}},
    "other-markup": {"other": True, "/ansoeg/fornavn": {"first_name": "Åse <b>&\"'"}},
    "other-dot": {"other": True, "/ansoeg/fornavn": {"first_name": "Anne M. Hansen"}},
}


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    guidance_body.clear()
    yield
    guidance_body.clear()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each body the cache builds (once per distinct guidance, not per request), from
    an empty cache: a test before it in the same process may have built the same body."""
    guidance_body.clear()
    made: list[str] = []
    real = guidance_body._build

    def spy(*args: Any) -> Any:
        made.append("built")
        return real(*args)

    monkeypatch.setattr(guidance_body, "_build", spy)
    return made


def reach_guidance(client: FlaskClient, code: str, voice: str) -> None:
    spec = dict(VOICES[voice])
    other = bool(spec.pop("other", False))
    overrides = {
        "/ansoeg/kommune": {"municipality": code},
        "/ansoeg/andet": {"text": TEXT},
        "/ansoeg/navn-og-cpr": {"full_name": "Karen Hansen", "cpr": CPR},
        **spec,
    }
    assert answer_until(client, GUIDANCE, other=other, **overrides) == GUIDANCE


def cached_and_full(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    cached = client.get(GUIDANCE)
    with monkeypatch.context() as patch:
        # The reference: the body rendered for this request alone.
        patch.setattr(guidance_body, "_cached", lambda _key: None)
        patch.setattr(guidance_body, "_known", lambda _key: True)
        full = client.get(GUIDANCE)
    assert cached.status_code == full.status_code == 200
    return (
        TOKEN_RE.sub("TOKEN", cached.get_data(as_text=True)),
        TOKEN_RE.sub("TOKEN", full.get_data(as_text=True)),
    )


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("voice", list(VOICES))
@pytest.mark.parametrize("code", MUNICIPALITIES)
def test_the_cached_body_is_the_full_render(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, code: str, voice: str, lang: str
) -> None:
    set_language(client, lang)
    reach_guidance(client, code, voice)
    first, full = cached_and_full(client, monkeypatch)
    assert first == full
    again, _ = cached_and_full(client, monkeypatch)  # now from the cache
    assert again == full


def test_a_body_is_built_once_and_serves_every_citizen_with_that_guidance(
    client: FlaskClient, built: list[str]
) -> None:
    reach_guidance(client, "575", "other-lower")
    first = client.get(GUIDANCE).get_data(as_text=True)
    other_client = client.application.test_client()
    reach_guidance(other_client, "575", "other-hyphen")
    second = other_client.get(GUIDANCE).get_data(as_text=True)
    assert built == ["built"]
    assert "Anne-Marie" in second and "åse" not in second and "Åse" not in second
    assert ("Åse" in first or "åse" in first) and "Anne-Marie" not in first
    assert token(first) != token(second)
    assert token(second) == token(other_client.get("/ansoeg/andet").get_data(as_text=True))


def test_a_name_the_marker_cannot_stand_for_is_rendered_in_full_and_never_kept(
    client: FlaskClient, built: list[str]
) -> None:
    reach_guidance(client, "157", "other-markup")
    html = client.get(GUIDANCE).get_data(as_text=True)
    assert "Åse &lt;b&gt;&amp;" in html and "<b>&" not in html
    assert built == []


def test_the_cache_holds_nothing_personal(client: FlaskClient) -> None:
    for code in MUNICIPALITIES:
        for voice in ("self", "other-lower", "other-hyphen"):
            other_client = client.application.test_client()
            reach_guidance(other_client, code, voice)
            page_token = token(other_client.get(GUIDANCE).get_data(as_text=True))
            kept = "".join(guidance_body.cached_parts())
            assert page_token not in kept
    kept = "".join(guidance_body.cached_parts())
    assert kept
    for personal in ("åse", "Åse", "Anne-Marie", "Karen", CPR, "2345", "akvareller", "1990"):
        assert personal not in kept, personal


def test_the_cache_is_bounded(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, built: list[str]
) -> None:
    monkeypatch.setattr(guidance_body, "CACHE_MAX", 2)
    for code in ("173", "157", "575"):
        other_client = client.application.test_client()
        reach_guidance(other_client, code, "self")
        other_client.get(GUIDANCE)
    assert len(guidance_body._BODIES) == 2
    assert len(built) == 3
