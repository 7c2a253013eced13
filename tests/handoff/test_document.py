"""The event document the municipality's systems receive: built from applications made as
people make them, and held to the JSON Schema the portal publishes."""

from __future__ import annotations

import copy
import html
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker

from portal.db.models import Channel, Status
from portal.handoff import document
from tests.handoff.document_fixtures import (
    APPLICANT,
    CPR,
    PDF,
    REPRESENTATIVE,
    TOPIC_STATUS,
    Made,
    build,
    facts,
    made_fixture,  # noqa: F401 (the fixture "made")
    phone_registration,
    relative_with_power_of_attorney,
    self_on_web,
)

SCHEMA_FILE = Path(__file__).parents[2] / "docs" / "schemas" / "application-event-1.1.0.schema.json"
FORMATS = FormatChecker(formats=())
# Made without login: typed, not verified (tests/handoff/test_document_identification.py).
TYPED = {"method": "typed", "level": None, "digital_fuldmagt_privilege": None}


# jsonschema checks "date-time" and "uri" only with optional packages the portal does not
# install; without them a wrong format would pass silently, so the tests bring their own.
@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)


def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FORMATS)


def problems(doc: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(doc)
    ]


def test_the_published_schema_is_json_schema_2020_12_named_by_its_version() -> None:
    published = schema()
    Draft202012Validator.check_schema(published)
    assert published["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert published["$id"] == document.SCHEMA_ID
    assert SCHEMA_FILE.name == f"application-event-{document.SCHEMA_VERSION}.schema.json"
    # Additive minor versions stay readable: the top level accepts fields it does not name.
    assert published.get("additionalProperties", True) is not False
    assert set(published["properties"]["event"]["properties"]["topic"]["enum"]) == set(
        document.TOPICS
    )


@pytest.mark.parametrize("topic", document.TOPICS)
def test_every_journey_and_topic_gives_a_document_the_schema_accepts(
    app: Flask, made: Made, topic: str
) -> None:
    doc = build(app, made, topic)
    assert problems(doc) == []
    assert doc["event"] == {"id": 41, "topic": topic, "occurred_at": "2026-03-02T09:30:00+00:00"}
    assert doc["application"]["status"] == TOPIC_STATUS[topic]
    assert doc["schema"] == document.SCHEMA_ID and doc["schema_version"] == "1.1.0"


def test_the_same_application_and_event_give_the_same_body(app: Flask, made: Made) -> None:
    first = json.dumps(build(app, made), ensure_ascii=False)
    assert json.dumps(build(app, made), ensure_ascii=False) == first


def test_a_processing_deadline_only_where_the_standard_gives_processing_weeks(
    app: Flask, made: Made
) -> None:
    doc = build(app, made)["application"]
    case = facts(app, made.application_id)
    if case.municipality_code == "575":  # Vejen states 6 weeks
        received = case.received_at.astimezone(ZoneInfo("Europe/Copenhagen")).date()
        assert doc["processing_weeks"] == 6
        assert doc["processing_deadline"] == (received + timedelta(weeks=6)).isoformat()
    else:
        assert doc["processing_weeks"] is None and doc["processing_deadline"] is None


def test_the_guidance_is_labelled_guidance_and_never_a_decision(app: Flask, made: Made) -> None:
    guidance = build(app, made)["guidance"]
    assert guidance["kind"] == "guidance-not-decision"
    assert "ikke en afgørelse" in guidance["note"]["da"]
    assert "not a decision" in guidance["note"]["en"]
    assert guidance["snapshot"] == facts(app, made.application_id).guidance
    # The portal's likely/maybe/unlikely sits inside the labelled snapshot, nowhere else.
    doc = build(app, made)
    outside = {k: v for k, v in doc.items() if k != "guidance"}
    assert '"fit"' not in json.dumps(outside) and "decision" not in json.dumps(outside)


def test_every_answer_has_its_question_id_and_the_texts_as_shown(app: Flask, made: Made) -> None:
    answers = build(app, made)["answers"]
    ids = [a["question_id"] for a in answers]
    assert len(ids) == len(set(ids)) and "wishes.wishes" in ids
    assert not any(i.startswith("meta.") for i in ids)
    for answer in answers:
        assert html.escape(answer["question"], quote=False) in made.check_html, answer
        for text in answer["answer"]:
            assert html.escape(text, quote=False) in made.check_html, answer
    wishes = next(a for a in answers if a["question_id"] == "wishes.wishes")
    name = "du" if made.journey == "self_on_web" else "Karen"
    assert wishes["question"] == f"Hvad vil {name} gerne have ud af et tilbud?"
    assert wishes["answer"] == ["Være sammen med andre", "Komme ud af huset"]
    assert [c["display"] for c in wishes["codes"]] == [
        "Indgå i samspil og kontakt",
        "Deltage i sociale fællesskaber og fritidsaktiviteter",
    ]
    assert all(set(c) == {"system", "version", "code", "display"} for c in wishes["codes"])


def test_the_cpr_number_appears_only_under_the_applicant(app: Flask, made: Made) -> None:
    doc = build(app, made)
    assert doc["parties"]["applicant"]["cpr"] == CPR.replace("-", "")
    rest = copy.deepcopy(doc)
    del rest["parties"]["applicant"]["cpr"]
    text = json.dumps(rest, ensure_ascii=False)
    assert CPR not in text and CPR.replace("-", "") not in text and "-1234" not in text
    assert CPR[:6] not in doc["pdf"]["file_name"] + doc["pdf"]["url"]


def test_the_parties_of_an_application_for_yourself_on_the_web(app: Flask) -> None:
    doc = build(app, self_on_web(app))
    parties = doc["parties"]
    assert parties["applicant"]["name"] == APPLICANT and parties["applicant"]["role"] == "primary"
    assert parties["applicant"]["protected_address"] is None  # the optional question unanswered
    assert parties["submitter"] == {"kind": "applicant", "registered_by_caseworker": False,
                                    "identification": TYPED}  # fmt: skip
    assert parties["representation"] is None
    assert parties["information_source"]["display"] == "Borger"
    assert doc["application"]["channel"] == "self-service"
    assert doc["municipality"] == {"code": "575", "name": "Vejen Kommune"}
    assert doc["consents"] == [{
        "given_by": "applicant", "consented": True, "sources": ["doctor"], "kinds": ["health"],
        "recorded_at": doc["consents"][0]["recorded_at"],
    }]  # fmt: skip
    assert datetime.fromisoformat(doc["consents"][0]["recorded_at"]).tzinfo is not None


def test_the_parties_when_a_relative_applies_with_a_power_of_attorney(app: Flask) -> None:
    made_here = relative_with_power_of_attorney(app)
    doc = build(app, made_here)
    parties = doc["parties"]
    assert parties["applicant"]["name"] == APPLICANT
    assert parties["applicant"]["protected_address"] is True
    assert parties["submitter"] == {"kind": "representative", "registered_by_caseworker": False,
                                    "identification": TYPED}  # fmt: skip
    assert parties["representation"] == {
        "relation": "relative", "authority": "power_of_attorney", "applicant_agrees": None,
        "representative": {"name": REPRESENTATIVE, "phone": "87654321", "email": "ole@example.dk"},
        "authority_verified": False,
    }  # fmt: skip
    assert parties["information_source"]["display"] == "Pårørende alene"
    assert doc["consents"][0] | {"recorded_at": None} == {
        "given_by": "representative", "consented": False, "sources": [], "kinds": [],
        "recorded_at": None,
    }  # fmt: skip
    # The optional question, once answered, is on "check your answers" like the address.
    assert "Har Karen navne- og adressebeskyttelse?" in made_here.check_html


def test_the_parties_of_a_phone_registration_by_a_caseworker(app: Flask) -> None:
    doc = build(app, phone_registration(app))
    parties = doc["parties"]
    assert doc["application"]["channel"] == "phone"
    assert doc["municipality"]["code"] == "370"
    assert parties["submitter"] == {"kind": "applicant", "registered_by_caseworker": True,
                                    "identification": TYPED}  # fmt: skip
    assert parties["representation"] is None
    # The phone flow does not ask who called, so no source is claimed.
    assert parties["information_source"] is None
    assert parties["applicant"]["protected_address"] is False


def test_the_classification_names_the_law_kle_and_ffb_codes(app: Flask) -> None:
    made_here = self_on_web(app)
    classification = build(app, made_here)["classification"]
    assert classification["law"]["section"] == "§ 104"
    assert classification["kle"] == {
        "subject": {"code": "27.54.08", "display": "Aktivitets- og samværstilbud"},
        "action_facet": "G01",
    }
    ffb = classification["ffb"]
    assert ffb["offer"]["code"] == "9401777d-bdc5-4f52-9804-63c8cae9a792"
    assert [k["display"] for k in ffb["service_kinds"]] == ["Aktivitet og samvær"]
    assert ffb["request_type"]["display"] == "Social indsats"
    unset = document.build_document(
        document.Event(1, "application.submitted", datetime.now(UTC), "received"),
        facts(app, made_here.application_id), PDF, None,
    )  # fmt: skip
    assert unset["classification"]["kle"]["action_facet"] is None and problems(unset) == []


def test_the_pdf_is_referenced_by_url_size_and_sha256(app: Flask) -> None:
    made_here = self_on_web(app)
    pdf = build(app, made_here)["pdf"]
    reference = facts(app, made_here.application_id).reference
    assert pdf == {
        "url": PDF.url, "media_type": "application/pdf",
        "file_name": f"ansoegning-{reference}.pdf", "size": PDF.size, "sha256": PDF.sha256,
    }  # fmt: skip


def _without(path: str) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = doc
        for key in parents:
            target = target[key]
        del target[last]

    return change


def _set(path: str, value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = doc
        for key in parents:
            target = target[key]
        target[last] = value

    return change


BROKEN = {
    "no parties": _without("parties"),
    "no event id": _without("event/id"),
    "no guidance label": _without("guidance/kind"),
    "no CPR": _without("parties/applicant/cpr"),
    "unknown topic": _set("event/topic", "application.deleted"),
    "unknown status": _set("application/status", "approved"),
    "unknown channel": _set("application/channel", "web"),
    "two-digit kommunekode": _set("municipality/code", "57"),
    "upper-case sha256": _set("pdf/sha256", PDF.sha256.upper()),
    "reference with a CPR": _set("application/reference", CPR),
    "time without offset": _set("event/occurred_at", "2026-03-02T09:30:00"),
    "relative pdf url": _set("pdf/url", "/api/v1/applications/7/application.pdf"),
    "guidance called a decision": _set("guidance/kind", "decision"),
    "withdrawn but still received": _set("event/topic", "application.withdrawn"),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=BROKEN.keys())
def test_the_schema_refuses_a_broken_document(app: Flask, change: Any) -> None:
    doc = build(app, self_on_web(app))
    assert problems(doc) == []
    change(doc)
    assert problems(doc) != []


def test_an_unknown_topic_is_refused_before_anything_is_sent(app: Flask) -> None:
    case = facts(app, self_on_web(app).application_id)
    event = document.Event(1, "application.deleted", datetime.now(UTC), "received")
    with pytest.raises(ValueError, match="unknown topic"):
        document.build_document(event, case, PDF, None)


def test_the_pdf_file_name_is_the_reference_and_never_a_cpr_number() -> None:
    assert document.pdf_file_name("AS-2026-000123") == "ansoegning-AS-2026-000123.pdf"
    for bad in (CPR, "0101901234", "Karen Hansen", "AS-2026-000123/../x"):
        with pytest.raises(ValueError):
            document.pdf_file_name(bad)


def test_the_schema_enums_are_the_portals_own_values() -> None:
    properties = schema()["properties"]
    assert set(schema()["$defs"]["status"]["enum"]) == {s.value for s in Status}
    channels = properties["application"]["properties"]["channel"]["enum"]
    assert set(channels) == set(document.CHANNELS.values())
    assert set(document.CHANNELS) == set(Channel)


def test_the_deadline_counts_from_the_danish_date_of_receipt() -> None:
    # 23:30 UTC on 1 March is 00:30 on 2 March in Denmark: six weeks from 2 March.
    late_evening = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert document.processing_deadline(late_evening, 6) == "2026-04-13"
    assert document.processing_deadline(late_evening, None) is None
