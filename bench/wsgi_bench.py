"""CPU time per request, in-process, with the production configuration and the app called as
gunicorn calls it: a raw WSGI environ with nginx's forwarded headers, each request of another
prepared citizen, against the bare hello in the same process. Steadier than the load benchmark
on a shared machine (CPU time, not wall clock), and what each speed lever is measured with.

    .venv/bin/python bench/wsgi_bench.py [--pages question_get question_post guidance]
        [--requests 2000] [--rounds 5] [--postgresql URL] [--profile question_get]

The figure per page is the median over rounds of CPU microseconds per request
(time.thread_time), and its ratio to the hello's: the throughput ratio the load benchmark
would show on an idle machine, were gunicorn's own cost (the same for both) left out.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_setup as setup
from hello import bare_app

QUESTION = "/ansoeg/vanskeligheder"


def environ(method: str, path: str, cookie: str | None, body: str | None) -> dict[str, Any]:
    """What gunicorn hands the app for a request nginx forwarded."""
    raw = (body or "").encode()
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_X_FORWARDED_HOST": setup.HOST,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": "192.0.2.7",
        "HTTP_REFERER": setup.BASE_URL + path,
        "HTTP_USER_AGENT": "wsgi_bench",
        "HTTP_ACCEPT_LANGUAGE": "da",
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if body is not None:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(raw))
    return env


def call(app: Callable[..., Any], env: dict[str, Any], expect: int) -> None:
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
        status.append(line)

    chunks = app(env, start_response)
    try:
        for _ in chunks:
            pass
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    if not status[0].startswith(str(expect)):
        raise AssertionError(f"{env['REQUEST_METHOD']} {env['PATH_INFO']}: {status[0]}")


def requests_for(app: Any, page: str, count: int) -> Iterator[tuple[dict[str, Any], int]]:
    """`count` requests of `page`, each of its own citizen (so every POST finds its draft
    where the page expects it)."""
    full = setup.full_answers(app)
    if page == "hello":
        for _ in range(count):
            yield environ("GET", "/", None, None), 200
        return
    if page == "guidance":
        people = setup.citizens(app, setup.answers_before(full, "guidance"), count)
        for c in people:
            yield environ("GET", "/ansoeg/vejledning", c.cookie, None), 200
        return
    people = setup.citizens(app, setup.answers_before(full, "difficulties"), count)
    for c in people:
        if page == "question_get":
            yield environ("GET", QUESTION, c.cookie, None), 200
        else:
            body = setup.form_body(c, {"difficulties": ["mental", "physical"]})
            yield environ("POST", QUESTION, c.cookie, body), 303


def cpu_us(app: Any, batch: list[tuple[dict[str, Any], int]]) -> float:
    start = time.thread_time()
    for env, expect in batch:
        call(app, env, expect)
    return (time.thread_time() - start) / len(batch) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="+", default=["question_get", "question_post", "guidance"])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgresql", help="an empty, disposable PostgreSQL database URL")
    parser.add_argument("--profile", help="profile this page instead of timing it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.postgresql or f"sqlite:///{folder}/bench.sqlite3"
        portal = setup.portal_app(setup.production_env(folder), url)
        logging.getLogger("portal").setLevel(logging.INFO)
        hello = bare_app()
        if args.profile:
            profile(portal, args.profile, args.requests)
            return
        results: dict[str, list[float]] = {"hello": []}
        # The request log goes to a file, as the load benchmark's servers write theirs (and
        # production's goes to journald): written, not printed over the figures.
        with (folder / "requests.log").open("w") as log, contextlib.redirect_stderr(log):
            rounds(portal, hello, args, results)
        base = statistics.median(results["hello"])
        for page, figures in results.items():
            mid = statistics.median(figures)
            raw = ", ".join(f"{f:.0f}" for f in figures)
            print(f"{page:14s} {mid:7.0f} µs  ratio {base / mid:5.3f}  ({raw})")


def rounds(portal: Any, hello: Any, args: Any, results: dict[str, list[float]]) -> None:
    for _ in range(args.rounds):
        results["hello"].append(cpu_us(hello, list(requests_for(portal, "hello", 2000))))
        for page in args.pages:
            batch = list(requests_for(portal, page, args.requests))
            call(portal, *batch[0])  # warm: the page's skeleton, the catalogue
            results.setdefault(page, []).append(cpu_us(portal, batch[1:]))


def profile(portal: Any, page: str, count: int) -> None:
    batch = list(requests_for(portal, page, count))
    call(portal, *batch[0])
    prof = cProfile.Profile()
    prof.enable()
    for env, expect in batch[1:]:
        call(portal, env, expect)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    if dump := os.environ.get("WSGI_BENCH_PSTATS"):
        stats.dump_stats(dump)


if __name__ == "__main__":
    main()
