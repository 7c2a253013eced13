"""Whole applications against a running portal: each client is one citizen after another, from
the start page through every question, the guidance and the check page to the receipt, as a
browser does it (cookies kept, each page read for its CSRF token, every redirect followed).

Used by bench/load_bench.py for "complete applications per second"; the final submit alone is
measured there with wrk. A thread per client over keep-alive connections: the portal's pages
take milliseconds, so the client's own cost (reported as CPU seconds per second) stays small.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.web.journey import ANSWERS

HOST = "ansoeg.bench.test"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE_RE = re.compile(r"^([^=;]+)=([^;]*)")
HEADERS = {
    "Host": HOST,
    "X-Forwarded-For": "127.0.0.1",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": HOST,
}


class Refused(Exception):
    """The portal answered something a browser on this journey would not get."""


@dataclass
class Citizen:
    connection: http.client.HTTPConnection
    latencies: list[float]
    cookies: dict[str, str] = field(default_factory=dict)

    def send(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, str, str]:
        headers = {**HEADERS, "Referer": f"https://{HOST}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        self.latencies.append(time.perf_counter() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            found = COOKIE_RE.match(header)
            if found:
                self.cookies[found.group(1)] = found.group(2)
        return response.status, response.headers.get("Location", ""), text

    def expect(
        self, method: str, path: str, status: int, body: dict[str, Any] | None = None
    ) -> tuple[str, str]:
        got, location, text = self.send(method, path, body)
        if got != status:
            raise Refused(f"{method} {path}: {got}")
        return location, text


def apply_once(citizen: Citizen) -> int:
    """One whole application; returns the number of requests it took."""
    citizen.cookies.clear()
    before = len(citizen.latencies)
    answers = {**ANSWERS, "/ansoeg/kommune": {"municipality": "575"}}
    citizen.expect("GET", "/", 200)
    location, _ = citizen.expect("GET", "/ansoeg", 303)
    while location in answers:
        _, page = citizen.expect("GET", location, 200)
        token = TOKEN_RE.search(page)
        if token is None:
            raise Refused(f"no token on {location}")
        location, _ = citizen.expect(
            "POST", location, 303, {**answers[location], "csrf_token": token.group(1)}
        )
    if location != "/ansoeg/tjek":
        raise Refused(f"the questions ended at {location}")
    _, page = citizen.expect("GET", location, 200)
    token = TOKEN_RE.search(page)
    receipt, _ = citizen.expect(
        "POST", location, 303, {"confirm": "y", "csrf_token": token.group(1) if token else ""}
    )
    if not receipt.endswith("/kvittering"):
        raise Refused(f"the submit went to {receipt}")
    citizen.expect("GET", receipt, 200)
    return len(citizen.latencies) - before


def run(port: int, clients: int, duration: float) -> dict[str, Any]:
    """`clients` citizens applying again and again for `duration` seconds."""
    deadline = time.monotonic() + duration
    done: list[int] = []
    refused: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        citizen = Citizen(http.client.HTTPConnection("127.0.0.1", port, timeout=30), [])
        while time.monotonic() < deadline:
            try:
                count = apply_once(citizen)
            except (Refused, OSError, http.client.HTTPException) as err:
                with lock:
                    refused.append(str(err))
                citizen.connection.close()
                continue
            if time.monotonic() <= deadline:
                with lock:
                    done.append(count)
        with lock:
            latencies.extend(citizen.latencies)
        citizen.connection.close()

    started, cpu = time.monotonic(), time.process_time()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    ordered = sorted(latencies)
    return {
        "applications": len(done),
        "applications_per_s": len(done) / duration,
        "requests_per_application": statistics.median(done) if done else 0,
        "rps": len(latencies) / wall,
        "p50_ms": 1000 * ordered[len(ordered) // 2] if ordered else 0.0,
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99)] if ordered else 0.0,
        "bad": len(refused),
        "refusals": sorted(set(refused))[:5],
        "errors": 0,
        "client_cpu": (time.process_time() - cpu) / wall,
    }
