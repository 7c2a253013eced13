"""A question page as fixed text with holes, made once per step, language and voice.

A question page shown by GET differs between citizens only in a few places: the CSRF token,
which options are checked and what the text boxes hold, the person's name in the texts (when
someone applies for another), the step indicator and the back link. So the first time a page
is asked for, in a given language, voice, municipality (only for a question whose options
come from the municipality's standard), with or without "?fra=tjek" and a back link, it is
rendered through the ordinary template with a marker in each of those places: the markers are
private-use characters that no text, template or catalogue contains. The result is split at
the markers into a Skeleton. Every later request joins the skeleton's parts with its own,
escaped, values: no form object, no macros, no translations per request.

Nothing personal is kept: a skeleton is made from markers, never from a citizen's answers, and
the values are computed per request and thrown away. A visitor logged in with MitID always
gets the full render: the header then says so and holds "Log ud", which no shared page may
carry, and so no skeleton is ever made from such a page. A question whose form has a field of a
kind not known here, a query string other than "?fra=tjek", or a failed build fall back to the
full render, which stays the reference: tests/web/test_step_pages.py compares the two for every
question in both languages and both voices.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import render_template, request
from markupsafe import Markup, escape
from wtforms import EmailField, IntegerField, RadioField, StringField, TelField, TextAreaField
from wtforms.fields.choices import Choice as RenderedChoice

from portal.web.citizen_login import logged_in
from portal.web.fields import DatePartsField, MultiCheckboxField
from portal.web.i18n import language
from portal.web.questions.base import Context, StepForm
from portal.web.questions.voice import Q, Voice
from portal.web.signing import csrf_token
from portal.web.text import printable

OPEN, CLOSE = "\ue000", "\ue001"
SLOT_RE = re.compile(f"{OPEN}([^{OPEN}{CLOSE}]+){CLOSE}")
CHOICE_FIELDS = (RadioField, MultiCheckboxField)
TEXT_FIELDS = (StringField, TextAreaField, EmailField, TelField)
# The query strings a skeleton may be made from: the language links carry the page's path.
PLAIN_QUERIES = {b"": False, b"fra=tjek": True}


class Slot(str):
    """A hole in a page being made: it prints as its marker."""

    def __new__(cls, name: str) -> Slot:
        return super().__new__(cls, f"{OPEN}{name}{CLOSE}")


def checked(value: object) -> Markup:
    """The `checked` attribute of an option (a Jinja filter): in a skeleton, the hole for it."""
    if isinstance(value, Slot):
        return Markup(value)  # noqa: S704 (a marker made here, no user text)
    return Markup(" checked") if value else Markup("")


class SlotVoice(Voice):
    """The other-person voice with holes for the name, as written and capitalised."""

    @property
    def name(self) -> str:
        return Slot("name")

    @property
    def Name(self) -> str:
        return Slot("Name")


@dataclass(frozen=True)
class Key:
    step_id: str
    lang: str
    other_voice: bool
    standard: str | None
    from_check: bool
    has_back: bool
    script_root: str


@dataclass(frozen=True)
class Skeleton:
    """The page's fixed parts; between each two, a slot: (kind, field, detail)."""

    parts: tuple[str, ...]
    slots: tuple[tuple[str, str, str], ...]

    @classmethod
    def parse(cls, html: str) -> Skeleton:
        pieces = SLOT_RE.split(html)
        slots = tuple(_slot(name) for name in pieces[1::2])
        return cls(tuple(pieces[0::2]), slots)

    def fill(self, values: Mapping[str, str], checks: Mapping[str, frozenset[str]]) -> str:
        out = [self.parts[0]]
        for (kind, field, detail), part in zip(self.slots, self.parts[1:], strict=True):
            if kind == "checked":
                out.append(" checked" if detail in checks[field] else "")
            else:
                out.append(values[field])
            out.append(part)
        return "".join(out)


def _slot(name: str) -> tuple[str, str, str]:
    kind, _, rest = name.partition(":")
    if kind == "checked":
        field, _, value = rest.partition(":")
        return (kind, field, value)
    return ("value", name, "")


_SKELETONS: dict[Key, Skeleton | None] = {}
_LOCK = threading.Lock()


def fast_page(
    step_id: str,
    form_class: type[StepForm],
    stored: Mapping[str, Any],
    context: Context,
    args: Mapping[str, Any],
) -> str | None:
    """The question page for a GET from its skeleton; None where only the full render will do."""
    from_check = PLAIN_QUERIES.get(request.query_string)
    if from_check is None or logged_in() or not plan(form_class).supported:
        return None
    key = Key(
        step_id, language(), context.voice.other, _standard_code(form_class, context),
        from_check, args["back_url"] is not None, request.script_root,
    )  # fmt: skip
    skeleton = _SKELETONS.get(key)
    if skeleton is None:
        if key in _SKELETONS:
            return None  # built before and found unusable
        skeleton = _build(step_id, form_class, context, args)
        with _LOCK:
            _SKELETONS[key] = skeleton
        if skeleton is None:
            return None
    values, checks = _values(form_class, stored, context.voice, args)
    return skeleton.fill(values, checks)


@dataclass(frozen=True)
class Plan:
    """How a form's answer fields show a stored answer: (name, kind, filters) each; kind None
    for a field this module cannot fill, which leaves the form to the full render."""

    fields: tuple[tuple[str, str | None, tuple[Callable[[Any], Any], ...]], ...]

    @property
    def supported(self) -> bool:
        return all(kind is not None for _, kind, _ in self.fields)


_PLANS: dict[type[StepForm], Plan] = {}


def plan(form_class: type[StepForm]) -> Plan:
    found = _PLANS.get(form_class)
    if found is None:
        form = form_class(formdata=None, meta={"csrf": False})
        found = Plan(tuple((f.name, _kind(f), tuple(f.filters)) for f in form.answer_fields))
        _PLANS[form_class] = found
    return found


def _kind(field: Any) -> str | None:
    if type(field) in CHOICE_FIELDS and field.coerce is str:
        return "multi" if isinstance(field, MultiCheckboxField) else "one"
    if type(field) in TEXT_FIELDS:
        return "text"
    if type(field) is IntegerField:
        return "integer"
    if type(field) is DatePartsField:
        return "date"
    return None


def _standard_code(form_class: type[StepForm], context: Context) -> str | None:
    # A form that picks its own choices or texts may read the municipality's standard.
    own = any(
        name in vars(cls)
        for cls in form_class.__mro__[: form_class.__mro__.index(StepForm)]
        for name in ("choices_for", "label_for", "speak")
    )
    return context.standard.code if own and context.standard is not None else None


def _build(
    step_id: str, form_class: type[StepForm], context: Context, args: Mapping[str, Any]
) -> Skeleton | None:
    form = form_class(formdata=None, meta={"csrf": False})
    voice: Voice = SlotVoice(other=True) if context.voice.other else Voice(other=False)
    form.speak(Context({}, voice, context.standard, context.standards))
    # The template reads the token and its errors from a CSRF field this form has not got.
    form.csrf_token = SimpleNamespace(current_token=Slot("csrf"), errors=[])
    for field in form.answer_fields:
        _hollow(field)
    html = render_template(
        "citizen/step.html", form=form, step_id=step_id,
        **{**args, "steps": Slot("steps"), "back_url": Slot("back") if args["back_url"] else None},
    )  # fmt: skip
    skeleton = Skeleton.parse(html)
    names = {field for kind, field, _ in skeleton.slots if kind == "value"}
    # The token must have its hole, or every citizen would get this one's.
    return skeleton if "csrf" in names else None


def _hollow(field: Any) -> None:
    """Put markers where the field shows a citizen's answer."""
    if isinstance(field, CHOICE_FIELDS):
        choices: Sequence[Any] = field._choices_from_input(field.choices) or []
        rendered = [
            RenderedChoice(c.value, c.label, Slot(f"checked:{field.name}:{c.value}"), c.render_kw)
            for c in choices
        ]
        # An instance attribute: this one field lists its options with holes for "checked".
        field.iter_choices = lambda: rendered
    elif isinstance(field, DatePartsField):
        field.day, field.month, field.year = (
            Slot(f"{field.name}-{part}") for part in ("day", "month", "year")
        )
    elif isinstance(field, IntegerField):
        field.raw_data = [Slot(field.name)]
    else:
        field.data = Slot(field.name)


def _values(
    form_class: type[StepForm], stored: Mapping[str, Any], voice: Voice, args: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """This request's values for the holes, escaped, as the form and the template make them."""
    values = {"csrf": str(escape(csrf_token())), "steps": str(args["steps"])}
    if args["back_url"] is not None:
        values["back"] = str(escape(args["back_url"]))
    if voice.other:
        values["name"], values["Name"] = str(escape(voice.name)), str(escape(voice.Name))
    checks: dict[str, frozenset[str]] = {}
    data = form_class.initial_data(stored)
    for name, kind, filters in plan(form_class).fields:
        value = data.get(name)
        if kind == "one":
            checks[name] = frozenset() if value is None else frozenset({str(value)})
        elif kind == "multi":
            checks[name] = _many(value)
        elif kind == "date":
            for part, text in zip(("day", "month", "year"), _date_parts(value), strict=True):
                values[f"{name}-{part}"] = str(escape(text))
        else:
            text = _text(value, kind, filters)
            values[name] = str(escape(printable(text)))
    return values, checks


def _many(value: Any) -> frozenset[str]:
    try:
        return frozenset(str(v) for v in value)
    except TypeError:  # as SelectMultipleField.process_data: no list, nothing checked
        return frozenset()


def _date_parts(value: Any) -> tuple[str, str, str]:
    if isinstance(value, date):
        return str(value.day), str(value.month), str(value.year)
    return "", "", ""


def _text(value: Any, kind: str, filters: Sequence[Callable[[Any], Any]]) -> str:
    if kind == "integer":
        try:
            return "" if value is None else str(int(value))
        except (TypeError, ValueError):
            return ""
    for run in filters:
        value = run(value)
    return "" if value is None else str(value)


# A page around a body made per request (the guidance): the frame is a skeleton too.
_FRAMES: dict[tuple[str, str, bool, bool, bool, str], Skeleton | None] = {}


def framed_page(
    template: str, heading: Q, voice: Voice, args: Mapping[str, Any], body: Markup
) -> str | None:
    """`template` with its heading in `voice`, the page args and `body`: the frame from its
    skeleton (everything but the body is the same for every citizen with this voice and
    language), the body as given. None where only the full render will do."""
    from_check = PLAIN_QUERIES.get(request.query_string)
    if from_check is None or logged_in():
        return None
    has_back = args["back_url"] is not None
    key = (template, language(), voice.other, from_check, has_back, request.script_root)
    if key not in _FRAMES:
        slot_voice: Voice = SlotVoice(other=True) if voice.other else Voice(other=False)
        html = render_template(
            template, heading=heading.say(slot_voice), body=Slot("body"), form=None,
            **{**args, "steps": Slot("steps"), "back_url": Slot("back") if has_back else None},
        )  # fmt: skip
        skeleton = Skeleton.parse(html)
        with _LOCK:
            _FRAMES[key] = (
                skeleton
                if _holes(skeleton)
                <= {"body", "steps", "back"} | ({"name", "Name"} if voice.other else set())
                else None
            )
    skeleton = _FRAMES[key]
    if skeleton is None:
        return None
    values = {"body": str(body), "steps": str(args["steps"])}
    if has_back:
        values["back"] = str(escape(args["back_url"]))
    if voice.other:
        values["name"], values["Name"] = str(escape(voice.name)), str(escape(voice.Name))
    return skeleton.fill(values, {})


def _holes(skeleton: Skeleton) -> set[str]:
    return {field for _, field, _ in skeleton.slots}
