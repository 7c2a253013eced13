"""Stored data that no key in PORTAL_DATA_KEYS decrypts (a key it was written with was taken
out too early): an honest page that does not promise a retry will help, a caseworker told to
call the operator, and a log line that names the cause without any of the data."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import update

from portal.db.models import Application, Draft
from portal.web.db import database
from tests.web.journey import answer_until, submit
from tests.web.staff import staff_client


def sent_under_a_lost_key(app: Flask) -> int:
    """An application encrypted with a key the portal no longer has."""
    citizen = app.test_client()
    answer_until(citizen)
    assert submit(citizen).status_code == 303
    lost = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()
    with database(app).transaction() as session:
        session.execute(
            update(Application).values(person_enc=lost, answers_enc=lost, guidance_enc=lost)
        )
        application_id = session.query(Application.id).scalar()
    return int(application_id)


def test_the_caseworker_is_told_to_call_the_operator(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    application_id = sent_under_a_lost_key(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    with caplog.at_level(logging.ERROR, logger="portal.errors"):
        response = client.get(f"/sagsbehandler/sag/{application_id}")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Oplysningerne kan ikke læses" in html and "Giv driften besked" in html
    assert "Prøv igen om lidt" not in html
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "PORTAL_DATA_KEYS" in logged and "rotate-keys --check" in logged


def test_the_citizen_is_not_promised_that_a_retry_helps(app: Flask) -> None:
    citizen = app.test_client()
    answer_until(citizen, stop="/ansoeg/alder")
    lost = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()
    with database(app).transaction() as session:
        session.execute(update(Draft).values(answers_enc=lost))
    response = citizen.get("/ansoeg/alder")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Vi kan ikke læse de oplysninger, der er gemt." in html
    assert "Prøv igen om lidt" not in html
