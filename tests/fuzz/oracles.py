"""What every fuzzed request must satisfy, checked as it is sent: never a 5xx; no rows
committed by a request that was turned away (a 4xx, or a form shown again with errors); no
sent markup printed as markup, no template expression evaluated, no secret shown. Failures
are collected rather than raised at once, so one run reports every defect, each once, with
the smallest request that shows it."""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import Engine, event
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.test import TestResponse

from tests.fuzz.values import RAN, Value, describe, is_markup

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
ERROR_SUMMARY = 'data-module="error-summary"'
# A password box that comes back filled in: the typed password is in the page's source.
PASSWORD_SHOWN = re.compile(r'<input(?=[^>]*\stype="password")(?=[^>]*\svalue="[^"]+")[^>]*>')
# Refused attempts that must be counted, or guessing would be free: a failed password adds a
# login_failure row, a wrong second-factor code adds to the account's failures.
ATTEMPT_COUNTERS = {
    "staff.login": {"login_failure"},
    "staff.login_code": {"staff_user"},
    "staff.totp_enrol": {"staff_user"},
}
# The pull API audits every call a municipality's token makes, the refused ones too (with
# detail "failed"): who asked for what is the point of that trail.
AUDITED_CALLS = "api."
# The case page shown again with a form's errors shows the whole case: a read, which is
# logged like every staff read of an application ("Så sagen"); nothing else may be written.
# The decision's letter read before saving (staff.decision_draft) is such a read as well.
CASE_FORMS = {
    "staff.decide", "staff.reopen", "staff.request_information", "staff.add_note",
    "staff.decision_draft",
}  # fmt: skip


@dataclass
class Case:
    """One request, with who sent it and what was fuzzed, for the oracles and the report."""

    persona: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    environ: dict[str, str] = field(default_factory=dict)
    sent: tuple[Value, ...] = ()
    kind: str = ""  # what was fuzzed, without the value: the failure's key
    value: Value | None = None

    def repro(self) -> str:
        lines = [f"{self.method} {self.path} as {self.persona} ({self.kind})"]
        if self.value is not None:
            lines.append(f"  value: {describe(self.value)}")
        if self.headers or self.environ:
            lines.append(f"  headers: {self.headers} environ: {self.environ}")
        if self.body:
            body = self.body if len(self.body) <= 300 else self.body[:300] + b"..."
            lines.append(f"  body ({len(self.body)} bytes, {self.content_type}): {body!r}")
        return "\n".join(lines)

    @property
    def size(self) -> int:
        return len(self.body or b"") + len(self.path)


class WriteLog:
    """The tables a request wrote to and committed: statements are held per connection and
    kept when its transaction commits, dropped when it rolls back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.pending: dict[int, set[str]] = {}
        self.committed: set[str] = set()
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _execute(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        found = WRITE.match(statement)
        if found:
            self.pending.setdefault(id(conn), set()).add(found.group(1).lower())

    def _commit(self, conn: Any) -> None:
        self.committed |= self.pending.pop(id(conn), set())

    def _rollback(self, conn: Any) -> None:
        self.pending.pop(id(conn), None)

    def take(self) -> set[str]:
        taken, self.committed = self.committed, set()
        return taken


class Fuzzer:
    def __init__(self, app: Flask, engine: Engine) -> None:
        self.app = app
        self.adapter = app.url_map.bind("localhost")
        self.writes = WriteLog(engine)
        self.counts: Counter[int] = Counter()
        self.by_endpoint: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self.seconds: Counter[str] = Counter()
        self.failures: dict[tuple[str, ...], tuple[Case, str]] = {}
        self.secrets = [str(app.config["SECRET_KEY"])]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def send(self, client: FlaskClient, case: Case) -> TestResponse:
        self.writes.take()
        started = time.perf_counter()
        try:
            response = client.open(
                case.path, method=case.method, data=case.body, content_type=case.content_type,
                headers=case.headers, environ_overrides=case.environ,
            )  # fmt: skip
        except Exception as error:  # TESTING lets a view's exception through
            text = f"{type(error).__name__}: {error}"[:300]
            headers = Headers({"Content-Type": "text/plain; charset=utf-8"})
            response = TestResponse([text.encode()], "500", headers, request=None)
        response.get_data()  # read it all, so that a file behind it is closed now
        response.close()
        written = self.writes.take()
        route = f"{case.method} {self.endpoint(case) or '-'}"
        self.seconds[route] += time.perf_counter() - started
        self.counts[response.status_code] += 1
        self.by_endpoint[route][response.status_code] += 1
        for problem in self.problems(case, response, written):
            self.record(case, response, problem)
        return response

    def problems(self, case: Case, response: TestResponse, written: set[str]) -> Iterator[str]:
        if response.status_code >= 500:
            yield f"server error: {response.get_data(as_text=True)[:200]}"
        text = (
            response.get_data(as_text=True) if (response.mimetype or "").startswith("text/") else ""
        )
        rejected = response.status_code >= 400 or ERROR_SUMMARY in text
        endpoint = self.endpoint(case)
        allowed = ATTEMPT_COUNTERS.get(endpoint, set())
        if endpoint.startswith(AUDITED_CALLS) or endpoint in CASE_FORMS:
            allowed = {"audit_event"}
        if rejected and written - allowed:
            yield f"rejected input wrote to {sorted(written - allowed)}"
        if RAN in text:
            yield "a template expression was evaluated"
        if any(secret in text for secret in self.secrets):
            yield "the secret key was shown"
        if response.mimetype == "text/html":
            if 'type="password"' in text and PASSWORD_SHOWN.search(text):
                yield "a password was sent back in its box"
            raw = [describe(v) for v in case.sent if is_markup(v) and shown_raw(str(v), text)]
            if raw:
                yield f"markup shown unescaped: {', '.join(raw)}"

    def endpoint(self, case: Case) -> str:
        try:
            endpoint, _ = self.adapter.match(urlsplit(case.path).path, case.method)
        except (HTTPException, RequestRedirect):
            return ""
        return str(endpoint)

    def record(self, case: Case, response: TestResponse, problem: str) -> None:
        key = (problem.split(":")[0], case.persona, self.endpoint(case) or case.path,
               case.method, case.kind.split("=")[0], str(response.status_code))  # fmt: skip
        known = self.failures.get(key)
        if known is None or case.size < known[0].size:
            self.failures[key] = (case, f"{response.status_code}: {problem}")

    def complain(self, case: Case, problem: str) -> None:
        """A failure a test found by looking further than one response (an echo check)."""
        key = (problem, case.persona, self.endpoint(case), case.kind)
        self.failures.setdefault(key, (case, problem))

    def absorb(self, other: Fuzzer) -> None:
        """Take over another app's fuzzer's counts and failures (one test, two apps)."""
        self.counts.update(other.counts)
        for route, counts in other.by_endpoint.items():
            self.by_endpoint[route].update(counts)
        self.seconds.update(other.seconds)
        self.failures.update(other.failures)

    def report(self) -> str:
        entries = sorted(self.failures.values(), key=lambda f: (f[1], f[0].path))
        return "\n\n".join(f"{problem}\n{case.repro()}" for case, problem in entries)

    def assert_clean(self, at_least: int) -> None:
        assert not self.failures, f"{len(self.failures)} fuzz failures:\n\n{self.report()}"
        assert self.total >= at_least, f"only {self.total} requests were sent"


def shown_raw(value: str, text: str) -> bool:
    """Whether the page holds `value` unescaped. A value whose only markup is a trailing "&"
    begins its own escaped form ("a&" in "a&amp;"), so those occurrences are the escaped
    ones (hypothesis found "öà$\x9d)&" reported as unescaped on the letter's draft)."""
    found = text.count(value)
    escaped = str(escape(value))
    if escaped != value and escaped.startswith(value):
        found -= text.count(escaped)
    return found > 0
