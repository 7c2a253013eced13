"""The probe's findings on the caseworker's workbench (2026-12-06): what the citizen was asked
and why a case was reopened stand on the case page and in its journal PDF; the decision shows
on the case once saved, and its letter stays readable after a reopen."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from portal.db.models import StaffRole
from portal.outbox import targets
from tests.web.decision_dates import TODAY
from tests.web.staff import staff_client
from tests.web.test_queue_statements import JENS, apply
from tests.web.test_staff import submitted
from tests.web.test_staff_actions import citizen_with_application, post
from tests.web.test_staff_handoff import PAGE, event_of, failing, rows_of

CASE = "/sagsbehandler/sag/{}"

GRANT = {
    "outcome": "granted", "decided_on-day": str(TODAY.day), "decided_on-month": str(TODAY.month),
    "decided_on-year": str(TODAY.year), "offer": "Kærhøj", "days": "3", "day_length": "full",
    "transport": "yes",
}  # fmt: skip
REFUSAL = {**GRANT, "outcome": "refused", "offer": "", "days": "", "day_length": "",
           "transport": "", "reasons": "Behovet dækkes af <i>dagtilbud</i>."}  # fmt: skip


def taken(app: Flask) -> tuple[FlaskClient, str, int, FlaskClient]:
    citizen, link, application_id = citizen_with_application(app)
    staff = staff_client(app, "575", "ida@vejen.dk")
    post(staff, application_id, "tag", {})
    return citizen, link, application_id, staff


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_request_to_the_citizen_stands_on_the_case_and_in_the_journal_pdf(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    response = post(staff, application_id, "oplysninger",
                    {"message": "Send os en lægeerklæring.\n<b>Tak</b>"})  # fmt: skip
    assert response.status_code == 303  # type: ignore[attr-defined]
    html = staff.get(CASE.format(application_id)).get_data(as_text=True)
    assert "Besked til borgeren:" in html
    assert "Send os en lægeerklæring." in html and "&lt;b&gt;Tak&lt;/b&gt;" in html
    assert "<b>Tak</b>" not in html
    assert "ida@vejen.dk" in html.split("Status undervejs")[1]
    journal = pdf_text(staff.get(CASE.format(application_id) + "/sag.pdf").data)
    assert "Send os en lægeerklæring." in journal and "ida@vejen.dk" in journal


def test_the_reason_for_a_reopen_stands_on_the_case_and_in_the_pdf_not_for_the_citizen(
    app: Flask,
) -> None:
    citizen, link, application_id, staff = taken(app)
    post(staff, application_id, "afgoerelse", REFUSAL)
    assert (
        post(staff, application_id, "genaabn", {"reason": "Ny lægeerklæring kom."}).status_code
        == 303
    )  # type: ignore[attr-defined]
    html = staff.get(CASE.format(application_id)).get_data(as_text=True)
    assert "Ny lægeerklæring kom." in html.split("Status undervejs")[1]
    assert "Ny lægeerklæring kom." in pdf_text(
        staff.get(CASE.format(application_id) + "/sag.pdf").data
    )
    assert "Ny lægeerklæring kom." not in citizen.get(link).get_data(as_text=True)


def test_a_saved_decision_is_confirmed_and_shown_on_the_case(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    response = post(staff, application_id, "afgoerelse", GRANT)
    html = staff.get(response.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Afgørelsen er gemt" in html
    side = html.split("Status undervejs")[0]
    assert "Tilbud: Kærhøj" in side and "Dage om ugen: 3" in side and "Hele dage." in side
    # A plain visit later shows the decision, without the confirmation.
    later = staff.get(CASE.format(application_id)).get_data(as_text=True)
    assert "Tilbud: Kærhøj" in later and "Afgørelsen er gemt" not in later


def test_the_letter_stays_readable_after_a_reopen_and_the_redecision_replaces_it(
    app: Flask,
) -> None:
    citizen, link, application_id, staff = taken(app)
    post(staff, application_id, "afgoerelse", REFUSAL)
    post(staff, application_id, "genaabn", {"reason": "Ny lægeerklæring kom."})
    letter = CASE.format(application_id) + "/afgoerelse"
    assert staff.get(letter + ".pdf").status_code == 200
    assert "dagtilbud" in staff.get(letter).get_data(as_text=True)
    assert citizen.get(link + "/afgoerelse.pdf").status_code == 200
    html = staff.get(CASE.format(application_id)).get_data(as_text=True)
    assert "Sagen er genåbnet. Borgeren kan stadig læse brevet" in html
    post(staff, application_id, "afgoerelse", GRANT)
    html = staff.get(CASE.format(application_id)).get_data(as_text=True)
    side = html.split("Status undervejs")[0]
    assert "Tilbud: Kærhøj" in side and "1 tidligere afgørelse" in side
    assert "&lt;i&gt;dagtilbud&lt;/i&gt;" in side  # the earlier one, kept for the record
    preview = staff.get(letter).get_data(as_text=True)
    assert "Kærhøj" in preview and "dagtilbud" not in preview


def test_a_case_never_decided_has_no_letter(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    assert staff.get(CASE.format(application_id) + "/afgoerelse.pdf").status_code == 404


def in_english(client: FlaskClient) -> None:
    html = client.get("/sagsbehandler/overblik").get_data(as_text=True)
    href = re.search(r'<a href="([^"]+)" lang="en"', html)
    assert href is not None
    client.get(href.group(1).replace("&amp;", "&"))


def field_and_summary(html: str, message: str) -> bool:
    """The message by the date field and, linked to it, in the error summary."""
    summary = html.split('id="error-summary-heading"')[1].split("</nav>")[0]
    return message in summary and html.count(message) >= 2


def test_a_decision_date_before_the_application_came_in_is_refused(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    old = {**GRANT, "decided_on-day": "1", "decided_on-month": "1", "decided_on-year": "1901"}
    response = post(staff, application_id, "afgoerelse", old)
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    said = "Datoen for afgørelsen kan ikke være før den dag, ansøgningen kom ind:"
    assert field_and_summary(html, said)
    in_english(staff)
    html = post(staff, application_id, "afgoerelse", old).get_data(as_text=True)  # type: ignore[attr-defined]
    assert field_and_summary(html, "The date of the decision cannot be before the day the")
    # Nothing was decided: the case is still open.
    assert "Tilbud: Kærhøj" not in staff.get(CASE.format(application_id)).get_data(as_text=True)


def test_a_decision_date_in_the_future_is_refused(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    later = {**GRANT, "decided_on-year": str(TODAY.year + 1)}
    html = post(staff, application_id, "afgoerelse", later).get_data(as_text=True)  # type: ignore[attr-defined]
    assert field_and_summary(html, "Datoen for afgørelsen kan ikke være senere end i dag.")


def test_the_inbox_shows_the_open_cases_unless_asked_for_all(app: Flask) -> None:
    _citizen, _link, decided, staff = taken(app)
    post(staff, decided, "afgoerelse", REFUSAL)
    waiting = apply(app, JENS)  # a second application, not decided
    reference = {}
    for application_id in (decided, waiting):
        html = staff.get(CASE.format(application_id)).get_data(as_text=True)
        found = re.search(r"Sag (AS-\d{4}-\d{6})", html)
        assert found is not None
        reference[application_id] = found.group(1)
    inbox = staff.get("/sagsbehandler/").get_data(as_text=True)
    assert reference[waiting] in inbox and reference[decided] not in inbox
    assert '<option value="aabne" selected>Åbne sager</option>' in inbox
    everything = staff.get("/sagsbehandler/?status=alle").get_data(as_text=True)
    assert reference[waiting] in everything and reference[decided] in everything
    assert '<option value="alle" selected>Alle</option>' in everything
    refused = staff.get("/sagsbehandler/?status=refused").get_data(as_text=True)
    assert reference[decided] in refused and reference[waiting] not in refused
    # Anything else is the default, not everything.
    odd = staff.get("/sagsbehandler/?status=%C2%B2").get_data(as_text=True)
    assert reference[waiting] in odd and reference[decided] not in odd


def test_the_dashboard_writes_the_median_with_the_languages_decimal_sign(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    post(staff, application_id, "afgoerelse", GRANT)
    html = staff.get("/sagsbehandler/overblik").get_data(as_text=True)
    median = html.split("Median antal dage til afgørelse")[1][:80]
    assert "0,0" in median and "0.0" not in median
    in_english(staff)
    html = staff.get("/sagsbehandler/overblik").get_data(as_text=True)
    assert "0.0" in html.split("Median days to a decision")[1][:80]


def test_the_handoff_page_explains_an_error_and_counts_each_message_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.extensions, "portal.handoff", targets.from_environ(
        {"PORTAL_API_TOKEN_575": "x" * 40}, production=False))  # fmt: skip
    failing(app, event_of(app, submitted(app, "575")), "Connection failed: ConnectionRefusedError")
    admin = staff_client(app, "575", "chef@vejen.dk", StaffRole.ADMIN)
    html = admin.get(PAGE).get_data(as_text=True)
    assert rows_of(html)["Fejler og bliver prøvet igen"] == "1"
    assert rows_of(html)["Venter på at blive sendt"] == "0"
    assert "Portalen kunne ikke få forbindelse til kommunens system." in html
    # The technical text is a secondary detail, marked as English for a screen reader.
    assert '<span lang="en">Connection failed: ConnectionRefusedError</span>' in html
    in_english(admin)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "The portal could not connect to the municipality" in html


def trail_rows(html: str) -> list[str]:
    table = html.split("Hvem har set sagen</caption>")[1].split("</table>")[0]
    return [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]


def test_repeated_views_are_one_row_on_the_page_and_every_one_is_stored(app: Flask) -> None:
    from sqlalchemy import func, select

    from portal.db.models import AuditEvent
    from portal.web.db import database

    _citizen, _link, application_id, ida = taken(app)
    for _ in range(3):
        ida.get(CASE.format(application_id))
    bo = staff_client(app, "575", "bo@vejen.dk")
    bo.get(CASE.format(application_id))
    html = ida.get(CASE.format(application_id)).get_data(as_text=True)
    views = [row for row in trail_rows(html) if "Så sagen" in row]
    # Ida's view before taking the case, her three after it, Bo's, then Ida's again.
    assert [("(3 gange)" in row, "ida@" in row) for row in views] == [
        (False, True),
        (True, True),
        (False, False),
        (False, True),
    ]
    with database(app).transaction() as session:
        stored = session.scalar(
            select(func.count()).where(
                AuditEvent.application_id == application_id, AuditEvent.action == "view"
            )
        )
    assert stored == 6  # every read is kept: the grouping is the page's only


def test_a_form_shown_again_after_an_error_is_a_logged_read(app: Flask) -> None:
    """The page shown again holds the whole case: that read is logged like any other."""
    from sqlalchemy import select

    from portal.db.models import AuditEvent
    from portal.web.db import database

    _citizen, _link, application_id, staff = taken(app)
    path = CASE.format(application_id)
    token = re.search(r'name="csrf_token" value="([^"]+)"', staff.get(path).get_data(as_text=True))
    assert token is not None
    with database(app).transaction() as session:
        before = len(session.scalars(select(AuditEvent.id)).all())
    response = staff.post(f"{path}/note", data={"text": "", "csrf_token": token.group(1)})
    assert response.status_code == 200 and "Skriv noten." in response.get_data(as_text=True)
    with database(app).transaction() as session:
        after = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert after[before:] == ["view"]


def test_the_dashboard_does_not_count_a_given_up_message_as_waiting_too(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web.test_staff_handoff import dead

    monkeypatch.setitem(app.extensions, "portal.handoff", targets.from_environ(
        {"PORTAL_API_TOKEN_575": "x" * 40}, production=False))  # fmt: skip
    dead(app, event_of(app, submitted(app, "575")), "The receiver answered 500")
    html = (
        staff_client(app, "575", "ida@vejen.dk")
        .get("/sagsbehandler/overblik")
        .get_data(as_text=True)
    )
    assert "1 besked er opgivet efter mange forsøg." in html
    assert "venter; den" not in html and "Alt er overført." not in html
    assert "Intet andet venter." in html


def test_an_earlier_letter_stays_readable_for_the_record(app: Flask) -> None:
    _citizen, _link, application_id, staff = taken(app)
    post(staff, application_id, "afgoerelse", REFUSAL)
    post(staff, application_id, "genaabn", {"reason": "Ny lægeerklæring kom."})
    post(staff, application_id, "afgoerelse", GRANT)
    case_html = staff.get(CASE.format(application_id)).get_data(as_text=True)
    letter = CASE.format(application_id) + "/afgoerelse"
    assert f'href="{letter}?nr=1"' in case_html
    first = staff.get(f"{letter}?nr=1").get_data(as_text=True)
    assert "dagtilbud" in first and "Kærhøj" not in first
    assert staff.get(f"{letter}.pdf?nr=1").status_code == 200
    for unknown in ("3", "0", "x", "²"):
        assert staff.get(f"{letter}?nr={unknown}").status_code == 404, unknown
