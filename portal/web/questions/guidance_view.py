"""The guidance the citizen is shown, as the snapshot that is also stored with the application,
and the portal's own words around it (headings, the verdict, the not-stated line)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from babel.lists import format_list

from portal.draft_answers import engine_answers
from portal.guidance import guidance
from portal.guidance_layout import Layout, arrange
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import Context
from portal.web.questions.voice import Q, Voice


def guidance_snapshot(answers: dict[str, Any], context: Context) -> dict[str, Any]:
    """Computed from the answers, in the voice used; the page and the stored application
    both render from this one dict, so the caseworker sees exactly what the citizen saw."""
    standard = context.standard
    offer_ids = frozenset(o.id for o in standard.offers.items)
    result = guidance(engine_answers(answers, offer_ids), standard)
    return result.to_dict(name=context.voice.first_name)


# The verdict opens "Kort fortalt"; the reason that decided it follows it on the same line.
LEVELS = {
    "likely": Q(
        _l("Tilbuddet ser ud til at passe til dig."),
        _l("Tilbuddet ser ud til at passe til %(name)s."),
    ),
    "maybe": Q(
        _l("Det er ikke sikkert, at tilbuddet passer til dig."),
        _l("Det er ikke sikkert, at tilbuddet passer til %(name)s."),
    ),
    "unlikely": Q(
        _l("Tilbuddet passer måske ikke til dig. Du kan stadig søge."),
        _l("Tilbuddet passer måske ikke til %(name)s. Man kan stadig søge."),
    ),
}
PAGE_HEADING = Q(_l("Det kan måske gælde for dig"), _l("Det kan måske gælde for %(name)s"))
WISHED = Q(_l("dit ønske"), _l("ønsket"))
GROUPS = {
    "who": _l("Hvem er tilbuddet for?"),
    "offers": _l("Tilbuddene, og hvad man laver der"),
    "providers": _l("Hvem der står for tilbuddet, og hvad man laver der"),
    "money": _l("Hvad koster det, og hvad med kørsel?"),
    "scope": _l("Hvor meget og hvor længe?"),
    "next": _l("Når ansøgningen er sendt"),
}
PARTS = {
    "against": _l("Det gør det usikkert"),
    "for": _l("Det taler for, at tilbuddet passer"),
    "rules": _l("Regler, der passer på svarene"),
    "look_at": _l("Det ser kommunen på"),
    "costs": _l("Hvad koster det?"),
    "transport": _l("Kørsel"),
}
# What a silent standard does not say, as the words after "siger ikke noget om:".
TOPICS = {
    "target.age": _l("hvor gammel man skal være"),
    "offers.no_target": _l("hvem hvert tilbud er for"),
    "scope.days": _l("hvor mange dage om ugen"),
    "scope.day_length": _l("hele eller halve dage"),
    "scope.duration": _l("hvor længe man kan gå i tilbuddet"),
    "costs.free": _l("om det er gratis at gå i tilbuddet"),
    "costs.own_payment": _l("hvad man selv skal betale"),
    "costs.wage": _l("løn i tilbuddet"),
    "transport.rule": _l("kørsel"),
    "next.unit": _l("hvem i kommunen der giver tilbuddet"),
    "next.contact": _l("hvem man kan tale med"),
    "next.processing_time": _l("hvor lang tid det tager at få svar"),
    "next.assessment": _l("hvordan kommunen vurderer ansøgningen"),
    "next.action_plan": _l("om man får en handleplan"),
    "next.follow_up": _l("hvordan kommunen følger op"),
    "next.complaint": _l("hvordan man klager"),
    "next.free_choice": _l("om man frit kan vælge tilbud"),
}


def guidance_page(
    snapshot: dict[str, Any], voice: Voice, lang: str, lead: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """What a template needs to show a stored guidance: its layout and the portal's words."""
    layout = arrange(snapshot, lang, lead)
    return {"layout": layout, "texts": guidance_texts(snapshot, layout, voice, lang)}


def guidance_texts(
    snapshot: dict[str, Any], layout: Layout, voice: Voice, lang: str
) -> dict[str, Any]:
    """The portal's own sentences around the snapshot, in the voice it was made in."""
    groups = {key: str(text) for key, text in GROUPS.items()}
    if layout.offers_kind == "providers":
        groups["offers"] = groups["providers"]
    return {
        "page_heading": PAGE_HEADING.say(voice),
        "summary_heading": str(_l("Kort fortalt")),
        "more_heading": str(_l("Læs mere")),
        "verdict": LEVELS[layout.level].say(voice),
        "wished": WISHED.say(voice),
        "groups": groups,
        "parts": {key: str(text) for key, text in PARTS.items()},
        "not_stated": _not_stated_line(snapshot, layout, lang),
        **source_texts(
            snapshot["municipality"]["name"].get(lang, ""),
            snapshot["municipality"].get("document", {}).get(lang),
            len(layout.sources),
        ),
    }


def source_texts(name: str, document: str | None, count: int) -> dict[str, str]:
    """The heading and the one sentence that names the document every section is from."""
    intro = (
        _l(
            "Tallene i teksten viser, hvor en oplysning kommer fra. Afsnittene står i %(document)s fra %(municipality)s.",
        )
        % {"document": document, "municipality": name}
        if document
        else _l("Tallene i teksten viser, hvor en oplysning kommer fra.")
    )
    return {
        "sources_heading": str(_l("Kilder (%(count)s)") % {"count": count}),
        "sources_intro": str(intro),
    }


# Næstved lists providers (leverandører), not offers: its silence is about them.
PROVIDER_TOPICS = {"offers.no_target": _l("hvem hvert sted er for")}


def _not_stated_line(snapshot: dict[str, Any], layout: Layout, lang: str) -> str | None:
    if not layout.not_stated:
        return None
    names = {**TOPICS, **(PROVIDER_TOPICS if layout.offers_kind == "providers" else {})}
    topics = format_list([str(names[t]) for t in layout.not_stated], locale=lang)
    document = snapshot["municipality"].get("document", {}).get(lang)
    if document:
        return str(
            _l("Kommunens %(document)s siger ikke noget om: %(topics)s.")
            % {"document": document, "topics": topics}
        )
    return str(_l("Kommunens regler siger ikke noget om: %(topics)s.") % {"topics": topics})
