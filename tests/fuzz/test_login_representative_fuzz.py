"""The representative step ("Om dig, der søger") fuzzed with login on, where its name field
starts with the citizen's own name from the login: every field is made hostile (no 500, no
stored hostile value the oracles catch), and afterwards a name the citizen saves is the one
the page shows, not the login's."""

from __future__ import annotations

from flask import Flask

from portal.web.db import database
from tests.fuzz.drive import discover, fuzz_form
from tests.fuzz.oracles import Fuzzer
from tests.fuzz.test_login_journey_fuzz import choose
from tests.fuzz.test_mine_fuzz import is_logout
from tests.fuzz.values import Scale
from tests.fuzz.world import Persona
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.journey import answer_until, post_step
from tests.web.test_login_journey_names import name_value

pytest_plugins = ("tests.oidc.fixtures",)

RELATIVE = people.PEOPLE["fuldmagt-en"]
PATH = "/ansoeg/om-dig"
CHOSEN = {"/ansoeg/navn": {"full_name": "Inger Hansen"}}


def test_the_prefilled_representative_step_survives_hostile_requests(
    login_app: Flask, oidc_provider: RunningProvider, scale: Scale
) -> None:
    persona = Persona("citizen", login_app.test_client())
    client = persona.client
    assert log_in(client, oidc_provider, people.claims(RELATIVE)).status_code == 303
    choose(client)
    assert answer_until(client, stop=PATH, other=True, **CHOSEN) == PATH
    assert name_value(client.get(PATH).get_data(as_text=True)) == RELATIVE.name
    fuzz = Fuzzer(login_app, database(login_app).engine)
    persona.refresh_token(PATH)
    forms = [f for f in discover(persona, [PATH]) if f.method == "POST" and not is_logout(f)]
    assert [set(f.names) - {"action"} for f in forms] == [{"full_name", "phone", "email"}]
    fuzz_form(fuzz, persona, forms[0], scale)
    fuzz.writes.close()
    fuzz.assert_clean(at_least=50)
    # Whatever the fuzz saved is the citizen's own answer now; saving one shows it again.
    saved = {"full_name": "Ole P. Hansen", "phone": "87654321"}
    assert post_step(client, PATH, saved).status_code == 303
    assert name_value(client.get(PATH).get_data(as_text=True)) == "Ole P. Hansen"
