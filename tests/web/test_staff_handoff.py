"""What admins and caseworkers see of the hand-off: the admin's page of failing and dead
messages with "send again", the receiver switched back on, the dashboard's line and the case
page's case number from the municipality's system. Never an e-mail's address or body."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from portal.db.models import (
    Application,
    AuditEvent,
    DeliveryTarget,
    OutboxMessage,
    OutboxState,
    StaffRole,
    utcnow,
)
from portal.outbox import queue, targets
from portal.outbox.targets import Handoff, Webhook
from portal.web.db import database
from tests.web.helpers import set_language
from tests.web.staff import csrf_from, staff_client
from tests.web.test_staff import submitted

PAGE = "/sagsbehandler/admin/overfoersler"
SEND_AGAIN = f"{PAGE}/send-igen"
SWITCH_ON = f"{PAGE}/slaa-til"
DASHBOARD = "/sagsbehandler/overblik"
ADDRESS = "karen.hemmelig@example.dk"
BODY_SECRET = "statuslink-ZX81-hemmelig"


@pytest.fixture(autouse=True)
def municipalities_take_events(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every municipality pulls its events (a test may set something else): a municipality
    that takes none is behind on nothing, and would show no backlog at all."""
    env = {f"PORTAL_API_TOKEN_{code}": code * 14 for code in ("157", "173", "265", "370", "575")}
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.from_environ(env, False))


def event_of(app: Flask, application: Application) -> int:
    """The application.submitted delivery the submit wrote."""
    with database(app).transaction() as session:
        return session.scalars(
            select(OutboxMessage.id).where(
                OutboxMessage.application_id == application.id,
                OutboxMessage.topic == "application.submitted",
            )
        ).one()


def queued_mail(app: Flask, application: Application) -> int:
    with database(app).transaction() as session:
        message = queue.add_mail(
            session, app.extensions["portal.cipher"], municipality_code="575",
            topic="mail.receipt", to=ADDRESS, subject="Kvittering",
            body=f"Se din ansøgning: https://portal.example/status/{BODY_SECRET}",
            application_id=application.id,
        )  # fmt: skip
        session.flush()
        return message.id


def set_message(app: Flask, message_id: int, **values: Any) -> None:
    with database(app).transaction() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
        )


def message(app: Flask, message_id: int) -> OutboxMessage:
    with database(app).transaction() as session:
        found = session.get(OutboxMessage, message_id)
        assert found is not None
        session.expunge(found)
        return found


def failing(app: Flask, message_id: int, error: str, attempts: int = 3) -> None:
    set_message(
        app, message_id, state=OutboxState.FAILED, attempts=attempts, last_error=error,
        next_attempt_at=utcnow() + timedelta(minutes=20), give_up_at=utcnow() + timedelta(days=2),
    )  # fmt: skip


def dead(app: Flask, message_id: int, error: str) -> None:
    set_message(
        app, message_id, state=OutboxState.DEAD, attempts=14, last_error=error,
        next_attempt_at=utcnow() - timedelta(hours=1), give_up_at=utcnow() - timedelta(hours=1),
    )  # fmt: skip


@pytest.fixture
def handoff_setup(app: Flask) -> Iterator[Handoff]:
    """Vejen pushes to its receiver and gets notices; the page must show neither secret."""
    before = app.extensions["portal.handoff"]
    setup = Handoff(
        webhooks={"575": Webhook(
            "https://esdh.vejen.example/hooks/ti7Qx-path-secret", "whsec_" + "A" * 32,
            "token-" + "b" * 40,
        )},
        notice_addresses={"575": "socialpostkasse@vejen.example"},
    )  # fmt: skip
    app.extensions["portal.handoff"] = setup
    yield setup
    app.extensions["portal.handoff"] = before


# -- the admin's page ---------------------------------------------------------------------


def test_an_admin_sees_failing_and_dead_messages_but_never_an_address_or_body(
    app: Flask,
) -> None:
    application = submitted(app, "575")
    delivery = event_of(app, application)
    mail = queued_mail(app, application)
    failing(app, delivery, "The receiver answered 503")
    dead(app, mail, "The mail server did not answer in time")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "The receiver answered 503" in html and "The mail server did not answer in time" in html
    assert html.count(application.reference) == 2
    assert "Overførsel til kommunens system" in html and "Ny ansøgning" in html
    assert "E-mail" in html and "Kvittering til ansøgeren" in html
    assert "Opgivet" in html
    for secret in (ADDRESS, "hemmelig", BODY_SECRET, "Karen Hansen", "010190"):
        assert secret not in html, secret
    assert f'name="message" value="{delivery}"' in html
    assert [e.action for e in audit(app)][-1:] == ["handoff_view"]


def test_the_backlog_counts_and_the_oldest_age_in_words(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulls = targets.from_environ({"PORTAL_API_TOKEN_575": "x" * 40}, production=False)
    monkeypatch.setitem(app.extensions, "portal.handoff", pulls)
    first = event_of(app, submitted(app, "575"))
    second = event_of(app, submitted(app, "575", "010190-2345"))
    dead(app, second, "The receiver answered 500")
    set_message(app, first, created_at=utcnow() - timedelta(hours=2, minutes=5))
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "2 timer" in html
    # Each message on one line only: the given-up one is not also waiting (probe 2026-12-06).
    assert rows_of(html) == {"Venter på at blive sendt": "1", "Fejler og bliver prøvet igen": "0",
                             "Opgivet": "1", "Den ældste har ventet": "2 timer"}  # fmt: skip
    # A municipality that takes no events is behind on nothing: its events are only kept.
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.Handoff())
    html = admin.get(PAGE).get_data(as_text=True)
    assert rows_of(html)["Venter på at blive sendt"] == "0" and rows_of(html)["Opgivet"] == "0"


def rows_of(html: str) -> dict[str, str]:
    """The summary list rows of the "what waits" table."""
    part = html.split("Det, der venter", 2)[2]
    return dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]*)</td>', part)[:4])


def test_the_page_shows_where_the_handoff_goes_without_its_secrets(
    app: Flask, handoff_setup: Handoff
) -> None:
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "esdh.vejen.example" in html
    assert "s…@vejen.example" in html
    for secret in ("ti7Qx", "path-secret", "/hooks", "whsec_", "token-", "socialpostkasse"):
        assert secret not in html, secret
    assert "Ikke sat op" not in html


def test_without_a_receiver_the_portal_queue_is_the_only_handoff(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.Handoff())
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "Ikke sat op: køen i portalen er den eneste overførsel." in html
    assert "Ingen beskeder fejler lige nu." in html


def test_the_page_is_complete_in_english(app: Flask) -> None:
    dead(app, event_of(app, submitted(app, "575")), "The receiver answered 500")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    set_language(admin, "en")
    html = admin.get(PAGE).get_data(as_text=True)
    for danish in ("Overførsel til kommunens system", "Send igen", "Opgivet", "Ikke sat op"):
        assert danish not in html, danish
    assert "Send again" in html


def test_a_caseworker_gets_no_handoff_page_or_action(app: Flask) -> None:
    delivery = event_of(app, submitted(app, "575"))
    dead(app, delivery, "The receiver answered 500")
    with database(app).transaction() as session:
        queue.disable_target(session, "575", "410 Gone", utcnow())
    worker = staff_client(app, "575", "ida@vejen.dk")
    token = csrf_from(worker, "/sagsbehandler/")
    assert worker.get(PAGE).status_code == 403
    assert (
        worker.post(SEND_AGAIN, data={"message": delivery, "csrf_token": token}).status_code == 403
    )
    assert worker.post(SWITCH_ON, data={"csrf_token": token}).status_code == 403
    assert message(app, delivery).state is OutboxState.DEAD
    assert target(app) is not None and target(app).disabled_at is not None  # type: ignore[union-attr]
    assert "Overførsler</a>" not in worker.get("/sagsbehandler/").get_data(as_text=True)


# -- send again ---------------------------------------------------------------------------


def test_send_again_makes_a_dead_message_pending_and_due_now(app: Flask) -> None:
    delivery = event_of(app, submitted(app, "575"))
    dead(app, delivery, "The receiver answered 500")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    before = utcnow()
    response = admin.post(SEND_AGAIN, data={"message": delivery,
                                            "csrf_token": csrf_from(admin, PAGE)})  # fmt: skip
    assert response.status_code == 303
    after = message(app, delivery)
    assert after.state is OutboxState.PENDING
    assert before <= after.next_attempt_at <= utcnow()
    assert after.give_up_at is not None and after.give_up_at > utcnow() + timedelta(hours=1)
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Beskeden bliver sendt igen med det samme." in page
    assert ("handoff_send_again", f"message:{delivery}") in [
        (e.action, e.detail) for e in audit(app)
    ]


def test_send_again_works_for_a_failing_message_too(app: Flask) -> None:
    delivery = event_of(app, submitted(app, "575"))
    failing(app, delivery, "The receiver answered 503")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    admin.post(SEND_AGAIN, data={"message": delivery, "csrf_token": csrf_from(admin, PAGE)})
    assert message(app, delivery).state is OutboxState.PENDING
    assert message(app, delivery).next_attempt_at <= utcnow()


def test_another_municipalitys_message_answers_404_and_stays_as_it_was(app: Flask) -> None:
    delivery = event_of(app, submitted(app, "575"))
    dead(app, delivery, "The receiver answered 500")
    before = message(app, delivery)
    outsider = staff_client(app, "265", "chef@roskilde.dk", StaffRole.ADMIN)
    response = outsider.post(SEND_AGAIN, data={"message": delivery,
                                               "csrf_token": csrf_from(outsider, PAGE)})  # fmt: skip
    assert response.status_code == 404
    after = message(app, delivery)
    assert (after.state, after.next_attempt_at, after.give_up_at) == (
        before.state, before.next_attempt_at, before.give_up_at,
    )  # fmt: skip
    html = outsider.get(PAGE).get_data(as_text=True)
    assert "The receiver answered 500" not in html
    assert "handoff_send_again" not in [e.action for e in audit(app)]


def test_send_again_refuses_a_delivered_message_and_a_missing_id(app: Flask) -> None:
    delivery = event_of(app, submitted(app, "575"))
    set_message(app, delivery, state=OutboxState.DELIVERED, delivered_at=utcnow())
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    token = csrf_from(admin, PAGE)
    assert (
        admin.post(SEND_AGAIN, data={"message": delivery, "csrf_token": token}).status_code == 404
    )
    assert admin.post(SEND_AGAIN, data={"message": "x", "csrf_token": token}).status_code == 400
    assert admin.post(SEND_AGAIN, data={"csrf_token": token}).status_code == 400
    assert message(app, delivery).state is OutboxState.DELIVERED


# -- the receiver switched off ----------------------------------------------------------------


def target(app: Flask) -> DeliveryTarget | None:
    with database(app).transaction() as session:
        found = session.get(DeliveryTarget, "575")
        if found is not None:
            session.expunge(found)
        return found


def test_switching_the_receiver_on_again_clears_it_and_makes_waiting_deliveries_due(
    app: Flask,
) -> None:
    waiting = event_of(app, submitted(app, "575"))
    later = utcnow() + timedelta(hours=5)
    set_message(app, waiting, state=OutboxState.FAILED, next_attempt_at=later,
                last_error="The receiver answered 410 Gone")  # fmt: skip
    with database(app).transaction() as session:
        queue.disable_target(session, "575", "The receiver answered 410 Gone", utcnow())
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "Modtageren er slået fra" in html and "The receiver answered 410 Gone" in html
    response = admin.post(SWITCH_ON, data={"csrf_token": csrf_from(admin, PAGE)})
    assert response.status_code == 303
    switched = target(app)
    assert switched is not None and switched.disabled_at is None
    assert switched.disabled_reason is None
    assert message(app, waiting).next_attempt_at <= utcnow()
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Modtageren er slået til igen." in page and "Modtageren er slået fra" not in page
    assert "handoff_enable_target" in [e.action for e in audit(app)]


# -- the dashboard and the case page ----------------------------------------------------------


def test_the_dashboard_says_when_everything_is_handed_off(app: Flask) -> None:
    worker = staff_client(app, "575", "ida@vejen.dk")
    html = worker.get(DASHBOARD).get_data(as_text=True)
    assert "Alt er overført." in html
    assert "Noget skal ordnes" not in html


def test_the_dashboard_shows_the_backlog_and_its_oldest_age(app: Flask) -> None:
    first = event_of(app, submitted(app, "575"))
    submitted(app, "575", "010190-2345")
    submitted(app, "265", "010190-3456")  # another municipality's does not count
    set_message(app, first, created_at=utcnow() - timedelta(days=3, hours=1))
    worker = staff_client(app, "575", "ida@vejen.dk")
    html = worker.get(DASHBOARD).get_data(as_text=True)
    assert "2 overførsler venter; den ældste har ventet 3 dage." in html
    assert "Noget skal ordnes" not in html and PAGE not in html


def test_the_dashboard_warns_of_dead_messages_and_a_switched_off_receiver(app: Flask) -> None:
    dead(app, event_of(app, submitted(app, "575")), "The receiver answered 500")
    with database(app).transaction() as session:
        queue.disable_target(session, "575", "410 Gone", utcnow())
    worker = staff_client(app, "575", "ida@vejen.dk")
    html = worker.get(DASHBOARD).get_data(as_text=True)
    assert "Noget skal ordnes" in html and 'class="alert alert-warning"' in html
    assert "1 besked er opgivet efter mange forsøg." in html
    assert "Kommunens modtager er slået fra." in html
    assert "Sig det til en administrator." in html and f'href="{PAGE}"' not in html
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    assert f'href="{PAGE}">Se overførslerne og send igen' in admin.get(DASHBOARD).get_data(
        as_text=True
    )


def delivered(app: Flask, message_id: int, answer: str | None) -> None:
    """The worker's way: leased, pushed, and the receiver answered 2xx with `answer`."""
    now = utcnow()
    with database(app).transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id != message_id)
                        .values(state=OutboxState.DELIVERED, delivered_at=now))  # fmt: skip
        leased = queue.lease_next(session, now, queue.Policy(), ("575",), mail=False)
        assert leased is not None and leased.id == message_id
    with database(app).transaction() as session:
        queue.settle(session, leased, queue.Outcome.ok(answer), now, queue.Policy(),
                     random.Random(0))  # fmt: skip


def test_the_case_page_shows_the_case_number_the_municipalitys_system_gave(app: Flask) -> None:
    application = submitted(app, "575")
    worker = staff_client(app, "575", "ida@vejen.dk")
    case = f"/sagsbehandler/sag/{application.id}"
    assert "Sagsnummer i kommunens system" not in worker.get(case).get_data(as_text=True)
    delivered(app, event_of(app, application), "SBSYS-27.54.08-G01-42")
    html = worker.get(case).get_data(as_text=True)
    assert "Sagsnummer i kommunens system" in html and "SBSYS-27.54.08-G01-42" in html


def test_the_case_number_outlives_the_message_the_purge_deletes(app: Flask) -> None:
    application = submitted(app, "575")
    event_id = event_of(app, application)
    delivered(app, event_id, "SAG-77")
    with database(app).transaction() as session:
        assert queue.purge(session, utcnow() + timedelta(days=31), ("575",)) >= 1
        assert session.get(OutboxMessage, event_id) is None
    html = staff_client(app, "575", "ida@vejen.dk").get(
        f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)  # fmt: skip
    assert "SAG-77" in html


def test_a_later_events_reference_is_not_taken_for_the_case_number(app: Flask) -> None:
    application = submitted(app, "575")
    delivered(app, event_of(app, application), None)  # received, no number given
    with database(app).transaction() as session:
        later = queue.add_event(
            session, application.id, "575", "application.withdrawn", "withdrawn"
        )
        session.flush()
        later_id = later.id
    delivered(app, later_id, "EVENT-7")
    worker = staff_client(app, "575", "ida@vejen.dk")
    html = worker.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)
    assert "EVENT-7" not in html and "Sagsnummer i kommunens system" not in html


def audit(app: Flask) -> list[AuditEvent]:
    with database(app).transaction() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
