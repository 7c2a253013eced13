"""The quick check of a page of choices (portal.web.questions.quick) gives the form's verdict.

Over generated posts to every page it takes, the quick check takes exactly what the built form
validates, and stores the same answer; what it leaves, the form judges. No database is needed:
only the request, its token and the forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from portal.citizen.steps import FORMS
from portal.web.questions.base import Context, StepForm
from portal.web.questions.quick import plan, quick_answer
from portal.web.questions.voice import Voice
from portal.web.services import standards
from portal.web.signing import _csrf_serializer
from tests.conftest import make_app

QUICK = {step: form for step, form in FORMS.items() if plan(form) is not None}
VOICES = {
    "self": {"who": {"who": "self"}},
    "other": {"who": {"who": "other"}, "applicant_name": {"first_name": "Ole"}},
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    folder: Path = tmp_path_factory.mktemp("quick")
    yield make_app(f"sqlite:///{folder}/unused.sqlite3")


def context_for(voice: str) -> Context:
    answers = VOICES[voice]
    return Context(answers, Voice.from_answers(answers), None, standards())


def choice_values(form: type[StepForm], context: Context) -> list[str]:
    return [c.value for name in form.answer_names() for c in form.choices_for(name, context)]


def verdicts(
    app: Flask, form: type[StepForm], voice: str, pairs: list[tuple[str, str]], token: str
) -> tuple[dict[str, Any] | None, bool, dict[str, Any]]:
    """(the quick answer, whether the built form validates, the built form's answer)."""
    good = token_for(app)
    sent = {"good": good, "forged": good[:-2] + "xx", "none": None}[token]
    data = MultiDict(pairs + ([("csrf_token", sent)] if sent else []))
    with app.test_request_context("/", method="POST", data=data) as ctx:
        ctx.session["csrf_token"] = SESSION_TOKEN
        context = context_for(voice)
        quick = quick_answer(form, context)
        built = form()
        built.speak(context)
        return quick, built.validate(), built.to_answer()


# The browser session's own token, and the signed one its pages carry.
SESSION_TOKEN = "5f1c" * 10


def token_for(app: Flask) -> str:
    with app.test_request_context("/"):
        return str(_csrf_serializer().dumps(SESSION_TOKEN))


def posts(form: type[StepForm]) -> st.SearchStrategy[list[tuple[str, str]]]:
    context = context_for("self")
    names = list(form.answer_names())
    junk = st.sampled_from(["", " ", "x", "ja ", "0", "<b>", "\u202e", "{{7*7}}"])
    values = st.sampled_from(choice_values(form, context)) | junk
    field = st.sampled_from([*names, "other", f"{names[0]}-x"])
    return st.lists(st.tuples(field, values), max_size=5)


@pytest.mark.parametrize("step", sorted(QUICK))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_quick_check_takes_what_the_form_takes(app: Flask, step: str, data: Any) -> None:
    form = QUICK[step]
    with app.app_context():
        pairs = data.draw(posts(form))
    voice = data.draw(st.sampled_from(sorted(VOICES)))
    token = data.draw(st.sampled_from(["good", "good", "forged", "none"]))
    quick, valid, answer = verdicts(app, form, voice, pairs, token)
    assert (quick is not None) == valid, (pairs, token, voice)
    if quick is not None:
        assert quick == answer


@pytest.mark.parametrize("step", sorted(QUICK))
def test_a_right_answer_is_taken_quickly(app: Flask, step: str) -> None:
    form = QUICK[step]
    with app.app_context():
        context = context_for("other")
    pairs = [(name, form.choices_for(name, context)[0].value) for name in form.answer_names()]
    quick, valid, answer = verdicts(app, form, "other", pairs, "good")
    assert valid and quick == answer


def test_a_none_of_these_box_with_another_is_left_to_the_form(app: Flask) -> None:
    form = FORMS["difficulties"]
    with app.app_context():
        context = context_for("self")
    choices = form.choices_for("difficulties", context)
    alone = next(c for c in choices if c.exclusive)
    other = next(c for c in choices if not c.exclusive)
    pairs = [("difficulties", alone.value), ("difficulties", other.value)]
    quick, valid, _ = verdicts(app, form, "self", pairs, "good")
    assert quick is None and not valid


def test_only_pages_of_plain_choices_are_taken() -> None:
    # A page with a text, a date or a check of its own is always judged by its form.
    for step in ("applicant_name", "age", "identity", "address", "contact", "offer_wish"):
        assert step not in QUICK
    assert {"difficulties", "wishes", "help_level", "municipality", "transport"} <= set(QUICK)


def test_a_body_that_is_not_a_browser_form_is_left_to_the_form(app: Flask) -> None:
    form = FORMS["help_level"]
    token = token_for(app)
    with app.app_context():
        body = {"help_level": form.choices_for("help_level", context_for("self"))[0].value}
    with app.test_request_context("/", method="POST", json={**body, "csrf_token": token}) as ctx:
        ctx.session["csrf_token"] = SESSION_TOKEN
        assert quick_answer(form, context_for("self")) is None
