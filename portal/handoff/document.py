"""The document the municipality's systems receive for each event of an application.

Pure Python (no Flask): the outbox worker, the webhook sender and the pull API call it with
facts read from the database. The shape is published as JSON Schema 2020-12 in
docs/schemas/application-event-<SCHEMA_VERSION>.schema.json; docs/schemas/README.md explains
every field. The same input always gives the same dict, so a retried delivery sends the same
body. The CPR number appears in one place only: parties.applicant.cpr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from portal import deadlines, ffb
from portal.db.models import Channel
from portal.identity.applying import Identification, Stored, level_name

# Semver: an added optional field bumps the minor, anything a receiver could trip on is a new
# major with a new schema file. The $id names the exact file, so each published file is
# immutable; a URN, because the portal owns no domain that could host the schema.
SCHEMA_VERSION = "1.1.0"
SCHEMA_ID = f"urn:portal:schema:application-event:{SCHEMA_VERSION}"
TOPICS = ("application.submitted", "application.status_changed", "application.withdrawn")
PDF_MEDIA_TYPE = "application/pdf"

# Clear English codes for the receiver; the database keeps its own short values.
CHANNELS = {
    Channel.WEB: "self-service",
    Channel.PHONE: "phone",
    Channel.COUNTER: "counter",
    Channel.LETTER: "letter",
}
REFERENCE_RE = re.compile(r"^AS-[0-9]{4}-[0-9]{6,}$")

LAW = {"act": "Lov om social service", "short_name": "serviceloven", "section": "§ 104"}
# KL's subject for § 104 activity offers; the action facet is each municipality's choice.
KLE_SUBJECT = {"code": "27.54.08", "display": "Aktivitets- og samværstilbud"}
# The FFB service (ydelse) applied for. The activity kinds beneath it (social, creative, …)
# are set by the municipality when it decides; the portal asks none, so it sends none.
SERVICE = ffb.ffb("a2256d86-1cf8-4da5-be49-1f49f4335ecb", "Aktivitet og samvær")
# The applicant is present and agrees with the request (CareSocialCodes).
AGREES = ffb.care("e67035da-9179-466b-99ad-ea86835d38c9", "indforstået")

GUIDANCE_NOTE = {
    "da": "Vejledning ud fra kommunens kvalitetsstandard, som ansøgeren så den, da "
    "ansøgningen blev sendt. Det er ikke en afgørelse, og den siger ikke, om ansøgeren "
    "er berettiget. Kommunen træffer afgørelsen.",
    "en": "Guidance from the municipality's quality standard, as the applicant saw it when "
    "applying. It is not a decision and says nothing binding about eligibility. The "
    "municipality decides.",
}


@dataclass(frozen=True)
class Event:
    message_id: int  # the outbox message id: the receiver's duplicate key
    topic: str
    occurred_at: datetime
    status: str  # the application's status after the event


@dataclass(frozen=True)
class Case:
    """What the document needs of an application, already decrypted."""

    application_id: int
    reference: str
    municipality_code: str
    municipality_name: str
    channel: str  # a portal.db.models.Channel value
    received_at: datetime
    standard_version: str
    processing_weeks: int | None  # only where the municipality's standard states one
    person: dict[str, Any]
    rows: list[dict[str, Any]]
    guidance: dict[str, Any]
    registered_by_staff: bool
    # How the applicant and the submitter were identified (1.1.0); the default is an
    # application from before login: typed, the authority not verified.
    identification: Stored = field(default_factory=Stored)


@dataclass(frozen=True)
class PdfRef:
    url: str
    size: int
    sha256: str


def pdf_file_name(reference: str) -> str:
    """The PDF's file name: the readable reference only, never a CPR number or a name."""
    if not REFERENCE_RE.match(reference):
        raise ValueError("not an application reference")
    return f"ansoegning-{reference}.pdf"


def build_document(
    event: Event, case: Case, pdf: PdfRef, kle_action_facet: str | None
) -> dict[str, Any]:
    """The event document for one outbox message (see docs/schemas/README.md)."""
    if event.topic not in TOPICS:
        raise ValueError(f"unknown topic {event.topic!r}")
    submitter = submitter_kind(case)
    return {
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "event": {
            "id": event.message_id,
            "topic": event.topic,
            "occurred_at": timestamp(event.occurred_at),
        },
        "application": application_part(event, case),
        "municipality": {"code": case.municipality_code, "name": case.municipality_name},
        "classification": classification(kle_action_facet),
        "parties": parties(case, submitter),
        "answers": answers(case.rows),
        "consents": consents(case.person, submitter),
        "guidance": {
            "kind": "guidance-not-decision",
            "note": dict(GUIDANCE_NOTE),
            "standard_version": case.standard_version,
            "snapshot": case.guidance,
        },
        "pdf": {
            "url": pdf.url,
            "media_type": PDF_MEDIA_TYPE,
            "file_name": pdf_file_name(case.reference),
            "size": pdf.size,
            "sha256": pdf.sha256,
        },
    }


def timestamp(moment: datetime) -> str:
    """UTC, ISO 8601 with offset. The database stores UTC; a naive value is taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def processing_deadline(received_at: datetime, weeks: int | None) -> str | None:
    """The day the answer is due (portal.deadlines, as the caseworker's queue shows it), as an
    ISO date; None where the standard states no processing time: nothing is invented."""
    due = deadlines.due_date(received_at, weeks)
    return due.isoformat() if due else None


def application_part(event: Event, case: Case) -> dict[str, Any]:
    return {
        "id": case.application_id,
        "reference": case.reference,
        "received_at": timestamp(case.received_at),
        "channel": CHANNELS[Channel(case.channel)],
        "language": case.person.get("language") or "da",
        "status": event.status,
        "processing_weeks": case.processing_weeks or None,
        "processing_deadline": processing_deadline(case.received_at, case.processing_weeks),
        "standard_version": case.standard_version,
    }


def classification(kle_action_facet: str | None) -> dict[str, Any]:
    return {
        "law": dict(LAW),
        "kle": {"subject": dict(KLE_SUBJECT), "action_facet": kle_action_facet or None},
        "ffb": {
            "offer": ffb.OFFER.as_dict(),
            "service_kinds": [SERVICE.as_dict()],
            "request_type": ffb.REQUEST_TYPE.as_dict(),
        },
    }


def submitter_kind(case: Case) -> str:
    """Who filled it in. A caseworker's registration is made in the applicant's own name
    unless it names a representative (the phone flow asks for none)."""
    if case.person.get("who", {}).get("who") != "other":
        return "applicant"
    if case.registered_by_staff and not representative_of(case.person):
        return "applicant"
    return "representative"


def representative_of(person: dict[str, Any]) -> dict[str, Any]:
    return dict(person.get("representative") or {})


def parties(case: Case, submitter: str) -> dict[str, Any]:
    known = case.identification
    represented: dict[str, Any] | None = None
    if submitter == "representative":
        # Verified only by Digital Fuldmagt; anything else is the authority as stated.
        represented = {
            **representation(case.person),
            "authority_verified": known.authority_verified is True,
        }
    return {
        "applicant": {**applicant(case.person), "identification": identification(known.applicant)},
        "submitter": {
            "kind": submitter,
            "registered_by_caseworker": case.registered_by_staff,
            "identification": identification(known.submitter),
        },
        "representation": represented,
        "information_source": information_source(case),
    }


def identification(known: Identification) -> dict[str, Any]:
    """How one person was identified (schema 1.1.0's `identification`)."""
    return {
        "method": known.method.value,
        "level": level_name(known.level),
        "digital_fuldmagt_privilege": known.privilege,
    }


def applicant(person: dict[str, Any]) -> dict[str, Any]:
    identity = person.get("identity", {})
    address = person.get("address", {})
    contact = person.get("contact", {})
    return {
        "role": "primary",
        "name": identity.get("full_name"),
        # Stored as typed and formatted (ddmmyy-xxxx); receivers get the ten digits.
        "cpr": str(identity.get("cpr", "")).replace("-", ""),
        "address": {
            "street": address.get("street"),
            "postcode": address.get("postcode"),
            "city": address.get("city"),
        },
        "protected_address": yes_no(address.get("protected")),
        "contact": {
            "phone": contact.get("phone") or None,
            "email": contact.get("email") or None,
            "preferred": contact.get("preferred"),
        },
    }


def yes_no(value: Any) -> bool | None:
    """An optional yes/no question: None when it was not asked or not answered."""
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


def representation(person: dict[str, Any]) -> dict[str, Any]:
    rep = representative_of(person)
    authority = person.get("authority", {}).get("authority")
    return {
        "relation": person.get("relation", {}).get("relation"),
        "authority": authority,
        "applicant_agrees": AGREES.as_dict() if authority == "present_and_agrees" else None,
        "representative": {
            "name": rep.get("full_name"),
            "phone": rep.get("phone") or None,
            "email": rep.get("email") or None,
        },
    }


def information_source(case: Case) -> dict[str, str] | None:
    """Who gave the information, as stored with the answers (the "meta" row). A caseworker's
    registration does not ask who called or wrote, so none is claimed for it."""
    if case.registered_by_staff:
        return None
    for row in case.rows:
        if row.get("step") == "meta" and row.get("codes"):
            return code_dict(row["codes"][0])
    who = case.person.get("who", {}).get("who")
    authority = case.person.get("authority", {}).get("authority")
    return ffb.information_source(who, authority).as_dict()


def answers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every answer in the order asked, with the texts exactly as stored (as shown)."""
    return [
        {
            "question_id": f"{row['step']}.{row['field']}",
            "question": row["question"],
            "answer": list(row["answer"]),
            "codes": [code_dict(code) for code in row.get("codes", [])],
        }
        for row in rows
        if row.get("step") != "meta"
    ]


def code_dict(stored: dict[str, str]) -> dict[str, str]:
    """A stored code in the one key order every code in the document has."""
    return {key: stored[key] for key in ("system", "version", "code", "display")}


def consents(person: dict[str, Any], given_by: str) -> list[dict[str, Any]]:
    consent = person.get("consent")
    if not consent:
        return []
    # "later" is the answer "nowhere for now": no source, and so no kinds either.
    sources = [s for s in consent.get("sources", []) if s != "later"]
    return [
        {
            "given_by": given_by,
            "consented": bool(sources),
            "sources": sources,
            "kinds": list(consent.get("kinds", [])) if sources else [],
            "recorded_at": consent.get("recorded_at"),
        }
    ]
