"""The decision letter (templates/staff/decision_letter.html) as a PDF, for both blueprints:
the caseworker previews it on the case, the citizen downloads it from the status page.

The letter is written to the applicant, in the language of the request: a caseworker sees the
Danish letter, a citizen the language they read the portal in.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Response, render_template, request
from flask_babel import force_locale, get_locale
from werkzeug.exceptions import NotFound

from portal import decisions, journey
from portal.db.models import Application
from portal.lifecycle import Decision
from portal.standards import SourceKind, Standard
from portal.web import db
from portal.web.services import cipher, standards


def letter_decision(application: Application) -> Decision:
    """The decision the letter is about, with its complaint guidance; 404 before one. That is
    the last decision sent, also while the case is reopened (portal.decisions.latest_decision)."""
    decision = decisions.latest_decision(db.session(), cipher(), application)
    if decision is None:
        raise NotFound()
    return decisions.with_complaint(decision, standards().get(application.municipality_code))


def earlier_decision(application: Application, number: int) -> Decision:
    """The application's decision number `number` (1 is the first), with its complaint
    guidance, for the record; 404 for a number it never had."""
    made = decisions.all_decisions(db.session(), cipher(), application)
    if not 0 < number <= len(made):
        raise NotFound()
    return decisions.with_complaint(
        made[number - 1], standards().get(application.municipality_code)
    )


def letter_context(application: Application, decision: Decision) -> dict[str, Any]:
    lang = str(get_locale() or "da")
    person = cipher().decrypt(application.person_enc)
    standard = standards().get(application.municipality_code)
    if standard is not None:
        municipality = standard.name.get(lang)
    else:
        municipality = cipher().decrypt(application.guidance_enc)["municipality"]["name"][lang]
    return {
        "application": application,
        "decision": decision,
        "municipality": municipality,
        "applicant": (person.get("identity") or {}).get("full_name", ""),
        # Where the applicant lives, as they gave it: a letter printed or forwarded on paper
        # still reaches them (an application typed in by a caseworker may have none).
        "address": person.get("address") or None,
        # A relative, a helper or a guardian who applied: named in the letter, which is to the
        # person, and sent a copy (the letter is on their status page too).
        "representative": (person.get("representative") or {}).get("full_name", "")
        if journey.by_a_representative(person)
        else "",
        "route_law": decisions.ROUTE_LAW,
        "transport_source": transport_source(standard, lang),
        "lang": lang,
    }


def transport_source(standard: Standard | None, lang: str) -> str | None:
    """Where the municipality's rule on paying for transport stands, for a letter that decides
    transport: its standard's section. No seed cites a paragraph of the law for it, so the
    letter cites none (serviceloven § 104 is the decision's own basis)."""
    rule = standard.transport.rule if standard else None
    if rule is None or rule.source.kind is not SourceKind.SEED:
        return None
    return rule.source.label(lang)


def letter_html(application: Application, decision: Decision) -> str:
    return render_template("staff/decision_letter.html", **letter_context(application, decision))


def letter_response(application: Application, decision: Decision) -> Response:
    """The letter in the reader's language; with ?sprog=da in Danish whatever they read, for
    a reader of the English translation: the Danish letter is the decision."""
    from portal.receipts import render_pdf  # WeasyPrint is heavy; load it only when asked

    in_danish = request.args.get("sprog") == "da"
    with force_locale("da") if in_danish else nullcontext():
        pdf = render_pdf(letter_html(application, decision))
    name = f"afgoerelse-{application.reference}.pdf"
    # Inline: the browser shows it (a preview for the caseworker), and it can be saved.
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip
