"""Every log line the test suite makes is scanned for personal data and secrets.

A handler on the "portal" loggers formats each record exactly as production does (JSON) and
checks the line for CPR-shaped numbers, the test personas' names and details, e-mail
addresses, status or resume links with their token, query strings and cookies. The session
fails at the end (an error at teardown of the last test) when any line matched, with the lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from portal.web.logs import LOGGER_NAME, JsonFormatter
from tests.web.journey import ANSWERS

# Looser than the portal's own check on incoming request ids: ten digits with anything but a
# digit around them, with or without the dash.
CPR_SHAPED = r"(?<!\d)\d{6}-?\d{4}(?!\d)"
# What the personas type that identifies them, taken from the journey itself, plus the names
# other tests use.
PERSONAL_FIELDS = {"first_name", "full_name", "street", "phone", "email", "text"}
NAME_FIELDS = {"first_name", "full_name", "street"}
OTHER_PERSONAS = ("Åse Ørsted", "Ørsted", "Jens Peter")


def persona_values() -> list[str]:
    """Each persona detail, and each word of a name or street on its own ("Hansen")."""
    fields = [
        (field, str(value))
        for answers in ANSWERS.values()
        for field, value in answers.items()
        if field in PERSONAL_FIELDS and isinstance(value, str) and value
    ]
    words = {w for field, value in fields if field in NAME_FIELDS for w in value.split()}
    return sorted({*(value for _, value in fields), *(w for w in words if len(w) > 3),
                   *OTHER_PERSONAS})  # fmt: skip


def forbidden_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        ("CPR-shaped number", re.compile(CPR_SHAPED)),
        ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
        ("status or resume link with its token", re.compile(r"/(status|fortsaet)/(?!<)")),
        ("query string", re.compile(r"/[\w/<>.:-]*\?[\w%-]+=")),
        ("cookie", re.compile(r"portal_session|portal_staff|[Cc]ookie")),
        # itsdangerous: base64 JSON (eyJ…) or compressed (.eJ…), then dot-separated parts.
        ("signed value (session, link)", re.compile(r"(eyJ|\.eJ)[\w-]*\.[\w-]{4,}")),
        # As a word of its own: a random request id may hold "KaREN" by chance (it did).
        *(
            (
                f"persona detail {value!r}",
                re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", re.IGNORECASE),
            )
            for value in persona_values()
        ),
    ]


class ScanningHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.formatter_ = JsonFormatter()
        self.patterns = forbidden_patterns()
        self.lines = 0
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.formatter_.format(record)
        self.lines += 1
        for what, pattern in self.patterns:
            if pattern.search(line) and len(self.found) < 20:
                self.found.append(f"{what}: {line}")

    def check(self, line: str) -> list[str]:
        """The problems in one line (for tests of the scanner itself)."""
        return [what for what, pattern in self.patterns if pattern.search(line)]


@pytest.fixture(scope="session", autouse=True)
def portal_log_scan() -> Iterator[ScanningHandler]:
    handler = ScanningHandler()
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    assert handler.found == [], "log lines with personal data or secrets:\n" + "\n".join(
        handler.found
    )
