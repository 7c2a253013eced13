"""The base of every question page's form: texts in both voices, choices defined once, and
the conversion between a form and the JSON a draft stores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from babel.lists import format_list
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import ValidationError

from portal.ffb import Code
from portal.web.forms import PortalForm
from portal.web.i18n import gettext as _
from portal.web.i18n import language
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.voice import Q, Voice

# The two messages every question page with choices uses, defined once.
CHOOSE_ONE = _l("Vælg et af svarene.")
CHOOSE_SOME = _l("Vælg mindst ét svar.")

CONTROL_CHARS = {chr(c) for c in range(32)} - {"\n", "\r", "\t"} | {chr(127)}


@dataclass(frozen=True)
class Choice:
    value: str
    label: Q
    hint: Q | None = None
    # "None of these" / "I don't know": cannot be ticked together with another box.
    exclusive: bool = False
    ffb: Code | None = None


@dataclass
class Context:
    """What a page needs beyond the form: the answers so far and the chosen standard."""

    answers: Mapping[str, Mapping[str, Any]]
    voice: Voice
    standard: Any = None
    standards: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """One line of "check your answers" and of the stored application."""

    step: str
    field: str
    question: str
    answer: list[str]
    codes: list[Code] = field(default_factory=list)


def no_control_characters(_form: Any, field: Field) -> None:
    if isinstance(field.data, str) and any(ch in CONTROL_CHARS for ch in field.data):
        raise ValidationError(_l("Teksten indeholder tegn, vi ikke kan bruge. Skriv den igen."))


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class StepForm(PortalForm):
    heading: ClassVar[Q | None] = None  # the h1 of a page with several fields
    lead: ClassVar[Q | None] = None
    labels: ClassVar[dict[str, Q]] = {}
    hints: ClassVar[dict[str, Q]] = {}
    options: ClassVar[dict[str, tuple[Choice, ...]]] = {}
    optional_fields: ClassVar[frozenset[str]] = frozenset()
    # Optional each, but one of them is needed (a birth date or an age): not marked
    # "(frivilligt)", which would say that neither is.
    either_fields: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        locales = ("da_DK", "da")

    # Texts and choices are classmethods: "check your answers" and the stored application
    # (rows) need them without building a form for each of twenty questions.
    @classmethod
    def choices_for(cls, name: str, context: Context) -> Sequence[Choice]:
        return cls.options.get(name, ())

    @classmethod
    def label_for(cls, name: str, context: Context) -> str | None:
        """The question a field asks, in the voice and language of this request."""
        label = cls.labels.get(name)
        return label.say(context.voice) if label else None

    @classmethod
    def answer_names(cls) -> tuple[str, ...]:
        """The answer fields' names in the form's order (WTForms' own: as declared)."""
        names = _ANSWER_NAMES.get(cls)
        if names is None:
            unbound = [
                (getattr(cls, name).creation_counter, name)
                for name in dir(cls)
                if not name.startswith("_") and isinstance(getattr(cls, name), UnboundField)
            ]
            names = _ANSWER_NAMES[cls] = tuple(name for _, name in sorted(unbound))
        return names

    def speak(self, context: Context) -> None:
        """Put the texts in the voice and language of this request, and set the choices
        (which WTForms checks a posted value against, so a tampered value is refused)."""
        self.context = context
        self.item_hints: dict[str, dict[str, str]] = {}
        self.choice_map: dict[str, dict[str, Choice]] = {}
        self.heading_text = self.heading.say(context.voice) if self.heading else None
        self.lead_text = self.lead.say(context.voice) if self.lead else None
        for name, item in self._fields.items():
            label = self.label_for(name, context)
            if label is not None:
                item.label.text = label
            if name in self.hints:
                item.description = self.hints[name].say(context.voice)
            choices = self.choices_for(name, context)
            if choices:
                self.choice_map[name] = {c.value: c for c in choices}
                item.choices = [SelectChoice(c.value, c.label.say(context.voice)) for c in choices]
                self.item_hints[name] = {
                    c.value: c.hint.say(context.voice) for c in choices if c.hint
                }

    @property
    def answer_fields(self) -> list[Field]:
        return [f for name, f in self._fields.items() if name != "csrf_token"]

    def validate_exclusive(self) -> bool:
        """A "none of these" box ticked with another box is a contradiction to point out,
        naming the answers that clash, so nobody has to guess which box to untick."""
        ok = True
        for name, choices in self.choice_map.items():
            data = self._fields[name].data
            picked = [choices[v] for v in data if v in choices] if isinstance(data, list) else []
            alone = next((c for c in picked if c.exclusive), None)
            # The same box sent twice (a tampered form) is no clash.
            others = [c for c in {c.value: c for c in picked}.values() if c is not alone]
            if alone is not None and others:
                self._fields[name].errors.append(self.clash_message(alone, others))
                ok = False
        return ok

    def clash_message(self, alone: Choice, others: Sequence[Choice]) -> str:
        voice = self.context.voice
        quoted = [_("»%(answer)s«", answer=c.label.say(voice)) for c in others]
        if len(others) == 1:
            message = _(
                "»%(alone)s« kan ikke vælges sammen med %(other)s. Fjern et af de to kryds.",
                alone=alone.label.say(voice), other=quoted[0],
            )  # fmt: skip
        else:
            message = _(
                "»%(alone)s« kan ikke vælges sammen med %(others)s. Fjern krydset ved "
                "»%(alone)s«, eller fjern de andre kryds.",
                alone=alone.label.say(voice), others=format_list(quoted, locale=language()),
            )  # fmt: skip
        return message

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.validate_exclusive() and valid

    # Conversion between the form and the draft's JSON.
    def to_answer(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in self.answer_fields:
            value = item.data
            if isinstance(value, date):
                value = value.isoformat()
            out[item.name] = value
        return out

    @classmethod
    def initial_data(cls, stored: Mapping[str, Any]) -> dict[str, Any]:
        return dict(stored)

    @classmethod
    def rows(cls, stored: Mapping[str, Any], context: Context, step: str) -> list[Row]:
        """The stored answer as question and answer texts, as shown to the user."""
        rows = []
        for name in cls.answer_names():
            value = stored.get(name)
            question = cls.label_for(name, context) or ""
            choices = {c.value: c for c in cls.choices_for(name, context)}
            if choices:
                values = value if isinstance(value, list) else [value]
                picked = [choices[v] for v in values if v in choices]
                answer = [c.label.say(context.voice) for c in picked]
                codes = [c.ffb for c in picked if c.ffb]
            else:
                answer = [cls.display(name, value)] if value not in (None, "") else []
                codes = []
            if not answer and name in cls.optional_fields:
                continue
            rows.append(Row(step, name, question, answer or [str(_l("Ikke besvaret"))], codes))
        return rows

    @classmethod
    def display(cls, name: str, value: Any) -> str:
        return str(value)


_ANSWER_NAMES: dict[type[StepForm], tuple[str, ...]] = {}
