"""Check a standard file against the text of the municipality's published standard (its seed).

Two promises to the citizen: every statement's section heading is really in the seed, and no
number appears that the seed (or the cited law) does not contain. The seeds are not shipped
with the portal, so this runs in the tests and in `portal standards check FILE --seed SEED`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portal.standards.laws import LAWS
from portal.standards.model import Standard
from portal.standards.text import SourceKind, Statement

NUMBER_RE = re.compile(r"\d+")
# A heading starts a line, maybe after indentation or markup (<b>, **, #); it may wrap over
# lines (Næstved's left-column headings do), so any run of whitespace matches any other.
HEADING_PREFIX = r"(?m)^[ \t#*>]*(?:<b>)?[ \t]*"


def heading_in_seed(seed_text: str, heading: str) -> bool:
    words = heading.split()
    if not words:
        return False
    # A heading is whole words: "Klage" must not pass for "Klagevejledning".
    pattern = HEADING_PREFIX + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    return re.search(pattern, seed_text) is not None


def numbers(text: str) -> set[str]:
    return set(NUMBER_RE.findall(text))


def allowed_numbers(statement: Statement, seed_numbers: set[str]) -> set[str]:
    source = statement.source
    if source.kind is SourceKind.LAW and source.law is not None:
        return numbers(source.law) | numbers(LAWS.get(source.law, ""))
    return seed_numbers


def statement_texts(statement: Statement) -> Iterator[str]:
    yield statement.text_self.da
    yield statement.text_self.en
    if statement.text_other is not None:
        yield statement.text_other.da
        yield statement.text_other.en


def problems_against_seed(standard: Standard, seed_text: str) -> list[str]:
    """Every heading not found and every number not backed by the seed or the cited law."""
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
