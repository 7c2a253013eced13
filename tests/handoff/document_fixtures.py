"""Applications made the way people make them (the citizen journey through the test client,
or a caseworker's phone registration), for the event document and PDF tests.

Not a conftest: other hand-off tests share the folder. Test modules import the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application
from portal.handoff import document
from portal.web import db
from portal.web.handoff_render import case_facts
from tests.web.journey import answer_until, submit
from tests.web.staff import csrf_from, staff_client

CPR = "010190-1234"
APPLICANT = "Karen Hansen"
REPRESENTATIVE = "Ole Hansen"


@dataclass(frozen=True)
class Made:
    """A submitted application and the "check your answers" page its maker saw."""

    journey: str
    application_id: int
    check_html: str


def _finish(app: Flask, client: FlaskClient, journey: str, **overrides: Any) -> Made:
    assert answer_until(client, **overrides) == "/ansoeg/tjek"
    check_html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert submit(client).status_code == 303
    with app.app_context():
        found = db.session().scalars(select(Application.id).order_by(Application.id.desc()))
        return Made(journey, found.first() or 0, check_html)


def self_on_web(app: Flask) -> Made:
    """For yourself, in Vejen (the one standard with a processing time); the protected-address
    question left unanswered."""
    return _finish(app, app.test_client(), "self_on_web")


def relative_with_power_of_attorney(app: Flask) -> Made:
    """A relative with a fuldmagt, in Roskilde; protected address; consent "not now"."""
    return _finish(
        app, app.test_client(), "relative_with_power_of_attorney", other=True,
        **{
            "/ansoeg/kommune": {"municipality": "265"},
            "/ansoeg/adresse": {"street": "Algade 2", "postcode": "4000", "city": "Roskilde",
                                "protected": "yes"},
            "/ansoeg/samtykke": {"sources": ["later"]},
        },
    )  # fmt: skip


def phone_registration(app: Flask) -> Made:
    """A caseworker in Næstved types in a phone call; the applicant says no protection."""
    staff = staff_client(app, "370", "ida@naestved.dk")
    path = "/sagsbehandler/ny-ansoegning"
    response = staff.post(path, data={"channel": "phone", "csrf_token": csrf_from(staff, path)})
    assert response.status_code == 303
    return _finish(
        app, staff, "phone_registration",
        **{"/ansoeg/adresse": {"street": "Torvet 3", "postcode": "4700", "city": "Næstved",
                               "protected": "no"}},
    )  # fmt: skip


JOURNEYS: dict[str, Callable[[Flask], Made]] = {
    "self_on_web": self_on_web,
    "relative_with_power_of_attorney": relative_with_power_of_attorney,
    "phone_registration": phone_registration,
}
TOPIC_STATUS = {
    "application.submitted": "received",
    "application.status_changed": "in_progress",
    "application.withdrawn": "withdrawn",
}


@pytest.fixture(name="made", params=sorted(JOURNEYS))
def made_fixture(request: pytest.FixtureRequest, app: Flask) -> Made:
    """One application per journey."""
    return JOURNEYS[request.param](app)


def facts(app: Flask, application_id: int) -> document.Case:
    """The application as the worker reads it: in an app context without a request."""
    with app.app_context():
        application = db.session().get(Application, application_id)
        assert application is not None
        return case_facts(application)


def event_for(topic: str, message_id: int = 41) -> document.Event:
    occurred = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    return document.Event(message_id, topic, occurred, TOPIC_STATUS[topic])


PDF = document.PdfRef(
    url="https://portal.example/api/v1/applications/7/application.pdf", size=48213,
    sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
)  # fmt: skip


def build(app: Flask, made: Made, topic: str = "application.submitted") -> dict[str, Any]:
    return document.build_document(event_for(topic), facts(app, made.application_id), PDF, "G01")
