"""A right answer to a page of choices, taken without building its form.

Half of the question pages ask one thing with radio buttons or checkboxes and nothing more.
Building the WTForms form for such a POST (binding its fields, putting its texts in the
request's voice, running the validator chain) was about a quarter of the answer's time, while
what decides the answer is whether each sent value is one of the choices. Here that check is
made from the form class itself; the form is still built whenever anything is not plainly
right (a missing answer, an unknown value, a "none of these" ticked with another box, a token
that does not check out, a body that is not a browser's form), so every message a person can
meet still comes from the form, and what is taken here is exactly what the form would take:
tests/web/test_quick_answer.py holds the two to the same verdict over generated posts.

Which forms qualify is read from their declaration, so a new page of choices is covered, and a
page with anything more (a text, a date, a check of its own) never is.
"""

from __future__ import annotations

from typing import Any

from flask import request
from wtforms import RadioField
from wtforms.validators import InputRequired

from portal.web.fields import MultiCheckboxField
from portal.web.questions.base import Context, StepForm
from portal.web.signing import posted_token_holds

FORM_BODY = "application/x-www-form-urlencoded"

# Per form class: its answer fields as (name, several answers allowed), or None when some
# part of the form is more than one plain choice check.
_PLAN: dict[type[StepForm], tuple[tuple[str, bool], ...] | None] = {}


def plan(form_class: type[StepForm]) -> tuple[tuple[str, bool], ...] | None:
    """The form's fields, when each is a plain required choice and nothing else checks them."""
    if form_class not in _PLAN:
        _PLAN[form_class] = _read_plan(form_class)
    return _PLAN[form_class]


def _read_plan(form_class: type[StepForm]) -> tuple[tuple[str, bool], ...] | None:
    if form_class.validate is not StepForm.validate or form_class.to_answer is not (
        StepForm.to_answer
    ):
        return None
    fields = []
    for name in form_class.answer_names():
        unbound = getattr(form_class, name)
        kind = unbound.field_class
        if kind not in (RadioField, MultiCheckboxField) or unbound.args:
            return None
        extra = set(unbound.kwargs) - {"label", "validators"}
        validators = unbound.kwargs.get("validators") or []
        required = len(validators) == 1 and type(validators[0]) is InputRequired
        if extra or not required or hasattr(form_class, f"validate_{name}"):
            return None
        fields.append((name, kind is MultiCheckboxField))
    return tuple(fields) or None


def quick_answer(form_class: type[StepForm], context: Context) -> dict[str, Any] | None:
    """The answer the form would store from this POST, when the POST is plainly right; None
    when the form must be built to judge it (and to say what is wrong)."""
    fields = plan(form_class)
    if fields is None or request.mimetype != FORM_BODY or not posted_token_holds():
        return None
    sent = request.form
    answer: dict[str, Any] = {}
    for name, several in fields:
        values = sent.getlist(name)
        if not values or not values[0]:
            return None  # not answered: the form says so
        choices = {c.value: c for c in form_class.choices_for(name, context)}
        if any(value not in choices for value in (values if several else values[:1])):
            return None
        if several and any(choices[v].exclusive for v in values) and len(set(values)) > 1:
            return None  # "none of these" with another box: the form names the clash
        answer[name] = values if several else values[0]
    return answer
