"""Re-encrypt every encrypted column with the newest data key (`portal rotate-keys`).

Every column whose name ends in `_enc` holds a Fernet token (portal.crypto), so a new
encrypted column is rotated without touching this module. Rows are read in primary-key order,
a batch at a time, and each batch is its own transaction: a run that is killed has committed
whole batches only, and the next run skips every value the newest key already encrypts, so
re-running is always safe and ends where an uninterrupted run would have.

A row is updated only if its encrypted values are still the ones read (`WHERE col = old`):
a citizen saving a draft meanwhile has written it with the newest key already, and the
rotation does not overwrite it. Nothing else in the row changes (not `updated_at`, which the
draft purge reads).

The CPR index (PORTAL_INDEX_KEY) is an HMAC, not encryption: it is never rotated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Table, select, update

from portal.crypto import DataCipher, DecryptionError
from portal.db import models  # noqa: F401  (registers the tables on Base.metadata)
from portal.db.base import Base
from portal.db.engine import Database

ENCRYPTED_SUFFIX = "_enc"
DEFAULT_BATCH_SIZE = 500


@dataclass
class ColumnReport:
    """What one run did to one encrypted column."""

    table: str
    column: str
    values: int = 0  # non-empty values seen
    rotated: int = 0  # re-encrypted with the newest key
    current: int = 0  # already encrypted with the newest key
    changed: int = 0  # rewritten by the portal during the run (so with the newest key)
    failed: int = 0  # no configured key decrypts them

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def pending(self) -> int:
        """Values an older key still encrypts: what a --check run finds to do."""
        return self.values - self.current - self.changed - self.rotated - self.failed


def encrypted_columns() -> list[tuple[Table, list[Column[Any]]]]:
    """Each table with encrypted columns, and those columns, in a fixed order."""
    found = []
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        columns = sorted(
            (c for c in table.columns if c.name.endswith(ENCRYPTED_SUFFIX)), key=lambda c: c.name
        )
        if columns:
            if len(table.primary_key.columns) != 1:
                raise ValueError(f"{table.name}: rotation needs a single-column primary key")
            found.append((table, columns))
    return found


def rotate_keys(
    database: Database,
    cipher: DataCipher,
    batch_size: int = DEFAULT_BATCH_SIZE,
    write: bool = True,
    after_batch: Callable[[str, int], None] | None = None,
) -> list[ColumnReport]:
    """Re-encrypt what an older key encrypts; with write=False only count it.

    `after_batch(table, rows)` is called after each committed batch (progress, tests)."""
    reports: list[ColumnReport] = []
    for table, columns in encrypted_columns():
        by_column = {c.name: ColumnReport(table.name, c.name) for c in columns}
        _rotate_table(database, cipher, table, columns, by_column, batch_size, write, after_batch)
        reports.extend(by_column.values())
    return reports


def _rotate_table(
    database: Database,
    cipher: DataCipher,
    table: Table,
    columns: list[Column[Any]],
    reports: dict[str, ColumnReport],
    batch_size: int,
    write: bool,
    after_batch: Callable[[str, int], None] | None,
) -> None:
    [key] = table.primary_key.columns
    last: Any = None
    while True:
        with database.transaction() as session:
            query = select(key, *columns).order_by(key).limit(batch_size)
            if last is not None:
                query = query.where(key > last)
            rows = session.execute(query).all()
            if not rows:
                return
            for row in rows:
                changes = _new_values(cipher, row._mapping, columns, reports)
                if not changes or not write:
                    continue
                statement = (
                    update(table)
                    .where(
                        key == row[0], *(table.c[name] == old for name, (old, _) in changes.items())
                    )
                    .values({name: new for name, (_, new) in changes.items()})
                )
                done = session.execute(statement).rowcount == 1  # type: ignore[attr-defined]
                for name in changes:
                    if done:
                        reports[name].rotated += 1
                    else:
                        reports[name].changed += 1
            last = rows[-1][0]
        if after_batch is not None:
            after_batch(table.name, len(rows))


def _new_values(
    cipher: DataCipher,
    row: Any,
    columns: list[Column[Any]],
    reports: dict[str, ColumnReport],
) -> dict[str, tuple[str, str]]:
    """column -> (old token, token under the newest key), for the values that need it."""
    changes = {}
    for column in columns:
        value = row[column]
        if not value:
            continue
        report = reports[column.name]
        report.values += 1
        if cipher.is_current(value):
            report.current += 1
            continue
        try:
            changes[column.name] = (value, cipher.rotate(value))
        except DecryptionError:
            report.failed += 1
    return changes
