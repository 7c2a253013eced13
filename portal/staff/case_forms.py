"""The case page's forms (ask the citizen for more, decide, reopen, note) and the queue's
search. The case page shows them all, empty, and the action views validate them; both import
them from here, so the two view modules do not import each other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from flask import g
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal import decisions
from portal.db.models import utcnow
from portal.deadlines import danish_date
from portal.lifecycle import Decision, Outcome
from portal.standards import Standard
from portal.web.fields import DatePartsField, optional_choice
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import no_control_characters, strip
from portal.web.services import standards
from portal.web.text import day

TEXT_MAX = 2000


def today() -> date:
    """Today in Denmark, where the decision is made (the server may keep another clock)."""
    return danish_date(utcnow())


def long_text(label: Any, required: Any, too_long: Any, odd_characters: Any) -> TextAreaField:
    """A required free text of at most TEXT_MAX characters; every message names the field,
    as the error summary above the case shows several forms' messages out of their place.
    Spaces and line breaks alone are no text: they are stripped, and DataRequired (unlike
    InputRequired, which only asks whether anything was sent) refuses what is left empty."""
    return TextAreaField(
        label,
        filters=[strip],
        validators=[
            DataRequired(required),
            Length(max=TEXT_MAX, message=too_long),
            named(no_control_characters, odd_characters),
        ],
    )


def named(validator: Any, message: Any) -> Any:
    """A shared validator with a message that names its field."""

    def check(form: Any, field: Any) -> None:
        try:
            validator(form, field)
        except ValidationError:
            raise ValidationError(message) from None

    return check


class StatusActionForm(PortalForm):
    """A form that changes the case's status. `seen`: how many status changes the case had
    on the page the form was shown on (templates/staff/_case_seen.html writes it from the
    page's history, never from a post, so a page shown again carries the case as it is)."""

    seen = HiddenField()

    def seen_count(self) -> int | None:
        """The number the page sent; None when none was sent or it is no count. A browser
        always sends the page's number, so None is a page from before the forms carried one
        or a hand-made post: the view refuses it, as nobody can tell what its sender saw."""
        raw = self.seen.data
        if raw is None or not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            return None
        return int(raw)


class RequestInformationForm(StatusActionForm):
    message = long_text(
        _l("Hvad skal borgeren sende eller svare på?"),
        _l("Skriv i beskeden, hvad borgeren skal sende eller svare på."),
        _l("Beskeden til borgeren må højst have 2000 tegn."),
        _l("Beskeden til borgeren har tegn, vi ikke kan bruge."),
    )


GRANTS = frozenset({Outcome.GRANTED, Outcome.PARTLY_GRANTED})
# A grant of less than was asked for is a partial grant in law (forvaltningsloven §§ 22 and
# 25): it needs reasons, and the letter then gets the complaint guidance.
FEWER_DAYS = _l(
    "Der er søgt om %(days)s dage om ugen. Giver du færre, så vælg »Delvist bevilget«, og skriv "
    "en begrundelse."
)
HALF_DAYS = _l(
    "Der er søgt om hele dage. Giver du halve, så vælg »Delvist bevilget«, og skriv en begrundelse."
)
NO_TRANSPORT = _l(
    "Borgeren kan ikke selv tage bus eller tog. Betaler kommunen ikke kørsel, så vælg »Delvist "
    "bevilget«, og skriv en begrundelse."
)


def answer_values(rows: Sequence[Mapping[str, Any]]) -> dict[tuple[Any, Any], Any]:
    """Each stored answer's value (the form's own, "3" or "full") by (step, field); an
    application sent before values were stored has none, and is not compared."""
    return {(r.get("step"), r.get("field")): r.get("value") for r in rows if "value" in r}


def wished_offer(rows: Sequence[Mapping[str, Any]], standard: Standard | None) -> str | None:
    """The name of the listed offer the citizen wished for (the decision form's choice); None
    for no wish, another offer, or an older application."""
    wish = answer_values(rows).get(("offer_wish", "offer"))
    offers = standard.offers.items if standard else ()
    return next((o.name.da for o in offers if o.id == wish), None)


def asked_for(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the application asked for: days, day length and whether the citizen can travel
    alone, each as its step's value (None when not known)."""
    values = answer_values(rows)
    return {name: values.get((name, name)) for name in ("days", "day_length", "transport")}


NEEDS_REASONS = frozenset({Outcome.PARTLY_GRANTED, Outcome.REFUSED})
# Every message names its field: a decision form has seven, and "Vælg et af svarene." in the
# error summary does not say which one.
CHOOSE_OUTCOME = _l("Vælg, om ansøgningen er bevilget, delvist bevilget eller afslået.")
WRITE_DATE = _l("Skriv datoen for afgørelsen.")
DATE_AS_NUMBERS = _l("Skriv datoen for afgørelsen med tal: dag, måned og år, fx 1 12 2026.")
NO_SUCH_DATE = _l("Datoen findes ikke. Tjek dag, måned og år.")  # portal.web.fields says it
NO_SUCH_DECISION_DATE = _l("Datoen for afgørelsen findes ikke. Tjek dag, måned og år.")
CHOOSE_DAYS = _l("Vælg, hvor mange dage om ugen borgeren får tilbuddet.")
CHOOSE_DAY_LENGTH = _l("Vælg, om borgeren får hele eller halve dage.")
CHOOSE_TRANSPORT = _l("Vælg, om kommunen betaler kørsel.")


class DecisionForm(StatusActionForm):
    """Granted, partly granted or refused. A grant names the offer and the days; anything
    less than a full grant has reasons, and its letter gets the complaint guidance."""

    outcome = RadioField(
        _l("Afgørelse"),
        choices=[
            SelectChoice(Outcome.GRANTED.value, _l("Bevilget")),
            SelectChoice(Outcome.PARTLY_GRANTED.value, _l("Delvist bevilget")),
            SelectChoice(Outcome.REFUSED.value, _l("Afslag")),
        ],
        validators=[InputRequired(CHOOSE_OUTCOME)],
        invalid_choice_message=CHOOSE_OUTCOME,
    )
    decided_on = DatePartsField(_l("Dato for afgørelsen"), validators=[InputRequired(WRITE_DATE)])
    # The offers the municipality's standard lists; set per municipality in __init__.
    offer = SelectField(
        _l("Tilbud"),
        choices=[],
        validators=[optional_choice()],
        invalid_choice_message=_l("Vælg et tilbud på listen."),
    )
    offer_other = StringField(
        _l("Andet tilbud"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Skriv højst 200 tegn i feltet med tilbuddet.")),
            named(no_control_characters, _l("Feltet med tilbuddet har tegn, vi ikke kan bruge.")),
        ],
    )
    days = RadioField(
        _l("Dage om ugen"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[optional_choice()],
        invalid_choice_message=CHOOSE_DAYS,
    )
    day_length = RadioField(
        _l("Hel eller halv dag"),
        choices=[SelectChoice("full", _l("Hel dag")), SelectChoice("half", _l("Halv dag"))],
        validators=[optional_choice()],
        invalid_choice_message=CHOOSE_DAY_LENGTH,
    )
    transport = RadioField(
        _l("Kørsel"),
        choices=[
            SelectChoice("yes", _l("Kommunen betaler kørsel")),
            SelectChoice("no", _l("Ingen kørsel")),
        ],
        validators=[optional_choice()],
        invalid_choice_message=CHOOSE_TRANSPORT,
    )
    reasons = TextAreaField(
        _l("Begrundelse"),
        validators=[
            Optional(),
            Length(max=TEXT_MAX, message=_l("Skriv højst 2000 tegn i begrundelsen.")),
            named(no_control_characters, _l("Begrundelsen har tegn, vi ikke kan bruge.")),
        ],
    )

    def __init__(
        self, *args: Any, received_on: date | None = None,
        asked: Mapping[str, Any] | None = None, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        # The Danish date the application came in: no decision can be older than that.
        self.received_on = received_on
        # What was applied for (asked_for), to tell a grant of less from a full one.
        self.asked = asked or {}
        standard = standards().get(g.staff.municipality_code)
        self.listed_offers = [o.name.da for o in standard.offers.items] if standard else []
        self.offer.choices = [
            SelectChoice("", _l("Vælg et tilbud")),
            *(SelectChoice(name, name) for name in self.listed_offers),
        ]
        if not self.listed_offers:
            # Nothing to choose from: the one text field is the offer.
            self.offer_other.label.text = _l("Tilbud")

    @property
    def chosen(self) -> Outcome | None:
        return Outcome(self.outcome.data) if self.outcome.data in set(Outcome) else None

    def chosen_offer(self) -> str:
        return (self.offer.data or "").strip() or (self.offer_other.data or "").strip()

    def validate(self, extra_validators: Any = None) -> bool:
        # Every field is checked, so the summary lists all that is missing at once.
        super().validate(extra_validators)
        self._check_date()
        if self.chosen in GRANTS:
            self._check_grant()
        if self.chosen is Outcome.GRANTED:
            self.outcome.errors.extend(self._less_than_asked())
        if self.chosen in NEEDS_REASONS and not (self.reasons.data or "").strip():
            self.reasons.errors.append(
                _l("Skriv begrundelsen for afslaget.")
                if self.chosen is Outcome.REFUSED
                else _l("Skriv begrundelsen for, at ansøgningen kun er delvist bevilget.")
            )
        return not self.errors

    def _check_date(self) -> None:
        field = self.decided_on
        if field.errors and WRITE_DATE not in field.errors:
            # The date field's own messages do not say which date: these do.
            no_such_day = str(field.errors[0]) == str(NO_SUCH_DATE)
            field.errors[:] = [NO_SUCH_DECISION_DATE if no_such_day else DATE_AS_NUMBERS]
        elif field.data is not None and field.data > today():
            field.errors.append(_l("Datoen for afgørelsen kan ikke være senere end i dag."))
        elif field.data is not None and self.received_on and field.data < self.received_on:
            field.errors.append(
                _l(
                    "Datoen for afgørelsen kan ikke være før den dag, ansøgningen kom ind: "
                    "%(date)s.",
                    date=day(self.received_on),
                )
            )

    def _check_grant(self) -> None:
        listed, typed = (self.offer.data or "").strip(), (self.offer_other.data or "").strip()
        if listed and typed:
            self.offer_other.errors.append(
                _l("Vælg tilbuddet på listen eller skriv et andet tilbud, ikke begge dele.")
            )
        elif not (listed or typed) and not self.offer.errors:
            target = self.offer if self.listed_offers else self.offer_other
            target.errors.append(_l("Vælg eller skriv tilbuddet, som borgeren får."))
        if not self.days.data and not self.days.errors:
            self.days.errors.append(CHOOSE_DAYS)

    def _less_than_asked(self) -> list[Any]:
        """Why a "full" grant gives less than was applied for (then it is a partial one)."""
        asked, found = self.asked, []
        days, granted_days = str(asked.get("days") or ""), self.days.data or ""
        if days.isdigit() and granted_days.isdigit() and int(granted_days) < int(days):
            found.append(FEWER_DAYS % {"days": days})
        if asked.get("day_length") == "full" and self.day_length.data == "half":
            found.append(HALF_DAYS)
        if asked.get("transport") == "no" and self.transport.data == "no":
            found.append(NO_TRANSPORT)
        return found

    def decision(self, standard: Standard | None) -> Decision:
        outcome = self.chosen or Outcome.REFUSED  # validate() has made sure there is one
        decided = self.decided_on.data or today()
        grant: dict[str, Any] = {}
        if outcome in GRANTS:
            # A refusal grants nothing, whatever was left in the grant's fields.
            grant = {
                "offer": self.chosen_offer(),
                "days_per_week": int(self.days.data) if self.days.data else None,
                "day_length": self.day_length.data or "",
                "transport": {"yes": True, "no": False}.get(self.transport.data or ""),
            }
        made = Decision.made(
            outcome, decided.isoformat(), reasons=(self.reasons.data or "").strip(), **grant
        )
        return decisions.with_complaint(made, standard)


class ReopenForm(StatusActionForm):
    reason = long_text(
        _l("Hvorfor genåbnes sagen?"),
        _l("Skriv, hvorfor sagen skal åbnes igen."),
        _l("Grunden til at åbne sagen igen må højst have 2000 tegn."),
        _l("Grunden til at åbne sagen igen har tegn, vi ikke kan bruge."),
    )


class NoteForm(PortalForm):
    text = long_text(
        _l("Intern note"),
        _l("Skriv noten."),
        _l("Noten må højst have 2000 tegn."),
        _l("Noten har tegn, vi ikke kan bruge."),
    )


class SearchForm(PortalForm):
    query = StringField(
        _l("Søg på nummer eller CPR-nummer"),
        filters=[strip],
        validators=[
            InputRequired(_l("Skriv et nummer eller et CPR-nummer, du vil søge på.")),
            Length(max=20, message=_l("Søg med højst 20 tegn: et nummer eller et CPR-nummer.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": False},
    )


def empty_case_forms(wished_offer: str | None = None) -> dict[str, FlaskForm]:
    """The case page's forms as it first shows them, each under its class name; the decision
    form with the offer the citizen wished for chosen, when the standard lists it."""
    return {
        "NoteForm": NoteForm(formdata=None),
        "RequestInformationForm": RequestInformationForm(formdata=None),
        "DecisionForm": DecisionForm(
            formdata=None, data={"decided_on": today(), "offer": wished_offer or ""}
        ),
        "ReopenForm": ReopenForm(formdata=None),
    }
