"""The app factory: safe defaults in development, refusal of unsafe production settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from portal import config, create_app
from portal.web.outbox import policy

STRONG_SECRET = "x" * 48


def production(**env: str) -> dict[str, str]:
    base = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": STRONG_SECRET,
        "PORTAL_DATA_KEYS": Fernet.generate_key().decode(),
        "PORTAL_INDEX_KEY": "i" * 48,
        "DATABASE_URL": "sqlite://",
        "TRUSTED_HOSTS": "portal.example.dk",
    }
    base.update(env)
    return {k: v for k, v in base.items() if v != "<unset>"}


def build(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]):
    for key in (
        "PORTAL_ENV", "SECRET_KEY", "PORTAL_DATA_KEYS", "PORTAL_INDEX_KEY", "DATABASE_URL",
        "FLASK_DEBUG", "TRUSTED_HOSTS", "PORTAL_METRICS_TOKEN", "PORTAL_ERROR_WEBHOOK",
    ):  # fmt: skip
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return create_app()


def test_development_starts_with_safe_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    app = build(monkeypatch, {"PORTAL_ENV": "development", "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == config.DEV_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_with_strong_settings_starts_with_secure_cookies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = build(monkeypatch, production())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["HSTS"] is True


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"SECRET_KEY": "<unset>"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": config.DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"PORTAL_DATA_KEYS": "<unset>"}, "PORTAL_DATA_KEYS"),
        ({"PORTAL_DATA_KEYS": "not-a-key"}, "PORTAL_DATA_KEYS"),
        ({"PORTAL_DATA_KEYS": config.DEV_DATA_KEY}, "PORTAL_DATA_KEYS"),
        ({"PORTAL_INDEX_KEY": "<unset>"}, "PORTAL_INDEX_KEY"),
        ({"PORTAL_INDEX_KEY": config.DEV_INDEX_KEY}, "PORTAL_INDEX_KEY"),
        ({"FLASK_DEBUG": "1"}, "DEBUG"),
        ({"TRUSTED_HOSTS": "<unset>"}, "TRUSTED_HOSTS"),
        ({"PORTAL_METRICS_TOKEN": "short"}, "PORTAL_METRICS_TOKEN"),
        ({"PORTAL_ERROR_WEBHOOK": "http://errors.example.dk/hook"}, "PORTAL_ERROR_WEBHOOK"),
    ],
)
def test_production_refuses_to_start_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], fragment: str
) -> None:
    with pytest.raises(config.ConfigError) as caught:
        build(monkeypatch, production(**env))
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message
    assert message.startswith("Refusing to start")


def test_several_data_keys_are_accepted_for_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    app = build(monkeypatch, production(PORTAL_DATA_KEYS=keys))
    assert app.config["DATA_KEYS"] == keys


def test_the_outbox_defaults_are_the_issue_s_a_minute_six_hours_and_three_days() -> None:
    app = create_app(config.from_environment({"PORTAL_ENV": "test"}))
    with app.app_context():
        found = policy()
    assert found.first_retry == timedelta(minutes=1)
    assert found.longest_retry == timedelta(hours=6)
    assert found.give_up_after == timedelta(days=3)
