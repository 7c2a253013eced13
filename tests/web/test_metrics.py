"""Prometheus metrics: behind a bearer token (404 otherwise), counting requests by endpoint and
status, latency, submitted applications, saved drafts and refused logins; summed over several
processes in multiprocess mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from tests.web.journey import answer_until, post_step, token
from tests.web.staff import login, make_staff

TOKEN = "m" * 40
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def metrics_app(app: Flask) -> Iterator[Flask]:
    app.config["METRICS_TOKEN"] = TOKEN
    yield app
    app.config["METRICS_TOKEN"] = None


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scraped(client: FlaskClient, name: str, **labels: str) -> float:
    """One sample read from /metrics as Prometheus would read it."""
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    found = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_metrics_is_404_without_the_right_token(
    metrics_app: Flask, headers: dict[str, str]
) -> None:
    response = metrics_app.test_client().get("/metrics", headers=headers)
    assert response.status_code == 404
    assert "portal_http_requests" not in response.get_data(as_text=True)


def test_metrics_is_404_when_no_token_is_set(client: FlaskClient) -> None:
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


def test_metrics_with_the_token_in_prometheus_text_format(metrics_app: Flask) -> None:
    response = metrics_app.test_client().get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for name in (
        "portal_http_requests_total", "portal_http_request_duration_seconds_bucket",
        "portal_applications_submitted_total", "portal_drafts_saved_total",
        "portal_staff_login_refusals_total",
    ):  # fmt: skip
        assert f"# TYPE {name.rsplit('_', 1)[0]}" in text or name in text, name


def test_metrics_answers_for_any_host(metrics_app: Flask) -> None:
    """Prometheus scrapes by address; the token, not the Host, guards the numbers."""
    metrics_app.config["TRUSTED_HOSTS"] = ["portal.example.dk"]
    try:
        client = metrics_app.test_client()
        assert client.get("/metrics", headers={**AUTH, "Host": "10.0.0.7:8000"}).status_code == 200
        assert client.get("/metrics", headers={"Host": "10.0.0.7:8000"}).status_code == 404
    finally:
        metrics_app.config["TRUSTED_HOSTS"] = None


def test_requests_are_counted_by_endpoint_method_and_status(client: FlaskClient) -> None:
    ok = {"endpoint": "citizen.status", "method": "GET", "status": "404"}
    before = value("portal_http_requests_total", **ok)
    latency = value("portal_http_request_duration_seconds_count", endpoint="citizen.status")
    client.get("/status/no-such-token")
    client.get("/status/another-token")
    assert value("portal_http_requests_total", **ok) == before + 2
    assert (
        value("portal_http_request_duration_seconds_count", endpoint="citizen.status")
        == latency + 2
    )


def test_unmatched_urls_and_odd_methods_share_one_label(client: FlaskClient) -> None:
    labels = {"endpoint": "none", "method": "OTHER", "status": "404"}
    before = value("portal_http_requests_total", **labels)
    client.open("/whatever-0101901234", method="BREW")
    assert value("portal_http_requests_total", **labels) == before + 1


def test_a_submitted_application_shows_in_metrics(metrics_app: Flask) -> None:
    client = metrics_app.test_client()
    before = scraped(client, "portal_applications_submitted_total", channel="web")
    answer_until(client)
    csrf = token(client.get("/ansoeg/tjek").get_data(as_text=True))
    for _ in range(2):  # a double click: still one application
        client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": csrf})
    assert scraped(client, "portal_applications_submitted_total", channel="web") == before + 1


def test_each_saved_step_counts_one_draft_save(client: FlaskClient) -> None:
    before = value("portal_drafts_saved_total", channel="web")
    post_step(client, "/ansoeg/hvem", {"who": "self"})
    post_step(client, "/ansoeg/kommune", {"municipality": "575"})
    post_step(client, "/ansoeg/kommune", {"municipality": "nonsense"})  # refused, not saved
    assert value("portal_drafts_saved_total", channel="web") == before + 2


def test_refused_logins_are_counted(app: Flask, client: FlaskClient) -> None:
    make_staff(app, "575", "ida@vejen.dk")
    before = value("portal_staff_login_refusals_total", kind="password")
    login(client, "ida@vejen.dk", "forkert adgangskode")
    login(client, "nobody@vejen.dk", "forkert adgangskode")
    assert value("portal_staff_login_refusals_total", kind="password") == before + 2


WORKER = """
import sys
from tests.conftest import make_app
app = make_app(sys.argv[1], METRICS_TOKEN=sys.argv[2])
client = app.test_client()
for _ in range(int(sys.argv[3])):
    client.get("/livez")
if sys.argv[4] == "scrape":
    print(client.get("/metrics", headers={"Authorization": "Bearer " + sys.argv[2]}).text)
"""


def test_several_processes_are_summed_in_multiprocess_mode(tmp_path: Path) -> None:
    """As gunicorn workers would: two processes count, a third answers /metrics for all."""
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    url = f"sqlite:///{tmp_path}/multi.sqlite3"

    def worker(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", WORKER, url, TOKEN, str(requests), then],
            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout

    worker(3, "stop")
    worker(2, "stop")
    text = worker(0, "scrape")
    line = 'portal_http_requests_total{endpoint="pages.livez",method="GET",status="200"} 5.0'
    assert line in text
    assert list(folder.glob("*.db"))
