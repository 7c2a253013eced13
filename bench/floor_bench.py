"""The floor under the question page's speed goal: bench/floor.py (the least a Flask form page
that reads and writes one row can do) against the bare hello, under the same gunicorn settings
and the same wrk client as bench/load_bench.py, alternating in one run.

    .venv/bin/python bench/floor_bench.py [--pairs 5] [--duration 5] [--connections 16]

If the floor's throughput is under 0.5x the hello's, no question page built on Flask can reach
issue 12's 0.5x: the page only adds to the floor's work (its request log, metrics, security
headers, encryption, the step indicator, the form's checks).
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_servers as servers
import load_setup as setup
from flask import session
from flask_wtf.csrf import generate_csrf
from floor import create_schema, floor_app

# Each page: the status every answer must have, and where a redirect must point.
PAGES = {"floor_get": (200, None), "floor_post": (303, "/next")}


def prepare(folder: Path, database: str, secret: str, count: int) -> None:
    """`count` visitors, each a row and a signed cookie, in each page's request file."""
    create_schema(database)
    app = floor_app(database, secret)
    ids = [secrets.token_urlsafe(24) for _ in range(count)]
    with sqlite3.connect(database) as conn:
        conn.executemany("INSERT INTO drafts VALUES (?, ?)", [(i, "") for i in ids])
    lines: dict[str, list[tuple[str, str, str | None, str | None]]] = {p: [] for p in PAGES}
    for draft_id in ids:
        with app.test_request_context():
            token = generate_csrf()
            session["d"] = draft_id
            value = app.session_interface.get_signing_serializer(app).dumps(dict(session))  # type: ignore[attr-defined]
        cookie = f"session={value}"
        lines["floor_get"].append(("GET", "/q", cookie, None))
        body = urlencode({"a": "x", "csrf_token": token})
        lines["floor_post"].append(("POST", "/q", cookie, body))
    for page, page_lines in lines.items():
        setup.write_requests(folder / f"{page}.tsv", page_lines)
    setup.write_requests(folder / "hello.tsv", [("GET", "/", None, None)])


def run(server: servers.Server, folder: Path, page: str, conns: int, seconds: int) -> Any:
    expect, location = PAGES.get(page, (200, None))
    return servers.wrk(server, folder / f"{page}.tsv", connections=conns, duration=seconds,
                       expect=expect, location=location)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[16])
    parser.add_argument("--visitors", type=int, default=2000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="floor-bench-") as tmp:
        folder = Path(tmp)
        env = setup.production_env(folder)
        database = str(folder / "floor.sqlite3")
        prepare(folder, database, env["SECRET_KEY"], args.visitors)
        hello = servers.hello_server(env, folder)
        floor = servers.start("floor", [sys.executable, str(Path(__file__).parent / "floor.py")],
                              {**env, "FLOOR_DB": database}, folder)  # fmt: skip
        try:
            for page in PAGES:  # warm both
                run(floor, folder, page, 16, 2)
            run(hello, folder, "hello", 16, 2)
            report(args, hello, floor, folder)
        finally:
            hello.stop()
            floor.stop()


def report(args: Any, hello: servers.Server, floor: servers.Server, folder: Path) -> None:
    for conns in args.connections:
        for page in PAGES:
            ratios, cpu_ratios, rows = [], [], []
            for number in range(args.pairs):
                order = [("hello", hello), (page, floor)]
                if number % 2:
                    order.reverse()
                got = {}
                for name, server in order:
                    got[name] = run(server, folder, name, conns, args.duration)
                    time.sleep(0.5)
                h, f = got["hello"], got[page]
                if f.bad or f.errors:
                    raise RuntimeError(f"{page}: {f.bad} bad answers, {f.errors} errors")
                ratios.append(f.rps / h.rps)
                cpu_ratios.append(h.server_cpu_ms / f.server_cpu_ms)
                rows.append((h, f))
                print(f"{page} c{conns} #{number + 1}: hello {h.rps:.0f}/s cpu {h.server_cpu_ms:.2f} ms"
                      f" | {page} {f.rps:.0f}/s cpu {f.server_cpu_ms:.2f} ms p50 {f.p50_ms:.1f}"
                      f" p99 {f.p99_ms:.1f} | ratio {ratios[-1]:.3f}", flush=True)  # fmt: skip
            print(f"== {page} c{conns}: ratio median {statistics.median(ratios):.3f}x "
                  f"({', '.join(f'{r:.3f}' for r in ratios)}); CPU ratio median "
                  f"{statistics.median(cpu_ratios):.3f}x; CPU ms/req "
                  f"{statistics.median(f.server_cpu_ms for _, f in rows):.2f} "
                  f"(hello {statistics.median(h.server_cpu_ms for h, _ in rows):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
