"""Submitting is one transaction and idempotent on the draft, even under concurrency."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from portal import applications
from portal.crypto import DataCipher
from portal.db import drafts
from portal.db.models import Application, Draft, OutboxMessage, Status, StatusEvent
from portal.web.db import database


def cipher(app: Flask) -> DataCipher:
    return app.extensions["portal.cipher"]  # type: ignore[no-any-return]


def make_draft(app: Flask) -> str:
    with database(app).transaction() as session:
        return drafts.create_draft(session, cipher(app)).id


def submission(draft_key: str, other: bool = False) -> applications.Submission:
    return applications.Submission(
        draft_key=draft_key,
        municipality_code="575",
        standard_version="abc123",
        cpr="010190-1234",
        person={"full_name": "Åse Ørsted"},
        answers=[{"question_id": "who", "answer": ["Mig selv"]}],
        guidance={"fit": "likely"},
        for_someone_else=other,
    )


def submit(app: Flask, draft_key: str, other: bool = False) -> applications.Receipt:
    with database(app).transaction() as session:
        return applications.submit(session, cipher(app), submission(draft_key, other))


def count(app: Flask, model: type) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_submit_stores_application_first_status_and_outbox_and_deletes_the_draft(
    app: Flask,
) -> None:
    key = make_draft(app)
    receipt = submit(app, key)
    assert receipt.application.reference.startswith("AS-20")
    assert receipt.application.status is Status.RECEIVED
    assert receipt.representative_token is None
    assert (count(app, Application), count(app, StatusEvent), count(app, OutboxMessage)) == (
        1,
        1,
        1,
    )
    assert count(app, Draft) == 0


def test_personal_data_is_encrypted_at_rest(app: Flask) -> None:
    submit(app, make_draft(app))
    with database(app).engine.connect() as conn:
        row = conn.execute(select(Application.__table__)).mappings().one()
    stored = " ".join(str(v) for v in row.values())
    assert "Åse" not in stored and "010190" not in stored and "Mig selv" not in stored


def test_a_second_submit_of_the_same_draft_gives_the_same_receipt(app: Flask) -> None:
    key = make_draft(app)
    first, second = submit(app, key), submit(app, key)
    assert first.application.id == second.application.id
    assert first.status_token == second.status_token
    assert count(app, Application) == 1


def test_ten_parallel_submits_of_one_draft_make_one_application(app: Flask) -> None:
    key = make_draft(app)
    results: list[str] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(submit(app, key).application.reference)
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 10
    assert count(app, Application) == 1
    assert count(app, OutboxMessage) == 1


def test_references_count_up_within_a_year(app: Flask) -> None:
    a = submit(app, make_draft(app)).application.reference
    b = submit(app, make_draft(app)).application.reference
    assert int(b.rsplit("-", 1)[1]) == int(a.rsplit("-", 1)[1]) + 1


def test_a_representative_gets_a_status_link_of_their_own(app: Flask) -> None:
    receipt = submit(app, make_draft(app), other=True)
    assert receipt.representative_token and receipt.representative_token != receipt.status_token
    with database(app).transaction() as session:
        found = applications.find_by_status_token(session, receipt.representative_token)
        assert found is not None and found[1] is True
        assert applications.find_by_status_token(session, "forged") is None


def test_withdraw_records_the_change_and_cannot_be_repeated(app: Flask) -> None:
    receipt = submit(app, make_draft(app))
    with database(app).transaction() as session:
        application = session.get(Application, receipt.application.id)
        assert application is not None
        applications.withdraw(session, application, by_representative=False)
    with database(app).transaction() as session:
        application = session.get(Application, receipt.application.id)
        assert application is not None and application.status is Status.WITHDRAWN
        assert [e.status for e in applications.history(session, application)] == [
            Status.RECEIVED, Status.WITHDRAWN
        ]  # fmt: skip
        try:
            applications.withdraw(session, application, by_representative=False)
        except applications.NotWithdrawable:
            pass
        else:
            raise AssertionError("a withdrawn application was withdrawn again")


def test_drafts_untouched_for_30_days_are_purged(app: Flask) -> None:
    from datetime import timedelta

    from portal.db.models import utcnow

    old, fresh = make_draft(app), make_draft(app)
    with database(app).transaction() as session:
        draft = session.get(Draft, old)
        assert draft is not None
        draft.updated_at = utcnow() - timedelta(days=31)
    with database(app).transaction() as session:
        assert drafts.get_draft(session, old) is None
        assert drafts.get_draft(session, fresh) is not None
        assert drafts.purge_drafts(session) == 1
    assert count(app, Draft) == 1
