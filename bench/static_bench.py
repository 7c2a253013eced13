"""What a visitor's browser downloads: requests and bytes per page, in Chromium.

    .venv/bin/python bench/static_bench.py [--runs 5] [--show]

The portal is served in-process (Werkzeug, threaded, a scratch SQLite database, no proxy, so
no compression but the app's own). Each run opens a fresh browser context (an empty cache),
visits the start page ("first visit"), then, in the same context, goes through the journey's
first question pages and the information pages ("later pages"), each by a plain navigation.
Per page it counts the requests that reached the network (not answered from the browser's
cache) and the bytes Chromium reports as transferred (DevTools' encodedDataLength: headers
plus the body as sent, compressed if it was). The median over the runs is printed.

Goals (issue 9): first visit <= 250 KB; every later page 1 request and <= 20 KB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app
from portal.db import migrate
from portal.web.db import database
from tests.web.journey import ANSWERS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
# The later pages: a question page reached from the start page, the next question pages
# after answering (each a plain GET navigation), and the two information pages; then the
# guidance, the heaviest citizen page, after answering every question before it.
LATER = ["/ansoeg/hvem", "/ansoeg/kommune", "/tilgaengelighed", "/privatliv", "/"]
GUIDANCE = "/ansoeg/vejledning"


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class Load:
    requests: int = 0
    transferred: int = 0
    urls: list[str] = field(default_factory=list)


class Recorder:
    """Network events from the DevTools protocol, for one page."""

    def __init__(self, page: Page) -> None:
        self._cdp = page.context.new_cdp_session(page)
        self._cdp.send("Network.enable")
        self._cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        self._cached: set[str] = set()
        self._urls: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        self._cdp.on("Network.requestWillBeSent", self._sent)
        self._cdp.on("Network.requestServedFromCache", self._from_cache)
        self._cdp.on("Network.responseReceived", self._received)
        self._cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict[str, Any]) -> None:
        self._urls[event["requestId"]] = event["request"]["url"]

    def _from_cache(self, event: dict[str, Any]) -> None:
        self._cached.add(event["requestId"])

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self._cached.add(event["requestId"])

    def _finished(self, event: dict[str, Any]) -> None:
        self._sizes[event["requestId"]] = int(event["encodedDataLength"])

    @contextmanager
    def measure(self) -> Iterator[Load]:
        self._cached.clear()
        self._urls.clear()
        self._sizes.clear()
        load = Load()
        yield load
        for request_id, size in self._sizes.items():
            if request_id in self._cached:
                continue
            load.requests += 1
            load.transferred += size
            load.urls.append(f"{size:>8} {self._urls.get(request_id, '?')}")


def visit(page: Page, recorder: Recorder, url: str) -> Load:
    with recorder.measure() as load:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
    return load


def answer_until(page: Page, base: str, stop: str) -> None:
    """Answer the questions in the browser, as a citizen would, until `stop`."""
    page.goto(f"{base}/ansoeg")
    path = page.url.removeprefix(base)
    while path in ANSWERS and path != stop:
        for name, value in ANSWERS[path].items():
            for item in value if isinstance(value, list) else [value]:
                box = page.locator(f'input[name="{name}"][value="{item}"]')
                if box.count() and box.first.get_attribute("type") in ("radio", "checkbox"):
                    box.first.check()
                else:
                    page.locator(f'[name="{name}"]').fill(str(item))
        with page.expect_navigation():
            page.locator('button[type="submit"]').first.click()
        path = page.url.removeprefix(base)
    assert path == stop, path
    page.wait_for_load_state("networkidle")


def one_run(browser: Any, base: str) -> list[tuple[str, Load]]:
    context = browser.new_context()
    page = context.new_page()
    recorder = Recorder(page)
    loads = [("first visit: /", visit(page, recorder, f"{base}/"))]
    for path in LATER:
        if path == "/ansoeg/kommune":
            # Answer "who" in the browser, so the next question may be shown.
            page.goto(f"{base}/ansoeg/hvem")
            page.locator('input[name="who"][value="self"]').check()
            with recorder.measure(), page.expect_navigation():
                page.locator('button[type="submit"]').first.click()
            page.wait_for_load_state("networkidle")
        loads.append((f"later: {path}", visit(page, recorder, f"{base}{path}")))
    answer_until(page, base, GUIDANCE)
    loads.append((f"later: {GUIDANCE}", visit(page, recorder, f"{base}{GUIDANCE}")))
    context.close()
    return loads


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show", action="store_true", help="list each run's requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="static-bench-") as tmp:
        os.environ.setdefault("PORTAL_ENV", "development")
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3"})
        migrate.upgrade(database(app).engine)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        runs: list[list[tuple[str, Load]]] = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                for _ in range(args.runs):
                    runs.append(one_run(browser, base))
                browser.close()
        finally:
            server.shutdown()
            thread.join()
    report(runs, args.show)


def report(runs: list[list[tuple[str, Load]]], show: bool) -> None:
    print(f"{'page':28s} {'requests':>9s} {'transferred':>12s}   (median of {len(runs)} runs)")
    for i, (label, _) in enumerate(runs[0]):
        requests = statistics.median(run[i][1].requests for run in runs)
        transferred = statistics.median(run[i][1].transferred for run in runs)
        print(f"{label:28s} {requests:9.0f} {transferred / 1000:9.1f} KB")
        if show:
            print("\n".join("      " + url for url in runs[-1][i][1].urls))


if __name__ == "__main__":
    main()
