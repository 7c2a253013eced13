"""Applications as the submit makes them, recorded with a login's identification, for the
tests of "Mine ansøgninger" (web, fuzz and browser)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from portal.db.models import Application
from portal.identity import DEFAULT_PRIVILEGE, Citizen, LevelOfAssurance
from portal.identity.applying import identify
from portal.own_applications import record_identification
from portal.web.db import database
from portal.web.services import cipher
from tests.oidc import people
from tests.web.journey import answer_until, status_links, submit

KAREN = "0101901234"  # the journey's applicant when someone applies for her (010190-1234)


@dataclass(frozen=True)
class Applied:
    id: int
    reference: str
    status_link: str


def citizen(person: people.Person, powers: tuple[str, ...] = ()) -> Citizen:
    return Citizen(person.cpr, person.name, LevelOfAssurance.SUBSTANTIAL, powers)


def apply(
    app: Flask, cpr: str, by: Citizen | None = None, other: bool = False, name: str = "Karen Hansen"
) -> Applied:
    """An application for `cpr` made through the journey; with `by`, recorded as the submit
    records a login (portal.own_applications.record_identification)."""
    client = app.test_client()
    century = "19" if int(cpr[4:6]) > 25 else "20"
    birth = {"birth_date-day": str(int(cpr[:2])), "birth_date-month": str(int(cpr[2:4])),
             "birth_date-year": century + cpr[4:6]}  # fmt: skip
    answer_until(client, other=other, **{
        "/ansoeg/alder": birth,
        "/ansoeg/navn-og-cpr": {"full_name": name, "cpr": f"{cpr[:6]}-{cpr[6:]}"},
    })  # fmt: skip
    assert submit(client).status_code == 303
    link = status_links(client.get("/kvittering").get_data(as_text=True))[0]
    with app.app_context(), database(app).transaction() as session:
        application = session.scalars(select(Application).order_by(Application.id.desc())).first()
        assert application is not None
        if by is not None:
            record = identify(by, other, cpr, DEFAULT_PRIVILEGE)
            record_identification(session, cipher(), application, record)
        return Applied(application.id, application.reference, link)
