"""The caseworker's decision form: granted, partly granted or refused; every error names its
field and the error summary links to it; reasons for anything less than a full grant; the
short choices as compact rows; the news mail for a partial grant holds nothing of the case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, render_template
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application, OutboxKind, OutboxMessage, StaffUser, Status
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY
from tests.web.helpers import parse
from tests.web.journey import answer_until, submit
from tests.web.staff import case_fields, staff_client

DATE = DECIDED_TODAY
GRANT = {**DATE, "offer": "Kærhøj", "days": "3", "day_length": "full", "transport": "yes"}


def taken_case(app: Flask, municipality: str = "575", **answers: Any) -> tuple[FlaskClient, int]:
    """A submitted application in `municipality`, taken by a caseworker there."""
    citizen = app.test_client()
    answer_until(citizen, **{"/ansoeg/kommune": {"municipality": municipality}}, **answers)
    submit(citizen)
    with database(app).transaction() as session:
        application_id = session.scalars(select(Application.id)).one()
    staff = staff_client(app, municipality, f"sagsbehandler@{municipality}.dk")
    decide_post(staff, application_id, "tag", {})
    return staff, application_id


def decide_post(staff: FlaskClient, application_id: int, action: str, data: dict[str, Any]) -> Any:
    path = f"/sagsbehandler/sag/{application_id}"
    return staff.post(f"{path}/{action}", data={**data, **case_fields(staff, path)})


def summary(html: str) -> dict[str, str]:
    """The error summary as {link target: message}."""
    found = re.findall(r'<a class="function-link" href="#([^"]+)">([^<]+)</a>', html)
    return {target: message.replace("&#39;", "'") for target, message in found}


def stored_decision(app: Flask, application_id: int) -> tuple[Status, dict[str, Any]]:
    from portal.applications import history

    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        last = history(session, application)[-1]
        return application.status, cipher.decrypt(last.message_enc)["decision"]


def test_an_empty_decision_names_each_missing_field_and_links_to_it(app: Flask) -> None:
    staff, application_id = taken_case(app)
    response = decide_post(staff, application_id, "afgoerelse", {})
    assert response.status_code == 200
    errors = summary(response.get_data(as_text=True))
    assert errors == {
        "outcome-0": "Vælg, om ansøgningen er bevilget, delvist bevilget eller afslået.",
        "decided_on-day": "Skriv datoen for afgørelsen.",
    }
    assert "Vælg et af svarene." not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ("refused", "Skriv begrundelsen for afslaget."),
        ("partly_granted", "Skriv begrundelsen for, at ansøgningen kun er delvist bevilget."),
    ],
)
def test_anything_less_than_a_full_grant_needs_its_reasons(
    app: Flask, outcome: str, message: str
) -> None:
    staff, application_id = taken_case(app)
    data = (
        {**GRANT, "outcome": outcome}
        if outcome == "partly_granted"
        else {**DATE, "outcome": outcome}
    )
    response = decide_post(staff, application_id, "afgoerelse", data)
    assert summary(response.get_data(as_text=True)) == {"reasons": message}
    blank = decide_post(staff, application_id, "afgoerelse", {**data, "reasons": "   "})
    assert summary(blank.get_data(as_text=True)) == {"reasons": message}


def test_a_grant_without_offer_or_days_names_both(app: Flask) -> None:
    staff, application_id = taken_case(app)
    response = decide_post(staff, application_id, "afgoerelse", {**DATE, "outcome": "granted"})
    assert summary(response.get_data(as_text=True)) == {
        "offer": "Vælg eller skriv tilbuddet, som borgeren får.",
        "days-0": "Vælg, hvor mange dage om ugen borgeren får tilbuddet.",
    }
    partly = decide_post(staff, application_id, "afgoerelse",
                         {**DATE, "outcome": "partly_granted", "reasons": "Kun to dage."})  # fmt: skip
    assert set(summary(partly.get_data(as_text=True))) == {"offer", "days-0"}


def test_wrong_dates_and_tampered_choices_are_named_never_a_500(app: Flask) -> None:
    staff, application_id = taken_case(app)
    cases = {
        "decided_on-day": {**GRANT, "outcome": "granted", "decided_on-day": "x"},
        "outcome-0": {**GRANT, "outcome": "maybe"},
        "days-0": {**GRANT, "outcome": "granted", "days": "9"},
        "offer": {**GRANT, "outcome": "granted", "offer": "Et tilbud i en anden kommune"},
    }
    messages = {
        "decided_on-day": "Skriv datoen for afgørelsen med tal: dag, måned og år, fx 1 12 2026.",
        "outcome-0": "Vælg, om ansøgningen er bevilget, delvist bevilget eller afslået.",
        "days-0": "Vælg, hvor mange dage om ugen borgeren får tilbuddet.",
        "offer": "Vælg et tilbud på listen.",
    }
    for target, data in cases.items():
        response = decide_post(staff, application_id, "afgoerelse", data)
        assert response.status_code == 200, target
        assert summary(response.get_data(as_text=True)) == {target: messages[target]}
    no_such_day = {**GRANT, "outcome": "granted", "decided_on-day": "31", "decided_on-month": "2"}
    errors = summary(
        decide_post(staff, application_id, "afgoerelse", no_such_day).get_data(as_text=True)
    )
    assert errors == {"decided_on-day": "Datoen for afgørelsen findes ikke. Tjek dag, måned og år."}
    control = {**GRANT, "outcome": "partly_granted", "reasons": "To\x07 dage", "offer_other": ""}
    errors = summary(
        decide_post(staff, application_id, "afgoerelse", control).get_data(as_text=True)
    )
    assert errors == {"reasons": "Begrundelsen har tegn, vi ikke kan bruge."}
    long = {**GRANT, "outcome": "refused", "reasons": "x" * 2001}
    errors = summary(decide_post(staff, application_id, "afgoerelse", long).get_data(as_text=True))
    assert errors == {"reasons": "Skriv højst 2000 tegn i begrundelsen."}
    future = {**GRANT, "outcome": "granted", "decided_on-year": "2999"}
    errors = summary(
        decide_post(staff, application_id, "afgoerelse", future).get_data(as_text=True)
    )
    assert errors == {"decided_on-day": "Datoen for afgørelsen kan ikke være senere end i dag."}


def test_an_offer_from_the_list_or_another_typed_but_not_both(app: Flask) -> None:
    staff, application_id = taken_case(app)
    both = {**GRANT, "outcome": "granted", "offer_other": "Et andet sted"}
    errors = summary(decide_post(staff, application_id, "afgoerelse", both).get_data(as_text=True))
    assert errors == {
        "offer_other": "Vælg tilbuddet på listen eller skriv et andet tilbud, ikke begge dele."
    }
    other = {**GRANT, "outcome": "granted", "offer": "", "offer_other": "Et andet sted"}
    assert decide_post(staff, application_id, "afgoerelse", other).status_code == 303
    assert stored_decision(app, application_id)[1]["offer"] == "Et andet sted"


def test_where_the_standard_lists_no_offers_the_offer_is_typed(app: Flask) -> None:
    staff, application_id = taken_case(app, "157")  # Gentofte names no offers
    missing = decide_post(
        staff, application_id, "afgoerelse", {**DATE, "outcome": "granted", "days": "3"}
    )
    assert summary(missing.get_data(as_text=True)) == {
        "offer_other": "Vælg eller skriv tilbuddet, som borgeren får."
    }
    typed = {**DATE, "outcome": "granted", "days": "3", "offer_other": "Dagtilbuddet Nord"}
    assert decide_post(staff, application_id, "afgoerelse", typed).status_code == 303


def test_a_partial_grant_is_a_grant_with_reasons_and_complaint_guidance(app: Flask) -> None:
    staff, application_id = taken_case(app)
    data = {**GRANT, "outcome": "partly_granted", "days": "2", "reasons": "To dage dækker behovet."}
    assert decide_post(staff, application_id, "afgoerelse", data).status_code == 303
    status, decision = stored_decision(app, application_id)
    assert status is Status.GRANTED
    assert decision["outcome"] == "partly_granted" and decision["granted"] is True
    assert decision["days_per_week"] == 2 and decision["complaint"]["deadline"]["weeks"] == 4


def staff_status_words(staff: FlaskClient, application_id: int) -> tuple[str, list[str], str]:
    """The case page's status, its history's statuses, and the case's status in the queue."""
    case = staff.get(f"/sagsbehandler/sag/{application_id}").get_data(as_text=True)
    facts = re.search(r"<dt>Status</dt><dd>([^<]+)</dd>", case)
    history = case.split("Status undervejs", 1)[1].split("</ol>", 1)[0]
    queue = staff.get("/sagsbehandler/?status=alle").get_data(as_text=True)  # decided too
    row = re.search(r'data-label="Status" class="queue-short">([^<]+)</td>', queue)
    assert facts and row
    return facts.group(1), re.findall(r"<strong>([^<]+)</strong>", history), row.group(1)


def test_the_staff_pages_call_a_partial_grant_partial_until_it_is_decided_again(
    app: Flask,
) -> None:
    """A partial grant is stored as Status.GRANTED; the case page, its history and the queue
    say "Delvist bevilget", as the citizen's status page does, and a later full grant is
    "Bevilget" again without renaming the earlier one."""
    staff, application_id = taken_case(app)
    partly = {**GRANT, "outcome": "partly_granted", "reasons": "Kun tre dage om ugen."}
    assert decide_post(staff, application_id, "afgoerelse", partly).status_code == 303
    facts, history, row = staff_status_words(staff, application_id)
    assert (facts, history[-1], row) == ("Delvist bevilget", "Delvist bevilget", "Delvist bevilget")
    decide_post(staff, application_id, "genaabn", {"reason": "Ny lægeerklæring"})
    full = {**GRANT, "outcome": "granted"}
    assert decide_post(staff, application_id, "afgoerelse", full).status_code == 303
    facts, history, row = staff_status_words(staff, application_id)
    assert (facts, row) == ("Bevilget", "Bevilget")
    assert history[-3:] == ["Delvist bevilget", "Under behandling", "Bevilget"]


def test_a_full_grant_has_no_complaint_guidance_and_a_refusal_grants_nothing(app: Flask) -> None:
    staff, application_id = taken_case(app)
    assert (
        decide_post(
            staff, application_id, "afgoerelse", {**GRANT, "outcome": "granted"}
        ).status_code
        == 303
    )
    status, decision = stored_decision(app, application_id)
    assert status is Status.GRANTED and decision["complaint"] is None
    decide_post(staff, application_id, "genaabn", {"reason": "Ny vurdering"})
    refusal = {**GRANT, "outcome": "refused", "reasons": "Behovet dækkes af et værested."}
    assert decide_post(staff, application_id, "afgoerelse", refusal).status_code == 303
    status, decision = stored_decision(app, application_id)
    assert (
        status is Status.REFUSED and decision["offer"] == "" and decision["days_per_week"] is None
    )
    assert decision["complaint"] is not None


def test_the_news_mail_of_a_partial_grant_holds_nothing_of_the_case(
    app: Flask, mails: Path
) -> None:
    contact = {"phone": "12345678", "email": "karen@example.dk", "preferred": "email"}
    staff, application_id = taken_case(app, **{"/ansoeg/kontakt": contact})
    data = {**GRANT, "outcome": "partly_granted", "reasons": "Kun tre dage om ugen."}
    assert decide_post(staff, application_id, "afgoerelse", data).status_code == 303
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        queued = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.MAIL)
        ).all()
        mails_sent = [(m.topic, cipher.decrypt(m.payload_enc)) for m in queued]
    assert [topic for topic, _mail in mails_sent] == ["mail.status_granted"]
    mail = mails_sent[0][1]
    assert mail["to"] == "karen@example.dk" and "/status/" in mail["body"]
    for secret in ("Kærhøj", "tre dage", "Karen", "Hansen", "010190", "delvist", "Delvist"):
        assert secret not in mail["body"] and secret not in mail["subject"]


def test_the_form_is_compact_and_needs_only_the_application_and_the_form(app: Flask) -> None:
    """The partial renders from `application` and `DecisionForm` alone: the outcome, days,
    day length and transport are rows of radios, the offer a list; no script."""
    from portal.staff.case_forms import DecisionForm

    staff, application_id = taken_case(app)
    del staff
    with app.test_request_context(), database(app).transaction() as session:
        g.staff = session.scalars(select(StaffUser)).one()
        application = session.get(Application, application_id)
        html = render_template(
            "staff/_decision_form.html", application=application,
            DecisionForm=DecisionForm(formdata=None),
        )  # fmt: skip
    tree = parse(
        f"<!DOCTYPE html><html lang='da'><head><title>t</title></head><body>{html}</body></html>"
    )
    rows = [ul for ul in tree.iter("ul") if "d-flex" in (ul.get("class") or "")]
    assert len(rows) == 4
    assert [len(list(ul)) for ul in rows] == [3, 5, 2, 2]
    offers = [o.text for o in tree.iter("option")]
    assert offers == ["Vælg et tilbud", "Kærhøj", "Nørrevang", "Veum Dag"]
    assert "<script" not in html and "bday" not in html
    assert f'action="/sagsbehandler/sag/{application_id}/afgoerelse#besked"' in html
    assert 'name="csrf_token"' in html
