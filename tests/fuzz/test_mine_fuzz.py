"""My applications, "Mine ansøgninger", fuzzed with login on (issue 13, point 4). The rest of
the fuzz suite runs the portal without login, where these routes are a 404 for everyone
(test_requests.py sends them its hostile requests all the same); here a citizen logged in
through the real test provider opens them: every form on the pages made hostile, the URL's id
beyond every range or no number at all, and another citizen's application, which must stay a 404
and unchanged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from portal.db.models import Application, Status
from portal.web.db import database
from tests.fuzz.drive import discover, fuzz_form, request
from tests.fuzz.forms import Form
from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.values import IDS, Scale
from tests.fuzz.world import Persona
from tests.oidc import people
from tests.oidc.running import RunningProvider
from tests.oidc.steps import log_in
from tests.web.own_applications import KAREN, apply, citizen

pytest_plugins = ("tests.oidc.fixtures",)

SELF = people.PEOPLE["selv"]
RELATIVE = people.PEOPLE["fuldmagt-en"]
# The POST routes only a logged-in citizen reaches; test_coverage.py leaves them to this file,
# and the test below proves each is the address of a form it fuzzed.
LOGIN_ONLY_POSTS = {"citizen.mine_withdraw"}


def test_my_applications_survive_hostile_requests(
    login_app: Flask, oidc_provider: RunningProvider, scale: Scale
) -> None:
    mine = apply(login_app, KAREN, by=citizen(SELF), other=True).id
    theirs = apply(login_app, KAREN, by=citizen(RELATIVE), other=True).id
    persona = Persona("citizen", login_app.test_client())
    assert log_in(persona.client, oidc_provider, people.claims(SELF)).status_code == 303
    persona.refresh_token("/")  # the logout form
    fuzz = Fuzzer(login_app, database(login_app).engine)
    pages = ["/mine-ansoegninger", f"/mine-ansoegninger/{mine}",
             f"/mine-ansoegninger/{mine}/traek-tilbage"]  # fmt: skip
    found = [f for f in discover(persona, pages) if f.method == "POST"]
    # The header's "Log ud" form is on every page; fuzzed first it would end the login the
    # rest runs under, so it goes last.
    forms = [f for f in found if not is_logout(f)]
    logout = [f for f in found if is_logout(f)]
    assert len(logout) == 1, found
    targets = {fuzz.endpoint(Case("citizen", "POST", f.action)) for f in forms}
    assert targets >= LOGIN_ONLY_POSTS, targets
    for form in forms:
        fuzz_form(fuzz, persona, form, scale)
    for bad in [*IDS, str(theirs)]:
        for tail in ("", "/afgoerelse.pdf", "/traek-tilbage"):
            path = f"/mine-ansoegninger/{bad}{tail}"
            response = request(fuzz, persona, Case("citizen", "GET", path, kind="id"))
            assert response.status_code == 404, (path, response.status_code)
        form = f"csrf_token={persona.token}".encode()
        post = Case("citizen", "POST", f"/mine-ansoegninger/{bad}/traek-tilbage", form,
                    "application/x-www-form-urlencoded", kind="id")  # fmt: skip
        assert request(fuzz, persona, post).status_code == 404
    fuzz_form(fuzz, persona, logout[0], scale)
    fuzz.writes.close()
    # Four requests for each bad id, and at least one for each form.
    fuzz.assert_clean(at_least=4 * (len(IDS) + 1) + len(forms) + 1)
    with database(login_app).transaction() as session:
        other = session.get(Application, theirs)
        assert other is not None and other.status is Status.RECEIVED


def is_logout(form: Form) -> bool:
    return urlsplit(form.action).path == "/log-ud"
