"""After a fault: what the database holds against what the citizens were shown, and the counts
each fault test prints and writes to test-artifacts/fault-<name>.json."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

from portal.crypto import DataCipher
from portal.db.models import Application, Draft, OutboxMessage, StatusEvent
from tests.fault.people import Citizen
from tests.fault.server import Browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass
class Census:
    """requests: every HTTP request made; receipts: receipts shown (a citizen who saw theirs
    twice counts once); applications: rows stored; lost: a receipt shown whose application is
    missing, or is not that citizen's; duplicated: applications beyond one a citizen;
    half_stored: applications without their first status, their outbox event, or whose draft
    is still there."""

    requests: int = 0
    receipts: int = 0
    applications: int = 0
    lost: int = 0
    duplicated: int = 0
    half_stored: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def count_requests(browsers: Iterable[Browser]) -> tuple[int, dict[str, int]]:
    statuses: Counter[str] = Counter()
    for browser in browsers:
        statuses.update(browser.statuses)
    return sum(statuses.values()), dict(sorted(statuses.items()))


def take_census(
    database_url: str, cipher: DataCipher, citizens: list[Citizen], browsers: Iterable[Browser]
) -> Census:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            columns = (Application.id, Application.reference, Application.cpr_index,
                       Application.draft_key)  # fmt: skip
            rows = conn.execute(select(*columns)).all()
            first_status = set(conn.scalars(select(StatusEvent.application_id)))
            submitted = set(
                conn.scalars(
                    select(OutboxMessage.application_id).where(
                        OutboxMessage.topic == "application.submitted"
                    )
                )
            )
            drafts = set(conn.scalars(select(Draft.id)))
    finally:
        engine.dispose()
    owner = {row.reference: row.cpr_index for row in rows}
    per_person = Counter(row.cpr_index for row in rows)
    census = Census(applications=len(rows))
    census.requests, census.statuses = count_requests(browsers)
    for citizen in citizens:
        mine = cipher.index(citizen.cpr.replace("-", ""))
        shown = set(citizen.receipts)
        census.receipts += len(shown)
        census.lost += sum(1 for ref in shown if owner.get(ref) != mine)
    census.duplicated = sum(n - 1 for n in per_person.values() if n > 1)
    census.half_stored = sum(
        1
        for row in rows
        if row.id not in first_status or row.id not in submitted or row.draft_key in drafts
    )
    return census


def sqlite_integrity(path: Path) -> str:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
    finally:
        engine.dispose()


def report(name: str, census: Census) -> Path:
    """Print the counts (pytest shows them with -s or -rA) and write them for the lead."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"fault-{name}.json"
    data = asdict(census)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"fault-{name}: {json.dumps(data, ensure_ascii=False)}")
    return path
