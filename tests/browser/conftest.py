"""Browser tests: Playwright on Debian's chromium, the portal served in-process.

Playwright never downloads a browser here; it drives /usr/bin/chromium. Without chromium
these tests skip with a reason, except with CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal.db import migrate
from portal.web.db import database
from tests.conftest import IN_CI, make_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
AXE = ROOT / "static" / "vendor" / "axe" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Full-page screenshots are for people to look at (`make screenshots`); in `make test` they
# were a tenth of the browser tests' time and nobody read them.
SCREENSHOTS = os.environ.get("SCREENSHOTS") == "1"
WCAG21AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _need_chromium() -> None:
    reasons = []
    if not Path(CHROMIUM).exists():
        reasons.append("Debian's chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        reasons.append("axe-core is not vendored (run make assets)")
    if reasons:
        if IN_CI:
            pytest.fail("; ".join(reasons))
        pytest.skip("; ".join(reasons))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db_file = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = make_app(f"sqlite:///{db_file}")
    migrate.upgrade(database(app).engine)
    return app


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served on a free loopback port in a thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def live_server(live_app: Any) -> Iterator[str]:
    with serving(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """Run axe under the page's real CSP: evaluate() is not subject to it."""
    page.evaluate(source)
    result = page.evaluate("opts => axe.run(document, opts)", WCAG21AA)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


def checked(page: Any, axe_source: str, name: str) -> None:
    """No axe violations on the page as it stands, and a screenshot of it to look at."""
    assert axe_violations(page, axe_source) == [], name
    screenshot(page, name)


def screenshot(page: Any, name: str) -> Path | None:
    """The page as it stands, to look at, when SCREENSHOTS=1; its path."""
    if not SCREENSHOTS:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def follow(page: Any, target: Any) -> None:
    """Click something that loads a new page, and wait until it has loaded. Under load
    (CI at a load average of 7) a bare click returns before the next page has come, and
    the test then reads the old page or half of the new one."""
    with page.expect_navigation(wait_until="load"):
        target.click()
