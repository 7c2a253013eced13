"""`portal rotate-keys`: every encrypted column moves to the newest key, in batches, and a
run stopped half-way is finished by running it again; then the old key can go."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select

from portal.config import DEV_DATA_KEY
from portal.crypto import DataCipher, DecryptionError
from portal.db import rotation
from portal.db.models import Draft
from portal.web.db import database
from tests.conftest import make_app
from tests.web.encrypted import fill, read_all, tokens

NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def rotated_app(app: Flask) -> Iterator[Flask]:
    """The same database, served with a new key put first (the old one still listed)."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], DATA_KEYS=f"{NEW_KEY},{DEV_DATA_KEY}")
    yield other
    database(other).engine.dispose()


def only_new_key(app: Flask) -> Flask:
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], DATA_KEYS=NEW_KEY)


def totals(output: str) -> dict[str, int]:
    line = next(line for line in output.splitlines() if line.startswith("Total:"))
    numbers = re.findall(r"(\d+) (value|re-encrypted|on an older key|undecryptable)", line)
    return {label: int(n) for n, label in numbers}


def test_every_encrypted_column_is_rotated(app: Flask, rotated_app: Flask) -> None:
    fill(app)
    before = read_all(app)
    assert {column for _, _, column in before} >= {
        "answers_enc", "person_enc", "guidance_enc", "message_enc", "text_enc", "totp_secret_enc",
    }  # fmt: skip
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert totals(result.output) == {
        "value": len(before), "re-encrypted": len(before), "on an older key": 0,
        "undecryptable": 0,
    }  # fmt: skip
    assert "application.person_enc: 2 value(s), 2 re-encrypted" in result.output
    # The old key removed: everything still decrypts, to the same values.
    newest_only = only_new_key(app)
    try:
        assert read_all(newest_only) == before
        with pytest.raises(DecryptionError):
            read_all(app, DataCipher(DEV_DATA_KEY, app.config["INDEX_KEY"]))
    finally:
        database(newest_only).engine.dispose()


def test_the_old_key_can_go_and_the_portal_still_works(app: Flask, rotated_app: Flask) -> None:
    links = fill(app)
    assert rotated_app.test_cli_runner().invoke(args=["rotate-keys"]).exit_code == 0
    newest_only = only_new_key(app)
    try:
        client = newest_only.test_client()
        for link in links:
            page = client.get(link)
            assert page.status_code == 200
            assert "Sådan går det med ansøgningen" in page.get_data(as_text=True)
    finally:
        database(newest_only).engine.dispose()


def test_a_second_run_changes_nothing_and_check_agrees(app: Flask, rotated_app: Flask) -> None:
    fill(app)
    runner = rotated_app.test_cli_runner()
    stored = tokens(app)
    check = runner.invoke(args=["rotate-keys", "--check"])
    assert check.exit_code == 1 and "Older keys are still in use" in check.output
    # A check says nothing of re-encrypting or of changes meanwhile: it changes nothing.
    assert "re-encrypted" not in check.output and "changed meanwhile" not in check.output
    assert totals(check.output)["on an older key"] == len(stored)
    assert tokens(app) == stored  # --check wrote nothing
    runner.invoke(args=["rotate-keys"])
    after_first = tokens(app)
    again = runner.invoke(args=["rotate-keys"])
    assert again.exit_code == 0
    assert totals(again.output)["re-encrypted"] == 0
    assert tokens(app) == after_first  # nothing rewritten
    assert runner.invoke(args=["rotate-keys", "--check"]).exit_code == 0


def test_a_run_stopped_half_way_is_finished_by_the_next(app: Flask, rotated_app: Flask) -> None:
    fill(app)
    before = read_all(app)
    cipher = rotated_app.extensions["portal.cipher"]
    batches = []

    def stop_after_three(table: str, rows: int) -> None:
        batches.append((table, rows))
        if len(batches) == 3:
            raise KeyboardInterrupt  # as if the process were killed between two batches

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_keys(database(rotated_app), cipher, batch_size=1,
                             after_batch=stop_after_three)  # fmt: skip
    current = [t for t in tokens(app).values() if cipher.is_current(t)]
    assert 0 < len(current) < len(before)  # the three committed batches, nothing more
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys", "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    done = totals(result.output)
    assert done["re-encrypted"] == len(before) - len(current)
    assert all(cipher.is_current(t) for t in tokens(app).values())
    assert read_all(rotated_app) == before


def test_rotation_leaves_the_drafts_purge_clock_alone(app: Flask, rotated_app: Flask) -> None:
    fill(app)
    with database(app).transaction() as session:
        touched = dict(session.execute(select(Draft.id, Draft.updated_at)).tuples().all())
    rotated_app.test_cli_runner().invoke(args=["rotate-keys"])
    with database(app).transaction() as session:
        assert dict(session.execute(select(Draft.id, Draft.updated_at)).tuples().all()) == touched


def test_a_value_no_key_opens_is_reported_and_fails_the_run(app: Flask, rotated_app: Flask) -> None:
    fill(app)
    stranger = DataCipher(Fernet.generate_key().decode(), app.config["INDEX_KEY"])
    with database(app).transaction() as session:
        draft = session.scalars(select(Draft)).first()
        assert draft is not None
        draft.answers_enc = stranger.encrypt({"lost": True})
    result = rotated_app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 1
    assert "draft.answers_enc: 1 value(s), 0 re-encrypted" in result.output
    assert "1 undecryptable" in result.output
    assert "could not be decrypted with any key" in result.output


def test_every_column_named_enc_is_found() -> None:
    found = {f"{t.name}.{c.name}" for t, cs in rotation.encrypted_columns() for c in cs}
    assert found >= {
        "application.answers_enc", "application.guidance_enc", "application.person_enc",
        "case_note.text_enc", "draft.answers_enc", "staff_user.totp_pending_enc",
        "staff_user.totp_secret_enc", "status_event.message_enc",
    }  # fmt: skip
