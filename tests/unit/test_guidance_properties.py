"""Properties that hold for any valid answers in every municipality (hypothesis)."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.guidance import (
    Answers,
    Applicant,
    DayLength,
    Difficulty,
    FitLevel,
    HelpLevel,
    Situation,
    Wish,
    guidance,
)
from portal.standards import STANDARDS_DIR, SourceKind, Standard, load_all
from portal.standards.lix import sentences
from portal.standards.seedcheck import heading_in_seed

# Offer ids from the real files, plus one that no municipality has.
OFFER_IDS = sorted({o.id for s in load_all(STANDARDS_DIR).values() for o in s.offers.items})

answers_strategy = st.builds(
    Answers,
    applicant=st.sampled_from(Applicant),
    age=st.none() | st.integers(0, 130),
    birth_date=st.none() | st.dates(date(1890, 1, 1), date(2060, 12, 31)),
    difficulties=st.frozensets(st.sampled_from(Difficulty)),
    help_level=st.none() | st.sampled_from(HelpLevel),
    wishes=st.frozensets(st.sampled_from(Wish)),
    situation=st.frozensets(st.sampled_from(Situation)),
    days_per_week=st.none() | st.integers(1, 5),
    day_length=st.none() | st.sampled_from(DayLength),
    public_transport_alone=st.none() | st.booleans(),
    offer_wish=st.none() | st.sampled_from([*OFFER_IDS, "no_such_offer"]),
    offer_wish_text=st.none() | st.sampled_from(["Kærhøj", "Noget tæt på", "x" * 500]),
    action_plan_wanted=st.none() | st.booleans(),
)
days = st.dates(date(2000, 1, 1), date(2060, 12, 31))
names = st.none() | st.sampled_from(["Kim", "Åse", "Jens Peter"])
# No example database: the tests must not write outside their own folder.
PROPERTY = settings(max_examples=150, deadline=None, database=None)


@PROPERTY
@given(answers=answers_strategy, today=days, name=names)
def test_any_valid_answers_give_guidance_for_every_municipality(
    answers: Answers, today: date, name: str | None, standards: dict[str, Standard]
) -> None:
    for standard in standards.values():
        result = guidance(answers, standard, today=today)
        assert result.fit.level in FitLevel
        assert result.fit.can_apply in list(result.lines())  # never a refusal
        assert result.version == standard.version
        snapshot = json.loads(json.dumps(result.to_dict(name)))
        assert snapshot["standard_version"] == standard.version
        assert snapshot["voice"] == ("other" if answers.applicant is Applicant.OTHER else "self")
        for line in result.lines():
            for lang in ("da", "en"):
                text = result.text(line, lang, name)
                assert text.strip() and "{" not in text


@PROPERTY
@given(answers=answers_strategy, today=days)
def test_every_guidance_line_has_a_source_that_exists_in_the_named_seed(
    answers: Answers, today: date, standards: dict[str, Standard], seed_texts: dict[str, str]
) -> None:
    for code, standard in standards.items():
        for line in guidance(answers, standard, today=today).lines():
            source = line.source
            assert source.file == standard.seed_file
            if source.kind is SourceKind.SEED:
                assert heading_in_seed(seed_texts[code], source.section or ""), line.id
            elif source.kind is SourceKind.LAW:
                assert source.law
            assert source.label("da") and source.label("en")


@PROPERTY
@given(answers=answers_strategy, today=days)
def test_guidance_is_deterministic_for_the_same_day(
    answers: Answers, today: date, standards: dict[str, Standard]
) -> None:
    for standard in standards.values():
        assert guidance(answers, standard, today=today) == guidance(answers, standard, today=today)


@PROPERTY
@given(answers=answers_strategy, today=days)
def test_fit_is_unlikely_exactly_when_a_reason_says_so(
    answers: Answers, today: date, standards: dict[str, Standard]
) -> None:
    for standard in standards.values():
        fit = guidance(answers, standard, today=today).fit
        effects = {r.effect.value for r in fit.reasons}
        assert (fit.level is FitLevel.UNLIKELY) == ("unlikely" in effects)
        if fit.level is FitLevel.LIKELY:
            assert effects <= {"supports"}


@PROPERTY
@given(answers=answers_strategy, today=days)
def test_no_sentence_is_shown_twice_in_one_guidance(
    answers: Answers, today: date, standards: dict[str, Standard]
) -> None:
    # The page drops a repeated sentence; the files should not rely on it (one idea, one line).
    for standard in standards.values():
        result = guidance(answers, standard, today=today)
        for lang in ("da", "en"):
            seen: dict[str, str] = {}
            for line in result.lines():
                for sentence in sentences(result.text(line, lang, "Kim")):
                    key = " ".join(sentence.lower().split())
                    assert seen.setdefault(key, line.id) == line.id, (sentence, seen[key])
