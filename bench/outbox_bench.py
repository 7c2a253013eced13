"""How fast the outbox empties: deliveries per second to the reference receiver, with 1 and
with 4 `portal worker` processes.

    .venv/bin/python bench/outbox_bench.py [--messages 1000] [--workers 1 4] [--runs 3]
        [--database postgresql+psycopg://…]   (default: TEST_DATABASE_URL, else SQLite)

Each run starts from an empty schema: `--messages` applications (one through the web journey,
the rest copies of it, each with its own event and a stand-in PDF: the PDF is drawn once per
application, not per delivery, so it is not what is measured), a reference receiver on
127.0.0.1 (tests/handoff/receiver_harness.py: signature checked, each case stored once in
SQLite), then the workers are started together with `portal worker --once`. The rate is the
messages over the time between the receiver's first and last arrival, so the workers'
start-up (about 1.5 s each: Python, the app, WeasyPrint's imports) is left out; the wall time
including it is shown beside. Medians over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.db import migrate
from portal.web.db import database
from tests.conftest import make_app
from tests.handoff.receiver import running_receiver
from tests.outbox.delivery import many_applications

PORTAL = str(Path(sys.executable).parent / "portal")


def one_run(url: str, messages: int, workers: int, folder: Path) -> tuple[float, float]:
    app = make_app(url)
    engine = database(app).engine
    if engine.url.get_backend_name() == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    many_applications(app, messages)
    with running_receiver(folder) as receiver:
        env = {
            "PATH": os.environ.get("PATH", ""), "PORTAL_ENV": "test", "DATABASE_URL": url,
            "PORTAL_INSTANCE_PATH": str(folder / "instance"),
            "PORTAL_DELIVERY_URL_575": receiver.url, "PORTAL_DELIVERY_SECRET_575": receiver.secret,
        }  # fmt: skip
        started = time.perf_counter()
        running = [
            subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
                [PORTAL, "worker", "--once"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        for process in running:
            process.wait(timeout=3600)
        wall = time.perf_counter() - started
        arrivals = [row["received_at"] for row in receiver.requests()]
    engine.dispose()
    if len(arrivals) != messages:
        raise SystemExit(f"expected {messages} arrivals, the receiver saw {len(arrivals)}")
    return messages / (max(arrivals) - min(arrivals)), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default=os.environ.get("TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    print(f"{args.messages} messages, {args.runs} runs, median; cores: {os.cpu_count()}")
    for workers in args.workers:
        rates, walls = [], []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="outbox-bench-") as scratch:
                folder = Path(scratch)
                url = args.database or f"sqlite:///{folder}/bench.sqlite3"
                rate, wall = one_run(url, args.messages, workers, folder)
            rates.append(rate)
            walls.append(wall)
        backend = (args.database or "sqlite").split(":")[0].split("+")[0]
        print(
            f"{backend:10s} {workers} worker(s): {statistics.median(rates):7.1f} deliveries/s "
            f"(runs: {', '.join(f'{r:.1f}' for r in rates)}); wall incl. start-up "
            f"{statistics.median(walls):.1f} s"
        )


if __name__ == "__main__":
    main()
