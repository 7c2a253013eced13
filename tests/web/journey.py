"""Driving the citizen journey through the Flask test client."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.db.models import utcnow
from portal.deadlines import danish_date

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

ANSWERS: dict[str, dict[str, Any]] = {
    "/ansoeg/hvem": {"who": "self"},
    "/ansoeg/relation": {"relation": "relative"},
    "/ansoeg/fuldmagt": {"authority": "power_of_attorney"},
    "/ansoeg/fornavn": {"first_name": "Karen"},
    "/ansoeg/kommune": {"municipality": "575"},
    "/ansoeg/alder": {"birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "1990"},
    "/ansoeg/vanskeligheder": {"difficulties": ["mental"]},
    "/ansoeg/hjaelp": {"help_level": "3"},
    "/ansoeg/oensker": {"wishes": ["social_contact", "get_out"]},
    "/ansoeg/i-dag": {"situation": ["none"]},
    "/ansoeg/dage": {"days": "3"},
    "/ansoeg/hel-eller-halv": {"day_length": "full"},
    "/ansoeg/transport": {"transport": "no"},
    "/ansoeg/tilbud": {"offer": "none"},
    "/ansoeg/handleplan": {"action_plan": "yes"},
    "/ansoeg/andet": {"text": "Jeg kan godt lide at male."},
    "/ansoeg/vejledning": {},
    "/ansoeg/navn-og-cpr": {"full_name": "Karen Hansen", "cpr": "010190-1234"},
    "/ansoeg/adresse": {"street": "Vestergade 1", "postcode": "6600", "city": "Vejen"},
    "/ansoeg/kontakt": {"phone": "12345678", "email": "", "preferred": "phone"},
    "/ansoeg/moeder": {"needs": ["none"]},
    "/ansoeg/om-dig": {"full_name": "Ole Hansen", "phone": "87654321", "email": "ole@example.dk"},
    "/ansoeg/samtykke": {"sources": ["doctor"], "kinds": ["health"]},
}
FOR_OTHER = {"/ansoeg/hvem": {"who": "other"}}


def token(html: str) -> str:
    found = TOKEN_RE.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_step(client: FlaskClient, path: str, data: dict[str, Any]) -> TestResponse:
    html = client.get(path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": token(html)})


def answer_until(
    client: FlaskClient, stop: str | None = None, other: bool = False, **overrides: dict[str, Any]
) -> str:
    """Answer every question in order until `stop` (a path) or the check page; returns where
    the flow stands."""
    answers = {**ANSWERS, **(FOR_OTHER if other else {}), **overrides}
    location = client.get("/ansoeg").headers["Location"]
    while location in answers and location != stop:
        response = post_step(client, location, answers[location])
        assert response.status_code == 303, (location, errors(response.get_data(as_text=True)))
        location = response.headers["Location"]
    return location


def submit(client: FlaskClient) -> TestResponse:
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    return client.post("/ansoeg/tjek", data={"confirm": "y", "csrf_token": token(html)})


def errors(html: str) -> list[str]:
    return re.findall(r'<a class="function-link" href="#[^"]+">([^<]+)</a>', html)


def status_links(html: str) -> list[str]:
    return [
        u.split("localhost", 1)[1]
        for u in re.findall(r'href="(http://localhost/status/[^"]+)"', html)
    ]


def cpr_aged(years: int) -> str:
    """A CPR number of someone `years` old today in Denmark (and not on their birthday), for an
    age given instead of a birth date: the identity page checks that the number fits it."""
    today = danish_date(utcnow())
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    born = today.replace(year=today.year - years, day=day) - timedelta(days=1)
    # The 7th digit gives the century: 0-3 for 1900-1999; 4 for 2000-2036 (00-36).
    return f"{born:%d%m%y}-" + ("1234" if born.year < 2000 else "4000")
