"""Questions about who applies, for whom, where and how old."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.answers import age_from_birth_date
from portal.web.fields import DatePartsField
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import (
    CHOOSE_ONE,
    Choice,
    Context,
    Row,
    StepForm,
    no_control_characters,
    strip,
)
from portal.web.questions.voice import Localized, Q
from portal.web.text import day

OTHER_MUNICIPALITY = "other"


class WhoForm(StepForm):
    who = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {"who": Q(_l("Hvem søger du for?"))}
    hints = {"who": Q(_l("Du kan søge for en anden, hvis du har lov til det."))}
    options = {
        "who": (
            Choice("self", Q(_l("Mig selv"))),
            Choice(
                "other",
                Q(_l("En anden person")),
                Q(_l("Fx dit voksne barn, din forælder eller en, du er værge for.")),
            ),
        )
    }


class RelationForm(StepForm):
    relation = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {"relation": Q(_l("Hvem er du for personen?"))}
    options = {
        "relation": (
            Choice(
                "relative", Q(_l("Pårørende")), Q(_l("Fx forælder, barn, søskende eller partner."))
            ),
            Choice("guardian", Q(_l("Værge"))),
            Choice(
                "helper",
                Q(_l("En anden hjælper")),
                Q(_l("Fx en ven, en bostøtte eller en kontaktperson.")),
            ),
        )
    }


class AuthorityForm(StepForm):
    authority = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {"authority": Q(_l("Hvad giver dig lov til at søge for personen?"))}
    hints = {"authority": Q(_l("Kommunen kan bede om at se det."))}
    options = {
        "authority": (
            Choice(
                "power_of_attorney",
                Q(_l("Jeg har en fuldmagt")),
                Q(_l("En fuldmagt er et papir, hvor personen skriver, at du må søge for dem.")),
            ),
            Choice(
                "guardianship",
                Q(_l("Jeg er værge")),
                Q(
                    _l(
                        "Det betyder, at Familieretshuset har sagt, at du må tage dig af personens sager."
                    )
                ),
            ),
            Choice(
                "present_and_agrees",
                Q(_l("Personen er her sammen med mig og er enig")),
                Q(_l("Personen skal selv kunne sige ja til, at du søger.")),
            ),
        )
    }


class ApplicantNameForm(StepForm):
    first_name = StringField(
        filters=[strip],
        validators=[
            InputRequired(_l("Skriv personens fornavn.")),
            Length(max=50, message=_l("Fornavnet må højst have 50 tegn.")),
            no_control_characters,
        ],
        render_kw={"autocomplete": "off", "spellcheck": False, "width": "input-width-l"},
    )
    labels = {"first_name": Q(_l("Hvad er personens fornavn?"))}
    hints = {"first_name": Q(_l("Vi bruger navnet, når vi spørger om personen."))}

    def validate_first_name(self, field: StringField) -> None:
        if field.data and not any(ch.isalpha() for ch in field.data):
            raise ValidationError(_l("Skriv fornavnet med bogstaver."))


class MunicipalityForm(StepForm):
    municipality = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "municipality": Q(_l("Hvilken kommune bor du i?"), _l("Hvilken kommune bor %(name)s i?"))
    }
    hints = {
        "municipality": Q(
            _l("Du søger i den kommune, hvor du bor."), _l("Man søger i den kommune, hvor man bor.")
        )
    }

    @classmethod
    def choices_for(cls, name: str, context: Context) -> Sequence[Choice]:
        listed = sorted(context.standards.values(), key=lambda s: s.name.get("da"))
        # The question says "kommune" already; the options are the names alone.
        return [Choice(s.code, Q(Localized(s.name, short=True))) for s in listed] + [
            Choice(OTHER_MUNICIPALITY, Q(_l("En anden kommune")))
        ]


class AgeForm(StepForm):
    birth_date = DatePartsField(validators=[Optional()])
    age = IntegerField(
        validators=[
            Optional(),
            NumberRange(min=0, max=130, message=_l("Skriv en alder mellem 0 og 130 år.")),
        ],
        render_kw={"inputmode": "numeric", "width": "input-width-xs", "autocomplete": "off"},
    )
    heading = Q(_l("Hvor gammel er du?"), _l("Hvor gammel er %(name)s?"))
    lead = Q(
        _l("Skriv fødselsdatoen. Du kan også bare skrive alderen."),
        _l("Skriv fødselsdatoen. Eller skriv bare alderen."),
    )
    labels = {
        "birth_date": Q(_l("Fødselsdato"), _l("%(Name)s er født")),
        "age": Q(_l("Eller skriv din alder"), _l("Eller skriv alderen på %(name)s")),
    }
    hints = {"birth_date": Q(_l("For eksempel 27 3 1985."))}
    optional_fields = frozenset({"birth_date", "age"})
    either_fields = optional_fields

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if self.birth_date.data is None and self.age.data is None:
            self.birth_date.errors.append(_l("Skriv fødselsdatoen eller alderen."))
            return False
        born = self.birth_date.data
        if born is not None and born > date.today():
            self.birth_date.errors.append(_l("Fødselsdatoen kan ikke ligge ude i fremtiden."))
            return False
        if born is not None and born.year < date.today().year - 130:
            self.birth_date.errors.append(_l("Tjek året. Det ligger for langt tilbage."))
            return False
        return self.validate_agreement()

    def validate_agreement(self) -> bool:
        """A birth date and an age that disagree: ask which is right rather than keep both."""
        born, given = self.birth_date.data, self.age.data
        if born is None or given is None:
            return True
        years = age_from_birth_date(born, date.today())
        if years == given:
            return True
        voice = self.context.voice
        if voice.other:
            message = _(
                "Du har skrevet, at %(name)s er %(age)s år. Men ifølge fødselsdatoen er "
                "%(name)s %(years)s år. Ret det, der er forkert.",
                name=voice.name, age=given, years=years,
            )  # fmt: skip
        else:
            message = _(
                "Du har skrevet, at du er %(age)s år. Men ifølge fødselsdatoen er du "
                "%(years)s år. Ret det, der er forkert.",
                age=given, years=years,
            )  # fmt: skip
        self.age.errors.append(message)
        return False

    @classmethod
    def initial_data(cls, stored: Mapping[str, Any]) -> dict[str, Any]:
        born = stored.get("birth_date")
        return {**stored, "birth_date": date.fromisoformat(born) if born else None}

    @classmethod
    def rows(cls, stored: Mapping[str, Any], context: Context, step: str) -> list[Row]:
        """One row, not one per box: the birth date when given (it is exact), else the age."""
        if stored.get("birth_date"):
            answer = cls.display("birth_date", stored["birth_date"])
            return [Row(step, "birth_date", str(_l("Fødselsdato")), [answer])]
        age = stored.get("age")
        answer = cls.display("age", age) if age is not None else str(_l("Ikke besvaret"))
        return [Row(step, "age", str(_l("Alder")), [answer])]

    @classmethod
    def display(cls, name: str, value: Any) -> str:
        if name == "birth_date" and value:
            return day(date.fromisoformat(value))
        return str(_l("%(years)s år", years=value)) if name == "age" else str(value)
