"""Telling the applicant, and whoever applied for them, that their status page has news.

Only when the citizen has something to read or to do: the municipality asks for more, or it
has decided. The mail holds the reference and the person's own status link, nothing of the
case itself (an e-mail can be read by others); it is written in the language they applied in,
and queued in the caseworker's transaction, so it goes out only if the change is saved.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from portal.db.models import Application
from portal.statuses import NEWS_FOR_CITIZEN
from portal.web.i18n import gettext as _
from portal.web.i18n import speaking
from portal.web.outbox import mail_settings, queue_mail
from portal.web.services import cipher


def recipients(person: dict[str, object]) -> list[tuple[str, str]]:
    """(address, status-link token) for the applicant and the representative who gave one."""
    links = person.get("links") or {}
    found = []
    for step, link in (("contact", "status"), ("representative", "representative")):
        address = (person.get(step) or {}).get("email")  # type: ignore[attr-defined]
        token = links.get(link)  # type: ignore[attr-defined]
        if address and token:
            found.append((str(address), str(token)))
    return found


def queue_status_mails(session: Session, application: Application) -> int:
    """Queue the news mails for the application's new status; how many were queued."""
    if application.status not in NEWS_FOR_CITIZEN or not mail_settings().can_send:
        return 0
    person = cipher().decrypt(application.person_enc)
    found = recipients(person)
    with speaking(str(person.get("language") or "da")):
        for address, token in found:
            link = url_for("citizen.status", token=token, _external=True)
            queue_mail(
                session, municipality_code=application.municipality_code,
                topic=f"mail.status_{application.status.value}", to=address,
                application_id=application.id,
                subject=_("Nyt om ansøgningen %(reference)s", reference=application.reference),
                body=_(
                    "Der er nyt i ansøgningen %(reference)s fra kommunen.\n\nSe, hvad der er sket:\n%(link)s\n\nLinket er kun til dig. Del det ikke med andre.",
                    reference=application.reference, link=link,
                ),
            )  # fmt: skip
    return len(found)
