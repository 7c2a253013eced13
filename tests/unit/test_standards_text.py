"""The standards' texts: true to their seeds, plain Danish, and in the right voice."""

from __future__ import annotations

import re

import pytest

from portal.standards import SourceKind, Standard, Statement
from portal.standards.lix import lix, sentences, words
from portal.standards.seedcheck import heading_in_seed, problems_against_seed

CODES = ["173", "157", "575", "370", "265"]
LIX_MAX = 35
SENTENCE_WORDS_MAX = 17
DA_SECOND_PERSON = re.compile(r"\b(du|dig|din|dit|dine)\b", re.IGNORECASE)
EN_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


@pytest.mark.parametrize("code", CODES)
def test_every_section_heading_is_found_in_its_seed(
    code: str, standards: dict[str, Standard], seed_texts: dict[str, str]
) -> None:
    missing = [
        (s.id, s.source.section)
        for s in standards[code].statements
        if s.source.kind is SourceKind.SEED
        and not heading_in_seed(seed_texts[code], s.source.section or "")
    ]
    assert missing == []


@pytest.mark.parametrize("code", CODES)
def test_no_number_appears_that_the_seed_or_the_cited_law_does_not_contain(
    code: str, standards: dict[str, Standard], seed_texts: dict[str, str]
) -> None:
    assert problems_against_seed(standards[code], seed_texts[code]) == []


@pytest.mark.parametrize("code", CODES)
def test_every_statement_cites_its_own_municipalitys_seed(
    code: str, standards: dict[str, Standard]
) -> None:
    standard = standards[code]
    assert {s.source.file for s in standard.statements} == {standard.seed_file}


def test_wrapped_and_marked_up_headings_are_found() -> None:
    seed = "Kørsel til og fra visiteret \naktivitets- og \nsamværstilbud\n<b>Lovgrundlag</b>\t"
    assert heading_in_seed(seed, "Kørsel til og fra visiteret aktivitets- og samværstilbud")
    assert heading_in_seed(seed, "Lovgrundlag")
    assert not heading_in_seed(seed, "Lov")
    assert not heading_in_seed(seed, "til og fra visiteret")  # not at the start of a line


def test_not_stated_statements_say_so_plainly(standards: dict[str, Standard]) -> None:
    for standard in standards.values():
        for s in standard.statements:
            if s.source.kind is SourceKind.NOT_STATED:
                assert "ikke" in s.text("da") and "not" in s.text("en"), s.id


def test_only_vejen_states_a_processing_time(standards: dict[str, Standard]) -> None:
    kinds = {code: s.next_steps.processing_time.source.kind for code, s in standards.items()}
    assert [code for code, kind in kinds.items() if kind is SourceKind.SEED] == ["575"]
    vejen = standards["575"].next_steps.processing_time
    assert "6 uger" in vejen.text("da") and "6 weeks" in vejen.text("en")


def _danish(standard: Standard, other: bool) -> str:
    return " ".join(s.text("da", None, other) for s in standard.statements)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("other", [False, True], ids=["second_person", "third_person"])
def test_the_danish_texts_score_lix_35_or_less(
    code: str, other: bool, standards: dict[str, Standard]
) -> None:
    # "personen" (8 letters) stands in for the name: the hardest case for a relative's page.
    assert lix(_danish(standards[code], other)) <= LIX_MAX


@pytest.mark.parametrize("code", CODES)
def test_sentences_are_short(code: str, standards: dict[str, Standard]) -> None:
    long_ones = [
        sentence
        for s in standards[code].statements
        for other in (False, True)
        for sentence in sentences(s.text("da", None, other))
        if len(words(sentence)) > SENTENCE_WORDS_MAX
    ]
    assert long_ones == []


def _all_statements(standards: dict[str, Standard]) -> list[Statement]:
    return [s for standard in standards.values() for s in standard.statements]


def test_third_person_texts_never_address_the_reader(standards: dict[str, Standard]) -> None:
    for s in _all_statements(standards):
        da, en = s.text("da", "Kim", other=True), s.text("en", "Kim", other=True)
        assert not DA_SECOND_PERSON.search(da), (s.id, da)
        assert not EN_SECOND_PERSON.search(en), (s.id, en)
        assert "{" not in da + en


def test_third_person_texts_name_the_person(standards: dict[str, Standard]) -> None:
    for s in _all_statements(standards):
        if s.text_other is not None:
            assert "Kim" in s.text("da", "Kim", True) and "Kim" in s.text("en", "Kim", True)


def test_a_missing_name_reads_personen_and_the_person(standards: dict[str, Standard]) -> None:
    can_apply = standards["157"].target.can_apply
    assert can_apply.text("da", None, True).startswith("Personen kan altid søge.")
    assert can_apply.text("en", None, True).startswith("The person can always apply.")
    assert can_apply.text("da", "Kim", False).startswith("Du kan altid søge.")


def test_source_labels_read_well_in_both_languages(standards: dict[str, Standard]) -> None:
    complaint = standards["157"].next_steps.complaint.source
    assert (
        complaint.label("da") == "Gentofte Kommune, kvalitetsstandard, afsnittet »Klagevejledning«"
    )
    assert complaint.label("en") == (
        "Gentofte Municipality, quality standard, section “Klagevejledning”"
    )
    deadline = standards["265"].next_steps.complaint_deadline
    assert deadline is not None
    assert deadline.source.label("da") == "retssikkerhedsloven § 67, stk. 1 (lov)"
    processing = standards["157"].next_steps.processing_time.source
    assert processing.label("en") == "Gentofte Municipality, quality standard: not stated"


def test_lix_counts_words_sentences_and_long_words() -> None:
    # 6 words, 2 sentences, 2 long words ("Tilbuddet", "kommunen"): 3 + 100 * 2 / 6.
    assert lix("Tilbuddet er gratis. Spørg kommunen først.") == pytest.approx(3 + 200 / 6)
    assert lix("") == 0.0
    assert words("§ 104 og e-Boks") == ["og", "e-Boks"]
    assert sentences("Du kan søge. Ring på borger.dk? Ja!") == [
        "Du kan søge.",
        "Ring på borger.dk?",
        "Ja!",
    ]
