"""The fuzz suite covers what the portal has without a list of it: every form class (each
FlaskForm subclass in portal/) is found, all its fields, on a page some persona opens, and every
route that takes a POST is the address of a found form, so a new page, form or field is fuzzed
the day it is added (the API, which takes no forms, is fuzzed by tests/fuzz/test_requests.py)."""

from __future__ import annotations

import contextlib

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from wtforms.fields.core import UnboundField

from portal.web.fields import DatePartsField
from tests.fuzz.drive import discover
from tests.fuzz.forms import Form
from tests.fuzz.test_login_journey_fuzz import LOGIN_ONLY_FORMS
from tests.fuzz.test_mine_fuzz import LOGIN_ONLY_POSTS
from tests.fuzz.world import World, build_world, second_factor
from tests.web.url_map import audience, rules


def form_classes() -> list[type[FlaskForm]]:
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("portal."):
            found.append(cls)
    return found


def field_names(cls: type[FlaskForm]) -> set[str]:
    """The names a field of the class has in a request: a date is three boxes."""
    names: set[str] = set()
    for name in dir(cls):
        unbound = getattr(cls, name)
        if not isinstance(unbound, UnboundField):
            continue
        if issubclass(unbound.field_class, DatePartsField):
            names |= {f"{name}-day", f"{name}-month", f"{name}-year"}
        else:
            names.add(name)
    return names


def every_form(app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> list[Form]:
    """What the fuzz tests find: each persona on every page of the URL map it may open."""
    pages = list(rules(app, "GET", world.samples()))
    forms: list[Form] = []
    for persona in [world.drafter, world.applicant, world.caseworker, world.admin]:
        forms += discover(persona, [p for e, p in pages if may_open(app, e, persona.name)])
    for enrolled in (False, True):
        factor = second_factor(app, monkeypatch, enrolled)
        forms += discover(factor, ["/sagsbehandler/login/opsaet", "/sagsbehandler/login/kode"])
    return forms


def may_open(app: Flask, endpoint: str, persona: str) -> bool:
    staff = endpoint.startswith("staff.")
    return staff == (persona in {"caseworker", "admin"}) and audience(app, endpoint) != "api"


def test_every_form_class_and_every_post_route_is_found_by_the_fuzz_suite(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(app, monkeypatch)
    forms = every_form(app, world, monkeypatch)
    classes = [c for c in form_classes() if field_names(c)]
    assert len(classes) >= 30, classes
    unfound = [c.__qualname__ for c in classes
               if not any(field_names(c) <= set(f.names) for f in forms)]  # fmt: skip
    # Asked only when logged in with Digital Fuldmagt: test_login_journey_fuzz.py fuzzes them.
    assert sorted(set(unfound) - LOGIN_ONLY_FORMS) == []
    adapter = app.url_map.bind("localhost")
    targets = set()
    for form in forms:
        with contextlib.suppress(HTTPException):
            targets.add(adapter.match(form.path, form.method)[0])
    posts = {e for e, _ in rules(app, "POST", world.samples()) if not e.startswith("api.")}
    # Without login these answer 404 to everyone; test_mine_fuzz.py fuzzes them logged in.
    assert sorted(posts - targets - LOGIN_ONLY_POSTS) == []
