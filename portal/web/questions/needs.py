"""Questions about needs and daily life, in the guidance engine's terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal import ffb
from portal.standards import OfferKind
from portal.web.fields import MultiCheckboxField
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
from portal.web.questions.voice import Localized, Q

FREE_TEXT_MAX = 2000
UNSURE = Choice("unsure", Q(_l("Ved ikke")), exclusive=True)
NO_OFFER = "none"
OTHER_OFFER = "other"


class DifficultiesForm(StepForm):
    difficulties = MultiCheckboxField(validators=[InputRequired(CHOOSE_SOME)])
    labels = {
        "difficulties": Q(
            _l("Hvad gør din hverdag svær?"), _l("Hvad gør hverdagen svær for %(name)s?")
        )
    }
    hints = {"difficulties": Q(_l("Sæt gerne flere kryds."))}
    options = {
        "difficulties": (
            Choice(
                "physical",
                Q(_l("Et fysisk handicap")),
                Q(_l("Fx i muskler, led, syn eller hørelse.")),
                ffb=ffb.TARGET_GROUPS["physical"],
            ),
            Choice(
                "mental",
                Q(_l("Noget psykisk eller noget i hjernen")),
                Q(_l("Fx en psykisk sygdom, en hjerneskade, autisme eller et udviklingshandicap.")),
                ffb=ffb.TARGET_GROUPS["mental"],
            ),
            Choice(
                "social",
                Q(_l("Sociale problemer")),
                Q(_l("Fx misbrug eller ingen fast bolig.")),
                ffb=ffb.TARGET_GROUPS["social"],
            ),
            UNSURE,
        )
    }


class HelpLevelForm(StepForm):
    help_level = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "help_level": Q(
            _l("Hvor meget hjælp har du brug for i hverdagen?"),
            _l("Hvor meget hjælp har %(name)s brug for i hverdagen?"),
        )
    }
    hints = {
        "help_level": Q(
            _l(
                "Tænk på en almindelig dag. Det er dit eget svar. Kommunen vurderer det selv bagefter."
            ),
            _l(
                "Tænk på en almindelig dag for %(name)s. Svaret er kun et bud. Kommunen vurderer det selv bagefter."
            ),
        )
    }
    options = {
        "help_level": (
            Choice("0", Q(_l("Jeg klarer det hele selv"), _l("%(Name)s klarer det hele selv"))),
            Choice("1", Q(_l("Jeg skal have lidt hjælp"), _l("%(Name)s skal have lidt hjælp"))),
            Choice("2", Q(_l("Jeg skal have en del hjælp"), _l("%(Name)s skal have en del hjælp"))),
            Choice("3", Q(_l("Jeg skal have meget hjælp"), _l("%(Name)s skal have meget hjælp"))),
            Choice(
                "4",
                Q(
                    _l("Jeg skal have hjælp til næsten alt"),
                    _l("%(Name)s skal have hjælp til næsten alt"),
                ),
            ),
        )
    }


class WishesForm(StepForm):
    wishes = MultiCheckboxField(validators=[InputRequired(CHOOSE_SOME)])
    labels = {
        "wishes": Q(
            _l("Hvad vil du gerne have ud af et tilbud?"),
            _l("Hvad vil %(name)s gerne have ud af et tilbud?"),
        )
    }
    hints = {"wishes": Q(_l("Sæt gerne flere kryds."))}
    options = {
        "wishes": (
            Choice(
                "social_contact",
                Q(_l("Være sammen med andre")),
                ffb=ffb.WISH_CODES["social_contact"],
            ),
            Choice("get_out", Q(_l("Komme ud af huset")), ffb=ffb.WISH_CODES["get_out"]),
            Choice(
                "activities",
                Q(_l("Lave noget, jeg kan lide"), _l("Lave noget, %(name)s kan lide")),
                ffb=ffb.WISH_CODES["activities"],
            ),
            Choice(
                "keep_skills",
                Q(_l("Holde fast i det, jeg kan"), _l("Holde fast i det, %(name)s kan")),
                ffb=ffb.WISH_CODES["keep_skills"],
            ),
            Choice("learn_skills", Q(_l("Lære nye ting")), ffb=ffb.WISH_CODES["learn_skills"]),
            Choice("structure", Q(_l("Få faste rammer om dagen")), ffb=ffb.WISH_CODES["structure"]),
            Choice("care", Q(_l("Få omsorg og hjælp i løbet af dagen"))),
            Choice(
                "job_or_education_support",
                Q(_l("Få støtte til at klare et job eller en uddannelse")),
                ffb=ffb.WISH_CODES["job_or_education_support"],
            ),
            Choice(
                "escort",
                Q(_l("Få en til at følge mig ud"), _l("Få en til at følge %(name)s ud")),
                Q(_l("Det hedder ledsagelse.")),
            ),
            Choice("practical_help", Q(_l("Få hjælp til praktiske ting derhjemme"))),
            Choice("therapy", Q(_l("Få behandling hos en psykolog eller lignende"))),
        )
    }


class SituationForm(StepForm):
    situation = MultiCheckboxField(validators=[InputRequired(CHOOSE_SOME)])
    labels = {"situation": Q(_l("Hvad passer på dig i dag?"), _l("Hvad passer på %(name)s i dag?"))}
    hints = {"situation": Q(_l("Sæt kryds ved alt, der passer."))}
    options = {
        "situation": (
            Choice(
                "job_or_education",
                Q(
                    _l("Jeg har et job eller går i skole"),
                    _l("%(Name)s har et job eller går i skole"),
                ),
                ffb=ffb.SITUATION_CODES["job_or_education"],
            ),
            Choice(
                "protected_employment",
                Q(_l("Jeg har et beskyttet job"), _l("%(Name)s har et beskyttet job")),
                Q(_l("Et job med særlige hensyn, som kommunen har bevilget.")),
                ffb=ffb.SITUATION_CODES["protected_employment"],
            ),
            Choice(
                "club_or_association",
                Q(
                    _l("Jeg går i en klub eller en forening"),
                    _l("%(Name)s går i en klub eller en forening"),
                ),
                ffb=ffb.SITUATION_CODES["club_or_association"],
            ),
            Choice(
                "open_offer",
                Q(_l("Jeg kommer på et værested"), _l("%(Name)s kommer på et værested")),
                Q(_l("Eller et andet sted, hvor man kan komme uden at søge først.")),
                ffb=ffb.SITUATION_CODES["open_offer"],
            ),
            Choice(
                "other_104_offer",
                Q(
                    _l("Jeg går allerede i et aktivitets- og samværstilbud"),
                    _l("%(Name)s går allerede i et aktivitets- og samværstilbud"),
                ),
            ),
            Choice(
                "botilbud_with_activities",
                Q(
                    _l("Jeg bor i et botilbud med aktiviteter"),
                    _l("%(Name)s bor i et botilbud med aktiviteter"),
                ),
                Q(_l("Et botilbud er et sted at bo, hvor der er personale.")),
                ffb=ffb.SITUATION_CODES["botilbud_with_activities"],
            ),
            Choice("none", Q(_l("Ingen af dem")), exclusive=True),
        )
    }


class DaysForm(StepForm):
    days = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "days": Q(
            _l("Hvor mange dage om ugen vil du gerne komme?"),
            _l("Hvor mange dage om ugen vil %(name)s gerne komme?"),
        )
    }
    options = {
        "days": (
            Choice("1", Q(_l("1 dag"))),
            Choice("2", Q(_l("2 dage"))),
            Choice("3", Q(_l("3 dage"))),
            Choice("4", Q(_l("4 dage"))),
            Choice("5", Q(_l("5 dage"))),
            UNSURE,
        )
    }


class DayLengthForm(StepForm):
    day_length = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "day_length": Q(
            _l("Vil du helst være der en hel eller en halv dag?"),
            _l("Vil %(name)s helst være der en hel eller en halv dag?"),
        )
    }
    options = {
        "day_length": (
            Choice("full", Q(_l("En hel dag"))),
            Choice("half", Q(_l("En halv dag"))),
            UNSURE,
        )
    }


class TransportForm(StepForm):
    transport = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "transport": Q(
            _l("Kan du selv tage bus eller tog?"), _l("Kan %(name)s selv tage bus eller tog?")
        )
    }
    hints = {"transport": Q(_l("Svaret har betydning for, om kommunen betaler for kørsel."))}
    options = {
        "transport": (
            Choice("yes", Q(_l("Ja")), ffb=ffb.USE_TRANSPORT),
            Choice("no", Q(_l("Nej")), ffb=ffb.USE_TRANSPORT),
            Choice("unsure", Q(_l("Nogle gange, eller ved ikke")), ffb=ffb.USE_TRANSPORT),
        )
    }


PROVIDER_LABEL = Q(
    _l("Ønsker du et bestemt sted, der står for tilbuddet?"),
    _l("Ønsker %(name)s et bestemt sted, der står for tilbuddet?"),
)


class OfferWishForm(StepForm):
    offer = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    offer_text = StringField(
        filters=[strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("Skriv højst 200 tegn.")),
            no_control_characters,
        ],
        render_kw={"width": "input-width-xl"},
    )
    labels = {
        "offer": Q(_l("Ønsker du et bestemt tilbud?"), _l("Ønsker %(name)s et bestemt tilbud?")),
        "offer_text": Q(_l("Hvis et andet tilbud: Hvilket?")),
    }
    hints = {
        "offer": Q(
            _l("Skriv det, hvis du har et ønske. Det er kommunen, der bestemmer."),
            _l("Skriv det, hvis %(name)s har et ønske. Det er kommunen, der bestemmer."),
        )
    }
    optional_fields = frozenset({"offer_text"})

    @classmethod
    def label_for(cls, name: str, context: Context) -> str | None:
        # Næstved's standard names the two providers (leverandører), not offers to pick.
        standard = context.standard
        if name == "offer" and standard is not None and standard.offers.kind is OfferKind.PROVIDERS:
            return PROVIDER_LABEL.say(context.voice)
        return super().label_for(name, context)

    @classmethod
    def choices_for(cls, name: str, context: Context) -> Sequence[Choice]:
        if name != "offer":
            return ()
        named = context.standard.offers.items if context.standard is not None else ()
        return [Choice(o.id, Q(Localized(o.name))) for o in named] + [
            Choice(OTHER_OFFER, Q(_l("Et andet tilbud"))),
            Choice(NO_OFFER, Q(_l("Nej, intet ønske"))),
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        # Here, not in validate_offer_text: Optional() ends the field's chain when it is empty.
        valid = super().validate(extra_validators)
        if valid and self.offer.data == OTHER_OFFER and not self.offer_text.data:
            self.offer_text.errors.append(_l("Skriv, hvilket tilbud det er."))
            return False
        return valid

    def to_answer(self) -> dict[str, Any]:
        # "Hvilket?" belongs to "Et andet tilbud" only: a text typed before another choice
        # was made must not reach the caseworker beside the offer actually chosen.
        answer = super().to_answer()
        if answer.get("offer") != OTHER_OFFER:
            answer["offer_text"] = None
        return answer

    @classmethod
    def rows(cls, stored: Mapping[str, Any], context: Context, step: str) -> list[Row]:
        if stored.get("offer") != OTHER_OFFER:
            stored = {**stored, "offer_text": None}
        return super().rows(stored, context, step)


class ActionPlanForm(StepForm):
    action_plan = RadioField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {
        "action_plan": Q(_l("Vil du have en handleplan?"), _l("Vil %(name)s have en handleplan?"))
    }
    hints = {
        "action_plan": Q(
            _l(
                "En handleplan er et papir om dine mål, og hvordan kommunen vil hjælpe. Den står i serviceloven § 141."
            ),
            _l(
                "En handleplan er et papir om mål for %(name)s, og hvordan kommunen vil hjælpe. Den står i serviceloven § 141."
            ),
        )
    }
    options = {"action_plan": (Choice("yes", Q(_l("Ja"))), Choice("no", Q(_l("Nej"))), UNSURE)}


class OtherInfoForm(StepForm):
    text = TextAreaField(validators=[Optional(), no_control_characters])
    labels = {"text": Q(_l("Er der andet, kommunen skal vide?"))}
    hints = {
        "text": Q(
            _l("Skriv med dine egne ord. Du kan også springe over. Du kan højst skrive 2000 tegn."),
            _l("Skriv med egne ord. Det er frivilligt. Der er plads til 2000 tegn."),
        )
    }
    optional_fields = frozenset({"text"})

    def validate_text(self, field: TextAreaField) -> None:
        # How much too long, in numbers: "a little shorter" was said of 560 characters too many.
        count = len(field.data or "")
        if count > FREE_TEXT_MAX:
            raise ValidationError(
                _l(
                    "Teksten må højst have %(max)s tegn. Den har %(count)s. Fjern %(over)s tegn.",
                    max=FREE_TEXT_MAX, count=count, over=count - FREE_TEXT_MAX,
                )
            )  # fmt: skip

    def to_answer(self) -> dict[str, Any]:
        return {"text": self.text.data or ""}
