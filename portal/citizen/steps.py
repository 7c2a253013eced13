"""Each question step's address, and the texts of the step indicator. Which form a step has
is portal.web.questions.forms, which the staff side reads too."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup

from portal import journey
from portal.web.i18n import language
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import Context, Row
from portal.web.questions.forms import FORMS

# Danish addresses, readable in the browser's address bar and history.
SLUGS = {
    "who": "hvem",
    "fuldmagt": "digital-fuldmagt",
    "relation": "relation",
    "authority": "fuldmagt",
    "applicant_name": "fornavn",
    "municipality": "kommune",
    "age": "alder",
    "difficulties": "vanskeligheder",
    "help_level": "hjaelp",
    "wishes": "oensker",
    "situation": "i-dag",
    "days": "dage",
    "day_length": "hel-eller-halv",
    "transport": "transport",
    "offer_wish": "tilbud",
    "action_plan": "handleplan",
    "other_info": "andet",
    "fuldmagt_name": "navn",
    "identity": "navn-og-cpr",
    "address": "adresse",
    "contact": "kontakt",
    "meeting_help": "moeder",
    "representative": "om-dig",
    "consent": "samtykke",
}
STEP_BY_SLUG = {slug: step for step, slug in SLUGS.items()}

SECTION_TITLES = {
    journey.Section.ABOUT: _l("Hvem og hvor"),
    journey.Section.NEEDS: _l("Behov"),
    journey.Section.GUIDANCE: _l("Vejledning"),
    journey.Section.CONTACT: _l("Kontakt"),
    journey.Section.SEND: _l("Tjek og send"),
}


_URLS: dict[tuple[str, str], str] = {}


def step_url(step_id: str, **params: Any) -> str:
    """The step's address; a plain one is built once per step (url_for is not free)."""
    if params or not has_request_context():
        return _step_url(step_id, **params)
    key = (request.script_root, step_id)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = _step_url(step_id)
    return url


def _step_url(step_id: str, **params: Any) -> str:
    if step_id == "guidance":
        return url_for("citizen.guidance", **params)
    if step_id == journey.FINAL:
        return url_for("citizen.check", **params)
    return url_for("citizen.step", slug=SLUGS[step_id], **params)


def indicator(answers: journey.Answers, current: str) -> list[dict[str, Any]]:
    """The step indicator's entries: a title, a link once reachable, done, current."""
    return [
        {
            "title": SECTION_TITLES[state.section],
            "href": step_url(state.first_step) if state.reachable and not state.current else None,
            "done": state.done,
            "current": state.current,
        }
        for state in journey.sections(answers, current)
    ]


# The step indicator as HTML, by what it shows: the language, where the pages are, and each
# section's state. A handful of states exist (not one per citizen): progress, no answers.
_INDICATORS: dict[tuple[str, str, tuple[journey.SectionState, ...]], Markup] = {}


def indicator_html(answers: journey.Answers, current: str) -> Markup:
    """The step indicator for these answers, rendered once per state and language."""
    states = tuple(journey.sections(answers, current))
    key = (language(), request.script_root, states)
    html = _INDICATORS.get(key)
    if html is None:
        macro = current_app.jinja_env.globals["step_indicator"]
        html = _INDICATORS[key] = Markup(macro(indicator(answers, current)))  # noqa: S704 (a macro's output)
    return html


def section_number(step_id: str) -> int:
    return int(journey.BY_ID[step_id].section)


def summary_rows(context: Context) -> list[tuple[str, list[Row]]]:
    """Every answered question, grouped per step, as the user saw it."""
    out = []
    for step in journey.visible(context.answers):
        if not step.summarised or step.id not in context.answers:
            continue
        out.append((step.id, FORMS[step.id].rows(context.answers[step.id], context, step.id)))
    return out
