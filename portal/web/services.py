"""The app's shared, start-up-built services, for views of every blueprint."""

from __future__ import annotations

from typing import Any

from flask import current_app

from portal.crypto import DataCipher


def cipher() -> DataCipher:
    """Encryption at rest and the CPR index, keyed from the configuration."""
    return current_app.extensions["portal.cipher"]  # type: ignore[no-any-return]


def standards() -> dict[str, Any]:
    """The municipalities' standards, loaded and validated once at start-up."""
    return current_app.extensions["portal.standards"]  # type: ignore[no-any-return]


def processing_weeks(municipality: str) -> int | None:
    """The processing time the municipality's standard states, in weeks; None where it states
    none (only Vejen's does), so no page shows a deadline nobody set."""
    standard = standards().get(municipality)
    return standard.next_steps.processing_weeks if standard else None
