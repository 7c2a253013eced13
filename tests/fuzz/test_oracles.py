"""The fuzz suite's oracles catch what they are there to catch, shown on a small app made to
fail each way: a crash, a row kept from a refused form, sent markup printed as markup, a
template run on input, a password sent back in its box. Without this a silent oracle would
pass every run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, request
from markupsafe import escape
from sqlalchemy import Engine, create_engine, text

from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.values import CORPUS, TEMPLATES


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE note (body TEXT)"))
    yield engine
    engine.dispose()


@pytest.fixture
def broken(engine: Engine) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="a-secret-key-of-the-test-app-0123456789", TESTING=True)

    @app.post("/keeps-refused")
    def keeps_refused() -> tuple[str, int]:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO note VALUES (:b)"), {"b": request.form["v"]})
        return "refused", 400

    @app.post("/rolls-back")
    def rolls_back() -> tuple[str, int]:
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO note VALUES ('x')"))
            conn.rollback()
        return "refused", 400

    @app.post("/echo")
    def echo() -> str:
        return f"<p>{request.form['v']}</p>"

    @app.post("/escaped")
    def escaped() -> str:
        return f"<p>{escape(request.form['v'])}</p>"

    @app.post("/template")
    def template() -> str:
        return app.jinja_env.from_string(request.form["v"]).render()

    @app.post("/password")
    def password() -> str:
        return f'<input type="password" name="p" value="{escape(request.form["v"])}">'

    @app.post("/crash")
    def crash() -> str:
        raise OverflowError("too big")

    return app


def problems(app: Flask, engine: Engine, path: str, value: str) -> list[str]:
    fuzzer = Fuzzer(app, engine)
    body = f"v={value}".encode()
    case = Case("tester", "POST", path, body, "application/x-www-form-urlencoded", sent=(value,))
    fuzzer.send(app.test_client(), case)
    fuzzer.writes.close()
    return [problem for _case, problem in fuzzer.failures.values()]


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("/keeps-refused", "x", "400: rejected input wrote to ['note']"),
        ("/echo", CORPUS["markup-0"], "200: markup shown unescaped: <markup-0>"),
        ("/template", TEMPLATES[0], "200: a template expression was evaluated"),
        ("/template", "{{ config.SECRET_KEY }}", "200: the secret key was shown"),
        ("/password", "hemmelig", "200: a password was sent back in its box"),
        ("/crash", "x", "500: server error: OverflowError: too big"),
    ],
)
def test_each_oracle_catches_its_failure(
    broken: Flask, engine: Engine, path: str, value: str, expected: str
) -> None:
    assert problems(broken, engine, path, value) == [expected]


@pytest.mark.parametrize("path", ["/rolls-back", "/escaped"])
def test_a_rolled_back_write_and_escaped_markup_are_no_failures(
    broken: Flask, engine: Engine, path: str
) -> None:
    assert problems(broken, engine, path, CORPUS["markup-1"]) == []


def test_a_trailing_ampersand_escaped_is_not_markup_shown_raw() -> None:
    from tests.fuzz.oracles import shown_raw

    assert not shown_raw("öà$\x9d)&", "<td>öà$\x9d)&amp;</td>")
    assert shown_raw("öà$\x9d)&", "<td>öà$\x9d)&</td>")
    assert shown_raw("<b>x</b>", "<td><b>x</b></td>")
    assert not shown_raw("<b>x</b>", "<td>&lt;b&gt;x&lt;/b&gt;</td>")
