"""The guidance page (a draft answered up to it) against a bare Flask "hello", in one process.

    .venv/bin/python bench/guidance_page_bench.py [--rounds 15] [--requests 100] [--kommune 265]

Like render_bench.py, but the page needs a draft: the journey is answered through the test
client first, then GET /ansoeg/vejledning is timed. Reports the median of the rounds and the
ratio of throughputs (issue 12 asks for >= 0.3x on the guidance page under gunicorn).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.render_bench import bare_app, client_ms, per_request_ms
from portal import create_app
from portal.db import migrate
from portal.web.db import database
from tests.web.journey import answer_until

PATH = "/ansoeg/vejledning"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--kommune", default="265")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PORTAL_ENV", "development")
        os.environ.setdefault("PORTAL_INSTANCE_PATH", tmp)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        migrate.upgrade(database(app).engine)
        client = app.test_client()
        answer_until(client, stop=PATH, **{"/ansoeg/kommune": {"municipality": args.kommune}})
        bare = per_request_ms(bare_app(), "/", args.rounds, args.requests)
        page = client_ms(client, PATH, args.rounds, args.requests)
    print(f"bare Flask hello     : {bare:.3f} ms/request (median of {args.rounds} rounds)")
    print(f"guidance page ({args.kommune})  : {page:.3f} ms/request")
    print(f"throughput ratio     : {bare / page:.3f}x of bare Flask")


if __name__ == "__main__":
    main()
