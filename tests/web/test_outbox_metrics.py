"""The outbox in /metrics: the backlog per municipality, kind and state, the oldest
undelivered message's age and the receivers switched off, read from the database at scrape
time (so any worker, and multiprocess mode, answers the same), never an address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from portal.db.models import OutboxMessage, OutboxState, utcnow
from portal.outbox import queue, targets
from portal.web.db import database
from tests.web.test_staff import submitted

TOKEN = "m" * 40
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADDRESS = "metrics.hemmelig@example.dk"


@pytest.fixture
def scraper(app: Flask) -> Iterator[FlaskClient]:
    app.config["METRICS_TOKEN"] = TOKEN
    yield app.test_client()
    app.config["METRICS_TOKEN"] = None


@pytest.fixture(autouse=True)
def municipalities_take_events(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every municipality pulls its events (a test may set something else): a municipality
    that takes none is behind on nothing, and would show no backlog at all."""
    env = {f"PORTAL_API_TOKEN_{code}": code * 14 for code in ("157", "173", "265", "370", "575")}
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.from_environ(env, False))


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    found = re.search(rf"^{name}\{{{re.escape(wanted)}\}} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def messages(app: Flask) -> list[int]:
    """Two Vejen deliveries (one failing, one dead and two hours old) and a Vejen e-mail."""
    first = submitted(app, "575")
    second = submitted(app, "575", "010190-2345")
    with database(app).transaction() as session:
        mail = queue.add_mail(
            session, app.extensions["portal.cipher"], municipality_code="575",
            topic="mail.receipt", to=ADDRESS, subject="Kvittering", body="Hej",
        )  # fmt: skip
        session.flush()
        ids = [
            m.id
            for m in session.query(OutboxMessage).filter(
                OutboxMessage.application_id.in_([first.id, second.id])
            ).order_by(OutboxMessage.id)
        ]  # fmt: skip
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == ids[0])
            .values(state=OutboxState.FAILED, last_error="The receiver answered 503")
        )  # fmt: skip
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == ids[1])
            .values(state=OutboxState.DEAD, created_at=utcnow() - timedelta(hours=2))
        )  # fmt: skip
        return [*ids, mail.id]


def test_the_backlog_by_municipality_kind_and_state(app: Flask, scraper: FlaskClient) -> None:
    messages(app)
    text = scrape(scraper)
    assert "# TYPE portal_outbox_messages gauge" in text
    vejen = {"municipality": "575"}
    assert sample(text, "portal_outbox_messages", **vejen, kind="delivery", state="failed") == 1
    assert sample(text, "portal_outbox_messages", **vejen, kind="delivery", state="dead") == 1
    assert sample(text, "portal_outbox_messages", **vejen, kind="delivery", state="pending") == 0
    assert sample(text, "portal_outbox_messages", **vejen, kind="mail", state="pending") == 1
    # Every known municipality has every series, so an alert never meets a missing one.
    roskilde = {"municipality": "265", "kind": "delivery"}
    assert sample(text, "portal_outbox_messages", **roskilde, state="dead") == 0
    assert sample(text, "portal_outbox_oldest_undelivered_age_seconds", **roskilde) == 0


def test_the_oldest_undelivered_age_in_seconds(app: Flask, scraper: FlaskClient) -> None:
    messages(app)
    text = scrape(scraper)
    name = "portal_outbox_oldest_undelivered_age_seconds"
    age = sample(text, name, municipality="575", kind="delivery")
    assert age is not None and 2 * 3600 <= age < 2 * 3600 + 120
    mail_age = sample(text, name, municipality="575", kind="mail")
    assert mail_age is not None and 0 <= mail_age < 120


def test_delivered_messages_leave_the_backlog(app: Flask, scraper: FlaskClient) -> None:
    ids = messages(app)
    with database(app).transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids))
            .values(state=OutboxState.DELIVERED, delivered_at=utcnow())
        )  # fmt: skip
    text = scrape(scraper)
    for state in ("pending", "sending", "failed", "dead"):
        for kind in ("delivery", "mail", "notice"):
            labels = {"municipality": "575", "kind": kind, "state": state}
            assert sample(text, "portal_outbox_messages", **labels) == 0, labels
    age = sample(text, "portal_outbox_oldest_undelivered_age_seconds", municipality="575",
                 kind="delivery")  # fmt: skip
    assert age == 0


def test_a_switched_off_receiver_shows(app: Flask, scraper: FlaskClient) -> None:
    assert sample(scrape(scraper), "portal_delivery_target_disabled", municipality="575") == 0
    with database(app).transaction() as session:
        queue.disable_target(session, "575", "410 Gone", utcnow())
    text = scrape(scraper)
    assert sample(text, "portal_delivery_target_disabled", municipality="575") == 1
    assert sample(text, "portal_delivery_target_disabled", municipality="265") == 0


def test_no_address_or_error_text_reaches_the_metrics(app: Flask, scraper: FlaskClient) -> None:
    messages(app)
    text = scrape(scraper)
    assert ADDRESS not in text and "metrics.hemmelig" not in text
    assert "The receiver answered 503" not in text and "AS-" not in text


def test_the_outbox_gauges_are_there_in_multiprocess_mode(
    app: Flask, scraper: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's counters come from files; the outbox from the database, so an empty
    folder (a fresh start) still gives the backlog."""
    messages(app)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = scrape(scraper)
    labels = {"municipality": "575", "kind": "delivery", "state": "dead"}
    assert sample(text, "portal_outbox_messages", **labels) == 1
