"""Fixtures for tests of the citizen login, loaded by the tests that use them with
`pytest_plugins = ("tests.oidc.fixtures",)` (the steps are in tests/oidc/steps.py).

`oidc_provider` is the real provider, one subprocess per test session (and per xdist worker).
`login_app` is the portal with login on, against the same database as the `app` fixture (so
on SQLite and on PostgreSQL, emptied after each test as usual): one app per database, made
once, since login settings are read at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.web.db import database
from tests.conftest import make_app
from tests.oidc.running import RunningProvider, start_provider
from tests.oidc.steps import CALLBACK, LOGGED_OUT


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[RunningProvider]:
    provider = start_provider()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def login_apps() -> Iterator[dict[str, Flask]]:
    made: dict[str, Flask] = {}
    yield made
    for app in made.values():
        database(app).engine.dispose()


def _login_app(
    app: Flask, provider: RunningProvider, made: dict[str, Flask], profile: str, **extra: str
) -> Flask:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    key = f"{profile} {sorted(extra.items())} {url}"
    if key not in made:
        made[key] = make_app(url, **provider.login_settings(profile), **extra)
    provider.reset()
    provider.allow(CALLBACK, LOGGED_OUT)
    return made[key]


@pytest.fixture
def login_app(app: Flask, oidc_provider: RunningProvider, login_apps: dict[str, Flask]) -> Flask:
    """The portal behind a NemLog-in bridge (OIOSAML 3 claim names)."""
    return _login_app(app, oidc_provider, login_apps, "oiosaml")


@pytest.fixture
def broker_login_app(
    app: Flask, oidc_provider: RunningProvider, login_apps: dict[str, Flask]
) -> Flask:
    """The portal behind a commercial MitID broker (its claim names, no Digital Fuldmagt)."""
    return _login_app(app, oidc_provider, login_apps, "broker")


@pytest.fixture
def userinfo_login_app(
    app: Flask, oidc_provider: RunningProvider, login_apps: dict[str, Flask]
) -> Flask:
    """The portal behind a bridge, asking its userinfo endpoint at every login."""
    return _login_app(app, oidc_provider, login_apps, "oiosaml", PORTAL_OIDC_USERINFO="always")
