"""`portal standards check FILE`: validate one municipality's standard file.

A municipality that wants to join writes one TOML file and runs this until it says OK. With
`--seed` it also checks the file against the text of the published standard: every section
heading must be in it, and every number must be in it (or in the cited law).
"""

from __future__ import annotations

from pathlib import Path

import click

from portal.standards.loader import check_file, load_standard
from portal.standards.seedcheck import problems_against_seed


@click.group("standards")
def standards() -> None:
    """The municipalities' § 104 standards (one TOML file each)."""


@standards.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The published standard as text, to check headings and numbers against.",
)
def check(file: Path, seed: Path | None) -> None:
    """Validate FILE; print OK, or one line per problem and exit with status 1."""
    problems = check_file(file)
    if not problems and seed is not None:
        seed_text = seed.read_text(encoding="utf-8", errors="replace")
        problems = problems_against_seed(load_standard(file), seed_text)
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(1)
    standard = load_standard(file)
    click.echo(f"OK: {file}: {standard.name.da} ({standard.code}), version {standard.version}")
