"""Every form a caseworker and an admin are shown, found on the pages of the URL map, each field
made hostile in turn; the oracles (tests/fuzz/oracles.py) judge every answer."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.fuzz.drive import discover, fuzz_form, shape
from tests.fuzz.oracles import Fuzzer
from tests.fuzz.values import Scale
from tests.fuzz.world import World, build_world, second_factor
from tests.web.url_map import rules


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(app, monkeypatch)


def staff_pages(app: Flask, world: World) -> list[str]:
    return [path for endpoint, path in rules(app, "GET", world.samples())
            if endpoint.startswith("staff.")]  # fmt: skip


def test_every_form_a_caseworker_sees_survives_hostile_values(
    app: Flask, world: World, fuzz: Fuzzer, scale: Scale
) -> None:
    forms = discover(world.caseworker, staff_pages(app, world))
    assert len(forms) >= 12, [f.action for f in forms]
    for form in forms:
        fuzz_form(fuzz, world.caseworker, form, scale)
        world.restore()
    fuzz.assert_clean(at_least=800)


def test_every_form_an_admin_sees_survives_hostile_values(
    app: Flask, world: World, fuzz: Fuzzer, scale: Scale
) -> None:
    """The admin's own forms in full; those a caseworker sees too (fuzzed in full above)
    again with the short corpus, as the admin."""
    pages = staff_pages(app, world)
    theirs = {shape(f) for f in discover(world.caseworker, pages)}
    forms = discover(world.admin, pages)
    assert len({shape(f) for f in forms} - theirs) >= 4, [f.action for f in forms]
    for form in forms:
        fuzz_form(fuzz, world.admin, form, scale, again=shape(form) in theirs)
        world.restore()
    fuzz.assert_clean(at_least=300)


@pytest.mark.parametrize("enrolled", [False, True], ids=["setting-up", "code"])
def test_the_second_factors_code_forms_survive_hostile_codes(
    app: Flask, monkeypatch: pytest.MonkeyPatch, fuzz: Fuzzer, scale: Scale, enrolled: bool
) -> None:
    """Where a second factor is required: the code that sets up the app, the code at login.
    Five wrong codes lock the account, after which the form sends the visitor to the login."""
    persona = second_factor(app, monkeypatch, enrolled)
    where = "/sagsbehandler/login/kode" if enrolled else "/sagsbehandler/login/opsaet"
    forms = [f for f in discover(persona, [where]) if f.path == where]
    assert [f.names for f in forms] == [["code"]]
    fuzz_form(fuzz, persona, forms[0], scale)
    fuzz.assert_clean(at_least=60)
