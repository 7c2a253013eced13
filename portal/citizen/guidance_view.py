"""The guidance the citizen is shown, as the snapshot that is also stored with the application."""

from __future__ import annotations

from typing import Any

from portal.citizen.forms.base import Context
from portal.citizen.voice import Q, Voice
from portal.draft_answers import engine_answers
from portal.guidance import guidance
from portal.web.i18n import lazy_gettext as _l


def guidance_snapshot(answers: dict[str, Any], context: Context) -> dict[str, Any]:
    """Computed from the answers, in the voice used; the page and the stored application
    both render from this one dict, so the caseworker sees exactly what the citizen saw."""
    standard = context.standard
    offer_ids = frozenset(o.id for o in standard.offers.items)
    result = guidance(engine_answers(answers, offer_ids), standard)
    return result.to_dict(name=context.voice.first_name)


LEVELS = {
    "likely": Q(
        _l("Ud fra dine svar passer tilbuddet måske godt til dig."),
        _l("Ud fra svarene passer tilbuddet måske godt til %(name)s."),
    ),
    "maybe": Q(
        _l(
            "Ud fra dine svar er det ikke sikkert, at tilbuddet passer til dig. Kommunen ser på det."
        ),
        _l(
            "Ud fra svarene er det ikke sikkert, at tilbuddet passer til %(name)s. Kommunen ser på det."
        ),
    ),
    "unlikely": Q(
        _l("Ud fra dine svar passer tilbuddet måske ikke til dig. Du kan stadig søge."),
        _l("Ud fra svarene passer tilbuddet måske ikke til %(name)s. Man kan stadig søge."),
    ),
}
PAGE_HEADING = Q(_l("Det kan måske gælde for dig"), _l("Det kan måske gælde for %(name)s"))
FIT_HEADING = Q(_l("Passer tilbuddet til dig?"), _l("Passer tilbuddet til %(name)s?"))
WISHED = Q(_l("dit ønske"), _l("ønsket"))


def guidance_texts(snapshot: dict[str, Any], voice: Voice) -> dict[str, str]:
    """The portal's own sentences around the snapshot, in the voice it was made in."""
    return {
        "page_heading": PAGE_HEADING.say(voice),
        "fit_heading": FIT_HEADING.say(voice),
        "fit_level": LEVELS[snapshot["fit"]["level"]].say(voice),
        "look_at_heading": str(_l("Det ser kommunen på")),
        "wished": WISHED.say(voice),
        "rules_heading": str(_l("Regler, der passer på svarene")),
        "next_heading": str(_l("Det sker, når ansøgningen er sendt")),
    }
