"""The status page says when the answer is due, while the case is open: the day from the
standard's processing time where it gives one (only Vejen's does), the standard's own line
with its source, and where the standard gives none, that it is not stated; never a date
nobody set. The probe of 2026-12-06 asked for it: a citizen waiting wants to know until when."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.db.models import Application, Status
from portal.deadlines import danish_date
from portal.web.db import database
from portal.web.text import day
from tests.web.helpers import visible_text
from tests.web.journey import answer_until, status_links, submit


def _status(client: FlaskClient, municipality: str = "575") -> str:
    answer_until(client, **{"/ansoeg/kommune": {"municipality": municipality}})
    submit(client)
    [link] = status_links(client.get("/kvittering").get_data(as_text=True))
    return link


def _received(app: Flask) -> Application:
    with database(app).transaction() as session:
        application = session.scalars(select(Application)).one()
        session.expunge(application)
        return application


def test_an_open_vejen_case_names_the_day_six_weeks_after_it_came(
    app: Flask, client: FlaskClient
) -> None:
    link = _status(client)
    due = danish_date(_received(app).received_at) + timedelta(weeks=6)
    with app.test_request_context():
        shown = day(due)
    text = visible_text(client.get(link).get_data(as_text=True))
    assert "Hvornår kommer svaret?" in text
    assert f"Kommunen regner med at svare senest {shown}." in text
    assert "op til 6 uger" in text  # the standard's own line, cited


def test_a_standard_without_a_processing_time_gives_no_date(client: FlaskClient) -> None:
    text = visible_text(client.get(_status(client, "157")).get_data(as_text=True))
    assert "Hvornår kommer svaret?" in text
    assert "Kommunen har ikke skrevet, hvor lang tid det tager" in text
    assert "senest" not in text


def test_a_late_answer_is_called_late_and_a_decided_case_has_no_date(
    app: Flask, client: FlaskClient
) -> None:
    link = _status(client)
    received = _received(app).received_at
    with database(app).transaction() as session:
        session.execute(update(Application).values(received_at=received - timedelta(weeks=7)))
    text = visible_text(client.get(link).get_data(as_text=True))
    assert "Svaret skulle være kommet senest" in text and "hvor sagen er" in text
    with database(app).transaction() as session:
        session.execute(update(Application).values(status=Status.REFUSED))
    text = visible_text(client.get(link).get_data(as_text=True))
    assert "Hvornår kommer svaret?" not in text and "senest" not in text
