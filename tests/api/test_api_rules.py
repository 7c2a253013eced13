"""The pull API's rules without an app: paging parameters, path ids, the acknowledgement's
body, the bearer header; and the rules module stays free of Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from portal.api import events
from portal.api.routes import bearer_token


def test_paging_defaults_to_the_start_and_twenty() -> None:
    assert events.parse_page({}) == events.Page(after=0, limit=20)
    assert events.parse_page({"after": ["41"], "limit": ["100"]}) == events.Page(41, 100)


@pytest.mark.parametrize("after", ["-1", "", "1.5", "٣", "²", "\uff19", " 1", "1 ", str(2**63)])
def test_a_cursor_that_is_not_a_plain_whole_number_is_refused(after: str) -> None:
    with pytest.raises(events.ParameterError, match="after must be a whole number"):
        events.parse_page({"after": [after]})


def test_a_parameter_given_twice_is_refused() -> None:
    with pytest.raises(events.ParameterError, match="at most once"):
        events.parse_page({"limit": ["10", "20"]})


@pytest.mark.parametrize(
    "raw,expected",
    [("1", 1), ("007", 7), (str(2**31 - 1), 2**31 - 1), (str(2**31), None),
     (str(2**63 - 1), None), ("0", None), (str(2**63), None),
     ("-3", None), ("٣", None), ("1e3", None), ("", None), ("9" * 40, None)],
)  # fmt: skip
def test_path_ids(raw: str, expected: int | None) -> None:
    # Beyond the 32-bit INTEGER column nothing can exist: not found, never a database error.
    assert events.parse_id(raw) == expected


def test_a_cursor_beyond_the_last_possible_id_finds_nothing_rather_than_failing() -> None:
    assert events.parse_page({"after": [str(2**63 - 1)]}).after == 2**31 - 1


def test_an_empty_ack_body_is_an_ack_without_a_case_number() -> None:
    assert events.parse_ack(b"", None) is None
    assert events.parse_ack(b"  \n", "text/plain") is None
    assert events.parse_ack(b"{}", "application/json; charset=utf-8") is None
    assert events.parse_ack(b'{"case_number": null}', "Application/JSON") is None


def test_a_case_number_is_trimmed() -> None:
    assert events.parse_ack(b'{"case_number": "  SAG-17 "}', "application/json") == "SAG-17"


@pytest.mark.parametrize(
    "header,token",
    [("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc"), ("Bearer", None),
     ("Basic abc", None), ("abc", None), ("Bearer a b", None), ("", None), (None, None),
     ("Bearer " + "t" * 513, None)],
)  # fmt: skip
def test_the_bearer_header(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token


def test_the_rules_module_imports_no_flask() -> None:
    """Domain code imports no Flask (the import-linter contract lists the domain modules)."""
    source = Path(events.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "flask_wtf", "flask_babel", "werkzeug", "wtforms"}
    assert not any(name.startswith("portal.web") for name in _modules(source))


def _modules(source: str) -> list[str]:
    return [
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    ]
