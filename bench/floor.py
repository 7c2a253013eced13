"""The floor: the least a Flask form page can do that a question page must also do, served with
`portal serve`'s own gunicorn settings (as bench/hello.py), for bench/floor_bench.py.

GET /q reads the visitor's row by the key in the signed session cookie and answers a page with
a CSRF token; POST /q checks the token (Flask-WTF's own check), reads the row, writes it back
and commits (SQLite, WAL, one connection per thread, as the portal's pool gives it) and
redirects. Nothing else: no request log, no metrics, no security headers, no encryption, no
form library, no ORM. What the portal costs beyond this is its own; what this costs against
the bare hello is what any Flask page of this kind pays.

    FLOOR_DB=/tmp/floor.sqlite3 SECRET_KEY=... PORTAL_BIND=127.0.0.1:8002 \\
        .venv/bin/python bench/floor.py
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from pathlib import Path

from flask import Flask, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hello import serve_as_portal

PAGE = (
    '<!doctype html><html lang="da"><title>Spørgsmål</title>'
    '<form method="post" action="/q"><input type="hidden" name="csrf_token" value="{token}">'
    '<input type="checkbox" name="a" value="x"{checked}><button>Fortsæt</button></form></html>'
)


def floor_app(database: str, secret: str) -> Flask:
    app = Flask("floor")
    app.config.update(SECRET_KEY=secret, WTF_CSRF_TIME_LIMIT=None)
    local = threading.local()

    def connection() -> sqlite3.Connection:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(database, isolation_level=None, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def answers() -> str | None:
        row = connection().execute("SELECT answers FROM drafts WHERE id = ?", (session.get("d"),))
        found = row.fetchone()
        return None if found is None else str(found[0])

    @app.route("/q", methods=["GET", "POST"])
    def question() -> ResponseReturnValue:
        stored = answers()
        if stored is None:
            return "no draft", 404
        if request.method == "GET":
            return PAGE.format(token=generate_csrf(), checked=" checked" if "x" in stored else "")
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return "expired", 400
        conn = connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "UPDATE drafts SET answers = ? WHERE id = ? AND answers = ?",
                (",".join(request.form.getlist("a")), session["d"], stored),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return redirect("/next", 303)

    return app


def create_schema(database: str) -> None:
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS drafts (id TEXT PRIMARY KEY, answers TEXT)")


def main() -> None:
    serve_as_portal(floor_app(os.environ["FLOOR_DB"], os.environ["SECRET_KEY"]))


if __name__ == "__main__":
    main()
