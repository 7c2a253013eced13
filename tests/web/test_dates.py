"""Dates in words: Danish as Danes write them, English in British order ("5 December 2026"),
never the American "December 5, 2026"; times in the Danish time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask, session

from portal.web.text import day, when


def in_language(app: Flask, lang: str, render: Callable[[], str]) -> str:
    with app.test_request_context("/"):
        session["lang"] = lang
        return render()


@pytest.mark.parametrize(
    ("lang", "expected"), [("da", "5. december 2026"), ("en", "5 December 2026")]
)
def test_a_date_is_written_in_the_order_of_the_language(
    app: Flask, lang: str, expected: str
) -> None:
    assert in_language(app, lang, lambda: day(date(2026, 12, 5))) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("da", "6. december 2026 kl. 00:30"), ("en", "6 December 2026 at 00:30")],
)
def test_a_moment_is_written_in_danish_time_in_the_order_of_the_language(
    app: Flask, lang: str, expected: str
) -> None:
    late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # already 6 December in Copenhagen
    assert in_language(app, lang, lambda: when(late)) == expected


def test_the_templates_day_filter_is_british_in_english(app: Flask) -> None:
    def render() -> str:
        return app.jinja_env.from_string("{{ moment | day }}").render(moment=date(2027, 1, 2))

    assert in_language(app, "en", render) == "2 January 2027"
    assert in_language(app, "da", render) == "2. januar 2027"
