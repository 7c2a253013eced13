"""The reference receiver (docs/receiver/receiver.py), run as a real local server, and the
fault plan the hand-off tests drive it with.

Requests are signed with the portal's own signer, so these tests also show that what the portal
sends is what a Standard Webhooks receiver accepts.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.handoff import signing
from tests.handoff.receiver import Receiver, running_receiver, wait_until

TOKEN = "reference-receiver-test-token"


def event(
    message_id: str = "1", application_id: int = 101, topic: str = "application.submitted"
) -> bytes:
    """The part of a schema 1.x document the receiver reads (the rest it stores unread)."""
    document = {
        "event": {"id": int(message_id), "topic": topic},
        "application": {"id": application_id, "reference": "AS-2026-000101", "status": "received"},
        "answers": [{"question": "Hvad hedder du?", "answer": "Testperson Testesen"}],
    }
    return json.dumps(document).encode()


def signed(
    receiver: Receiver,
    message_id: str,
    body: bytes,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = signing.headers(secret or receiver.secret, message_id, timestamp, body)
    headers["Content-Type"] = "application/json"
    if receiver.token:
        headers["Authorization"] = f"Bearer {receiver.token}"
    return headers


def deliver(
    receiver: Receiver, message_id: str, body: bytes | None = None
) -> tuple[int, dict[str, str]]:
    """POST a signed event (by default a submission of application 101) and read the answer."""
    body = event(message_id) if body is None else body
    status, _, answer = receiver.post(body, signed(receiver, message_id, body))
    return status, json.loads(answer)


@pytest.fixture
def receiver(tmp_path: Path) -> Iterator[Receiver]:
    with running_receiver(tmp_path) as running:
        yield running


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Receiver]:
    """A receiver that also wants a bearer token."""
    with running_receiver(tmp_path, token=TOKEN) as running:
        yield running


def test_health_answers_200(receiver: Receiver) -> None:
    assert receiver.healthy()


def test_an_event_becomes_a_case_with_a_number(receiver: Receiver) -> None:
    assert deliver(receiver, "1") == (200, {"case_number": "SAG-1"})
    [case] = receiver.cases()
    assert (case["case_number"], case["application_id"], case["reference"], case["status"]) == (
        1,
        "101",
        "AS-2026-000101",
        "received",
    )
    [stored] = receiver.events()
    assert (stored["webhook_id"], stored["topic"], stored["case_number"]) == (
        "1",
        "application.submitted",
        1,
    )
    assert stored["body"] == event("1").decode()


def test_the_same_webhook_id_twice_is_stored_once_with_the_same_case_number(
    receiver: Receiver,
) -> None:
    assert deliver(receiver, "7") == (200, {"case_number": "SAG-1"})
    assert deliver(receiver, "7") == (200, {"case_number": "SAG-1"})
    assert len(receiver.events()) == 1
    assert len(receiver.cases()) == 1
    assert receiver.arrivals() == {"7": 2}
    assert [r["outcome"] for r in receiver.requests()] == [
        "200 stored, case SAG-1",
        "200 duplicate, case SAG-1",
    ]


def test_later_events_of_one_application_join_its_case(receiver: Receiver) -> None:
    assert deliver(receiver, "1", event("1", 101))[1] == {"case_number": "SAG-1"}
    assert deliver(receiver, "2", event("2", 102))[1] == {"case_number": "SAG-2"}
    withdrawn = event("3", 101, "application.withdrawn")
    assert deliver(receiver, "3", withdrawn)[1] == {"case_number": "SAG-1"}
    assert len(receiver.events()) == 3
    cases = {c["application_id"]: c for c in receiver.cases()}
    assert cases.keys() == {"101", "102"}
    assert cases["101"]["last_topic"] == "application.withdrawn"


def test_a_burst_of_the_same_message_from_many_threads_is_stored_once(
    receiver: Receiver,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    body = event("99", 555)
    headers = signed(receiver, "99", body)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: receiver.post(body, headers), range(16)))
    assert {(status, answer) for status, _, answer in answers} == {
        (200, b'{"case_number": "SAG-1"}')
    }
    assert len(receiver.events()) == 1
    assert receiver.arrivals() == {"99": 16}


def assert_refused(receiver: Receiver, headers: dict[str, str], body: bytes, reason: str) -> None:
    status, _, answer = receiver.post(body, headers)
    assert status == 401
    assert json.loads(answer) == {"error": reason}
    assert b"application" not in answer  # the body is never echoed
    assert receiver.events() == []
    assert receiver.cases() == []


def test_a_wrong_secret_is_refused(receiver: Receiver) -> None:
    body = event()
    headers = signed(receiver, "1", body, secret=signing.new_secret())
    assert_refused(receiver, headers, body, "no matching signature")


def test_a_changed_body_is_refused(receiver: Receiver) -> None:
    headers = signed(receiver, "1", event("1", 101))
    assert_refused(receiver, headers, event("1", 102), "no matching signature")


def test_an_old_timestamp_is_refused(receiver: Receiver) -> None:
    body = event()
    headers = signed(receiver, "1", body, timestamp=int(time.time()) - 600)
    assert_refused(receiver, headers, body, "webhook-timestamp too old")


def test_a_future_timestamp_is_refused(receiver: Receiver) -> None:
    body = event()
    headers = signed(receiver, "1", body, timestamp=int(time.time()) + 600)
    assert_refused(receiver, headers, body, "webhook-timestamp too new")


def test_a_missing_signature_is_refused(receiver: Receiver) -> None:
    body = event()
    headers = signed(receiver, "1", body)
    del headers["webhook-signature"]
    assert_refused(receiver, headers, body, "missing webhook headers")


def test_a_rotated_secret_signature_beside_the_current_one_is_accepted(
    receiver: Receiver,
) -> None:
    body, timestamp = event(), int(time.time())
    old = signing.sign(signing.new_secret(), "1", timestamp, body)
    headers = signed(receiver, "1", body, timestamp=timestamp)
    headers["webhook-signature"] = f"{old} {headers['webhook-signature']}"
    assert receiver.post(body, headers)[0] == 200


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_wrong_token_is_refused(guarded: Receiver, authorization: str | None) -> None:
    body = event()
    headers = signed(guarded, "1", body)
    del headers["Authorization"]
    if authorization:
        headers["Authorization"] = authorization
    assert_refused(guarded, headers, body, "wrong or missing bearer token")


def test_the_right_token_and_signature_are_accepted(guarded: Receiver) -> None:
    assert deliver(guarded, "1") == (200, {"case_number": "SAG-1"})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        "{}".encode("utf-16"),
        b'{"event": {"id": 1, "topic": "application.submitted"}}',
        b'{"event": {"id": 1}, "application": {"id": 101}}',
        event(message_id="2"),  # event.id is not the webhook-id
    ],
)
def test_a_signed_body_that_is_not_an_event_is_a_400(receiver: Receiver, body: bytes) -> None:
    status, _, answer = receiver.post(body, signed(receiver, "1", body))
    assert status == 400, answer
    assert receiver.events() == []


def test_another_path_is_a_404(receiver: Receiver) -> None:
    body = event()
    assert receiver.post(body, signed(receiver, "1", body), path="/other")[0] == 404


def test_the_log_has_one_line_per_request_without_the_document(receiver: Receiver) -> None:
    deliver(receiver, "41")
    receiver.post(b"x", {"webhook-id": "42"})

    def posts() -> list[str]:
        return [line for line in receiver.log().splitlines() if "POST" in line]

    # The receiver logs after it has answered: under load the line may come a moment later.
    lines = wait_until(lambda: len(posts()) == 2 and posts())
    assert len(lines) == 2
    assert "webhook-id=41 topic=application.submitted outcome=200 stored, case SAG-1" in lines[0]
    assert "webhook-id=42" in lines[1] and "outcome=401" in lines[1]
    assert "Testperson" not in receiver.log()
    assert "AS-2026" not in receiver.log()


# --- The fault plan ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 410, 429])
def test_a_planned_status_is_answered_once_and_nothing_stored(
    receiver: Receiver, status: int
) -> None:
    receiver.plan({"status": status})
    assert deliver(receiver, "1") == (status, {"error": "planned"})
    assert receiver.events() == []
    # The plan is used up: the resend is handled.
    assert deliver(receiver, "1") == (200, {"case_number": "SAG-1"})
    assert receiver.arrivals() == {"1": 2}
    assert [r["status"] for r in receiver.requests()] == [status, 200]


def test_plan_entries_are_used_in_order(receiver: Receiver) -> None:
    receiver.plan({"status": 500}, {"status": 502}, {"status": 503})
    assert [deliver(receiver, "1")[0] for _ in range(4)] == [500, 502, 503, 200]
    assert receiver.planned() == []


def test_a_planned_retry_after_is_sent(receiver: Receiver) -> None:
    receiver.plan({"status": 503, "retry_after": 120})
    body = event()
    status, headers, _ = receiver.post(body, signed(receiver, "1", body))
    assert (status, headers.get("retry-after")) == (503, "120")


def test_a_planned_close_drops_the_connection_without_an_answer(receiver: Receiver) -> None:
    receiver.plan({"close": True})
    body = event()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        receiver.post(body, signed(receiver, "1", body))
    [request] = receiver.requests()
    assert (request["status"], request["outcome"]) == (None, "closed (plan)")
    assert receiver.events() == []


def test_a_planned_delay_outlasts_the_senders_timeout_and_the_resend_is_a_duplicate(
    receiver: Receiver,
) -> None:
    """As when a sender times out, or dies, while the receiver is still storing: the receiver
    stores it once, the resend gets the same case number, and the id arrived twice."""
    receiver.plan({"delay": 0.6})
    body = event()
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        receiver.post(body, signed(receiver, "1", body), timeout=0.2)
    assert wait_until(receiver.events, 5)
    assert time.monotonic() - started >= 0.6
    assert deliver(receiver, "1", body) == (200, {"case_number": "SAG-1"})
    assert len(receiver.events()) == 1
    assert receiver.arrivals() == {"1": 2}


def test_a_planned_delay_then_normal_handling_within_the_timeout(receiver: Receiver) -> None:
    receiver.plan({"delay": 0.3})
    started = time.monotonic()
    assert deliver(receiver, "1") == (200, {"case_number": "SAG-1"})
    assert time.monotonic() - started >= 0.3


def test_stopped_it_refuses_connections_and_started_again_it_keeps_its_cases(
    receiver: Receiver,
) -> None:
    deliver(receiver, "1", event("1", 101))
    port, url = receiver.port, receiver.url
    receiver.stop()
    assert not receiver.healthy()
    with pytest.raises(ConnectionRefusedError):
        receiver.post(event("2", 102), signed(receiver, "2", event("2", 102)))
    receiver.start()
    assert (receiver.port, receiver.url) == (port, url)
    assert deliver(receiver, "2", event("2", 102)) == (200, {"case_number": "SAG-2"})
    assert deliver(receiver, "1", event("1", 101)) == (200, {"case_number": "SAG-1"})
    assert len(receiver.cases()) == 2


def test_starting_twice_is_refused(receiver: Receiver) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        receiver.start()


def test_two_receivers_run_side_by_side(tmp_path: Path) -> None:
    with running_receiver(tmp_path) as first, running_receiver(tmp_path) as second:
        assert first.port != second.port
        assert first.secret != second.secret
        deliver(first, "1")
        assert second.events() == []
