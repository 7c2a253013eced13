"""The decision letter: what was decided, the reasons, the law, and for anything less than a
full grant the complaint guidance with the standard's or the law's deadline; plain Danish;
on the citizen's status page with their own link, and on the case for the caseworker."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import decisions
from portal.db.models import Application, AuditEvent, Status, StatusEvent, utcnow
from portal.lifecycle import Decision, Outcome
from portal.standards import SourceKind, load_all
from portal.standards.laws import LAWS
from portal.standards.lix import lix
from portal.web.db import database
from tests.web.decision_dates import DECIDED_TODAY, TODAY_IN_DANISH
from tests.web.helpers import readable_sentences, set_language
from tests.web.journey import answer_until, status_links, submit
from tests.web.staff import case_fields, staff_client

DATE = DECIDED_TODAY
REASONS = "Du har brug for tre dage. Så kan du være sammen med andre. Det har du sagt selv."
DECISIONS = {
    "granted": {**DATE, "outcome": "granted", "offer": "Kærhøj", "days": "3",
                "day_length": "full", "transport": "yes"},
    "partly_granted": {**DATE, "outcome": "partly_granted", "offer": "Kærhøj", "days": "3",
                       "day_length": "half", "transport": "no", "reasons": REASONS},
    "refused": {**DATE, "outcome": "refused", "reasons": "Du kan bruge en klub i stedet."},
}  # fmt: skip
LAW = "retssikkerhedsloven § 67, stk. 1"
STANDARDS = load_all()
LETTER_LIX_LIMIT = 40
STATUS_LIX_LIMIT = 35


class Case:
    """A submitted application: the citizen's client and status link, the caseworker's."""

    def __init__(self, app: Flask, municipality: str = "575", other: bool = False) -> None:
        self.app = app
        self.citizen = app.test_client()
        answer_until(self.citizen, other=other,
                     **{"/ansoeg/kommune": {"municipality": municipality}})  # fmt: skip
        submit(self.citizen)
        self.links = status_links(self.citizen.get("/kvittering").get_data(as_text=True))
        with database(app).transaction() as session:
            self.id = session.scalars(select(Application.id)).one()
        self.staff = staff_client(app, municipality, f"sagsbehandler@{municipality}.dk")
        self.act("tag", {})

    @property
    def path(self) -> str:
        return f"/sagsbehandler/sag/{self.id}"

    def act(self, action: str, data: dict[str, Any]) -> None:
        fields = case_fields(self.staff, self.path)
        response = self.staff.post(f"{self.path}/{action}", data={**data, **fields})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]

    def decide(self, outcome: str, **changes: str) -> Case:
        self.act("afgoerelse", {**DECISIONS[outcome], **changes})
        return self

    def status_html(self) -> str:
        return self.citizen.get(self.links[0]).get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def letter(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return pdf_text(response.data)


def letter_lix(app: Flask, application_id: int) -> float:
    """The letter's text as the reader meets it (headings and table cells as units)."""
    from portal.web.db import session
    from portal.web.decision_letter import letter_decision, letter_html

    with app.test_request_context():
        application = session().get(Application, application_id)
        assert application is not None
        html = letter_html(application, letter_decision(application))
    return lix(" ".join(readable_sentences(html)))


# ---------------------------------------------------------------- the complaint guidance


@pytest.mark.parametrize("code", sorted(STANDARDS))
def test_the_deadline_comes_from_the_standard_where_it_states_one_else_from_the_law(
    code: str,
) -> None:
    standard = STANDARDS[code]
    deadline = decisions.complaint_guidance(standard)["deadline"]
    steps = standard.next_steps
    if deadline["from"] == "standard":
        # Never a figure the standard does not give: it is in the line the letter cites.
        said = steps.complaint_deadline or steps.complaint
        assert said.source.kind is SourceKind.SEED
        assert f"{deadline['weeks']} uger" in said.text_self.da
        assert deadline["source"]["da"] == said.source.label("da")
    else:
        assert deadline["source"]["da"] == LAW
        assert f"{deadline['weeks']} uger" in LAWS[LAW]
    expected = {"157": "standard", "370": "standard", "173": "law", "265": "law", "575": "law"}
    assert deadline["from"] == expected[code]


def test_the_route_is_the_standards_own_words_only_where_they_say_where() -> None:
    routes = {code: decisions.complaint_guidance(s)["route"] for code, s in STANDARDS.items()}
    assert {code for code, route in routes.items() if route} == {"370", "575"}
    assert "Ankestyrelsen" in routes["370"]["text"]["da"]
    assert decisions.complaint_guidance(None)["deadline"] == {
        "weeks": 4, "from": "law", "source": {"da": LAW, "en": LAW},
        "start": {"source": {"da": LAW, "en": LAW}},
    }  # fmt: skip


@pytest.mark.parametrize("outcome", list(Outcome))
def test_complaint_guidance_goes_with_exactly_what_is_not_a_full_grant(outcome: Outcome) -> None:
    made = Decision.made(outcome, "2025-12-01", reasons="Fordi.")
    guided = decisions.with_complaint(made, STANDARDS["265"])
    assert (guided.complaint is not None) == (outcome is not Outcome.GRANTED)
    assert guided.status is (Status.REFUSED if outcome is Outcome.REFUSED else Status.GRANTED)


def test_old_stored_decisions_read_as_before() -> None:
    old = {"granted": False, "decided_on": "2025-01-02", "reasons": "Nej.", "offer": "",
           "days_per_week": None, "day_length": "", "transport": None}  # fmt: skip
    assert Decision.from_stored(old).outcome is Outcome.REFUSED
    assert Decision.from_stored({**old, "granted": True}).outcome is Outcome.GRANTED
    assert Decision.from_stored({**old, "unknown": 1}).complaint is None
    with pytest.raises(ValueError):
        Decision(True, "2025-01-02", outcome=Outcome.REFUSED)


# ---------------------------------------------------------------- the letter


def test_a_partial_grant_letter_says_what_why_the_law_and_how_to_complain(app: Flask) -> None:
    case = Case(app).decide("partly_granted")
    text = letter(case.citizen, case.links[0] + "/afgoerelse.pdf")
    with database(app).transaction() as session:
        reference = session.get(Application, case.id).reference  # type: ignore[union-attr]
    for expected in (
        "Vejen Kommune", "Karen Hansen", "Vestergade 1", "6600 Vejen", reference, TODAY_IN_DANISH,
        "Du får en del af det, du har søgt om.", "Kærhøj", "Dage om ugen 3", "Halve dage",
        "Kommunen betaler ikke kørsel.", REASONS, "serviceloven § 104", "Sådan klager du",
        "Du skal klage inden 4 uger.", f"Kilde: {LAW}.",
        "klagen til den socialrådgiver, der har behandlet sagen.",
    ):  # fmt: skip
        assert expected in text, expected
    assert "010190" not in text  # the letter names the person, never the CPR number
    assert "Du har søgt om et aktivitets- og samværstilbud." in text and "Kopi til" not in text


@pytest.mark.parametrize(
    ("code", "cited"),
    [
        ("157", "Kilde: Gentofte Kommune, kvalitetsstandard, afsnittet »Klagevejledning«."),
        ("265", f"Kilde: {LAW}."),
    ],
)
def test_a_refusal_letter_cites_the_standards_deadline_or_the_laws(
    app: Flask, code: str, cited: str
) -> None:
    case = Case(app, code).decide("refused")
    text = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    assert "Du får ikke et tilbud." in text and "Du kan bruge en klub i stedet." in text
    assert "Du skal klage inden 4 uger." in text and cited in text
    # Neither standard says where, so the law's route: the municipality first, then the board.
    assert "Kommunen ser på sagen igen." in text and "Ankestyrelsen" in text


def test_a_full_grant_letter_has_no_complaint_guidance(app: Flask) -> None:
    case = Case(app).decide("granted")
    text = letter(case.citizen, case.links[0] + "/afgoerelse.pdf")
    assert "Du får et tilbud." in text and "Kommunen betaler kørsel." in text
    assert "klage" not in text.lower() and "Ankestyrelsen" not in text


@pytest.mark.parametrize("outcome", list(DECISIONS))
def test_the_letter_reads_at_lix_40_or_below(app: Flask, outcome: str) -> None:
    case = Case(app).decide(outcome)
    assert letter_lix(app, case.id) <= LETTER_LIX_LIMIT


@pytest.mark.parametrize("code", ["157", "173", "370"])
def test_the_refusal_letter_reads_at_lix_40_or_below_in_each_municipality(
    app: Flask, code: str
) -> None:
    case = Case(app, code).decide("refused")
    assert letter_lix(app, case.id) <= LETTER_LIX_LIMIT


def test_the_letter_is_in_english_for_a_citizen_reading_in_english(app: Flask) -> None:
    case = Case(app).decide("refused")
    set_language(case.citizen, "en")
    text = letter(case.citizen, case.links[0] + "/afgoerelse.pdf")
    assert "How to complain" in text and "You must complain within 4 weeks." in text
    # The second walk: the Danish letter is the decision, the English one a translation.
    assert "This is a translation. The decision is the Danish letter" in text
    status = case.citizen.get(case.links[0]).get_data(as_text=True)
    danish_link = f'href="{case.links[0]}/afgoerelse.pdf?sprog=da"'
    assert danish_link in status and "Download the letter in Danish (PDF)" in status
    danish = letter(case.citizen, case.links[0] + "/afgoerelse.pdf?sprog=da")
    assert "Sådan klager du" in danish and "oversættelse" not in danish
    set_language(case.citizen, "da")
    assert danish_link not in case.citizen.get(case.links[0]).get_data(as_text=True)


# ---------------------------------------------------------------- the status page


def test_the_status_page_links_the_letter_for_the_person_and_the_representative(
    app: Flask,
) -> None:
    case = Case(app, other=True)
    own, persons = case.links
    html = case.status_html()
    assert "afgoerelse.pdf" not in html  # no letter before a decision
    assert case.citizen.get(own + "/afgoerelse.pdf").status_code == 404
    case.decide("partly_granted")
    for link in (own, persons):
        page = case.citizen.get(link).get_data(as_text=True)
        assert f'href="{link}/afgoerelse.pdf"' in page
        assert "Delvist bevilget" in page and "klage inden 4 uger" in page
        assert app.test_client().get(link + "/afgoerelse.pdf").status_code == 200
    assert case.citizen.get("/status/AAAAAAAAAAAAAAAAAAAAAA/afgoerelse.pdf").status_code == 404
    assert case.citizen.get("/status/ikke-et-link/afgoerelse.pdf").status_code == 404


def test_a_letter_to_a_person_someone_applied_for_names_who_applied_and_copies_them(
    app: Flask,
) -> None:
    """The second walk: a daughter applied for her father, and his letter said "Du har søgt"."""
    case = Case(app, other=True).decide("refused")
    text = letter(case.citizen, case.links[0] + "/afgoerelse.pdf")
    assert "Ole Hansen har søgt om et aktivitets- og samværstilbud til dig." in text
    assert "Kopi til Ole Hansen" in text and "Du har søgt" not in text


@pytest.mark.parametrize("outcome", list(DECISIONS))
def test_the_status_page_with_a_decision_reads_at_lix_35_or_below(app: Flask, outcome: str) -> None:
    html = Case(app).decide(outcome).status_html()
    assert lix(" ".join(readable_sentences(html))) <= STATUS_LIX_LIMIT


# The offer as each municipality's caseworker would pick it: Gentofte and Lyngby-Taarbæk list
# none, Næstved lists providers with long names.
OFFERS = {
    "157": {"offer": "", "offer_other": "Dagtilbuddet"}, "173": {"offer": "", "offer_other": "Værestedet"},
    "265": {"offer": "Klub VI"}, "370": {"offer": "Næstved Sociale Virksomhed (NSV)"},
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(OFFERS))
def test_a_grant_on_the_status_page_reads_at_lix_35_or_below_in_each_municipality(
    app: Flask, code: str
) -> None:
    html = Case(app, code).decide("granted", **OFFERS[code]).status_html()
    assert lix(" ".join(readable_sentences(html))) <= STATUS_LIX_LIMIT


def test_a_reopened_case_keeps_the_letter_sent_until_it_is_decided_again(app: Flask) -> None:
    """The complaint period of a letter the citizen has had runs on after a reopen (probe
    2026-12-06); tests/web/test_workbench_probe.py checks which letter is shown when."""
    case = Case(app).decide("refused")
    case.act("genaabn", {"reason": "Ny lægeerklæring"})
    assert case.staff.get(f"{case.path}/afgoerelse.pdf").status_code == 200
    # The citizen's status page still links the letter, and says the case is looked at again.
    page = case.status_html()
    assert "Kommunen ser på sagen igen. Her er det svar, du fik før." in page
    assert "/afgoerelse.pdf" in page and "Ny lægeerklæring" not in page
    assert "Hvornår kommer svaret?" not in page  # no due date reckoned from the first day
    # The timeline says so too, where a plain "Under behandling" after "Afslag" said nothing.
    assert "<strong>Sagen er genåbnet</strong>" in page
    case.decide("granted")
    assert "Kommunen ser på sagen igen" not in case.status_html()
    assert "<strong>Sagen er genåbnet</strong>" in case.status_html()  # as it happened
    assert case.staff.get(f"{case.path}/afgoerelse.pdf").status_code == 200


# ---------------------------------------------------------------- the caseworker's copy


def test_the_caseworkers_letter_is_audited_and_only_for_the_own_municipality(app: Flask) -> None:
    case = Case(app)
    assert case.staff.get(f"{case.path}/afgoerelse.pdf").status_code == 404
    case.decide("refused")
    response = case.staff.get(f"{case.path}/afgoerelse.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "afgoerelse-AS-" in response.headers["Content-Disposition"]
    with database(app).transaction() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.application_id == case.id)
        ).all()
    assert actions.count("decision_letter") == 1
    roskilde = staff_client(app, "265", "ole@roskilde.dk")
    assert roskilde.get(f"{case.path}/afgoerelse.pdf").status_code == 404
    anonymous = app.test_client().get(f"{case.path}/afgoerelse.pdf")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]


# ---------------------------------------------------------------- decisions stored before


def store_old_decision(app: Flask, application_id: int, decision: dict[str, Any]) -> None:
    """A decision as the portal stored it before partial grants: `granted` and no outcome."""
    cipher = app.extensions["portal.cipher"]
    with database(app).transaction() as session:
        application = session.get(Application, application_id)
        assert application is not None
        status = Status.GRANTED if decision["granted"] else Status.REFUSED
        application.status = status
        session.add(StatusEvent(
            application_id=application_id, status=status, at=utcnow(), actor="staff",
            message_enc=cipher.encrypt({"decision": decision}),
        ))  # fmt: skip


OLD = {"decided_on": "2025-11-03", "offer": "", "days_per_week": None, "day_length": "",
       "transport": None, "reasons": ""}  # fmt: skip


def test_an_old_refusal_still_shows_with_its_reasons_and_gets_complaint_guidance(
    app: Flask,
) -> None:
    case = Case(app)
    store_old_decision(app, case.id, {**OLD, "granted": False, "reasons": "Gammel grund."})
    html = case.status_html()
    assert "Afslag" in html and "Begrundelse: Gammel grund." in html
    assert "3. november 2025" in html and "klage inden 4 uger" in html
    text = letter(case.citizen, case.links[0] + "/afgoerelse.pdf")
    assert "Du får ikke et tilbud." in text and "Sådan klager du" in text


def test_an_old_grant_still_shows_its_offer(app: Flask) -> None:
    case = Case(app)
    store_old_decision(app, case.id, {**OLD, "granted": True, "offer": "Nørrevang",
                                      "days_per_week": 4, "transport": True})  # fmt: skip
    html = case.status_html()
    assert "Bevilget" in html and "Tilbud: Nørrevang" in html and "Dage om ugen: 4" in html
    assert "klage" not in html
    text = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    assert "Du får et tilbud." in text and "Nørrevang" in text and "Sådan klager du" not in text


def test_the_caseworker_reads_the_same_letter_as_a_page_audited_and_own_municipality_only(
    app: Flask,
) -> None:
    case = Case(app)
    preview = f"{case.path}/afgoerelse"
    assert case.staff.get(preview).status_code == 404  # no decision, no letter
    case.decide("partly_granted")
    html = case.staff.get(preview).get_data(as_text=True)
    page = " ".join(readable_sentences(html))
    pdf = letter(case.staff, f"{case.path}/afgoerelse.pdf")
    for expected in ("Du får en del af det, du har søgt om.", REASONS, "Sådan klager du",
                     "Du skal klage inden 4 uger.", "Karen Hansen"):  # fmt: skip
        assert expected in page and expected in pdf, expected
    assert f'href="{case.path}/afgoerelse.pdf"' in html
    assert f'href="{preview}"' in case.staff.get(case.path).get_data(as_text=True)
    with database(app).transaction() as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "decision_letter_preview" in actions
    other = staff_client(app, "265", "anden@roskilde.dk")
    assert other.get(preview).status_code == 404
