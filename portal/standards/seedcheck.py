"""Check a standard file against the text of the municipality's published standard (its seed).

Promises to the citizen, each a check below:
- every statement's section heading is really in the seed;
- no number appears that the seed (or the cited law) does not contain;
- every named offer is named so in the seed;
- a statement's `quote` (a verbatim snippet it restates) stands in the seed under the cited
  section, and every hedge in it ("løbende", "som udgangspunkt", "der kan være tilfælde" ...)
  has a plain counterpart in the Danish text, so a restatement never claims more than the seed;
- a rule quotes the seed sentence it restates, and its condition tests every answer that
  sentence names, and requires none it does not name (never narrower, never other);
- a statement that says the standard is silent is not contradicted by the seed's own words.
The seeds are not shipped with the portal, so this runs in the tests and in
`portal standards check FILE --seed SEED`.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.answers import Situation, Wish
from portal.standards.laws import LAWS
from portal.standards.model import AGE_ASKED_BELOW, Rule, Standard
from portal.standards.text import SourceKind, Statement

NUMBER_RE = re.compile(r"\d+")
# A heading starts a line, maybe after indentation or markup (<b>, **, #); it may wrap over
# lines (Næstved's left-column headings do), so any run of whitespace matches any other.
HEADING_PREFIX = r"(?m)^[ \t#*>]*(?:<b>)?[ \t]*"
FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class Hedge:
    """A word that limits what the seed says, and the plain Danish that carries it over."""

    name: str
    seed: str  # regex over the quote
    plain: tuple[str, ...]  # regexes over the Danish text; one must match


HEDGES = (
    Hedge("løbende", r"\bløbende\b|\bkontinuerligt\b",
          (r"\bløbende\b", r"\bhele tiden\b", r"\bjævnligt\b", r"\bfra tid til anden\b")),
    Hedge("i det omfang", r"\bi det omfang\b",
          (r"\bså vidt\b", r"\bi det omfang\b", r"\bhvis det er muligt\b", r"\bså godt\b")),
    Hedge("som udgangspunkt",
          r"\bsom udgangspunkt\b|\bi udgangspunktet\b|\budgangspunktet er\b|\bsom regel\b",
          (r"\bsom udgangspunkt\b", r"\budgangspunktet\b", r"\bsom regel\b", r"\bnormalt\b")),
    Hedge("efter behov", r"\b(efter|ved) behov\b(?!\s+for)",
          (r"\b(efter|ved) behov\b", r"\bnår der er brug for det\b",
           r"\bhvis der er brug for det\b", r"\bnår det er nødvendigt\b")),
    Hedge("der kan være tilfælde", r"\bder kan være tilfælde\b",
          (r"\bi nogle tilfælde\b", r"\bi enkelte tilfælde\b", r"\bnogle gange\b",
           r"\bder kan være tilfælde\b")),
    Hedge("i helt særlige tilfælde", r"\bi helt (særlige|specielle) tilfælde\b",
          (r"\bi helt særlige tilfælde\b", r"\bi sjældne tilfælde\b")),
    Hedge("fortsat", r"\bfortsat\b", (r"\bstadig\b", r"\bfortsat\b", r"\bfortsætte\b")),
    Hedge("vurdering", r"\bvurder\w*", (r"\bvurder\w*",)),
    Hedge("konkret/individuel", r"\b(konkret|individuel)\w*",
          (r"\bnetop\b", r"\bkonkret\w*", r"\bindividuel\w*", r"\bden enkelte\b",
           r"\bsituation\w*", r"\bbehov\w*")),
    Hedge("frivillig", r"\bfrivillig\w*",
          (r"\bfrivillig\w*", r"\bselv vælger\b", r"\bvælger til\b", r"\bvalgt til\b")),
    Hedge("minimum", r"\bminimum\b|\bmindst\b", (r"\bmindst\b", r"\bminimum\b")),
    Hedge("primært", r"\bprimært\b|\bisær\b|\bfortrinsvis\b",
          (r"\bisær\b", r"\bmest\b", r"\bprimært\b", r"\bførst og fremmest\b")),
    Hedge("så vidt muligt", r"\bså vidt\s+muligt\b",
          (r"\bså vidt\b", r"\bhvor (den|det|kommunen) kan\b")),
    Hedge("op til", r"\bop til\b", (r"\bop til\b", r"\bhøjst\b")),
    # "kan" (may): the seed's "der kan være tilfælde" is its own hedge above.
    Hedge("kan", r"\bkan\b(?!\s+være\s+tilfælde)",
          (r"\bkan\b", r"\bmåske\b", r"\bmulig\w*")),
)  # fmt: skip

Answer = Situation | Wish
# Words in a seed sentence that name something a person answers. A rule that restates the
# sentence must test each named answer (else it fires for fewer people than the seed says)
# and may require only named answers (else it fires for other people than the seed says).
ANSWER_TERMS: tuple[tuple[str, frozenset[Answer]], ...] = (
    (r"\bét aktivitets-\s*og\s+samværstilbud\b|\bad gangen\b",
     frozenset({Situation.OTHER_104_OFFER})),
    (r"botilbud", frozenset({Situation.BOTILBUD_WITH_ACTIVITIES})),
    (r"beskyttet\s+beskæftigelse", frozenset({Situation.PROTECTED_EMPLOYMENT})),
    (r"beskæftigelsestilbud",
     frozenset({Situation.JOB_OR_EDUCATION, Situation.PROTECTED_EMPLOYMENT})),
    (r"\bfritids", frozenset({Situation.CLUB_OR_ASSOCIATION, Situation.OPEN_OFFER})),
    (r"forening|sportsaktivitet", frozenset({Situation.CLUB_OR_ASSOCIATION})),
    (r"værested|uvisiteret|åbne\s+tilbud", frozenset({Situation.OPEN_OFFER})),
    (r"fastholde\s+beskæftigelse", frozenset({Wish.JOB_OR_EDUCATION_SUPPORT})),
    (r"ledsagelse", frozenset({Wish.ESCORT})),
    (r"praktisk\s+hjælp", frozenset({Wish.PRACTICAL_HELP})),
    (r"psykiatrisk|psykologisk|terapeutisk|specialistindsats", frozenset({Wish.THERAPY})),
)  # fmt: skip

# What a seed says when it speaks of a topic. A statement that says the standard is silent
# on the topic while the seed uses these words has under-read the seed: cite what it says.
SILENCE_WORDS = {
    "target.age": r"\b\d+\s+år\b",
    "target.age_below_not_stated": r"\b\d+\s+år\b",
    "scope.days": r"\bdage\s+(ugentligt|om\s+ugen)\b",
    "scope.day_length": r"halvdag|heldag|\btimer\b",
    "scope.duration": r"\bvarighed\b|tidsbegræns",
    "costs.free": r"\bgratis\b|\bbetal\w*|\begenbetaling\b|\bkoster\b",
    "costs.own_payment": r"\bgratis\b|\bbetal\w*|\begenbetaling\b|\bkoster\b",
    "costs.wage": r"\bløn\b|\bvederlag\b",
    "next.apply": r"\b(an)?søg(e|er|es|ning)?\b",
    "next.processing_time": r"sagsbehandlingstid",
    "next.action_plan": r"handleplan",
    "next.complaint": r"\bklage\w*",
    "next.free_choice": r"\bfrit\s+valg\b",
}


def heading_pattern(heading: str) -> str:
    # A heading is whole words: "Klage" must not pass for "Klagevejledning".
    return HEADING_PREFIX + r"\s+".join(re.escape(w) for w in heading.split()) + r"(?!\w)"


def heading_in_seed(seed_text: str, heading: str) -> bool:
    if not heading.split():
        return False
    return re.search(heading_pattern(heading), seed_text) is not None


def words_pattern(text: str) -> str:
    """A verbatim snippet, with any run of whitespace matching any other (lines wrap)."""
    return r"\s+".join(re.escape(w) for w in text.split())


def numbers(text: str) -> set[str]:
    return set(NUMBER_RE.findall(text))


def allowed_numbers(statement: Statement, seed_numbers: set[str]) -> set[str]:
    source = statement.source
    if source.kind is SourceKind.LAW and source.law is not None:
        return numbers(source.law) | numbers(LAWS.get(source.law, ""))
    if statement.id == "target.age_below_not_stated" and source.kind is SourceKind.NOT_STATED:
        # The person's own age, "under 18", said with the standard's silence: the portal's
        # question (AGE_ASKED_BELOW), which the line itself says is no limit of the standard's.
        return seed_numbers | {str(AGE_ASKED_BELOW)}
    return seed_numbers


def statement_texts(statement: Statement) -> Iterator[str]:
    yield statement.text_self.da
    yield statement.text_self.en
    if statement.text_other is not None:
        yield statement.text_other.da
        yield statement.text_other.en


def problems_against_seed(standard: Standard, seed_text: str) -> list[str]:
    """Every way the file says more, less or other than the seed (see the module doc)."""
    problems: list[str] = []
    seed_numbers = numbers(seed_text)
    where = standard.path
    for s in standard.statements:
        if s.source.kind is SourceKind.SEED and not heading_in_seed(
            seed_text, s.source.section or ""
        ):
            problems.append(
                f"{where}: {s.id}.source: heading not in the seed: {s.source.section!r}"
            )
        allowed = allowed_numbers(s, seed_numbers)
        for text in statement_texts(s):
            for number in sorted(numbers(text) - allowed):
                problems.append(f"{where}: {s.id}: the number {number} is not in the seed")
    for key, value in _structural_numbers(standard):
        if str(value) not in seed_numbers:
            problems.append(f"{where}: {key}: the number {value} is not in the seed")
    problems.extend(_law_thresholds(standard))
    problems.extend(_offer_names(standard, seed_text))
    try:
        quotes = statement_quotes(standard)
    except ValueError as exc:
        return [*problems, str(exc)]
    problems.extend(_quotes(standard, seed_text, quotes))
    problems.extend(_rules(standard, quotes))
    problems.extend(_silences(standard, seed_text))
    return problems


def _structural_numbers(standard: Standard) -> Iterator[tuple[str, int]]:
    """Numbers the engine uses that stand in the seed (law-backed ones are checked apart).

    `help_level_in` is left out: it indexes the portal's own 0-4 answer scale, not a figure
    from the standard, and is never shown.
    """
    target, scope, steps = standard.target, standard.scope, standard.next_steps
    candidates: list[tuple[str, int | None]] = [
        ("target.min_age", target.min_age),
        ("scope.days_min", scope.days_min),
        ("scope.days_max", scope.days_max),
        ("next.processing_weeks", steps.processing_weeks),
    ]
    deadline = steps.complaint_deadline
    if deadline is None or deadline.source.kind is not SourceKind.LAW:
        candidates.append(("next.complaint_weeks", steps.complaint_weeks))
    if target.function_levels is not None:
        levels = target.function_levels.primary | target.function_levels.sometimes
        candidates += [("target.function_levels", level) for level in sorted(levels)]
    for rule in standard.rules:
        for condition in rule.when:
            candidates.append((f"rules.{rule.id}.when", condition.days_per_week_below))
    yield from ((key, value) for key, value in candidates if value is not None)


def _law_thresholds(standard: Standard) -> Iterator[str]:
    steps = standard.next_steps
    deadline = steps.complaint_deadline
    if deadline is not None and deadline.source.kind is SourceKind.LAW:
        law_numbers = allowed_numbers(deadline, set())
        if steps.complaint_weeks is not None and str(steps.complaint_weeks) not in law_numbers:
            yield f"{standard.path}: next.complaint_weeks: not set by {deadline.source.law}"
    for rule in standard.rules:
        for condition in rule.when:
            law_numbers = numbers(LAWS.get(condition.law or "", ""))
            for value in (condition.age_at_least, condition.born_before_year):
                if value is not None and str(value) not in law_numbers:
                    yield f"{standard.path}: rules.{rule.id}.when: {value} is not in the law"


def _offer_names(standard: Standard, seed_text: str) -> Iterator[str]:
    """A person chooses between the offers by name: only names the seed gives."""
    for offer in standard.offers.items:
        if not re.search(words_pattern(offer.name.da), seed_text):
            yield (
                f"{standard.path}: offers.items.{offer.id}.name: {offer.name.da!r} is not "
                "named so in the seed"
            )


def statement_quotes(standard: Standard) -> dict[str, str]:
    """Each statement's `quote`, by statement id, read from the standard's file.

    The quote is for this check only, so the loaded `Standard` does not carry it; the file is
    read again, and must be the very file the standard was loaded from.
    """
    raw = Path(standard.path).read_bytes()
    if hashlib.sha256(raw).hexdigest()[:16] != standard.version:
        raise ValueError(f"{standard.path}: (file): changed since it was loaded; check it again")
    data = tomllib.loads(raw.decode("utf-8"))
    ids = {s.id for s in standard.statements}
    quotes: dict[str, str] = {}

    def walk(table: dict[str, Any], prefix: str) -> None:
        for key, value in table.items():
            if isinstance(value, dict):
                path = f"{prefix}.{key}" if prefix else key
                quote = value.get("quote")
                if path in ids and isinstance(quote, str):
                    quotes[path] = quote
                walk(value, path)

    walk(data, "")
    return quotes


def _section_spans(seed_text: str, headings: set[str]) -> dict[str, list[tuple[int, int]]]:
    """Where each cited section runs: from its heading to the next cited heading."""
    starts = sorted(
        (m.start(), h) for h in headings for m in re.finditer(heading_pattern(h), seed_text)
    )
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, (start, heading) in enumerate(starts):
        end = next((s for s, _ in starts[i + 1 :] if s > start), len(seed_text))
        spans.setdefault(heading, []).append((start, end))
    return spans


def _quotes(standard: Standard, seed_text: str, quotes: dict[str, str]) -> Iterator[str]:
    by_id = {s.id: s for s in standard.statements}
    headings = {s.source.section or "" for s in standard.statements if s.source.section}
    spans = _section_spans(seed_text, headings)
    for statement_id, quote in quotes.items():
        statement = by_id[statement_id]
        key = f"{standard.path}: {statement_id}.quote"
        pattern = words_pattern(quote)
        section = statement.source.section or ""
        if not re.search(pattern, seed_text):
            yield f"{key}: not in the seed (verbatim, any line breaks): {quote!r}"
        elif not any(re.search(pattern, seed_text[a:b]) for a, b in spans.get(section, [])):
            yield f"{key}: not under the cited section {section!r}"
        yield from (f"{key}: {p}" for p in hedges_dropped(quote, statement))


def hedges_dropped(quote: str, statement: Statement) -> Iterator[str]:
    """Each hedge in the quote that a Danish text of the statement does not carry over."""
    texts = [statement.text_self.da]
    if statement.text_other is not None:
        texts.append(statement.text_other.da)
    for hedge in HEDGES:
        if not re.search(hedge.seed, quote, FLAGS):
            continue
        for text in texts:
            if not any(re.search(p, text, FLAGS) for p in hedge.plain):
                yield f"the seed says {hedge.name!r}, but the Danish text has no counterpart: {text!r}"


def _rules(standard: Standard, quotes: dict[str, str]) -> Iterator[str]:
    for rule in standard.rules:
        if rule.statement.source.kind is not SourceKind.SEED:
            continue
        quote = quotes.get(rule.statement.id)
        key = f"{standard.path}: rules.{rule.id}"
        if quote is None:
            yield f"{key}.quote: a rule must quote the seed sentence it restates"
            continue
        yield from (f"{key}.when: {p}" for p in condition_mismatches(quote, rule))


def condition_mismatches(quote: str, rule: Rule) -> Iterator[str]:
    """Answers the quote names that no condition tests; answers required but not named."""
    tested: set[Answer] = set()
    required: set[Answer] = set()
    for condition in rule.when:
        tested |= condition.situation_any | condition.situation_none | condition.wishes_any
        required |= condition.situation_any | condition.wishes_any
    named: set[Answer] = set()
    for term, answers in ANSWER_TERMS:
        found = re.search(term, quote, FLAGS)
        if found is None:
            continue
        named |= answers
        if not answers & tested:
            wanted = ", ".join(sorted(answers))
            yield f"the seed names {found.group(0)!r}, but no condition tests {wanted}"
    for answer in sorted(required - named):
        yield f"requires {answer.value!r}, which the quoted seed sentence does not name"


def _silences(standard: Standard, seed_text: str) -> Iterator[str]:
    for s in standard.statements:
        pattern = SILENCE_WORDS.get(s.id)
        if s.source.kind is not SourceKind.NOT_STATED or pattern is None:
            continue
        found = re.search(pattern, seed_text, FLAGS)
        if found is not None:
            yield (
                f"{standard.path}: {s.id}: says the standard is silent, but the seed says "
                f"{found.group(0)!r}: cite what it says"
            )
