"""Guidance engine benchmark: per-call time per municipality, and start-up cost of the standards.

    .venv/bin/python bench/guidance_bench.py [--answers 10000] [--loads 30] [--cold 10]

- Per call: `guidance()` for `--answers` random answer sets (fixed seed) per municipality,
  each call timed on its own; the median is reported (goal: < 200 µs).
- Start-up: the median of `--loads` in-process `load_all()` runs (reading, parsing and
  validating all files), and the median of `--cold` first calls in fresh interpreters, which
  also pay for compiling regexes and warming caches (goal: < 50 ms). Imports are not counted.

Medians, because these machines are shared and noisy. Not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.guidance import (  # noqa: E402 (after the path set-up)
    Answers,
    Applicant,
    DayLength,
    Difficulty,
    HelpLevel,
    Situation,
    Wish,
    guidance,
)
from portal.standards import Standard, load_all  # noqa: E402

T = TypeVar("T")
TODAY = date(2026, 1, 5)
COLD_SNIPPET = (
    "import time; from portal.standards import load_all; "
    "t = time.perf_counter(); load_all(); print(time.perf_counter() - t)"
)


def _maybe(rng: random.Random, value: T) -> T | None:
    return value if rng.random() < 0.8 else None


def _subset(rng: random.Random, items: Iterable[T]) -> frozenset[T]:
    return frozenset(i for i in items if rng.random() < 0.3)


def random_answers(rng: random.Random, offer_ids: list[str]) -> Answers:
    age = rng.randint(10, 95)
    return Answers(
        applicant=rng.choice(list(Applicant)),
        age=_maybe(rng, age),
        birth_date=date(TODAY.year - age, rng.randint(1, 12), 1) if rng.random() < 0.2 else None,
        difficulties=_subset(rng, Difficulty),
        help_level=_maybe(rng, rng.choice(list(HelpLevel))),
        wishes=_subset(rng, Wish),
        situation=_subset(rng, Situation),
        days_per_week=_maybe(rng, rng.randint(1, 5)),
        day_length=_maybe(rng, rng.choice(list(DayLength))),
        public_transport_alone=_maybe(rng, rng.random() < 0.5),
        offer_wish=rng.choice([None, None, *offer_ids]),
        action_plan_wanted=_maybe(rng, rng.random() < 0.5),
    )


def per_call_median_us(standard: Standard, answers: list[Answers]) -> float:
    timings = []
    clock = time.perf_counter_ns
    for a in answers:
        start = clock()
        guidance(a, standard, today=TODAY)
        timings.append(clock() - start)
    return statistics.median(timings) / 1000


def load_median_ms(runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        load_all()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def cold_load_median_ms(runs: int) -> float:
    timings = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
            [sys.executable, "-c", COLD_SNIPPET],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        timings.append(float(out.stdout.strip()))
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--cold", type=int, default=10)
    args = parser.parse_args()

    standards = load_all()
    rng = random.Random(104)  # § 104; fixed so runs compare
    print(f"guidance(): median per call over {args.answers} random answer sets")
    for code, standard in standards.items():
        ids = [o.id for o in standard.offers.items]
        answers = [random_answers(rng, ids) for _ in range(args.answers)]
        guidance(answers[0], standard, today=TODAY)  # warm-up
        median = per_call_median_us(standard, answers)
        print(f"  {code} {standard.name.da:<24} {median:6.1f} µs")
    print(f"load_all(), {len(standards)} files: median of {args.loads} runs in-process")
    print(f"  {load_median_ms(args.loads):6.1f} ms")
    print(f"load_all(), first call in a fresh interpreter: median of {args.cold} runs")
    print(f"  {cold_load_median_ms(args.cold):6.1f} ms")


if __name__ == "__main__":
    main()
