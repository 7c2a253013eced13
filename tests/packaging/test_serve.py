"""`portal serve`: gunicorn's settings from the environment, documented defaults, clear refusals.
(tests/packaging/test_wheel.py and test_deploy.py run it for real.)"""

from __future__ import annotations

import pytest

from portal import create_app, serve


def test_the_defaults_listen_on_localhost_with_threads_and_without_an_access_log() -> None:
    settings = serve.options({})
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] >= 2
    assert (settings["worker_class"], settings["threads"]) == ("gthread", 4)
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (60, 30, 5)
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (10000, 1000)
    # The portal's own JSON request line is the access log: it names the route, not the path.
    assert settings["accesslog"] is None
    assert settings["preload_app"] is True


def test_every_setting_comes_from_its_environment_variable() -> None:
    settings = serve.options(
        {
            "PORTAL_BIND": "0.0.0.0:9000, unix:/run/portal/web.sock",
            "PORTAL_WORKERS": "3",
            "PORTAL_THREADS": "8",
            "PORTAL_TIMEOUT": "120",
            "PORTAL_GRACEFUL_TIMEOUT": "20",
            "PORTAL_KEEPALIVE": "2",
            "PORTAL_MAX_REQUESTS": "0",
        }
    )
    assert settings["bind"] == ["0.0.0.0:9000", "unix:/run/portal/web.sock"]
    assert (settings["workers"], settings["threads"]) == (3, 8)
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (
        120,
        20,
        2,
    )
    assert (settings["max_requests"], settings["max_requests_jitter"]) == (0, 0)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PORTAL_WORKERS", "many", "PORTAL_WORKERS must be a whole number, not 'many'."),
        ("PORTAL_WORKERS", "0", "PORTAL_WORKERS must be at least 1, not 0."),
        ("PORTAL_TIMEOUT", "-5", "PORTAL_TIMEOUT must be at least 1, not -5."),
    ],
)
def test_an_unusable_value_is_refused_with_its_name(name: str, value: str, message: str) -> None:
    with pytest.raises(serve.ServeConfigError) as refused:
        serve.options({name: value})
    assert str(refused.value) == message


def test_gunicorn_logs_in_the_portals_json_format() -> None:
    config = serve.log_config()
    assert config["handlers"]["json"]["class"] == "portal.web.logs.StderrHandler"
    assert config["loggers"]["gunicorn.error"]["handlers"] == ["json"]
    assert config["loggers"]["gunicorn.access"]["handlers"] == []


def test_print_config_shows_the_settings_and_starts_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORTAL_WORKERS", "5")
    result = (
        create_app({"PORTAL_ENV": "test"})
        .test_cli_runner()
        .invoke(args=["serve", "--print-config"])
    )
    assert result.exit_code == 0, result.output
    assert "workers = 5\n" in result.output
    assert "bind = ['127.0.0.1:8000']\n" in result.output


def test_a_bad_setting_stops_serve_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_THREADS", "lots")
    result = create_app({"PORTAL_ENV": "test"}).test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 1
    assert result.output == "Error: PORTAL_THREADS must be a whole number, not 'lots'.\n"
