"""Queue page server time at 1k, 100k and 1M applications (keyset pagination), and the CPU
a page of real applications costs.

    .venv/bin/python bench/queue_bench.py [--sizes 1000 100000 1000000] [--database URL]
    .venv/bin/python bench/queue_bench.py --real 120 [--database URL]

Seeds a scratch database (SQLite file by default; pass a PostgreSQL URL to use one - it
must be an empty, disposable database) with applications spread over five municipalities
and then times, through the test client, the caseworker's first queue page and a page deep
in the queue (following the keyset cursor), median of 30 requests each.

--real N: the production app (bench/load_setup.py, fresh keys) and N applications submitted
through it, each of another person, so every row is encrypted and has its guidance; then the
CPU time (time.thread_time) of 60 GETs of the first queue page, median and minimum, and the
SQL statements one page sends. PORTAL_CODE=<another checkout> measures that checkout's portal.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# PORTAL_CODE: another checkout's portal (as in bench/load_setup.py), imported before this one's.
if os.environ.get("PORTAL_CODE"):
    sys.path.insert(0, os.environ["PORTAL_CODE"])

from portal import create_app, passwords
from portal.db import migrate
from portal.db.models import Application, StaffRole, StaffUser
from portal.web.db import database

CODES = ["157", "173", "265", "370", "575"]
BATCH = 10_000


def seed(app, total: int, already: int) -> None:  # type: ignore[no-untyped-def]
    engine = database(app).engine
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for first in range(already, total, BATCH):
            rows = [
                {
                    "reference": f"AS-B-{i:09d}", "draft_key": f"bench-{i}",
                    "municipality_code": CODES[i % 5], "status": "received", "channel": "web",
                    "received_at": start + timedelta(minutes=i), "updated_at": start,
                    "standard_version": "bench", "cpr_index": f"{i:064d}", "person_enc": "x",
                    "answers_enc": "x", "guidance_enc": "x", "status_token_digest": f"s{i:063d}",
                }
                for i in range(first, min(first + BATCH, total))
            ]  # fmt: skip
            conn.execute(insert(Application), rows)


def timed(client, path: str, runs: int = 30) -> float:  # type: ignore[no-untyped-def]
    client.get(path).close()
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        samples.append((time.perf_counter() - begin) * 1000)
    return statistics.median(samples)


def real(count: int, url: str | None) -> None:
    """CPU per queue page over `count` real applications (see the module's docstring)."""
    from sqlalchemy import event

    from bench import load_setup as setup

    folder = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    app = setup.portal_app(setup.production_env(folder), url or f"sqlite:///{folder}/q.sqlite3")
    client = app.test_client(use_cookies=False)
    client.environ_base.update(HTTP_X_FORWARDED_HOST=setup.HOST, HTTP_X_FORWARDED_PROTO="https",
                               HTTP_X_FORWARDED_FOR="127.0.0.1", HTTP_REFERER=setup.BASE_URL + "/")  # fmt: skip
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for citizen in setup.citizens(app, setup.full_answers(app), count):
        body = setup.form_body(citizen, {"confirm": "y"})
        done = client.post("/ansoeg/tjek", data=body, headers={"Cookie": citizen.cookie, **form})
        assert "/kvittering" in done.headers.get("Location", ""), done.status_code
    staff = {"Cookie": setup.caseworker_cookie(app)}

    def page() -> str:
        response = client.get("/sagsbehandler/", headers=staff)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    for _ in range(5):
        page()
    statements: list[str] = []
    engine = database(app).engine

    def sent(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", sent)
    rows = page().count("<tr>") - 1
    event.remove(engine, "before_cursor_execute", sent)
    samples = []
    for _ in range(60):
        begin = time.thread_time()
        page()
        samples.append((time.thread_time() - begin) * 1000)
    print(f"database: {engine.url.get_backend_name()}, {rows} rows a page, "
          f"{len(statements)} statements a page: CPU median {statistics.median(samples):.2f} ms,"
          f" minimum {min(samples):.2f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--database")
    parser.add_argument("--real", type=int, help="applications made through the app")
    args = parser.parse_args()
    if args.real:
        real(args.real, args.database)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/queue.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PORTAL_ENV": "development"})
        engine = database(app).engine
        migrate.upgrade(engine)
        with database(app).transaction() as session:
            session.add(StaffUser(email="bench@vejen.dk", municipality_code="575",
                                  role=StaffRole.CASEWORKER,
                                  password_hash=passwords.hash_password("bench bench bench")))  # fmt: skip
        client = app.test_client()
        page = client.get("/sagsbehandler/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        client.post("/sagsbehandler/login", data={
            "email": "bench@vejen.dk", "password": "bench bench bench", "csrf_token": token})  # fmt: skip
        seeded = 0
        print(f"database: {engine.url.get_backend_name()}")
        for size in sorted(args.sizes):
            started = time.perf_counter()
            seed(app, size, seeded)
            seeded = size
            if engine.url.get_backend_name() == "postgresql":
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE application"))
            seed_s = time.perf_counter() - started
            deep = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=size * 9 // 10)
            first = timed(client, "/sagsbehandler/")
            later = timed(client, f"/sagsbehandler/?efter={deep.isoformat()}_{size * 9 // 10}")
            print(f"{size:>9,} applications (seeded in {seed_s:5.1f} s): first page {first:6.2f} ms,"
                  f" page at 90 % {later:6.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
