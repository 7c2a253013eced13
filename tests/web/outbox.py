"""Run the outbox worker in a test, as `portal worker --once` would."""

from __future__ import annotations

from flask import Flask

from portal.outbox.worker import Tally
from portal.web.outbox import build_worker


def drain(app: Flask) -> Tally:
    """Send everything due now, in the test's process."""
    worker = build_worker(app)
    with app.app_context():
        return worker.run_once()
