"""The DKFDS component macros: labels, hints, errors and the ids the error summary links to."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask, render_template_string
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.web.fields import DatePartsField, MultiCheckboxField
from tests.web.helpers import parse


class ExampleForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Navn", [InputRequired("Skriv dit navn.")], description="Dit fulde navn.")
    who = RadioField(
        "Hvem",
        [InputRequired("Vælg en.")],
        choices=[SelectChoice("me", "Mig"), SelectChoice("other", "En anden")],
    )
    kinds = MultiCheckboxField(
        "Hvad", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")], validate_choice=True
    )
    born = DatePartsField("Født", [InputRequired("Skriv datoen.")])


PAGE = """
{% extends "base.html" %}
{% block title %}Eksempel{% endblock %}
{% block content %}
{{ back_link("/back") }}
{{ step_indicator(steps) }}{{ step_subheading(2, 3, "To") }}
<form method="post" novalidate>
{{ text_input(form.name) }}{{ radios(form.who) }}
{{ checkboxes(form.kinds) }}{{ date_input(form.born) }}
</form>
{{ summary_list(rows) }}
{% endblock %}
"""

STEPS = [
    {"title": "Et", "href": "/1", "done": True, "current": False},
    {"title": "To", "href": "/2", "done": False, "current": True},
    {"title": "Tre", "href": None, "done": False, "current": False},
]


def render(app: Flask, data: dict[str, str | list[str]]) -> tuple[ExampleForm, str]:
    with app.test_request_context("/", method="POST"):
        form = ExampleForm(formdata=MultiDict(data))
        form.validate()
        rows = [{"key": "Navn", "value": "Ida", "href": "/ret/navn"}]
        html = render_template_string(PAGE, form=form, steps=STEPS, rows=rows)
    return form, html


def test_a_page_with_errors_has_a_summary_linking_to_each_field(app: Flask) -> None:
    _form, html = render(app, {"born-day": "31", "born-month": "2", "born-year": "2000"})
    tree = parse(html)
    assert tree.find(".//title").text.startswith("Fejl:")
    summary = tree.find(".//*[@data-module='error-summary']")
    assert summary is not None and summary.get("tabindex") == "-1"
    links = [a.get("href") for a in summary.iter("a")]
    assert links == ["#name", "#who-0", "#born-day"]
    for target in links:
        assert tree.find(f".//*[@id='{target[1:]}']") is not None


def test_a_field_with_an_error_is_described_by_its_hint_and_error(app: Flask) -> None:
    _form, html = render(app, {})
    tree = parse(html)
    field = tree.find(".//input[@id='name']")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == "name-hint name-error"
    error = tree.find(".//*[@id='name-error']")
    assert "Skriv dit navn." in "".join(error.itertext())
    assert tree.find(".//label[@for='name']") is not None


def test_a_valid_field_has_no_error_markup(app: Flask) -> None:
    _form, html = render(app, {"name": "Ida", "who": "me", "born-day": "1",
                               "born-month": "2", "born-year": "1990"})  # fmt: skip
    tree = parse(html)
    assert tree.find(".//*[@data-module='error-summary']") is None
    assert tree.find(".//input[@id='name']").get("aria-describedby") == "name-hint"
    assert tree.find(".//input[@id='who-0']").get("checked") is not None


def test_step_indicator_marks_the_current_step_and_links_only_reached_steps(app: Flask) -> None:
    _form, html = render(app, {})
    tree = parse(html)
    current = tree.find(".//a[@aria-current='step']")
    assert current is not None and current.get("href") == "/2"
    assert tree.find(".//a[@href='/3']") is None
    assert "Trin 2 af 3" in html


def test_summary_list_change_links_name_what_they_change(app: Flask) -> None:
    _form, html = render(app, {})
    assert '<a href="/ret/navn">Ret<span class="sr-only"> Navn</span></a>' in html


@pytest.mark.parametrize(
    ("day", "month", "year", "expected", "error"),
    [
        ("5", "3", "1985", date(1985, 3, 5), None),
        (" 05 ", "03", "1985", date(1985, 3, 5), None),
        ("31", "2", "2000", None, "Datoen findes ikke"),
        ("x", "2", "2000", None, "Skriv datoen med tal"),
        ("1", "2", "85", None, "fire tal"),
        ("", "", "", None, "Skriv datoen."),
    ],
)
def test_date_parts_are_read_and_checked(
    app: Flask, day: str, month: str, year: str, expected: date | None, error: str | None
) -> None:
    form, html = render(app, {"born-day": day, "born-month": month, "born-year": year})
    assert form.born.data == expected
    if error:
        assert any(error in str(e) for e in form.born.errors)
        # What the user typed comes back, so they can correct it.
        assert f'value="{day.strip()}"' in html
    else:
        assert form.born.errors == []


def test_a_tampered_checkbox_value_is_refused(app: Flask) -> None:
    form, _html = render(app, {"kinds": ["a", "evil"]})
    assert form.kinds.errors


def test_summary_list_shows_a_lazy_text_as_one_value(app: Flask) -> None:
    from portal.web.i18n import lazy_gettext

    with app.test_request_context("/"):
        html = render_template_string(
            "{{ summary_list(rows) }}", rows=[{"key": "Status", "value": lazy_gettext("Modtaget")}]
        )
    assert "<td>Modtaget</td>" in html
