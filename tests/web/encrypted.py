"""Encrypted data of every kind, for the key rotation and backup tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.crypto import DataCipher
from portal.db.models import Application, CaseNote, StaffUser, Status, StatusEvent
from portal.db.rotation import encrypted_columns
from portal.web.db import database
from tests.web.journey import answer_until, status_links, submit
from tests.web.staff import make_staff

Plain = dict[tuple[str, str, str], Any]  # (table, primary key, column) -> decrypted value


def fill(app: Flask) -> list[str]:
    """Two submitted applications (one by a relative), a draft half answered, a caseworker
    with a TOTP secret, an internal note and a message to the citizen. Returns the
    applications' status links."""
    links = []
    for other in (False, True):
        client = app.test_client()
        answer_until(client, other=other)
        submit(client)
        links.extend(status_links(client.get("/kvittering").get_data(as_text=True)))
    answer_until(app.test_client(), stop="/ansoeg/dage")
    staff_id = make_staff(app, "575", "ida@vejen.dk")
    cipher: DataCipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        application_id = session.scalars(select(Application.id).order_by(Application.id)).first()
        assert application_id is not None
        user = session.get(StaffUser, staff_id)
        assert user is not None
        user.totp_secret_enc = cipher.encrypt("JBSWY3DPEHPK3PXP")
        session.add(CaseNote(application_id=application_id, staff_id=staff_id,
                             text_enc=cipher.encrypt("Ring efter kl. 10.")))  # fmt: skip
        session.add(StatusEvent(application_id=application_id, status=Status.AWAITING_CITIZEN,
                                actor="staff", staff_id=staff_id,
                                message_enc=cipher.encrypt({"text": "Send lægens brev."})))  # fmt: skip
    return links


def read_all(app: Flask, cipher: DataCipher | None = None) -> Plain:
    """Every encrypted value in the database, decrypted (with the app's own keys by default)."""
    cipher = cipher or app.extensions["portal.cipher"]
    found: Plain = {}
    with database(app).transaction() as session:
        for table, columns in encrypted_columns():
            [key] = table.primary_key.columns
            for row in session.execute(select(key, *columns)):
                for column in columns:
                    value = row._mapping[column]
                    if value is not None:
                        found[(table.name, str(row[0]), column.name)] = cipher.decrypt(value)
    return found


def tokens(app: Flask) -> dict[tuple[str, str, str], str]:
    """Every encrypted value as stored (the Fernet tokens)."""
    found = {}
    with database(app).transaction() as session:
        for table, columns in encrypted_columns():
            [key] = table.primary_key.columns
            for row in session.execute(select(key, *columns)):
                for column in columns:
                    if row._mapping[column] is not None:
                        found[(table.name, str(row[0]), column.name)] = row._mapping[column]
    return found
