"""The case page is built for deciding: the citizen's side and the caseworker's side, the
decision form open for the holder, the guidance folded with this person's lines first, and
"who has seen it" that includes the view being made."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db.models import Application
from portal.web.db import database
from tests.web.helpers import parse
from tests.web.journey import answer_until, submit
from tests.web.staff import case_fields, csrf_from, staff_client


def submitted(app: Flask) -> Application:
    citizen = app.test_client()
    answer_until(citizen)
    submit(citizen)
    with database(app).transaction() as session:
        return session.scalars(select(Application)).one()


def page(client: FlaskClient, application: Application) -> str:
    return client.get(f"/sagsbehandler/sag/{application.id}").get_data(as_text=True)


def take(client: FlaskClient, application: Application) -> None:
    path = f"/sagsbehandler/sag/{application.id}"
    response = client.post(path + "/tag", data={"csrf_token": csrf_from(client, path)})
    assert response.status_code == 303


def text_of(node: Any) -> str:
    return " ".join(" ".join(node.itertext()).split())


def ancestors(tree: Any, target: Any) -> list[Any]:
    parents = {child: parent for parent in tree.iter() for child in parent}
    chain = []
    while target in parents:
        target = parents[target]
        chain.append(target)
    return chain


def test_who_has_seen_it_includes_the_first_view(app: Flask) -> None:
    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    first = page(client, application)
    assert first.count("<td>Så sagen</td><td>ida@vejen.dk</td>") == 1
    # The second view, soon after, joins the first as one row (both are stored).
    second = page(client, application)
    assert second.count("<td>Så sagen (2 gange)</td><td>ida@vejen.dk</td>") == 1


def test_a_reveal_shows_in_who_has_seen_it_at_once(app: Flask) -> None:
    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    path = f"/sagsbehandler/sag/{application.id}"
    revealed = client.post(
        path + "/vis-cpr", data={"csrf_token": csrf_from(client, path)}, follow_redirects=True
    )
    html = revealed.get_data(as_text=True)
    assert "<td>Så hele CPR-nummeret</td><td>ida@vejen.dk</td>" in html


def test_the_guidance_is_folded_with_this_persons_lines_first(app: Flask) -> None:
    application = submitted(app)
    tree = parse(page(staff_client(app, "575", "ida@vejen.dk"), application))
    folded = [
        d for d in tree.iterfind(".//details")
        if text_of(d.find("summary")) == "Vejledningen, som borgeren så den"
    ]  # fmt: skip
    assert len(folded) == 1 and folded[0].get("open") is None
    inside = text_of(folded[0])
    assert inside.index("Kort fortalt") < inside.index("Hvem er tilbuddet for?")
    assert folded[0].find(".//*[@id='kilder']") is not None
    main = tree.find(".//main")
    headings = [h for h in main.iter() if h.tag in ("h2", "h3")]
    outside = [h for h in headings if folded[0] not in ancestors(tree, h)]
    assert "Kort fortalt" not in [text_of(h) for h in outside]


def test_the_decision_form_is_open_for_the_holder_only(app: Flask) -> None:
    application = submitted(app)
    holder = staff_client(app, "575", "ida@vejen.dk")
    colleague = staff_client(app, "575", "bo@vejen.dk")
    before = page(holder, application)
    assert "/afgoerelse" not in before
    assert "Tag sagen for at træffe afgørelse" in before
    take(holder, application)
    tree = parse(page(holder, application))
    [form] = [
        f for f in tree.iterfind(".//form") if f.get("action", "").endswith("/afgoerelse#besked")
    ]
    assert not [a for a in ancestors(tree, form) if a.tag == "details"]
    assert form.find(".//input[@name='outcome']") is not None
    assert "/afgoerelse" not in page(colleague, application)


def test_take_the_case_comes_first_the_answers_after(app: Flask) -> None:
    """The source order a keyboard follows: the status and "Tag sagen" right after the back
    link, then the citizen's side, then the caseworker's forms and notes, history last."""
    application = submitted(app)
    html = page(staff_client(app, "575", "ida@vejen.dk"), application)
    main = html.split('id="main-content"', 1)[1]
    order = [main.index(s) for s in ("Til indbakken", ">Tag sagen<", ">Svarene<",
                                     ">Interne noter<", ">Status undervejs<", ">Hvem har set sagen<")]  # fmt: skip
    assert order == sorted(order)
    between = main[main.index("Til indbakken") : main.index(">Tag sagen<")]
    assert "<a " not in between.split("</a>", 1)[1] and 'tabindex="0"' not in between


def test_the_citizens_own_words_stand_apart(app: Flask) -> None:
    application = submitted(app)
    html = page(staff_client(app, "575", "ida@vejen.dk"), application)
    assert (
        '<blockquote class="case-quote preserve-lines">Jeg kan godt lide at male.</blockquote>'
        in html
    )
    assert html.count("Jeg kan godt lide at male.") == 1


def test_the_case_head_names_the_deadline_where_the_standard_states_one(app: Flask) -> None:
    application = submitted(app)
    html = page(staff_client(app, "575", "ida@vejen.dk"), application)
    head = html.split('class="case-facts"', 1)[1].split("</dl>", 1)[0]
    assert "<dt>Frist</dt>" in head and "<dt>Kanal</dt>" in head


def test_a_decided_case_links_its_letter_and_the_download_has_a_name_in_words(app: Flask) -> None:
    from datetime import date

    application = submitted(app)
    client = staff_client(app, "575", "ida@vejen.dk")
    take(client, application)
    path = f"/sagsbehandler/sag/{application.id}"
    today = date.today()
    decided = client.post(path + "/afgoerelse", data={
        "outcome": "granted", "offer": "Kærhøj", "days": "3", **case_fields(client, path),
        "decided_on-day": str(today.day), "decided_on-month": str(today.month),
        "decided_on-year": str(today.year),
    })  # fmt: skip
    assert decided.status_code == 303, decided.get_data(as_text=True)[:300]
    html = page(client, application)
    # Read as a page, or fetched as the PDF; no decision form once decided.
    assert f'href="{path}/afgoerelse.pdf"' in html and f'href="{path}/afgoerelse"' in html
    assert f'action="{path}/afgoerelse' not in html
    assert client.get(f"{path}/afgoerelse.pdf").mimetype == "application/pdf"
    assert "<td>Hentede afgørelsesbrevet</td>" in page(client, application)
