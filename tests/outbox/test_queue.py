"""Leases, outcomes and the dead letter, on both databases."""

from __future__ import annotations

import random
from datetime import timedelta

from flask import Flask

from portal.db.models import DeliveryTarget, OutboxMessage, OutboxState, utcnow
from portal.outbox import queue
from portal.outbox.queue import Outcome, Policy
from portal.web.db import database
from tests.web.journey import answer_until, submit

POLICY = Policy(give_up_after=timedelta(hours=1), lease=timedelta(minutes=5))
RNG = random.Random(0)


def one_event(app: Flask) -> int:
    client = app.test_client()
    answer_until(client)
    submit(client)
    with database(app).transaction() as session:
        return session.query(OutboxMessage.id).one()[0]  # type: ignore[no-any-return]


def lease(app: Flask, now, push=("575",)):  # type: ignore[no-untyped-def]
    with database(app).transaction() as session:
        return queue.lease_next(session, now, POLICY, push, mail=False)


def settle(app: Flask, leased, outcome, now):  # type: ignore[no-untyped-def]
    with database(app).transaction() as session:
        return queue.settle(session, leased, outcome, now, POLICY, RNG)


def row(app: Flask, message_id: int) -> OutboxMessage:
    with database(app).transaction() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        return found


def test_a_municipality_without_a_receiver_gets_no_pushes(app: Flask) -> None:
    one_event(app)
    assert lease(app, utcnow(), push=()) is None
    assert lease(app, utcnow(), push=("157",)) is None


def test_a_leased_message_is_not_leased_again_until_the_lease_runs_out(app: Flask) -> None:
    message_id = one_event(app)
    now = utcnow()
    first = lease(app, now)
    assert first is not None and first.id == message_id and first.attempts == 1
    assert lease(app, now + timedelta(minutes=4)) is None
    second = lease(app, now + timedelta(minutes=6))  # the first worker died
    assert second is not None and second.attempts == 2 and second.lease != first.lease
    # The first worker's late answer changes nothing: the message is the second one's now.
    assert settle(app, first, Outcome.ok("SAG-1"), now) is None
    assert row(app, message_id).state is OutboxState.SENDING
    assert settle(app, second, Outcome.ok("SAG-2"), now) is OutboxState.DELIVERED
    done = row(app, message_id)
    assert done.receiver_reference == "SAG-2" and done.lease is None


def test_failures_are_retried_later_then_dead_after_the_limit_and_sent_again_on_request(
    app: Flask,
) -> None:
    message_id = one_event(app)
    now = utcnow()
    leased = lease(app, now)
    assert (
        settle(app, leased, Outcome.failed("The receiver answered 500"), now) is OutboxState.FAILED
    )
    failed = row(app, message_id)
    assert failed.last_error == "The receiver answered 500"
    assert now + timedelta(seconds=60) <= failed.next_attempt_at <= now + timedelta(seconds=90)
    assert lease(app, now + timedelta(seconds=10)) is None  # not due yet
    later = now + timedelta(hours=2)  # past the one-hour limit
    leased = lease(app, later)
    assert (
        settle(app, leased, Outcome.failed("No answer within 30 seconds"), later)
        is OutboxState.DEAD
    )
    assert lease(app, later + timedelta(days=1)) is None  # the dead are left alone
    with database(app).transaction() as session:
        assert not queue.send_again(session, message_id, "157", later, POLICY)  # not theirs
        assert queue.send_again(session, message_id, "575", later, POLICY)
    again = lease(app, later)
    assert again is not None and again.attempts == 3
    assert settle(app, again, Outcome.ok(), later) is OutboxState.DELIVERED


def test_410_switches_the_receiver_off_until_an_admin_switches_it_on(app: Flask) -> None:
    message_id = one_event(app)
    now = utcnow()
    leased = lease(app, now)
    gone = Outcome(False, error="The receiver answered 410 Gone", gone=True)
    assert settle(app, leased, gone, now) is OutboxState.FAILED
    with database(app).transaction() as session:
        target = session.get(DeliveryTarget, "575")
        assert target is not None and target.disabled_at is not None
        assert target.disabled_reason == "The receiver answered 410 Gone"
    assert lease(app, now + timedelta(hours=1)) is None
    with database(app).transaction() as session:
        queue.enable_target(session, "575", now)
    assert lease(app, now) is not None
    assert row(app, message_id).state is OutboxState.SENDING


def test_the_backlog_counts_what_has_not_left(app: Flask) -> None:
    message_id = one_event(app)
    now = utcnow()
    with database(app).transaction() as session:
        backlog = queue.backlog(session, "575")
        assert (backlog.undelivered, backlog.failing, backlog.dead) == (1, 0, 0)
        assert backlog.oldest is not None and backlog.oldest <= now
        assert queue.backlog(session, "157").undelivered == 0
    settle(app, lease(app, now), Outcome.ok(), now)
    with database(app).transaction() as session:
        assert queue.backlog(session).undelivered == 0
    assert row(app, message_id).delivered_at is not None
