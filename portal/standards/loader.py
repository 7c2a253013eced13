"""Load and validate the municipalities' TOML files (stdlib tomllib; once, at start-up)."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from portal.standards.model import Standard
from portal.standards.reader import Context
from portal.standards.schema import build

STANDARDS_DIR = Path(__file__).resolve().parent


class StandardError(Exception):
    """A standard file is invalid. str() is one line: "<file>: <dotted.key>: <what is wrong>".

    `problems` holds every problem found, one such line each.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0])
        self.problems = problems


def _parse(path: Path) -> tuple[Standard | None, list[str]]:
    ctx = Context(file=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{path}: (file): cannot be read: {exc.strerror}"]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [f"{path}: (file): must be UTF-8 text"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path}: (toml): {exc}"]
    version = hashlib.sha256(raw).hexdigest()[:16]
    standard = build(ctx, data, version)
    return (None if ctx.problems else standard), ctx.problems


def check_file(path: str | Path) -> list[str]:
    """Every problem in one standard file, one line each; empty when the file is valid."""
    return _parse(Path(path))[1]


def load_standard(path: str | Path) -> Standard:
    """Load and validate one file. Raises StandardError on the first problem (all in .problems)."""
    standard, problems = _parse(Path(path))
    if standard is None:
        raise StandardError(problems)
    return standard


def load_all(directory: str | Path | None = None) -> dict[str, Standard]:
    """Every `*.toml` in `directory` (default: this package), keyed by kommunekode."""
    folder = Path(directory) if directory is not None else STANDARDS_DIR
    standards: dict[str, Standard] = {}
    for path in sorted(folder.glob("*.toml")):
        standard = load_standard(path)
        if standard.code in standards:
            other = standards[standard.code].path
            raise StandardError([f"{path}: code: {standard.code} is also used by {other}"])
        standards[standard.code] = standard
    if not standards:
        raise StandardError([f"{folder}: (directory): no standard files (*.toml)"])
    return standards
