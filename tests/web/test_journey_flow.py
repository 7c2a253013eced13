"""The citizen journey end to end: for yourself and for someone else, in both languages."""

from __future__ import annotations

import io
import re
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.db.models import Application, Draft, Status
from portal.web.db import database
from tests.web.helpers import set_language
from tests.web.journey import answer_until, errors, post_step, status_links, submit, token
from tests.web.outbox import drain


def count(app: Flask, model: type) -> int:
    with database(app).transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("lang", ["da", "en"])
def test_applying_for_yourself_ends_with_a_receipt_and_a_working_status_link(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    set_language(client, lang)
    assert answer_until(client) == "/ansoeg/tjek"
    response = submit(client)
    assert response.headers["Location"] == "/kvittering"
    receipt = client.get("/kvittering").get_data(as_text=True)
    reference = re.search(r"AS-\d{4}-\d{6}", receipt)
    assert reference
    [link] = status_links(receipt)
    status = client.get(link).get_data(as_text=True)
    assert reference.group(0) in status
    assert ("Modtaget" if lang == "da" else "Received") in status
    assert count(app, Application) == 1 and count(app, Draft) == 0


def test_the_receipt_pdf_holds_the_reference_answers_and_guidance(client: FlaskClient) -> None:
    answer_until(client)
    submit(client)
    receipt = client.get("/kvittering").get_data(as_text=True)
    reference = re.search(r"AS-\d{4}-\d{6}", receipt).group(0)  # type: ignore[union-attr]
    pdf = client.get("/kvittering.pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert reference in text
    assert "Hvem søger du for?" in text
    # The sources are one numbered list at the end, not a line under every statement.
    assert "Vejen Kommune" in text and "Kilder" in text and "Afsnittet »" in text
    # The status link too, for someone who keeps the PDF rather than the page (the probe of
    # 2026-12-06 found it missing).
    [link] = status_links(receipt)
    assert link in "".join(text.split())


def test_a_relative_is_spoken_to_about_the_person_by_first_name(client: FlaskClient) -> None:
    location = answer_until(client, stop="/ansoeg/hjaelp", other=True)
    assert location == "/ansoeg/hjaelp"
    html = client.get(location).get_data(as_text=True)
    assert "Hvor meget hjælp har Karen brug for i hverdagen?" in html
    assert "Karen skal have meget hjælp" in html
    assert "Hvor meget hjælp har du" not in html


def test_a_relative_sees_the_guidance_about_the_person(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/vejledning", other=True)
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "Det kan måske gælde for Karen" in html
    set_language(client, "en")
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "This might apply to Karen" in html or "Karen" in html


def test_a_relative_gets_two_status_links_that_both_work(client: FlaskClient) -> None:
    answer_until(client, other=True)
    submit(client)
    links = status_links(client.get("/kvittering").get_data(as_text=True))
    assert len(links) == 2
    for link in links:
        assert client.get(link).status_code == 200


def test_every_answer_has_a_change_link_that_returns_to_the_check_page(
    client: FlaskClient,
) -> None:
    answer_until(client)
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert 'href="/ansoeg/dage?fra=tjek"' in html
    response = post_step(client, "/ansoeg/dage?fra=tjek", {"days": "2"})
    assert response.headers["Location"] == "/ansoeg/tjek"
    assert "2 dage" in client.get("/ansoeg/tjek").get_data(as_text=True)


def test_changing_to_for_yourself_drops_the_answers_about_a_representative(
    client: FlaskClient,
) -> None:
    answer_until(client, other=True)
    post_step(client, "/ansoeg/hvem?fra=tjek", {"who": "self"})
    # The name, CPR number and the rest were about the other person: they are asked again.
    assert answer_until(client) == "/ansoeg/tjek"
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    assert "Ole Hansen" not in html and "Karen Hansen" in html


def test_guidance_shows_sources_and_says_it_is_not_a_decision(client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/vejledning")
    html = client.get("/ansoeg/vejledning").get_data(as_text=True)
    assert "ikke en afgørelse" in html
    assert html.count('class="source-ref"') >= 10 and 'id="kilder"' in html
    assert "Vejen Kommune" in html
    assert "6 uger" in html  # Vejen is the one standard that states a processing time


def test_a_double_submit_gives_one_application_and_the_same_receipt(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client)
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    data = {"confirm": "y", "csrf_token": token(html)}
    first = client.post("/ansoeg/tjek", data=data)
    second = client.post("/ansoeg/tjek", data=data)
    assert first.headers["Location"] == second.headers["Location"] == "/kvittering"
    assert count(app, Application) == 1


def test_ten_parallel_submits_make_one_application(app: Flask, client: FlaskClient) -> None:
    answer_until(client)
    html = client.get("/ansoeg/tjek").get_data(as_text=True)
    data = {"confirm": "y", "csrf_token": token(html)}
    cookie = client.get_cookie("portal_session")
    assert cookie is not None
    statuses: list[int] = []

    def run() -> None:
        other = app.test_client()
        other.set_cookie("portal_session", cookie.value)
        statuses.append(other.post("/ansoeg/tjek", data=data).status_code)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [303] * 10
    assert count(app, Application) == 1


def test_withdrawing_from_the_status_page(app: Flask, client: FlaskClient) -> None:
    answer_until(client)
    submit(client)
    [link] = status_links(client.get("/kvittering").get_data(as_text=True))
    confirm = client.get(link + "/traek-tilbage").get_data(as_text=True)
    response = client.post(link + "/traek-tilbage", data={"csrf_token": token(confirm)})
    assert response.status_code == 303
    html = client.get(link).get_data(as_text=True)
    assert "Trukket tilbage" in html and "Træk ansøgningen tilbage" not in html
    with database(app).transaction() as session:
        assert session.scalars(select(Application.status)).one() is Status.WITHDRAWN


def test_the_municipalitys_own_link_answers_the_municipality_question(client: FlaskClient) -> None:
    client.get("/?kommune=265")
    location = answer_until(client, stop="/ansoeg/alder")
    assert location == "/ansoeg/alder"
    html = client.get("/ansoeg/kommune").get_data(as_text=True)
    assert 'value="265" checked' in html


def test_another_municipality_gets_a_clear_page_and_nothing_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop="/ansoeg/kommune")
    response = post_step(client, "/ansoeg/kommune", {"municipality": "other"})
    assert response.headers["Location"] == "/ansoeg/anden-kommune"
    assert "Søg i din egen kommune" in client.get("/ansoeg/anden-kommune").get_data(as_text=True)
    assert count(app, Draft) == 0
    assert client.get("/ansoeg").headers["Location"] == "/ansoeg/hvem"


def test_save_and_continue_later_works_after_the_cookie_is_gone(
    app: Flask, client: FlaskClient
) -> None:
    answer_until(client, stop="/ansoeg/dage")
    response = post_step(client, "/ansoeg/dage", {"days": "4", "action": "save"})
    assert response.headers["Location"] == "/ansoeg/gem"
    html = client.get("/ansoeg/gem").get_data(as_text=True)
    link = re.search(r'href="http://localhost(/fortsaet/[^"]+)"', html).group(1)  # type: ignore[union-attr]
    fresh = app.test_client()
    assert fresh.get(link).headers["Location"] == "/ansoeg/hel-eller-halv"
    assert 'value="4" checked' in fresh.get("/ansoeg/dage").get_data(as_text=True)


def test_the_resume_link_can_be_sent_by_mail_with_nothing_but_the_link(
    app: Flask, client: FlaskClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    app.config["MAIL_FOLDER"] = str(tmp_path)
    try:
        answer_until(client, stop="/ansoeg/dage")
        html = client.get("/ansoeg/gem").get_data(as_text=True)
        response = client.post(
            "/ansoeg/gem", data={"email": "karen@example.dk", "csrf_token": token(html)}
        )
        assert "Vi har sendt linket" in response.get_data(as_text=True)
    finally:
        drain(app)  # the worker sends what the request queued
        app.config.pop("MAIL_FOLDER")
    [mail] = list(tmp_path.glob("*.eml"))
    body = mail.read_text()
    assert "/fortsaet/" in body
    assert "Karen" not in body.split("To:")[0] and "1990" not in body and "mental" not in body


def test_a_session_that_comes_back_resumes_at_the_first_unanswered_question(
    client: FlaskClient,
) -> None:
    answer_until(client, stop="/ansoeg/transport")
    assert client.get("/ansoeg").headers["Location"] == "/ansoeg/transport"
    assert "Fortsæt, hvor du slap" in client.get("/").get_data(as_text=True)


def test_starting_over_deletes_the_draft(app: Flask, client: FlaskClient) -> None:
    answer_until(client, stop="/ansoeg/dage")
    html = client.get("/ansoeg/start-forfra").get_data(as_text=True)
    deleted = client.post("/ansoeg/start-forfra", data={"csrf_token": token(html)})
    assert count(app, Draft) == 0
    assert errors(client.get("/").get_data(as_text=True)) == []
    # The second walk: the person landed on the start page with no word that it was done.
    start = client.get(deleted.headers["Location"]).get_data(as_text=True)
    assert "Dine svar er slettet" in start and "Fortsæt, hvor du slap" not in start
    assert "Dine svar er slettet" not in client.get("/").get_data(as_text=True)
