"""Mail a visitor can trigger is limited per draft or application and per address, in the
database: the same limits whichever app server answers, and under concurrent requests."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import mail_throttle
from portal.db.models import MailQuota, utcnow
from portal.web.db import database
from tests.conftest import make_app
from tests.web.helpers import set_language
from tests.web.journey import answer_until, submit, token
from tests.web.outbox import drain

SAVE = "/ansoeg/gem"
RECEIPT = "/kvittering"
LIMIT_DA = "Du kan ikke få linket sendt flere gange lige nu."
LIMIT_EN = "The link cannot be sent again right now."


def with_draft(client: FlaskClient) -> FlaskClient:
    answer_until(client, stop="/ansoeg/kommune")
    return client


def ask_for_resume_link(client: FlaskClient, address: str) -> int:
    html = client.get(SAVE).get_data(as_text=True)
    return client.post(SAVE, data={"email": address, "csrf_token": token(html)}).status_code


def sent(app: Flask, folder: Path) -> int:
    drain(app)  # the worker sends what the requests queued
    return len(list(folder.glob("*.eml")))


def test_a_draft_gets_its_resume_link_mailed_three_times_then_a_clear_no(
    app: Flask, client: FlaskClient, mails: Path
) -> None:
    with_draft(client)
    codes = [ask_for_resume_link(client, f"k{i}@example.dk") for i in range(3)]
    html = client.get(SAVE).get_data(as_text=True)
    response = client.post(SAVE, data={"email": "k9@example.dk", "csrf_token": token(html)})
    page = response.get_data(as_text=True)
    assert codes == [200, 200, 200]
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 24 * 3600
    # Next to the field and in the error summary, which links to it.
    assert f'id="email-error"><span class="sr-only">Fejl: </span>{LIMIT_DA}' in page
    assert 'id="error-summary-heading"' in page and f'href="#email">{LIMIT_DA}' in page
    assert "<title>Fejl:" in page
    assert sent(app, mails) == 3


def test_the_refusal_is_in_english_for_an_english_visitor(client: FlaskClient, mails: Path) -> None:
    with_draft(client)
    set_language(client, "en")
    for i in range(3):
        ask_for_resume_link(client, f"k{i}@example.dk")
    html = client.get(SAVE).get_data(as_text=True)
    response = client.post(SAVE, data={"email": "k@example.dk", "csrf_token": token(html)})
    assert response.status_code == 429
    assert LIMIT_EN in response.get_data(as_text=True)


def test_one_address_gets_five_mails_a_day_whatever_the_draft(app: Flask, mails: Path) -> None:
    clients = [with_draft(app.test_client()) for _ in range(3)]
    codes = [ask_for_resume_link(c, "Karen@Example.dk") for c in clients for _ in range(2)]
    assert codes == [200, 200, 200, 200, 200, 429]
    # "+tags" and capitals reach the same inbox, so they count as the same address.
    assert ask_for_resume_link(with_draft(app.test_client()), "karen+x@example.dk ") == 429
    assert ask_for_resume_link(clients[2], "ole@example.dk") == 200
    assert sent(app, mails) == 6


def test_the_receipt_and_the_resume_link_share_the_address_limit(
    app: Flask, client: FlaskClient, mails: Path
) -> None:
    for _ in range(4):
        assert ask_for_resume_link(with_draft(app.test_client()), "karen@example.dk") == 200
    answer_until(client)
    submit(client)
    html = client.get(RECEIPT).get_data(as_text=True)
    ok = client.post(RECEIPT, data={"email": "karen@example.dk", "csrf_token": token(html)})
    refused = client.post(RECEIPT, data={"email": "karen@example.dk", "csrf_token": token(html)})
    assert ok.status_code == 303
    assert refused.status_code == 429
    assert LIMIT_DA in refused.get_data(as_text=True)
    assert sent(app, mails) == 5


def test_the_database_holds_neither_addresses_nor_draft_ids(
    app: Flask, client: FlaskClient, mails: Path
) -> None:
    with_draft(client)
    ask_for_resume_link(client, "karen@example.dk")
    with client.session_transaction() as cookie:
        draft_id = next(v for v in cookie.values() if isinstance(v, str) and len(v) == 32)
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        keys = set(session.scalars(select(MailQuota.key_digest)))
    assert keys == {
        cipher.index(f"mail-case:draft:{draft_id}"),
        cipher.index("mail-address:karen@example.dk"),
    }
    assert not any("karen" in key or draft_id in key for key in keys)


def test_two_app_servers_sharing_the_database_share_the_limits(app: Flask, mails: Path) -> None:
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_FOLDER=str(mails))
    try:
        first = with_draft(app.test_client())
        # The same visitor (the same signed cookie) on the second server.
        second = other.test_client()
        second.set_cookie("portal_session", first.get_cookie("portal_session").value)  # type: ignore[union-attr]
        codes = [
            ask_for_resume_link(c, f"k{i}@example.dk")
            for i, c in enumerate([first, second, first, second])
        ]
        assert codes == [200, 200, 200, 429]
        # And one address across servers and drafts.
        fresh = [with_draft(a.test_client()) for a in (app, other)]
        codes = [ask_for_resume_link(fresh[i % 2], "ida@example.dk") for i in range(6)]
        assert codes == [200] * 5 + [429]  # two drafts could send six; the address stops it
    finally:
        database(other).engine.dispose()


def test_concurrent_requests_on_two_servers_never_pass_the_limit(app: Flask, mails: Path) -> None:
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_FOLDER=str(mails))
    try:
        clients = [with_draft((app, other)[i % 2].test_client()) for i in range(10)]
        forms = [token(c.get(SAVE).get_data(as_text=True)) for c in clients]
        start = threading.Barrier(len(clients))
        codes: list[int] = []

        def ask(client: FlaskClient, csrf: str) -> None:
            start.wait()
            response = client.post(SAVE, data={"email": "ole@example.dk", "csrf_token": csrf})
            codes.append(response.status_code)

        threads = [
            threading.Thread(target=ask, args=pair) for pair in zip(clients, forms, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(codes) == [200] * 5 + [429] * 5
        assert sent(app, mails) == 5
    finally:
        database(other).engine.dispose()


def test_a_new_day_brings_new_mails_and_old_counters_are_deleted(app: Flask) -> None:
    cipher = app.extensions["portal.cipher"]
    limits = mail_throttle.Limits(per_case=1, per_address=5)
    start = utcnow()

    def take(at: timedelta, case: str = "draft:a") -> bool:
        try:
            with database(app).transaction() as session:
                mail_throttle.take(session, cipher, case_id=case, address="k@example.dk",
                                   limits=limits, now=start + at)  # fmt: skip
        except mail_throttle.MailLimitReached:
            return False
        return True

    assert [take(timedelta(0)), take(timedelta(hours=23))] == [True, False]
    assert take(timedelta(hours=24, seconds=1))
    assert take(timedelta(hours=49), case="draft:b")
    with database(app).transaction() as session:
        rows = session.scalars(select(MailQuota)).all()
    assert {row.sent for row in rows} == {1}  # the day-one counters went with their day
    assert len(rows) == 2


def test_a_refusal_counts_nothing(app: Flask) -> None:
    cipher = app.extensions["portal.cipher"]
    limits = mail_throttle.Limits(per_case=3, per_address=1)
    with database(app).transaction() as session:
        mail_throttle.take(
            session, cipher, case_id="draft:a", address="k@example.dk", limits=limits
        )
    with pytest.raises(mail_throttle.MailLimitReached), database(app).transaction() as session:
        mail_throttle.take(session, cipher, case_id="draft:a", address="k@example.dk",
                           limits=limits)  # fmt: skip
    with database(app).transaction() as session:
        counts = sorted(session.scalars(select(MailQuota.sent)))
    assert counts == [1, 1]  # the draft's counter was not charged for the refused mail
