"""Render benchmark: a citizen page against a bare Flask "hello", in the same process.

    .venv/bin/python bench/render_bench.py [--rounds 15] [--requests 200] [--path /]

Both apps are driven through Werkzeug's test client, so the figure is server time (routing,
session, CSRF, rendering, headers) without network noise. Each round times `--requests`
requests; the median of the rounds is reported, with the ratio of throughputs. design.md's
goal: a question page at >= 0.5x the throughput of the bare app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app
from portal.db import migrate
from portal.web.db import database


def bare_app() -> Flask:
    app = Flask("bare")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


def per_request_ms(app: Flask, path: str, rounds: int, requests: int) -> float:
    return client_ms(app.test_client(), path, rounds, requests)


def client_ms(client: FlaskClient, path: str, rounds: int, requests: int) -> float:
    """Median ms per GET of `path` over `rounds` rounds, with this client's session."""
    for _ in range(20):  # warm caches: templates compiled, catalogues loaded
        client.get(path).close()
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(requests):
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            response.close()
        timings.append((time.perf_counter() - start) * 1000 / requests)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--path", default="/")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PORTAL_ENV", "development")
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        migrate.upgrade(database(app).engine)
        bare = per_request_ms(bare_app(), "/", args.rounds, args.requests)
        page = per_request_ms(app, args.path, args.rounds, args.requests)
    print(f"bare Flask hello     : {bare:.3f} ms/request (median of {args.rounds} rounds)")
    print(f"portal {args.path:<14}: {page:.3f} ms/request")
    print(f"throughput ratio     : {bare / page:.2f}x of bare Flask")


if __name__ == "__main__":
    main()
