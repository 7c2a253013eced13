"""What the outside probe of 2026-12-06 found in the guidance, pinned.

1. The portal is where the application is made: no statement may tell the person to apply
   somewhere else (a borger.dk link, a phone call, Digital Post), in any standard, language
   or voice.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest

from portal.guidance import (
    Answers,
    Applicant,
    Difficulty,
    HelpLevel,
    Situation,
    Wish,
    guidance,
)
from portal.guidance_layout import DECIDING_EFFECT, arrange
from portal.standards import Standard, Statement, load_all

STANDARDS = load_all()
CODES = sorted(STANDARDS)

# "Du kan søge via/ved/med …", "kan også søge …", "You can apply through/by …": a way to apply
# other than the one the person is using, within one sentence (a cited heading such as
# »Hvordan søges der?« is not advice).
WORD = r"[^\s.?!«»]+\s+"
APPLY_ELSEWHERE = (
    re.compile(rf"\bsøge[rs]?\s+(?:{WORD}){{0,3}}?(via|ved\s+at|med|gennem|hos|på)\b", re.I),
    re.compile(rf"\bapply\s+(?:{WORD}){{0,2}}?(through|by|via|with|on)\b", re.I),
)


def texts(statement: Statement) -> Iterator[str]:
    for lang in ("da", "en"):
        for other in (False, True):
            yield statement.text(lang, "Kim", other)


@pytest.mark.parametrize("code", CODES)
def test_no_statement_tells_the_person_to_apply_somewhere_else(code: str) -> None:
    standard: Standard = STANDARDS[code]
    found = [
        (s.id, text)
        for s in standard.statements
        for text in texts(s)
        if any(p.search(text) for p in APPLY_ELSEWHERE)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "Du kan søge via et link på borger.dk.",
        "Du kan også søge ved at ringe til kommunen.",
        "Man kan også søge for Kim ved at ringe til kommunen.",
        "Du kan søge ved at skrive sikkert til kommunen med Digital Post.",
        "You can apply through a link on borger.dk.",
        "It is also possible to apply for Kim by phoning the municipality.",
    ],
)
def test_the_apply_elsewhere_patterns_catch_what_the_probe_found(text: str) -> None:
    assert any(p.search(text) for p in APPLY_ELSEWHERE)


# 2. The summary and the details never disagree. The verdict ("Det er ikke sikkert, at
#    tilbuddet passer til dig") is the one line that says whether the offer fits; it is
#    decided by the strongest reason (portal.guidance._level). A reason's own text says what
#    the answers and the standard say, and never concludes on the fit itself: "Ud fra dine
#    svar hører du til dem, tilbuddet er for" under "not sure", or "Derfor passer tilbuddet
#    ikke til dig endnu" under "may not fit", made the page say two things.
QUESTION = re.compile(r"\b(om|hvis|whether|if)\b", re.I)
CONCLUSIONS = (
    re.compile(r"\btilbuddet\s+(?:\w+\s+){0,2}?passer\b|\bpasser\s+tilbuddet\b", re.I),
    re.compile(r"\bhører\s+\S+\s+til\s+dem,\s+tilbuddet\s+er\s+for\b", re.I),
    re.compile(r"\bthe offer (?:does not |doesn't |may not |might not |seems to )?fits?\b", re.I),
    re.compile(r"\bbelongs?\s+to\s+the\s+people\s+the\s+offer\s+is\s+for\b", re.I),
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def concluding_sentences(text: str) -> list[str]:
    """The sentences of `text` that state whether the offer fits (not ask it)."""
    return [
        sentence
        for sentence in SENTENCE_END.split(text)
        if not QUESTION.search(sentence) and any(p.search(sentence) for p in CONCLUSIONS)
    ]


@pytest.mark.parametrize(
    ("text", "concludes"),
    [
        ("Ud fra dine svar hører du til dem, tilbuddet er for. Kommunen vurderer.", True),
        ("Ud fra svarene hører Kim til dem, tilbuddet er for.", True),
        ("Du er under 18 år. Derfor passer tilbuddet ikke til dig endnu.", True),
        ("From your answers, you belong to the people the offer is for.", True),
        ("You are under 18. So the offer does not fit you yet.", True),
        ("Kommunen ser på, om du hører til dem, tilbuddet er for.", False),
        (
            "The municipality will look at whether Kim belongs to the people the offer is for.",
            False,
        ),
        ("Som regel vælger kommunen det tilbud, der passer bedst.", False),
        ("As a rule, the municipality chooses the offer that fits best.", False),
    ],
)
def test_a_concluding_sentence_is_told_from_a_question(text: str, concludes: bool) -> None:
    assert bool(concluding_sentences(text)) is concludes


TODAY = date(2026, 12, 6)
# Every answer that gives or changes a reason for the fit, each value once: too young, adult
# and past pension age; no, one and every kind of difficulty; every help level; one wish the
# standards name and one some exclude; each situation alone.
AGES = (11, 30, 70)
DIFFICULTIES = (frozenset(), frozenset({Difficulty.SOCIAL}), frozenset(Difficulty))
HELP_LEVELS = (None, *HelpLevel)
WISHES = (frozenset(), frozenset({Wish.SOCIAL_CONTACT}), frozenset({Wish.THERAPY}))
SITUATIONS = (frozenset(), *(frozenset({s}) for s in Situation))


def combinations() -> Iterator[Answers]:
    for age, difficulties, help_level, wishes, situation in itertools.product(
        AGES, DIFFICULTIES, HELP_LEVELS, WISHES, SITUATIONS
    ):
        applicant = Applicant.OTHER if (age + len(situation) + len(wishes)) % 2 else Applicant.SELF
        yield Answers(
            applicant,
            age=age,
            difficulties=difficulties,
            help_level=help_level,
            wishes=wishes,
            situation=situation,
        )


def disagreements(answers: Answers, code: str, lang: str) -> list[tuple[str, str]]:
    result = guidance(answers, STANDARDS[code], today=TODAY)
    snapshot = json.loads(json.dumps(result.to_dict(name="Kim")))
    layout = arrange(snapshot, lang)
    effects = {r["statement"]["id"]: r["effect"] for r in snapshot["fit"]["reasons"]}
    found: list[tuple[str, str]] = []
    if layout.verdict is None or effects[layout.verdict.id] != DECIDING_EFFECT[layout.level]:
        found.append(("verdict", "the summary's reason did not decide its verdict"))
    shown = [line for row in layout.summary for line in row]
    shown += [line for group in layout.groups for part in group.parts for line in part.lines]
    for line in shown:
        found.extend((line.id, sentence) for sentence in concluding_sentences(line.text))
    return found


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("code", CODES)
def test_no_line_of_the_guidance_disagrees_with_its_verdict(code: str, lang: str) -> None:
    found = {
        (line_id, sentence)
        for answers in combinations()
        for line_id, sentence in disagreements(answers, code, lang)
    }
    assert sorted(found) == []


# 3. Compared with the standards.
def page_sentences(answers: Answers, code: str, lang: str = "da") -> list[tuple[str, str]]:
    """(statement id, sentence) for every sentence the guidance page shows, in order."""
    result = guidance(answers, STANDARDS[code], today=TODAY)
    layout = arrange(json.loads(json.dumps(result.to_dict(name="Kim"))), lang)
    lines = [line for row in layout.summary for line in row]
    lines += [line for group in layout.groups for part in group.parts for line in part.lines]
    return [(line.id, s) for line in lines for s in SENTENCE_END.split(line.text)]


@pytest.mark.parametrize("help_level", [HelpLevel.A_LITTLE, HelpLevel.A_LOT])
def test_roskilde_always_says_it_has_open_offers_too(help_level: HelpLevel) -> None:
    # "Hvad er aktivitets- og samværstilbud?": Roskilde also has open offers, no application
    # needed. Said to everyone among what the offer is; a little help also puts it to the
    # person in "Kort fortalt" (rules.open_offers).
    answers = Answers(Applicant.SELF, age=30, help_level=help_level)
    said = {i for i, s in page_sentences(answers, "265") if "åbne tilbud" in s}
    rule = {"rules.open_offers"} if help_level is HelpLevel.A_LITTLE else set()
    assert said == {"offers.activities.open_offers", *rule}
    statement = STANDARDS["265"].statement("offers.activities.open_offers")
    assert statement.source.section == "Hvad er aktivitets- og samværstilbud?"


def test_lyngby_says_plainly_that_the_fixed_daily_price_is_not_a_price_for_the_person() -> None:
    own_payment = STANDARDS["173"].costs.own_payment
    for other in (False, True):
        da, en = own_payment.text("da", "Kim", other), own_payment.text("en", "Kim", other)
        assert "pris" not in da and "price" not in en
        assert "kommunen ikke betaler for" in da and "the municipality does not pay for" in en


def test_vejen_says_what_materials_outside_the_production_are_in_everyday_words() -> None:
    own_payment = STANDARDS["575"].costs.own_payment
    for other in (False, True):
        da, en = own_payment.text("da", "Kim", other), own_payment.text("en", "Kim", other)
        assert "produktion" not in da and "production" not in en
        assert "til andet end det, tilbuddet laver" in da


@pytest.mark.parametrize("age", [30, 70])
def test_naestved_says_continuing_past_pension_age_is_assessed_at_any_age(age: int) -> None:
    # "Varighed": lasting as a starting point, but continuing past pension age is assessed.
    answers = Answers(Applicant.SELF, age=age, difficulties=frozenset({Difficulty.MENTAL}))
    duration = [s for i, s in page_sentences(answers, "370") if i == "scope.duration"]
    assert duration[0] == "Som udgangspunkt er tilbuddet varigt, når man først har fået det."
    assert duration[1].startswith("Efter pensionsalderen vurderer kommunen løbende")


# 4. "Kort fortalt" is short and says a thing once.
def summary_ids(answers: Answers, code: str) -> list[list[str]]:
    result = guidance(answers, STANDARDS[code], today=TODAY)
    layout = arrange(json.loads(json.dumps(result.to_dict(name="Kim"))), "da")
    return [[line.id for line in row] for row in layout.summary]


@pytest.mark.parametrize("days", [1, 3, 4])
def test_vejen_says_once_in_the_summary_that_fewer_days_need_an_assessment(days: int) -> None:
    # The rule says it to the person; the general line on days waits in the details.
    answers = Answers(Applicant.SELF, age=30, days_per_week=days)
    ids = [i for row in summary_ids(answers, "575") for i in row]
    assert "rules.full_time_default" in ids and "scope.days" not in ids
    assert "scope.days" in [i for i, _ in page_sentences(answers, "575")]


def test_a_wish_for_five_full_days_keeps_the_general_line_on_days_in_the_summary() -> None:
    answers = Answers(Applicant.SELF, age=30, days_per_week=5)
    assert ["scope.days"] in summary_ids(answers, "575")


@pytest.mark.parametrize("code", CODES)
def test_no_rule_in_the_summary_is_said_again_by_the_general_line_it_speaks_to(code: str) -> None:
    for answers in combinations():
        answers = dataclasses.replace(answers, days_per_week=2)
        result = guidance(answers, STANDARDS[code], today=TODAY)
        snapshot = json.loads(json.dumps(result.to_dict(name="Kim")))
        ids = {x.id for row in arrange(snapshot, "da").summary for x in row}
        for rule in snapshot["special_rules"]:
            if rule["statement"]["id"] in ids:
                assert not ids & set(rule["about"]), (code, rule["id"])


def test_roskildes_escort_line_is_at_most_three_sentences() -> None:
    rule = STANDARDS["265"].statement("rules.exclusion_other_law")
    for lang in ("da", "en"):
        assert len(SENTENCE_END.split(rule.text(lang))) <= 3
