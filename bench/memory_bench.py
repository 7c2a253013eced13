"""Worker memory under a mix of citizen and staff requests: does a worker grow?

    .venv/bin/python bench/memory_bench.py [--requests 20000] [--postgresql URL [--reset]]

One gunicorn worker (PORTAL_WORKERS=1, so it sees every request) with worker recycling off
(PORTAL_MAX_REQUESTS=0: production replaces a worker after about 1,000 requests, which would
hide a leak rather than show one), otherwise `portal serve`'s production settings. wrk sends
each line of a prepared mix once: start page, question pages (GET, and POST answers), the
guidance page for every municipality, the check page, final submits (each its own draft), the
caseworker's queue and a page that does not exist (a thread per connection sends them: wrk
can send a line once but then waits out its whole duration). The worker's resident memory (VmRSS) is
read after 1,000 requests and at checkpoints up to --requests. Goal (issue 12): the last within
10 % of the first.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import load_servers as servers
from bench import load_setup as setup
from bench.journey_client import HEADERS
from bench.load_bench import reset_postgresql

Line = tuple[str, str, str | None, str | None]
QUESTIONS = {  # a page, and the answer its POST sends
    "difficulties": ("/ansoeg/vanskeligheder", {"difficulties": ["mental"]}),
    "help_level": ("/ansoeg/hjaelp", {"help_level": "3"}),
    "days": ("/ansoeg/dage", {"days": "3"}),
    "other_info": ("/ansoeg/andet", {"text": "Jeg kan godt lide at male."}),
}


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def reusable_lines(app: Any, full: dict[str, Any]) -> Iterator[Line]:
    """An endless round of every reusable request kind, each from a pool of citizens."""
    kinds: list[list[Line]] = [[("GET", "/", None, None)], [("GET", "/findes-ikke", None, None)]]
    for step, (path, answer) in QUESTIONS.items():
        people = setup.citizens(app, setup.answers_before(full, step), 16)
        kinds.append([("GET", path, c.cookie, None) for c in people])
        kinds.append([("POST", path, c.cookie, setup.form_body(c, answer)) for c in people])
    for code in sorted(app.extensions["portal.standards"]):
        answers = {**setup.answers_before(full, "guidance"), "municipality": {"municipality": code}}
        people = setup.citizens(app, answers, 8)
        kinds.append([("GET", "/ansoeg/vejledning", c.cookie, None) for c in people])
    people = setup.citizens(app, full, 16)
    kinds.append([("GET", "/ansoeg/tjek", c.cookie, None) for c in people])
    kinds.append([("GET", "/sagsbehandler/", setup.caseworker_cookie(app), None)])
    cycles = [itertools.cycle(kind) for kind in kinds]
    for cycle in itertools.cycle(cycles):
        yield next(cycle)


def mixed_lines(app: Any, full: dict[str, Any], count: int) -> list[Line]:
    """`count` requests; every 20th a final submit of a draft of its own."""
    reusable = reusable_lines(app, full)
    submits = iter(setup.citizens(app, full, count // 20 + 1))
    lines: list[Line] = []
    for n in range(count):
        if n % 20 == 19:
            c = next(submits)
            lines.append(("POST", "/ansoeg/tjek", c.cookie, setup.form_body(c, {"confirm": "y"})))
        else:
            lines.append(next(reusable))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--checkpoints", type=int, nargs="+", default=[1000, 2000, 5000, 10000])
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgresql", help="an empty, disposable PostgreSQL database URL")
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL schema first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as tmp:
        folder = Path(tmp)
        env = setup.production_env(folder)
        url = args.postgresql or f"sqlite:///{folder}/bench.sqlite3"
        if args.postgresql and args.reset:
            reset_postgresql(url)
        app = setup.portal_app(env, url)
        full = setup.full_answers(app)
        lines = mixed_lines(app, full, args.requests)
        server_env = {**env, "DATABASE_URL": url, "PORTAL_WORKERS": "1", "PORTAL_MAX_REQUESTS": "0"}
        server = servers.portal_server("memory", server_env, folder)
        try:
            (worker,) = server.worker_pids()
            print(f"worker {worker} at start: {rss_kb(worker) / 1024:.1f} MB", flush=True)
            measure(server, worker, lines, args, folder)
        finally:
            server.stop()


def send(port: int, lines: list[Line], connections: int) -> Counter[int]:
    """Every line once, over `connections` keep-alive connections; the statuses answered."""
    todo = iter(lines)
    lock = threading.Lock()
    statuses: Counter[int] = Counter()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                line = next(todo, None)
            if line is None:
                break
            method, path, cookie, body = line
            headers = {**HEADERS, "Referer": f"https://{setup.HOST}{path}"}
            if cookie:
                headers["Cookie"] = cookie
            if body:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            with lock:
                statuses[status] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def measure(
    server: servers.Server, worker: int, lines: list[Line], args: Any, folder: Path
) -> None:
    marks = sorted({*(c for c in args.checkpoints if c < args.requests), args.requests})
    done, first, bad = 0, None, 0
    for mark in marks:
        started = time.monotonic()
        statuses = send(server.port, lines[done:mark], args.connections)
        rate = (mark - done) / (time.monotonic() - started)
        # Any status a page can rightly give: 200, 303 after a POST, 404 for the missing page.
        bad += sum(n for k, n in statuses.items() if k not in (200, 303, 404))
        done = mark
        rss = rss_kb(worker)
        first = first or rss
        print(
            f"after {mark:>6} requests: {rss / 1024:6.1f} MB  ({100 * (rss - first) / first:+.1f} % "
            f"from the first)  this step: {rate:.0f} req/s, statuses {dict(statuses)}",
            flush=True,
        )
    print(f"unexpected answers: {bad}")


if __name__ == "__main__":
    main()
