"""The age step: a birth date and an age that disagree are questioned, never both stored;
the check page shows the answer as one row with its "Ret" link."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.db import drafts
from portal.db.models import Draft
from portal.web.db import database
from tests.web.helpers import parse, set_language
from tests.web.journey import answer_until, cpr_aged, errors, post_step

AGE_STEP = "/ansoeg/alder"


def stored_answers(app: Flask) -> dict[str, Any]:
    with database(app).transaction() as session:
        draft = session.scalars(select(Draft)).one()
        return drafts.read_answers(app.extensions["portal.cipher"], draft)


def born(years_ago: int, today: date | None = None) -> dict[str, str]:
    """A birth date exactly `years_ago` years before today (birthday today)."""
    today = today or date.today()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return {
        "birth_date-day": str(day),
        "birth_date-month": str(today.month),
        "birth_date-year": str(today.year - years_ago),
    }


def error_by_the_age_field(response: TestResponse) -> str:
    """The message by the age field; the summary holds the same message and links to it."""
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    tree = parse(html)
    message = tree.find(".//*[@id='age-error']")
    assert message is not None, "no error by the age field"
    text = " ".join("".join(message.itertext()).split())
    summary = tree.find(".//*[@data-module='error-summary']")
    assert summary is not None
    assert [a.get("href") for a in summary.iter("a")] == ["#age"]
    [listed] = [" ".join(e.split()) for e in errors(html)]
    assert text.endswith(listed)  # the field's message starts with a hidden "Fejl:"
    assert tree.find(".//input[@id='age']").get("aria-invalid") == "true"
    return text


def test_a_birth_date_and_an_age_that_disagree_ask_which_is_right(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop=AGE_STEP)
    response = post_step(client, AGE_STEP, {**born(66), "age": "40"})
    assert error_by_the_age_field(response).endswith(
        "Du har skrevet, at du er 40 år. Men ifølge fødselsdatoen er du 66 år. "
        "Ret det, der er forkert."
    )
    assert "age" not in stored_answers(app)


def test_a_relative_is_asked_about_the_person_by_first_name(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop=AGE_STEP, other=True)
    response = post_step(client, AGE_STEP, {**born(66), "age": "40"})
    assert error_by_the_age_field(response).endswith(
        "Du har skrevet, at Karen er 40 år. Men ifølge fødselsdatoen er Karen 66 år. "
        "Ret det, der er forkert."
    )


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (False, "You wrote that you are 40. But the date of birth says you are 66. "
                "Correct the one that is wrong."),
        (True, "You wrote that Karen is 40. But the date of birth says Karen is 66. "
               "Correct the one that is wrong."),
    ],
)  # fmt: skip
def test_the_question_is_asked_in_english_too(
    client: FlaskClient, other: bool, expected: str
) -> None:
    set_language(client, "en")
    answer_until(client, stop=AGE_STEP, other=other)
    response = post_step(client, AGE_STEP, {**born(66), "age": "40"})
    assert error_by_the_age_field(response).endswith(expected)


def test_a_disagreement_keeps_what_was_saved_before(app: Flask, client: FlaskClient) -> None:
    answer_until(client, stop=AGE_STEP)
    assert post_step(client, AGE_STEP, {"age": "50"}).status_code == 303
    post_step(client, AGE_STEP, {**born(66), "age": "40"})
    assert stored_answers(app)["age"] == {"birth_date": None, "age": 50}


def test_save_for_later_with_a_disagreement_stores_neither(app: Flask, client: FlaskClient) -> None:
    answer_until(client, stop=AGE_STEP)
    response = post_step(client, AGE_STEP, {**born(66), "age": "40", "action": "save"})
    # Shown again with both, the error and a way to save without them (nothing lost typed).
    assert response.status_code == 200
    assert "Gem uden svarene på denne side" in response.get_data(as_text=True)
    assert "age" not in stored_answers(app)


@pytest.mark.parametrize("years", [0, 18, 66])
def test_a_birth_date_and_an_age_that_agree_are_kept_on_the_birthday_itself(
    app: Flask, client: FlaskClient, years: int
) -> None:
    answer_until(client, stop=AGE_STEP)
    response = post_step(client, AGE_STEP, {**born(years), "age": str(years)})
    assert response.status_code == 303
    assert stored_answers(app)["age"]["age"] == years


def check_rows(client: FlaskClient) -> dict[str, tuple[str, str | None]]:
    """The check page's rows: question -> (answer, the "Ret" link)."""
    tree = parse(client.get("/ansoeg/tjek").get_data(as_text=True))
    rows = {}
    for row in tree.iter("tr"):
        key, value = row.find("th"), row.find("td")
        assert key is not None and value is not None
        link = row.find(".//a")
        answer = " ".join("".join(value.itertext()).split())
        rows[key.text or ""] = (answer, link.get("href") if link is not None else None)
    return rows


@pytest.mark.parametrize(
    ("lang", "key", "value"),
    [("da", "Fødselsdato", "1. januar 1990"), ("en", "Date of birth", "1 January 1990")],
)
def test_the_check_page_shows_a_birth_date_as_one_row_with_its_change_link(
    client: FlaskClient, lang: str, key: str, value: str
) -> None:
    set_language(client, lang)
    answer_until(client)
    rows = check_rows(client)
    assert rows[key] == (value, "/ansoeg/alder?fra=tjek")
    assert [k for k in rows if "alder" in k.lower() or "age" in k.lower().split()] == []


@pytest.mark.parametrize(
    ("lang", "key", "value"), [("da", "Alder", "45 år"), ("en", "Age", "45 years")]
)
def test_the_check_page_shows_an_age_given_alone_as_one_row(
    client: FlaskClient, lang: str, key: str, value: str
) -> None:
    set_language(client, lang)
    identity = {"full_name": "Karen Hansen", "cpr": cpr_aged(45)}
    answer_until(client, **{AGE_STEP: {"age": "45"}, "/ansoeg/navn-og-cpr": identity})
    rows = check_rows(client)
    assert rows[key] == (value, "/ansoeg/alder?fra=tjek")
    assert [k for k in rows if "født" in k or "birth" in k] == []
    assert not any(k.startswith(("Eller skriv", "Or enter")) for k in rows)
