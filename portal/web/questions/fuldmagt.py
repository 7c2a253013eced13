"""Logged in with MitID and applying for someone else: the people from Digital Fuldmagt first.

The options are this citizen's own (portal.identity.prefill), so the field has a type of its
own: the question pages' shared skeletons (portal.citizen.step_pages) fill only fields of the
types they know, and leave this one to the full render, which never keeps a citizen's page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stdnum.dk import cpr as stdnum_cpr
from wtforms import RadioField
from wtforms.validators import InputRequired

from portal.cpr import masked
from portal.identity.prefill import OFFERS, SOMEONE_ELSE
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import CHOOSE_ONE, Choice, Context, StepForm
from portal.web.questions.contact import text_field
from portal.web.questions.voice import Q


class PersonChoiceField(RadioField):
    """A radio field whose options differ from citizen to citizen (see the module's text)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The templates draw it as the radio buttons it is.
        self.type = "RadioField"


def person_label(cpr: str) -> str:
    """ "Personen født 01.02.1950 (CPR-nummer 010250-xxxx)": the birth date and the masked
    number, as the rest of the portal shows a CPR number once it is known."""
    born = stdnum_cpr.get_birth_date(cpr)
    return _(
        "Personen født %(born)s (CPR-nummer %(cpr)s)",
        born=born.strftime("%d.%m.%Y"), cpr=masked(cpr),
    )  # fmt: skip


class FuldmagtForm(StepForm):
    person = PersonChoiceField(validators=[InputRequired(CHOOSE_ONE)])
    labels = {"person": Q(_l("Hvilken person søger du for?"))}
    hints = {
        "person": Q(
            _l("Du har en Digital Fuldmagt fra disse personer. Vælg én, eller vælg en anden.")
        )
    }

    @classmethod
    def choices_for(cls, name: str, context: Context) -> Sequence[Choice]:
        offered = context.answers.get(OFFERS, {}).get("may_act_for", [])
        people = [Choice(cpr, Q(person_label(cpr))) for cpr in offered]
        other = Choice(
            SOMEONE_ELSE,
            Q(_l("En anden person")),
            Q(_l("Fx en, du er værge for. Du skriver selv personens CPR-nummer.")),
        )
        return [*people, other]


class FuldmagtNameForm(StepForm):
    """The person chosen from Digital Fuldmagt: the CPR number is known, so only the name is
    asked (portal.identity.prefill then answers the name-and-CPR step, fixed)."""

    full_name = text_field(
        InputRequired(_l("Skriv det fulde navn.")), 120, autocomplete="off", spellcheck=False
    )
    heading = Q(_l("Navn og CPR-nummer"), _l("Navn og CPR-nummer på %(name)s"))
    lead = Q(
        _l("Vi har CPR-nummeret fra Digital Fuldmagt. Skriv personens fulde navn."),
        _l("Vi har CPR-nummeret på %(name)s fra Digital Fuldmagt. Skriv det fulde navn."),
    )
    labels = {"full_name": Q(_l("Fulde navn"))}
