"""Where a question page's time goes: each part of the step view timed on its own.

    .venv/bin/python bench/render_parts.py [--runs 2000]

Runs inside one request context, so Flask's request handling is not included; compare with
bench/render_bench.py, which times whole requests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import render_template

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app
from portal.citizen import routes
from portal.citizen.steps import FORMS
from portal.db import migrate
from portal.web.db import database


def timed(label: str, fn: Callable[[], object], runs: int) -> None:
    fn()
    start = time.perf_counter()
    for _ in range(runs):
        fn()
    print(f"{label:28s} {(time.perf_counter() - start) / runs * 1e6:8.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/parts.sqlite3"})
        migrate.upgrade(database(app).engine)
        with app.test_request_context("/ansoeg/hvem"):
            app.preprocess_request()
            context = routes.context_for({})
            form = FORMS["who"](data={})
            form.speak(context)
            args = routes.page_args("who", {})
            timed("build the form", lambda: FORMS["who"](data={}), runs)
            timed("texts in the voice (speak)", lambda: form.speak(context), runs)
            timed("step indicator and links", lambda: routes.page_args("who", {}), runs)
            timed(
                "render citizen/step.html",
                lambda: render_template("citizen/step.html", form=form, step_id="who", **args),
                runs,
            )
            timed(
                "render citizen/start.html",
                lambda: render_template("citizen/start.html", has_draft=False),
                runs,
            )


if __name__ == "__main__":
    main()
