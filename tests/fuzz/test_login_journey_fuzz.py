"""The journey's questions that only a citizen logged in with Digital Fuldmagt is asked (issue
13, point 3), fuzzed with login on: the rest of the fuzz suite runs the portal without login,
where these pages redirect to the first unanswered question. A relative logged in through the
real test provider opens "Hvilken person søger du for?" and, with a person chosen, the page
asking only the person's name; every field is made hostile, and afterwards the journey still
ends with the person the login offers: no hostile value becomes the person applied for."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.web.db import database
from portal.web.questions.fuldmagt import FuldmagtForm, FuldmagtNameForm
from tests.fuzz.drive import discover, fuzz_form
from tests.fuzz.oracles import Fuzzer
from tests.fuzz.test_mine_fuzz import is_logout
from tests.fuzz.values import Scale
from tests.fuzz.world import Persona
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.helpers import visible_text
from tests.web.journey import answer_until, post_step

pytest_plugins = ("tests.oidc.fixtures",)

RELATIVE = people.PEOPLE["fuldmagt-en"]
# The form classes only a logged-in citizen meets; test_coverage.py leaves them to this file.
LOGIN_ONLY_FORMS = {FuldmagtForm.__qualname__, FuldmagtNameForm.__qualname__}
PAGES = {"/ansoeg/digital-fuldmagt": {"person"}, "/ansoeg/navn": {"full_name"}}


def choose(client: FlaskClient) -> None:
    """For someone else, the grandmother from the login's Digital Fuldmagt."""
    assert post_step(client, "/ansoeg/hvem", {"who": "other"}).status_code == 303
    chosen = {"person": people.GRANDMOTHER}
    assert post_step(client, "/ansoeg/digital-fuldmagt", chosen).status_code == 303


def test_the_digital_fuldmagt_questions_survive_hostile_requests(
    login_app: Flask, oidc_provider: RunningProvider, scale: Scale
) -> None:
    persona = Persona("citizen", login_app.test_client())
    client = persona.client
    assert log_in(client, oidc_provider, people.claims(RELATIVE)).status_code == 303
    fuzz = Fuzzer(login_app, database(login_app).engine)
    fuzzed = 0
    for path, names in PAGES.items():
        # Walk (again) to the page: the fuzzing before may have answered or changed anything.
        choose(client)
        if path == "/ansoeg/navn":  # asked once the questions before it are answered
            assert answer_until(client, stop=path, other=True) == path
        persona.refresh_token(path)
        # Not the header's "Log ud" form: it would end the login (test_mine_fuzz.py fuzzes it).
        forms = [f for f in discover(persona, [path]) if f.method == "POST" and not is_logout(f)]
        assert [set(f.names) - {"action"} for f in forms] == [names], path
        for form in forms:
            fuzz_form(fuzz, persona, form, scale)
            fuzzed += 1
    fuzz.writes.close()
    # About a hundred requests for each form (204 at scale 1); a fuzz that stopped early fails.
    fuzz.assert_clean(at_least=50 * fuzzed)
    # After all that, the journey still ends with the person the login offers, and no other.
    walk = {"/ansoeg/digital-fuldmagt": {"person": people.GRANDMOTHER},
            "/ansoeg/navn": {"full_name": "Inger Hansen"}}  # fmt: skip
    choose(client)
    assert answer_until(client, other=True, **walk) == "/ansoeg/tjek"
    assert post_step(client, "/ansoeg/navn", walk["/ansoeg/navn"]).status_code == 303
    check = visible_text(client.get("/ansoeg/tjek").get_data(as_text=True))
    assert "050240-xxxx" in check and "Inger Hansen" in check
