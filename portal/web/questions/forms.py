"""Which form each question step has, and a stored choice in the words of its option."""

from __future__ import annotations

from typing import Any

from portal.web.questions.about import (
    AgeForm,
    ApplicantNameForm,
    AuthorityForm,
    MunicipalityForm,
    RelationForm,
    WhoForm,
)
from portal.web.questions.base import StepForm
from portal.web.questions.contact import (
    AddressForm,
    ConsentForm,
    ContactForm,
    IdentityForm,
    MeetingHelpForm,
    RepresentativeForm,
)
from portal.web.questions.fuldmagt import FuldmagtForm, FuldmagtNameForm
from portal.web.questions.needs import (
    ActionPlanForm,
    DayLengthForm,
    DaysForm,
    DifficultiesForm,
    HelpLevelForm,
    OfferWishForm,
    OtherInfoForm,
    SituationForm,
    TransportForm,
    WishesForm,
)
from portal.web.questions.voice import Voice

FORMS: dict[str, type[StepForm]] = {
    "who": WhoForm,
    "fuldmagt": FuldmagtForm,
    "relation": RelationForm,
    "authority": AuthorityForm,
    "applicant_name": ApplicantNameForm,
    "municipality": MunicipalityForm,
    "age": AgeForm,
    "difficulties": DifficultiesForm,
    "help_level": HelpLevelForm,
    "wishes": WishesForm,
    "situation": SituationForm,
    "days": DaysForm,
    "day_length": DayLengthForm,
    "transport": TransportForm,
    "offer_wish": OfferWishForm,
    "action_plan": ActionPlanForm,
    "other_info": OtherInfoForm,
    "fuldmagt_name": FuldmagtNameForm,
    "identity": IdentityForm,
    "address": AddressForm,
    "contact": ContactForm,
    "meeting_help": MeetingHelpForm,
    "representative": RepresentativeForm,
    "consent": ConsentForm,
}


def choice_label(step: str, field: str, value: Any) -> str | None:
    """A stored choice (e.g. "power_of_attorney") as the words of the question's option,
    spoken to "du"; None for a value the question does not offer."""
    for choice in FORMS[step].options.get(field, ()):
        if choice.value == value:
            return choice.label.say(Voice(other=False))
    return None
