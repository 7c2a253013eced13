"""Load benchmark: the portal under `portal serve` (gunicorn, production settings) against a bare
Flask "hello" under the same settings (bench/hello.py), alternating in one run, driven by wrk.

    .venv/bin/python bench/load_bench.py --pairs 5 --duration 5 --connections 16 32 \\
        --postgresql postgresql+psycopg://portal:portal@127.0.0.1:5432/portal_bench

Each pair runs the hello, then the portal on every database (the order reversed in every second
pair, so a drift of the shared machine does not favour one side), for each page and number of
connections. Reported per page: the median of the per-pair throughput ratios (portal / hello),
the medians of requests per second, p50 and p99, and every raw figure (--json). Every answer is
checked (status, and where a POST redirects); a bad answer is counted, never timed as good.

Pages: the start page; a question page GET and POST (/ansoeg/vanskeligheder, checkboxes, a
draft answered up to it); the guidance page; the final submit POST (each request consumes a
fresh draft, and afterwards the database must hold exactly one application for every receipt
shown, and an untouched draft for every other); the caseworker's queue. The PostgreSQL database
must be empty and disposable (`createdb -O portal portal_bench`); --reset empties it first.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import journey_client
from bench import load_servers as servers
from bench import load_setup as setup

QUESTION = "/ansoeg/vanskeligheder"
QUESTION_ANSWER = {"difficulties": ["mental"]}
POOL = 256  # citizens per reusable page: enough that no two connections share a draft often


@dataclass
class Target:
    """One database's portal: its app (for preparing sessions), server and prepared files."""

    name: str
    url: str
    app: Any = None
    server: servers.Server | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    submit_rate: float = 400.0


@dataclass(frozen=True)
class Page:
    name: str
    expect: int
    location: str | None = None
    once: bool = False


PAGES = {
    "start": Page("start page GET /", 200),
    "question_get": Page(f"question page GET {QUESTION}", 200),
    "question_post": Page(f"question page POST {QUESTION}", 303, "/ansoeg/hjaelp"),
    "guidance": Page("guidance page GET /ansoeg/vejledning", 200),
    "submit": Page("final submit POST /ansoeg/tjek", 303, "/kvittering", once=True),
    "queue": Page("staff queue GET /sagsbehandler/", 200),
    # Not wrk: bench/journey_client.py, every page of an application, as a browser.
    "journey": Page("complete applications", 200),
}


def prepare(target: Target, folder: Path) -> None:
    """Request files for the reusable pages (the submit's are made before each run)."""
    app, full = target.app, target.answers
    files = {}

    def write(name: str, lines: Iterator[tuple[str, str, str | None, str | None]]) -> None:
        files[name] = folder / f"{target.name}-{name}.tsv"
        setup.write_requests(files[name], lines)

    before_question = setup.answers_before(full, "difficulties")
    write("start", iter([("GET", "/", None, None)]))
    asking = setup.citizens(app, before_question, POOL)
    write("question_get", (("GET", QUESTION, c.cookie, None) for c in asking))
    posting = setup.citizens(app, before_question, POOL)
    write(
        "question_post",
        (("POST", QUESTION, c.cookie, setup.form_body(c, QUESTION_ANSWER)) for c in posting),
    )
    reading = setup.citizens(app, setup.answers_before(full, "guidance"), POOL)
    write("guidance", (("GET", "/ansoeg/vejledning", c.cookie, None) for c in reading))
    files["queue"] = folder / f"{target.name}-queue.tsv"
    target.files = files


def submit_file(target: Target, folder: Path, count: int) -> tuple[Path, list[str]]:
    ready = setup.citizens(target.app, target.answers, count)
    path = folder / f"{target.name}-submit.tsv"
    setup.write_requests(
        path,
        (("POST", "/ansoeg/tjek", c.cookie, setup.form_body(c, {"confirm": "y"})) for c in ready),
    )
    return path, [c.draft_id for c in ready]


def check_submits(target: Target, draft_ids: list[str], run: servers.Run) -> dict[str, int]:
    """Every receipt shown has its application; every other draft is still whole.

    Requests wrk had in flight when it stopped still finish on the server: the counts are
    taken once they stop moving, each time in one statement (one snapshot), so a submit
    committing between two counts cannot look like a lost draft.
    """
    from sqlalchemy import func, select

    from portal.db.models import Application, Draft
    from portal.web.db import database

    counts = select(
        select(func.count()).where(Application.draft_key.in_(draft_ids)).scalar_subquery(),
        select(func.count()).where(Draft.id.in_(draft_ids)).scalar_subquery(),
    )
    previous = None
    with target.app.app_context():
        for _ in range(20):
            sess = database(target.app).read_session()
            applications, left = sess.execute(counts).one()
            sess.close()
            if (applications, left) == previous:
                break
            previous = (applications, left)
            time.sleep(0.5)
    receipts = run.ok
    return {
        "receipts": receipts,
        "applications": int(applications),
        "drafts_left": int(left),
        # A receipt without its application, or a draft gone without one: lost.
        "lost": max(0, receipts - int(applications)) + (len(draft_ids) - applications - left),
        "failed_answers": run.bad + run.errors,
    }


def measure(
    target: Target | None, hello: servers.Server, page: str, conns: int, args: Any, folder: Path
) -> dict[str, Any]:
    """One timed wrk run of `page` on the portal (target) or of / on the hello (None)."""
    if target is None:
        run = servers.wrk(hello, folder / "hello.tsv", connections=conns,
                          duration=args.duration, expect=200)  # fmt: skip
        return run.as_dict()
    assert target.server is not None
    if page == "journey":
        return journey_client.run(target.server.port, conns, args.duration)
    spec = PAGES[page]
    extra: dict[str, Any] = {}
    if page == "submit":
        count = max(500, int(target.submit_rate * args.duration * 2))
        path, draft_ids = submit_file(target, folder, count)
    elif page == "queue":
        # Fresh sessions each run: an idle caseworker is logged out after a while.
        path, draft_ids = target.files[page], []
        staff = [setup.caseworker_cookie(target.app) for _ in range(8)]
        setup.write_requests(path, (("GET", "/sagsbehandler/", cookie, None) for cookie in staff))
    else:
        path, draft_ids = target.files[page], []
    run = servers.wrk(target.server, path, connections=conns, duration=args.duration,
                      expect=spec.expect, location=spec.location, once=spec.once)  # fmt: skip
    if page == "submit":
        extra = check_submits(target, draft_ids, run)
        target.submit_rate = max(target.submit_rate, run.rps)
    return {**run.as_dict(), **extra}


def pairs(args: Any, targets: list[Target], hello: servers.Server, folder: Path) -> list[Any]:
    results: list[Any] = []
    for conns in args.connections:
        for page in args.pages:
            for number in range(args.pairs):
                order: list[Target | None] = [None, *targets]
                if number % 2:
                    order.reverse()
                row: dict[str, Any] = {"page": page, "connections": conns, "pair": number + 1}
                for target in order:
                    name = "hello" if target is None else target.name
                    row[name] = measure(target, hello, page, conns, args, folder)
                    time.sleep(args.pause)
                results.append(row)
                print(summary_line(row, targets), flush=True)
    return results


def summary_line(row: dict[str, Any], targets: list[Target]) -> str:
    parts = [f"{row['page']:>13} c{row['connections']} #{row['pair']}",
             f"hello {row['hello']['rps']:7.0f}/s cpu {row['hello']['server_cpu_ms']:.2f} ms "
             f"p99 {row['hello']['p99_ms']:.1f}"]  # fmt: skip
    for t in targets:
        r = row[t.name]
        parts.append(
            f"{t.name} {r['rps']:6.0f}/s {r['rps'] / row['hello']['rps']:.3f}x "
            + (
                f"cpu {r['server_cpu_ms']:.2f} ms {cpu_ratio(row, t.name):.3f}x "
                if "server_cpu_ms" in r
                else ""
            )
            + f"p50 {r['p50_ms']:.1f} p99 {r['p99_ms']:.1f} bad {r['bad'] + r['errors']}"
            + (f" lost {r['lost']}" if "lost" in r else "")
            + (f" apps/s {r['applications_per_s']:.1f}" if "applications_per_s" in r else "")
            + (f" {r.get('statuses') or r.get('refusals')}" if r["bad"] + r["errors"] else "")
        )
    return " | ".join(parts)


def cpu_ratio(row: dict[str, Any], name: str) -> float:
    """The hello's server CPU per request over the portal's: what the throughput ratio would
    be if each had the machine to itself (the shared machine's load moves it much less)."""
    mine = row[name].get("server_cpu_ms")
    return row["hello"]["server_cpu_ms"] / mine if mine else float("nan")


def table(results: list[Any], targets: list[Target]) -> str:
    """Markdown: per page, connections and database the medians and the per-pair ratios."""
    lines = [
        "| page | conns | database | ratio (median of pairs) | portal req/s | hello req/s "
        "| p50 ms | p99 ms | hello p99 ms | CPU ms/req (hello) | CPU ratio | per-pair ratios "
        "| bad |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(r["page"], r["connections"]) for r in results},
                  key=lambda k: (list(PAGES).index(k[0]), k[1]))  # fmt: skip
    for page, conns in keys:
        rows = [r for r in results if r["page"] == page and r["connections"] == conns]
        for t in targets:
            lines.append(table_row(page, conns, t.name, rows))
    return "\n".join(lines)


def table_row(page: str, conns: int, name: str, rows: list[Any]) -> str:
    def med(key: str, side: str = name) -> float:
        return statistics.median(r[side][key] for r in rows)

    ratios = [r[name]["rps"] / r["hello"]["rps"] for r in rows]
    bad = sum(r[name]["bad"] + r[name]["errors"] + r[name].get("lost", 0) for r in rows)
    portal = f"{med('rps'):.0f}"
    if page == "journey":
        portal = f"{med('applications_per_s'):.1f} applications/s ({portal} req/s)"
    cpu = "-"
    if all("server_cpu_ms" in r[name] for r in rows):
        cpu = f"{med('server_cpu_ms'):.2f} ({med('server_cpu_ms', 'hello'):.2f})"
        cpu_ratios = f"{statistics.median(cpu_ratio(r, name) for r in rows):.3f}x"
    else:
        cpu_ratios = "-"
    return (
        f"| {page} | {conns} | {name} | {statistics.median(ratios):.3f}x | {portal} | "
        f"{med('rps', 'hello'):.0f} | {med('p50_ms'):.1f} | {med('p99_ms'):.1f} | "
        f"{med('p99_ms', 'hello'):.1f} | {cpu} | {cpu_ratios} | "
        f"{', '.join(f'{x:.3f}' for x in ratios)} | {bad} |"
    )


def reset_postgresql(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--postgresql", help="an empty, disposable PostgreSQL database URL")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL schema first")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between runs")
    parser.add_argument("--json", type=Path, help="write every raw figure here")
    args = parser.parse_args()
    pages = list(args.pages)
    if "queue" in pages and "submit" not in pages[: pages.index("queue")]:
        # The queue shows the applications the submit runs stored: alone it measured an empty
        # queue (h14q, 2026-12-06). The default, every page, runs the submit first.
        parser.error("the queue page shows what the submit page stored: list submit before queue")

    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        folder = Path(tmp)
        env = setup.production_env(folder)
        targets = [] if args.no_sqlite else [Target("sqlite", f"sqlite:///{folder}/bench.sqlite3")]
        if args.postgresql:
            if args.reset:
                reset_postgresql(args.postgresql)
            targets.append(Target("postgresql", args.postgresql))
        setup.write_requests(folder / "hello.tsv", [("GET", "/", None, None)])
        hello = servers.hello_server(env, folder)
        try:
            for target in targets:
                target.app = setup.portal_app(env, target.url)
                target.answers = setup.full_answers(target.app)
                prepare(target, folder)
                target.server = servers.portal_server(
                    target.name, {**env, "DATABASE_URL": target.url}, folder
                )
            warm_up(args, targets, hello, folder)
            results = pairs(args, targets, hello, folder)
        finally:
            for server in [hello, *(t.server for t in targets)]:
                if server is not None:
                    server.stop()
        print()
        print(table(results, targets))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))


def warm_up(args: Any, targets: list[Target], hello: servers.Server, folder: Path) -> None:
    """Templates compiled, catalogues and pools filled in every worker before anything counts."""
    quick = argparse.Namespace(**{**vars(args), "duration": 2})
    measure(None, hello, "start", 16, quick, folder)
    for target in targets:
        for page in args.pages:
            measure(target, hello, page, 16, quick, folder)


if __name__ == "__main__":
    main()
