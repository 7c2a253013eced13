"""The receipt's status link: short enough to copy from a phone, and sent by e-mail on request
with nothing in the mail but the links and the number."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from portal.citizen.followup import status_serializer
from tests.web.journey import answer_until, status_links, submit, token
from tests.web.outbox import drain

RECEIPT = "/kvittering"


def _receipt(client: FlaskClient, other: bool = False) -> str:
    answer_until(client, other=other)
    submit(client)
    return client.get(RECEIPT).get_data(as_text=True)


def test_the_status_link_is_short_and_opens_the_status_page(client: FlaskClient) -> None:
    [link] = status_links(_receipt(client))
    assert len("https://kommune.example.dk" + link) <= 60
    assert "Sådan går det med ansøgningen" in client.get(link).get_data(as_text=True)


def test_a_changed_character_in_a_short_status_link_opens_nothing(client: FlaskClient) -> None:
    [link] = status_links(_receipt(client))
    last = link[-1]
    forged = link[:-1] + ("A" if last != "A" else "B")
    response = client.get(forged)
    assert response.status_code == 404
    assert "Sådan går det med ansøgningen" not in response.get_data(as_text=True)


def test_a_signed_status_link_from_before_still_works(app: Flask, client: FlaskClient) -> None:
    [link] = status_links(_receipt(client))
    raw = link.removeprefix("/status/")
    with app.test_request_context():
        signed = status_serializer().dumps(raw)
    assert "Sådan går det med ansøgningen" in client.get(f"/status/{signed}").get_data(as_text=True)


def test_the_status_link_is_sent_by_mail_with_nothing_but_links_and_the_number(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["MAIL_FOLDER"] = str(tmp_path)
    try:
        html = _receipt(client)
        response = client.post(
            RECEIPT, data={"email": "karen@example.dk", "csrf_token": token(html)}
        )
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Vi har sendt linket" in page
    finally:
        drain(app)  # the worker sends what the request queued
        app.config.pop("MAIL_FOLDER")
    [mail] = list(tmp_path.glob("*.eml"))
    body = mail.read_text()
    [link] = status_links(html)
    assert link in body and "AS-" in body
    assert "Karen" not in body.split("To:")[0] and "1990" not in body and "Hansen" not in body


def test_a_relative_gets_both_links_by_mail(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["MAIL_FOLDER"] = str(tmp_path)
    try:
        html = _receipt(client, other=True)
        client.post(RECEIPT, data={"email": "mor@example.dk", "csrf_token": token(html)})
    finally:
        drain(app)  # the worker sends what the request queued
        app.config.pop("MAIL_FOLDER")
    [mail] = list(tmp_path.glob("*.eml"))
    body = mail.read_text()
    assert all(link in body for link in status_links(html))


def test_a_bad_address_is_refused_next_to_the_field_and_nothing_is_sent(
    client: FlaskClient, mails: Path
) -> None:
    html = _receipt(client)
    response = client.post(RECEIPT, data={"email": "karen@", "csrf_token": token(html)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "navn@eksempel.dk" in page and 'id="error-summary-heading"' in page
    assert not list(mails.glob("*.eml"))


def test_the_link_is_mailed_at_most_three_times_from_one_receipt(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["MAIL_FOLDER"] = str(tmp_path)
    try:
        html = _receipt(client)
        codes = [
            client.post(
                RECEIPT, data={"email": "k@example.dk", "csrf_token": token(html)}
            ).status_code
            for _ in range(4)
        ]
    finally:
        drain(app)  # the worker sends what the request queued
        app.config.pop("MAIL_FOLDER")
    assert codes == [303, 303, 303, 429]
    assert len(list(tmp_path.glob("*.eml"))) == 3


def _mail_box(html: str) -> str | None:
    found = re.search(r'<input[^>]*name="email"[^>]*>', html)
    assert found, "the receipt has no e-mail box"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def test_the_mail_box_holds_the_e_mail_given_in_the_journey(
    app: Flask, client: FlaskClient
) -> None:
    # The probe of 2026-12-06: the box was empty although an e-mail was given on the contact page.
    app.config["MAIL_FOLDER"] = "/dev/null"
    try:
        answer_until(client, **{"/ansoeg/kontakt": {"phone": "", "email": "karen@example.dk",
                                                     "preferred": "email"}})  # fmt: skip
        submit(client)
        assert _mail_box(client.get(RECEIPT).get_data(as_text=True)) == "karen@example.dk"
    finally:
        app.config.pop("MAIL_FOLDER")


def test_a_representative_gets_their_own_e_mail_never_the_persons(
    app: Flask, client: FlaskClient
) -> None:
    app.config["MAIL_FOLDER"] = "/dev/null"
    try:
        answer_until(client, other=True, **{"/ansoeg/kontakt": {
            "phone": "", "email": "person@example.dk", "preferred": "email"}})  # fmt: skip
        submit(client)
        html = client.get(RECEIPT).get_data(as_text=True)
        assert _mail_box(html) == "ole@example.dk"
        assert "person@example.dk" not in html.split('name="email"', 1)[1][:200]
    finally:
        app.config.pop("MAIL_FOLDER")
