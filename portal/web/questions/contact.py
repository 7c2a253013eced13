"""Questions about identity and contact, and the consent to fetch information."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import has_request_context
from flask_babel.speaklater import LazyString
from stdnum.dk import cpr as stdnum_cpr
from wtforms import EmailField, RadioField, StringField, TelField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from portal.cpr import Problem as CprProblem
from portal.cpr import digit_count, fits_age_answer
from portal.cpr import masked as masked_cpr
from portal.cpr import problem as cpr_problem
from portal.db.models import utcnow
from portal.deadlines import danish_date
from portal.identity.prefill import representative_name
from portal.web.citizen_login import current_citizen
from portal.web.fields import MultiCheckboxField, optional_choice
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import (
    CHOOSE_ONE,
    CHOOSE_SOME,
    Choice,
    Context,
    Row,
    StepForm,
    no_control_characters,
    strip,
)
from portal.web.questions.voice import Q

PHONE_RE = re.compile(r"^\+?[0-9 ]{8,16}$")
INTERPRETER = "interpreter"


def text_field(required: Any, max_length: int, **render_kw: Any) -> StringField:
    validators = [required] if required else [Optional()]
    validators += [
        Length(max=max_length, message=_l("Skriv højst %(max)d tegn.", max=max_length)),
        no_control_characters,
    ]
    return StringField(filters=[strip], validators=validators, render_kw=render_kw)


def valid_phone(_form: Any, field: Any) -> None:
    if field.data and not PHONE_RE.match(field.data):
        raise ValidationError(_l("Skriv telefonnummeret med 8 tal, fx 12 34 56 78."))


def phone_field(required: Any) -> TelField:
    return TelField(
        filters=[strip],
        validators=[required, valid_phone],
        render_kw={"autocomplete": "tel", "width": "input-width-s"},
    )


def email_field() -> EmailField:
    return EmailField(
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254),
            Email(_l("Skriv e-mailen sådan her: navn@eksempel.dk.")),
        ],
        render_kw={"autocomplete": "email", "spellcheck": False},
    )


def cpr_message(found: CprProblem, typed: str) -> LazyString:
    """The advice for what is wrong: the birth date only when the number has all ten digits."""
    if found is CprProblem.LENGTH:
        return _l(
            "Et CPR-nummer har 10 tal, men her er der %(count)s. Skriv hele nummeret, "
            "fx 010190-1234.",
            count=digit_count(typed),
        )
    if found is CprProblem.NO_SUCH_DATE:
        return _l("CPR-nummeret findes ikke. Tjek de første 6 tal: de er fødselsdatoen.")
    if found is CprProblem.FUTURE:
        return _l(
            "CPR-nummeret findes ikke. Det giver en fødselsdato ude i fremtiden. Tjek tallene."
        )
    return _l("Skriv CPR-nummeret med 10 tal, fx 010190-1234.")


class IdentityForm(StepForm):
    full_name = text_field(
        InputRequired(_l("Skriv det fulde navn.")), 120, autocomplete="name", spellcheck=False
    )
    cpr = StringField(
        filters=[strip],
        validators=[InputRequired(_l("Skriv CPR-nummeret."))],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "width": "input-width-s"},
    )
    heading = Q(_l("Navn og CPR-nummer"), _l("Navn og CPR-nummer på %(name)s"))
    labels = {
        "full_name": Q(_l("Dit fulde navn"), _l("Fulde navn")),
        "cpr": Q(_l("Dit CPR-nummer"), _l("CPR-nummer")),
    }
    hints = {"cpr": Q(_l("10 tal, fx 010190-1234."))}

    def validate_cpr(self, field: StringField) -> None:
        typed = field.data or ""
        found = cpr_problem(typed)
        if found is not None:
            raise ValidationError(cpr_message(found, typed))
        number = stdnum_cpr.validate(typed)
        field.data = stdnum_cpr.format(number)
        given = self.context.answers.get("age", {})
        if not fits_age_answer(number, given, danish_date(utcnow())):
            if given.get("birth_date"):
                raise ValidationError(
                    _l("CPR-nummeret passer ikke med fødselsdatoen. Tjek dem begge.")
                )
            raise ValidationError(_l("CPR-nummeret passer ikke med alderen. Tjek dem begge."))

    @classmethod
    def display(cls, name: str, value: Any) -> str:
        # The CPR number is never shown in full again after it is typed.
        return masked_cpr(str(value)) if name == "cpr" else str(value)


class AddressForm(StepForm):
    street = text_field(
        InputRequired(_l("Skriv vej og husnummer.")), 120, autocomplete="street-address"
    )
    postcode = StringField(
        filters=[strip],
        validators=[InputRequired(_l("Skriv postnummeret."))],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "width": "input-char-4"},
    )
    city = text_field(InputRequired(_l("Skriv byen.")), 60, autocomplete="address-level2")
    # Optional: it tells the municipality to take care with the address, but nobody has to
    # say. Unanswered stays None (null in the hand-off document).
    protected = RadioField(validators=[optional_choice()])
    heading = Q(_l("Hvor bor du?"), _l("Hvor bor %(name)s?"))
    labels = {
        "street": Q(_l("Vej og husnummer")),
        "postcode": Q(_l("Postnummer")),
        "city": Q(_l("By")),
        "protected": Q(
            _l("Har du navne- og adressebeskyttelse?"),
            _l("Har %(name)s navne- og adressebeskyttelse?"),
        ),
    }
    hints = {
        "street": Q(_l("Skriv også etage og dør, hvis der er en.")),
        "protected": Q(
            _l("Så kan andre ikke slå din adresse op. Du behøver ikke at svare."),
            _l("Så kan andre ikke slå adressen op. Det er frivilligt at svare."),
        ),
    }
    optional_fields = frozenset({"protected"})
    options = {"protected": (Choice("yes", Q(_l("Ja"))), Choice("no", Q(_l("Nej"))))}

    def validate_postcode(self, field: StringField) -> None:
        if not re.fullmatch(r"[0-9]{4}", field.data or ""):
            raise ValidationError(_l("Et postnummer har 4 tal, fx 4000."))


class ContactForm(StepForm):
    phone = phone_field(Optional())
    email = email_field()
    preferred = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    heading = Q(
        _l("Hvordan kan kommunen kontakte dig?"), _l("Hvordan kan kommunen kontakte %(name)s?")
    )
    lead = Q(
        _l("Skriv det, du har. Du skal ikke have begge dele."),
        _l("Skriv det, %(name)s har. Det er nok med det ene."),
    )
    labels = {
        "phone": Q(_l("Telefon")),
        "email": Q(_l("E-mail")),
        "preferred": Q(
            _l("Hvordan vil du helst kontaktes?"), _l("Hvordan vil %(name)s helst kontaktes?")
        ),
    }
    optional_fields = frozenset({"phone", "email"})
    options = {
        "preferred": (
            Choice("phone", Q(_l("Telefon"))),
            Choice("email", Q(_l("E-mail"))),
            Choice(
                "digital_post",
                Q(_l("Digital Post")),
                Q(_l("Breve fra kommunen i e-Boks eller mit.dk.")),
            ),
        )
    }

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.preferred.data == "phone" and not self.phone.data and not self.phone.errors:
            self.phone.errors.append(_l("Skriv telefonnummeret, eller vælg en anden måde."))
            valid = False
        if self.preferred.data == "email" and not self.email.data and not self.email.errors:
            self.email.errors.append(_l("Skriv e-mailen, eller vælg en anden måde."))
            valid = False
        return valid


class MeetingHelpForm(StepForm):
    needs = MultiCheckboxField(validators=[InputRequired(CHOOSE_SOME)])
    language = text_field(None, 60, width="input-width-l")
    labels = {
        "needs": Q(
            _l("Har du brug for hjælp til møder med kommunen?"),
            _l("Har %(name)s brug for hjælp til møder med kommunen?"),
        ),
        "language": Q(_l("Hvilket sprog skal tolken tale?")),
    }
    # Not "(frivilligt)": the language must be given once "En tolk" is ticked, and only then.
    hints = {"language": Q(_l("Skriv sproget, hvis der er kryds ved »En tolk«."))}
    options = {
        "needs": (
            Choice(INTERPRETER, Q(_l("En tolk"))),
            Choice("sign_language", Q(_l("En tegnsprogstolk"))),
            Choice(
                "companion",
                Q(_l("At have en med")),
                Q(
                    _l("Du må altid have en med til møder. Det kaldes en bisidder."),
                    _l("%(Name)s må altid have en med til møder. Det kaldes en bisidder."),
                ),
            ),
            Choice("accessible_place", Q(_l("Et sted uden trapper"))),
            Choice("none", Q(_l("Nej")), exclusive=True),
        )
    }

    def validate(self, extra_validators: Any = None) -> bool:
        # Here, not in validate_language: Optional() ends the field's chain when it is empty.
        valid = super().validate(extra_validators)
        if valid and INTERPRETER in (self.needs.data or []) and not self.language.data:
            self.language.errors.append(_l("Skriv, hvilket sprog tolken skal tale."))
            return False
        return valid

    def to_answer(self) -> dict[str, Any]:
        # The language belongs to "En tolk" only: one typed before that box was unticked
        # must not reach the caseworker as if an interpreter were asked for.
        answer = super().to_answer()
        if INTERPRETER not in (answer.get("needs") or []):
            answer["language"] = None
        return answer

    @classmethod
    def rows(cls, stored: Mapping[str, Any], context: Context, step: str) -> list[Row]:
        rows = super().rows(stored, context, step)
        if INTERPRETER in (stored.get("needs") or []):
            return rows
        return [row for row in rows if row.field != "language"]


class RepresentativeForm(StepForm):
    full_name = text_field(
        InputRequired(_l("Skriv dit fulde navn.")), 120, autocomplete="name", spellcheck=False
    )
    phone = phone_field(InputRequired(_l("Skriv dit telefonnummer.")))
    email = email_field()
    heading = Q(_l("Om dig, der søger"), _l("Om dig, der søger for %(name)s"))
    lead = Q(_l("Kommunen skal kunne kontakte dig om ansøgningen."))
    labels = {
        "full_name": Q(_l("Dit fulde navn")),
        "phone": Q(_l("Dit telefonnummer")),
        "email": Q(_l("Din e-mail")),
    }
    optional_fields = frozenset({"email"})

    def speak(self, context: Context) -> None:
        """Logged in with MitID, the name field is first filled with the citizen's own name
        from the login (portal.identity.prefill), until the citizen saves one of their own."""
        super().speak(context)
        if self.is_submitted() or self.full_name.data or not has_request_context():
            return
        name = representative_name(context.answers, current_citizen())
        if name:
            self.full_name.data = name
            self.full_name.description = str(
                _l("Navnet er fra dit MitID-login. Ret det, hvis det er forkert.")
            )


class ConsentForm(StepForm):
    sources = MultiCheckboxField(validators=[InputRequired(CHOOSE_SOME)])
    kinds = MultiCheckboxField(validators=[optional_choice()])
    heading = Q(
        _l("Må kommunen hente oplysninger om dig?"),
        _l("Må kommunen hente oplysninger om %(name)s?"),
    )
    # Applying for someone else, the consent is still that person's: the relative answers
    # what the person wants, and it is the person who may say yes later or take it back.
    lead = Q(
        _l(
            "Det kan gøre sagen hurtigere. Du kan også sige ja senere. Og du kan altid tage dit ja tilbage."
        ),
        _l(
            "Det kan gøre sagen hurtigere. Svar det, som %(name)s selv vil. %(Name)s kan også sige ja senere. Og %(name)s kan altid tage sit ja tilbage."
        ),
    )
    labels = {
        "sources": Q(_l("Hvor må kommunen spørge?")),
        "kinds": Q(_l("Hvilke oplysninger må kommunen få?")),
    }
    hints = {
        "kinds": Q(
            _l("Svar kun, hvis du har sagt ja ovenfor."),
            _l("Svar kun, hvis %(name)s har sagt ja ovenfor."),
        )
    }
    optional_fields = frozenset({"kinds"})
    options = {
        "sources": (
            Choice("doctor", Q(_l("Hos læge og sygehus"))),
            Choice("municipality", Q(_l("Hos andre afdelinger i kommunen"))),
            Choice(
                "providers",
                Q(
                    _l("Hos de steder, jeg kommer i dag"),
                    _l("Hos de steder, %(name)s kommer i dag"),
                ),
                Q(_l("Fx et botilbud, et værested eller en skole.")),
            ),
            Choice(
                "later",
                Q(_l("Ingen steder lige nu")),
                Q(_l("Kommunen spørger, hvis den får brug for det.")),
                exclusive=True,
            ),
        ),
        "kinds": (
            Choice("health", Q(_l("Om helbred og sygdom"))),
            Choice(
                "daily_life",
                Q(
                    _l("Om hvad jeg kan klare i hverdagen"),
                    _l("Om hvad %(name)s kan klare i hverdagen"),
                ),
            ),
            Choice("social", Q(_l("Om bolig, familie og økonomi"))),
        ),
    }

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        sources = self.sources.data or []
        if valid and sources and "later" not in sources and not self.kinds.data:
            self.kinds.errors.append(_l("Vælg, hvilke oplysninger kommunen må få."))
            return False
        if valid and "later" in sources:
            self.kinds.data = []  # no source, no kinds: nothing is consented to
        return valid
