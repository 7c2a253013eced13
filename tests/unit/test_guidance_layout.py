"""The layout of a stored guidance (portal/guidance_layout.py), on real snapshots.

Every persona in every municipality, in both voices and both languages, and then any answers
(hypothesis): no statement and no sentence twice; "Kort fortalt" opens with the verdict and
has at most six lines; the verdict names the reason that decided it and no reason shown
without a "for" heading speaks against it; every line's source has a number in the one list,
numbered in order of first use; what the standard does not say is a topic, never a line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.guidance import Answers, Applicant, guidance
from portal.guidance_layout import (
    DECIDING_EFFECT,
    SAID_WHEN_SILENT,
    SUMMARY_MAX,
    UNSAID_TOPICS,
    Layout,
    Shown,
    arrange,
)
from portal.standards import load_all
from tests.unit.test_guidance_personas import PERSONAS, TODAY
from tests.unit.test_guidance_properties import answers_strategy, names

CODES = ["173", "157", "575", "370", "265"]
LANGS = ["da", "en"]
VOICES = [Applicant.SELF, Applicant.OTHER]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
STANDARDS = load_all()


def snapshot_for(answers: Answers, code: str, voice: Applicant, today: date = TODAY) -> Any:
    answers = dataclasses.replace(answers, applicant=voice)
    result = guidance(answers, STANDARDS[code], today=today)
    # As stored: through JSON, like the application's encrypted snapshot.
    return json.loads(json.dumps(result.to_dict(name="Kim")))


def lines_in_page_order(layout: Layout) -> Iterator[tuple[str, Shown]]:
    """Every shown statement, where it stands on the page: (part, line)."""
    for shown in layout.lead:
        yield "lead", shown
    for number, line in enumerate(layout.summary):
        for shown in line:
            yield f"summary-{number}", shown
    for group in layout.groups:
        for part in group.parts:
            for shown in part.lines:
                yield f"{group.key}:{part.heading}", shown
        for offer in group.offers:
            if offer.about is not None:
                yield f"{group.key}:offer", offer.about


def reasons_by_id(snapshot: dict[str, Any]) -> dict[str, str]:
    return {r["statement"]["id"]: r["effect"] for r in snapshot["fit"]["reasons"]}


def not_stated_ids(snapshot: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if (node.get("source") or {}).get("kind") == "not_stated" and "id" in node:
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(snapshot)
    return found


def assert_no_statement_or_sentence_twice(layout: Layout) -> None:
    shown = [line for _, line in lines_in_page_order(layout)]
    ids = [line.id for line in shown]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    sentences = [
        " ".join(s.lower().split()) for line in shown for s in SENTENCE_END.split(line.text) if s
    ]
    assert len(sentences) == len(set(sentences)), [s for s in sentences if sentences.count(s) > 1]
    assert all(line.text.strip() for line in shown)


def assert_the_summary_opens_with_the_verdict(layout: Layout, snapshot: dict[str, Any]) -> None:
    assert 1 <= len(layout.summary) <= SUMMARY_MAX
    assert layout.verdict is not None, "no reason names the verdict"
    assert layout.summary[0] == [layout.verdict]
    assert all(line for line in layout.summary)
    assert layout.level == snapshot["fit"]["level"]


def assert_no_verdict_is_contradicted(layout: Layout, snapshot: dict[str, Any]) -> None:
    effects = reasons_by_id(snapshot)
    assert layout.verdict is not None
    assert effects[layout.verdict.id] == DECIDING_EFFECT[layout.level]
    for where, shown in lines_in_page_order(layout):
        effect = effects.get(shown.id)
        if layout.level == "likely":
            assert effect in (None, "supports"), (where, shown.id, effect)
        elif effect == "supports":
            # Under "not sure" or "may not fit", a reason for the offer is shown only under
            # the heading that says it speaks for the offer.
            assert where == "who:for", (layout.level, where, shown.id)


def assert_every_source_has_one_number(layout: Layout) -> None:
    numbers = [s.number for s in layout.sources]
    assert numbers == list(range(1, len(numbers) + 1))
    by_key = {(s.kind, s.section, s.law): s.number for s in layout.sources}
    assert len(by_key) == len(numbers), "the same source listed twice"
    shown = [line for _, line in lines_in_page_order(layout)]
    if layout.not_stated_source is not None:
        shown.append(layout.not_stated_source)
    first_use: list[int] = []
    for line in shown:
        if not line.source:
            assert line.ref is None, line.id
            continue
        assert line.ref is not None and 1 <= line.ref <= len(numbers), (line.id, line.ref)
        key = (line.source.get("kind", ""), line.source.get("section"), line.source.get("law"))
        assert by_key[key] == line.ref, (line.id, key, line.ref)
        if line.ref not in first_use:
            first_use.append(line.ref)
    assert first_use == numbers, "numbers not in order of first use, or a source unused"


def assert_not_stated_is_a_topic_never_a_line(layout: Layout, snapshot: dict[str, Any]) -> None:
    for where, shown in lines_in_page_order(layout):
        if shown.id not in SAID_WHEN_SILENT:
            assert (shown.source or {}).get("kind") != "not_stated", (where, shown.id)
    # Every silence is named, but for what the person needs no telling while applying here,
    # and those said as a line (whether it costs anything), each exactly once.
    said = [
        s.id
        for _, s in lines_in_page_order(layout)
        if s.id in SAID_WHEN_SILENT and (s.source or {}).get("kind") == "not_stated"
    ]
    assert len(said) == len(set(said))
    assert set(said) == not_stated_ids(snapshot) & SAID_WHEN_SILENT
    silent = not_stated_ids(snapshot) - UNSAID_TOPICS - SAID_WHEN_SILENT
    assert set(layout.not_stated) == silent
    assert len(layout.not_stated) == len(silent)
    assert (layout.not_stated_source is not None) == bool(silent)


def assert_the_layout_keeps_its_promises(
    snapshot: dict[str, Any], lang: str, lead: Sequence[dict[str, Any]] = ()
) -> Layout:
    layout = arrange(snapshot, lang, lead)
    assert_no_statement_or_sentence_twice(layout)
    assert_the_summary_opens_with_the_verdict(layout, snapshot)
    assert_no_verdict_is_contradicted(layout, snapshot)
    assert_every_source_has_one_number(layout)
    assert_not_stated_is_a_topic_never_a_line(layout, snapshot)
    return layout


def receipt_lead(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Like the receipt's timeline: the next steps above the guidance, plus one line of the
    portal's own without a source."""
    own = {"id": "portal.decision", "text": {"da": "Kommunen sender en afgørelse.", "en": "x."}}
    return [*[s for s in snapshot["next_steps"] if s], own]


CASES = [
    pytest.param(persona, code, voice, id=f"{persona}-{code}-{voice.value}")
    for persona in PERSONAS
    for code in CODES
    for voice in VOICES
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("persona", "code", "voice"), CASES)
def test_every_persona_gets_a_layout_that_keeps_its_promises(
    persona: str, code: str, voice: Applicant, lang: str
) -> None:
    snapshot = snapshot_for(PERSONAS[persona], code, voice)
    assert_the_layout_keeps_its_promises(snapshot, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("persona", "code", "voice"), CASES)
def test_the_receipt_layout_with_the_timeline_above_keeps_its_promises(
    persona: str, code: str, voice: Applicant, lang: str
) -> None:
    snapshot = snapshot_for(PERSONAS[persona], code, voice)
    layout = assert_the_layout_keeps_its_promises(snapshot, lang, receipt_lead(snapshot))
    assert [line.id for line in layout.lead][-1] == "portal.decision"


def test_the_personas_cover_every_verdict_in_every_voice() -> None:
    levels = {
        (snapshot_for(answers, code, voice)["fit"]["level"], voice)
        for answers in PERSONAS.values()
        for code in CODES
        for voice in VOICES
    }
    assert levels == {(level, voice) for level in DECIDING_EFFECT for voice in VOICES}


def test_a_verdict_of_not_sure_shows_the_reasons_for_the_offer_under_their_own_heading() -> None:
    # Hanne manages on her own (maybe) but said what her difficulties are (supports).
    snapshot = snapshot_for(
        PERSONAS["hanne_manages_alone_half_days_wants_veum_dag"], "173", Applicant.SELF
    )
    layout = arrange(snapshot, "da")
    assert layout.level == "maybe"
    where = dict((shown.id, place) for place, shown in lines_in_page_order(layout))
    supporting = [i for i, effect in reasons_by_id(snapshot).items() if effect == "supports"]
    assert supporting and all(where[i] == "who:for" for i in supporting)


# No example database: the tests must not write outside their own folder.
@settings(max_examples=120, deadline=None, database=None)
@given(
    answers=answers_strategy,
    today=st.dates(date(2000, 1, 1), date(2060, 12, 31)),
    name=names,
    lang=st.sampled_from(LANGS),
    with_lead=st.booleans(),
)
def test_any_answers_give_a_layout_that_keeps_its_promises(
    answers: Answers, today: date, name: str | None, lang: str, with_lead: bool
) -> None:
    for code in CODES:
        result = guidance(answers, STANDARDS[code], today=today)
        snapshot = json.loads(json.dumps(result.to_dict(name=name)))
        lead = receipt_lead(snapshot) if with_lead else ()
        assert_the_layout_keeps_its_promises(snapshot, lang, lead)


def test_the_cases_cover_all_five_standards() -> None:
    assert sorted(STANDARDS) == sorted(CODES)
