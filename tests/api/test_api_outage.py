"""While the database cannot answer, the pull API says so in JSON with Retry-After, as its
other answers are JSON: the municipality's system reads no HTML page."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.web import db
from tests.api.conftest import call


def test_the_api_answers_an_outage_in_json(
    api_app: Flask, api: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    error: Exception = (
        psycopg.OperationalError("server closed the connection unexpectedly")
        if db.database(api_app).backend == "postgresql"
        else sqlite3.OperationalError("database is locked")
    )

    def away(*_args: Any) -> None:
        raise error

    monkeypatch.setattr(db.database(api_app).engine.dialect, "do_execute", away)
    response = call(api, "GET", "/api/v1/events")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert response.is_json and "try again" in response.get_json()["error"]
    assert error.args[0] not in response.get_data(as_text=True)
