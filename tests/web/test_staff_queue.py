"""The queue tells cases apart at a glance: name, who applied, the needs, days waiting, the
deadline only where the standard states one, and possible duplicates marked and linked.
The CPR number is not in the page unless the caseworker asks (and then masked)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select, update

from portal import deadlines, queue_rows
from portal.db.models import Application, AuditEvent, Status
from portal.web.db import database
from portal.web.text import day
from tests.web.helpers import parse
from tests.web.journey import answer_until, submit
from tests.web.staff import staff_client

KAREN = {"full_name": "Karen Hansen", "cpr": "010190-1234"}
JENS = {"full_name": "Jens Jensen", "cpr": "010190-2345"}


def apply(app: Flask, municipality: str = "575", person: dict[str, str] = KAREN,
          other: bool = False) -> Application:  # fmt: skip
    client = app.test_client()
    answer_until(client, other=other, **{"/ansoeg/kommune": {"municipality": municipality},
                                         "/ansoeg/navn-og-cpr": person})  # fmt: skip
    submit(client)
    with database(app).transaction() as session:
        return session.scalars(select(Application).order_by(Application.id.desc())).first()  # type: ignore[return-value]


def rows(html: str) -> dict[str, str]:
    """Each row's text by its reference, whitespace collapsed."""
    found = {}
    for tr in parse(html).iterfind(".//tbody/tr"):
        text = " ".join(" ".join(tr.itertext()).split())
        reference = re.search(r"AS-\d{4}-\d{6}", text)
        if reference:
            found[reference.group(0)] = text
    return found


def test_rows_show_the_name_who_applied_and_the_needs(app: Flask) -> None:
    karen = apply(app)
    jens = apply(app, person=JENS, other=True)
    html = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    shown = rows(html)
    assert "Karen Hansen" in shown[karen.reference] and "Selv" in shown[karen.reference]
    assert "Jens Jensen" in shown[jens.reference] and "Pårørende" in shown[jens.reference]
    # The difficulty and the first wish, from the answers' codes, and how many more.
    assert "Psykisk: samvær +1 og 1 mere" in shown[karen.reference]


def test_the_cpr_number_is_shown_only_when_asked_for_and_then_masked(app: Flask) -> None:
    apply(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    plain = client.get("/sagsbehandler/").get_data(as_text=True)
    assert "010190" not in plain and "1234" not in plain
    asked = client.get("/sagsbehandler/?cpr=vis").get_data(as_text=True)
    assert "010190-xxxx" in asked and "010190-1234" not in asked
    with database(app).transaction() as session:
        details = list(
            session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "list"))
        )
    assert "cpr=-" in details[-2] and "cpr=vist" in details[-1]


def test_a_possible_duplicate_is_marked_and_linked_to_the_other_case(app: Flask) -> None:
    first, second = apply(app), apply(app)
    lone = apply(app, person=JENS)
    apply(app, municipality="265")  # the same CPR number in another municipality
    html = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    shown = rows(html)
    assert f"Mulig dublet af {second.reference}" in shown[first.reference]
    assert f"Mulig dublet af {first.reference}" in shown[second.reference]
    assert "dublet" not in shown[lone.reference]
    assert f'href="/sagsbehandler/sag/{second.id}">{second.reference}</a>' in html


def test_several_duplicates_link_to_the_persons_open_applications(app: Flask) -> None:
    first, second, third = apply(app), apply(app), apply(app)
    closed = apply(app)
    apply(app, person=JENS)
    with database(app).transaction() as session:
        session.execute(
            update(Application).where(Application.id == closed.id).values(status=Status.GRANTED)
        )
    client = staff_client(app, "575", "ida@vejen.dk")
    shown = rows(client.get("/sagsbehandler/?status=alle").get_data(as_text=True))
    assert "Mulig dublet: 2 andre åbne ansøgninger" in shown[first.reference]
    assert "dublet" not in shown[closed.reference]  # decided: not open, not a duplicate
    same = client.get(f"/sagsbehandler/?samme={first.id}")
    assert f'href="/sagsbehandler/?samme={first.id}"' in client.get("/sagsbehandler/").get_data(
        as_text=True
    )
    listed = rows(same.get_data(as_text=True))
    assert sorted(listed) == sorted([first.reference, second.reference, third.reference])


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999999999999"])
def test_a_wrong_same_person_link_shows_the_whole_queue(app: Flask, value: str) -> None:
    karen = apply(app)
    response = staff_client(app, "575", "ida@vejen.dk").get(f"/sagsbehandler/?samme={value}")
    assert response.status_code == 200 and karen.reference in response.get_data(as_text=True)


def test_the_same_person_link_of_another_municipality_is_not_found(app: Flask) -> None:
    roskilde = apply(app, municipality="265")
    client = staff_client(app, "575", "ida@vejen.dk")
    assert client.get(f"/sagsbehandler/?samme={roskilde.id}").status_code == 404


def test_vejen_shows_the_deadline_six_weeks_after_receipt(app: Flask) -> None:
    karen = apply(app)
    html = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    assert '<th scope="col">Frist</th>' in html
    due = deadlines.due_date(karen.received_at, 6)
    assert due is not None and (due - deadlines.danish_date(karen.received_at)).days == 42
    shown = re.search(r'<td data-label="Frist"[^>]*>([^<]+)</td>', html)
    with app.test_request_context():
        assert shown and shown.group(1) == day(due)  # counted from the Danish date


@pytest.mark.parametrize("municipality", ["157", "173", "265", "370"])
def test_no_deadline_where_the_standard_states_no_processing_time(
    app: Flask, municipality: str
) -> None:
    karen = apply(app, municipality=municipality)
    client = staff_client(app, municipality, f"ida@{municipality}.dk")
    html = client.get("/sagsbehandler/").get_data(as_text=True)
    assert karen.reference in html
    assert "Frist" not in html and "Ikke oplyst" not in html


def test_needs_are_read_from_the_codes_whatever_the_language() -> None:
    from portal import ffb

    answers = [
        {"field": "difficulties", "codes": [ffb.TARGET_GROUPS["physical"].as_dict(),
                                            ffb.TARGET_GROUPS["social"].as_dict()]},
        {"field": "wishes", "codes": [ffb.WISH_CODES[k].as_dict() for k in
                                      ("learn_skills", "keep_skills", "structure", "get_out")]},
        {"field": "situation", "codes": [ffb.SITUATION_CODES["open_offer"].as_dict()]},
    ]  # fmt: skip
    assert queue_rows.needs(answers) == (("physical", "social"), ("keep_skills",), 2)
    assert queue_rows.needs([]) == ((), (), 0)


def test_the_needs_are_three_or_four_words_and_say_how_many_more() -> None:
    """Two kinds of difficulty and one wish at most (issue 11: "the main needs in three or
    four words"); what is left out is counted, not lost."""
    from portal import ffb

    every = [
        {"field": "difficulties", "codes": [c.as_dict() for c in ffb.TARGET_GROUPS.values()]},
        {"field": "wishes", "codes": [c.as_dict() for c in ffb.WISH_CODES.values()]},
    ]
    difficulties, wishes, more = queue_rows.needs(every)
    assert len(difficulties) == 2 and len(wishes) == 1
    distinct_wishes = len({c.code for c in ffb.WISH_CODES.values()})
    assert more == len(ffb.TARGET_GROUPS) - 2 + distinct_wishes - 1
    assert queue_rows.needs(every[:1]) == (difficulties, (), len(ffb.TARGET_GROUPS) - 2)


def test_a_row_with_many_needs_shows_three_words_and_the_count(app: Flask) -> None:
    client = app.test_client()
    answer_until(client, **{"/ansoeg/vanskeligheder": {"difficulties": ["physical", "mental", "social"]},
                            "/ansoeg/oensker": {"wishes": ["social_contact", "get_out", "activities"]}})  # fmt: skip
    submit(client)
    html = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    cell = parse(html).find(".//td[@data-label='Behov']")
    assert cell is not None
    shown = " ".join(" ".join(cell.itertext()).split())
    # One difficulty and two wishes are left out, and counted: "+3", read as "og 3 mere".
    assert shown == "Fysisk, Psykisk: samvær +3 og 3 mere", shown


def test_the_queue_bar_holds_the_filters_and_the_search(app: Flask) -> None:
    html = staff_client(app, "575", "ida@vejen.dk").get("/sagsbehandler/").get_data(as_text=True)
    bar = html.split('class="queue-bar"', 1)[1].split("</table>", 1)[0]
    assert 'id="status"' in bar and 'id="hvem"' in bar and 'id="query"' in bar
    assert html.index('class="queue-bar"') < html.index('class="table table--zebra queue-table"')
