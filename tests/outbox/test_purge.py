"""What the outbox keeps: a sent e-mail's address and text not at all, sent messages 30 days,
unclaimed events of a municipality without a receiver 30 days, failures until an admin acts."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.db.models import OutboxKind, OutboxMessage, OutboxState, utcnow
from portal.outbox import queue
from portal.outbox.queue import Outcome, Policy
from portal.web.db import database
from tests.web.journey import answer_until, submit


def test_purge_keeps_what_is_young_failing_or_wanted(app: Flask) -> None:
    client = app.test_client()
    answer_until(client)
    submit(client)
    now = utcnow()
    old = now - timedelta(days=31)
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        [event] = session.scalars(select(OutboxMessage))
        event.created_at = old  # Vejen's first event, never claimed
        application_id = event.application_id
        sent_long_ago = queue.add_mail(session, cipher, municipality_code="575", topic="mail.t",
                                       to="a@example.dk", subject="s", body="b")  # fmt: skip
        sent_long_ago.state, sent_long_ago.delivered_at = OutboxState.DELIVERED, old
        failing = queue.add_event(session, application_id or 0, "575", "application.withdrawn",
                                  "withdrawn")  # fmt: skip
        failing.state, failing.created_at = OutboxState.DEAD, old
        young = queue.add_mail(session, cipher, municipality_code="575", topic="mail.t",
                               to="b@example.dk", subject="s", body="b")  # fmt: skip
        session.flush()
        keep = {failing.id, young.id}
    with database(app).transaction() as session:
        assert queue.purge(session, now, receiving={"575"}) == 1  # only the old sent mail
    with database(app).transaction() as session:
        assert queue.purge(session, now, receiving=set()) == 1  # Vejen takes no events
        assert set(session.scalars(select(OutboxMessage.id))) == keep


def test_a_sent_mail_forgets_its_address_and_text(app: Flask) -> None:
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        queue.add_mail(session, cipher, municipality_code=None, topic="mail.resume_link",
                       to="karen@example.dk", subject="s", body="link")  # fmt: skip
    now = utcnow()
    with database(app).transaction() as session:
        leased = queue.lease_next(session, now, Policy(), push_codes=(), mail=True)
        assert leased is not None and leased.kind is OutboxKind.MAIL
    with database(app).transaction() as session:
        queue.settle(session, leased, Outcome.ok(), now, Policy(), random.Random(0))
    with database(app).transaction() as session:
        [mail] = session.scalars(select(OutboxMessage))
        assert mail.state is OutboxState.DELIVERED and mail.payload_enc is None
