"""The optional error hook: off by default; when set, an unhandled error is posted as type,
place, request id and route, never its message, a form value, a path, a header or a cookie.
The receiver is a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from portal.config import ConfigError
from portal.web.access import access
from tests.conftest import make_app

SECRET_TEXT = "Karen Hansen 010190-1234 svarede: Jeg kan godt lide at male."


class Receiver:
    def __init__(self, status: int = 204, delay: float = 0.0) -> None:
        self.posts: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                receiver.posts.put((dict(self.headers), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def crashing_app(tmp_path, **config: Any) -> Flask:  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path}/hook.sqlite3", PROPAGATE_EXCEPTIONS=False, **config)

    @app.route("/_test/crash/<name>", methods=["GET", "POST"])
    @access("public")
    def crash(name: str) -> str:
        raise ValueError(SECRET_TEXT)

    return app


def test_an_unhandled_error_is_posted_without_personal_data(
    tmp_path,  # type: ignore[no-untyped-def]
    receiver: Receiver,
) -> None:
    app = crashing_app(tmp_path, ERROR_WEBHOOK=receiver.url, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.set_cookie("portal_session", "Karen-Hansen-cookie")
    response = client.post(
        "/_test/crash/Karen-Hansen?cpr=0101901234", data={"full_name": "Karen Hansen"}
    )
    assert response.status_code == 500
    headers, body = receiver.posts.get(timeout=10)
    assert headers["Content-Type"] == "application/json"
    report = json.loads(body)
    assert report["type"] == "ValueError"
    assert "test_error_hook.py" in report["where"] and "in crash" in report["where"]
    assert report["request_id"] == response.headers["X-Request-ID"]
    assert report["route"] == "/_test/crash/<name>"
    assert report["method"] == "POST"
    assert report["environment"] == "test"
    text = body.decode()
    for secret in ("Karen", "Hansen", "0101901234", "010190", "male", "cookie", "cpr="):
        assert secret not in text, secret


def test_no_hook_by_default(tmp_path, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]
    app = crashing_app(tmp_path)
    assert "portal.error_hook" not in app.extensions
    assert app.test_client().get("/_test/crash/x").status_code == 500
    with pytest.raises(queue.Empty):
        receiver.posts.get(timeout=0.5)


def test_a_slow_or_broken_receiver_never_slows_or_fails_the_request(tmp_path) -> None:  # type: ignore[no-untyped-def]
    slow = Receiver(status=500, delay=2.0)
    try:
        app = crashing_app(tmp_path, ERROR_WEBHOOK=slow.url)
        started = time.perf_counter()
        response = app.test_client().get("/_test/crash/x")
        assert time.perf_counter() - started < 1.0
        assert response.status_code == 500
        assert "Der er sket en fejl hos os" in response.get_data(as_text=True)
        app.extensions["portal.error_hook"].wait()  # the 500 from the receiver is logged
    finally:
        slow.close()


def test_a_receiver_nobody_listens_on_is_only_logged(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    gone = Receiver()
    gone.close()
    app = crashing_app(tmp_path, ERROR_WEBHOOK=gone.url)
    assert app.test_client().get("/_test/crash/x").status_code == 500
    app.extensions["portal.error_hook"].wait()
    assert any("Error report not delivered" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.dk/x", "javascript:x"])
def test_only_http_addresses_are_accepted(tmp_path, url: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError):
        crashing_app(tmp_path, ERROR_WEBHOOK=url)
