"""The hand-off settings: what cannot work or is unsafe stops the start with a one-line reason
that names the variable and never the secret."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.handoff.signing import new_secret
from portal.outbox import targets

SECRET = new_secret()
TOKEN = "x" * 40


def handoff(production: bool = False, **env: str) -> targets.Handoff:
    return targets.from_environ(env, production)


def test_a_complete_push_pull_and_notice_setting_is_read_per_municipality() -> None:
    found = handoff(
        PORTAL_DELIVERY_URL_575="https://esdh.vejen.dk/portal", PORTAL_DELIVERY_SECRET_575=SECRET,
        PORTAL_DELIVERY_TOKEN_575=TOKEN, PORTAL_API_TOKEN_265=TOKEN,
        PORTAL_NOTICE_EMAIL_157="post@gentofte.dk", PORTAL_KLE_FACET_575="G01",
    )  # fmt: skip
    assert found.webhooks["575"].url == "https://esdh.vejen.dk/portal"
    assert found.receives_events("575") and found.receives_events("265")
    assert not found.receives_events("157")
    assert found.municipality_for_token(TOKEN) == "265"
    assert found.municipality_for_token("y" * 40) is None
    assert found.notice_addresses == {"157": "post@gentofte.dk"}
    assert found.kle_facets == {"575": "G01"}
    assert SECRET not in repr(found) and TOKEN not in repr(found)


@pytest.mark.parametrize(
    ("env", "production", "named"),
    [
        ({"PORTAL_DELIVERY_URL_575": "https://x.dk"}, False, "PORTAL_DELIVERY_SECRET_575"),
        ({"PORTAL_DELIVERY_SECRET_575": SECRET}, False, "PORTAL_DELIVERY_URL_575"),
        ({"PORTAL_DELIVERY_URL_575": "https://x.dk", "PORTAL_DELIVERY_SECRET_575": "whsec_!!"},
         False, "PORTAL_DELIVERY_SECRET_575"),
        ({"PORTAL_DELIVERY_URL_575": "http://esdh.vejen.dk", "PORTAL_DELIVERY_SECRET_575": SECRET},
         False, "PORTAL_DELIVERY_URL_575"),
        ({"PORTAL_DELIVERY_URL_575": "http://127.0.0.1:9000", "PORTAL_DELIVERY_SECRET_575": SECRET},
         True, "PORTAL_DELIVERY_URL_575"),
        ({"PORTAL_DELIVERY_URL_575": "https://u:p@x.dk", "PORTAL_DELIVERY_SECRET_575": SECRET},
         False, "PORTAL_DELIVERY_URL_575"),
        ({"PORTAL_DELIVERY_URL_575": "ftp://x.dk", "PORTAL_DELIVERY_SECRET_575": SECRET},
         False, "PORTAL_DELIVERY_URL_575"),
        ({"PORTAL_DELIVERY_URL_575": "https://x.dk", "PORTAL_DELIVERY_SECRET_575": SECRET,
          "PORTAL_DELIVERY_TOKEN_575": "short"}, False, "PORTAL_DELIVERY_TOKEN_575"),
        ({"PORTAL_API_TOKEN_265": "short"}, False, "PORTAL_API_TOKEN_265"),
        ({"PORTAL_API_TOKEN_ROSKILDE": TOKEN}, False, "PORTAL_API_TOKEN_ROSKILDE"),
        ({"PORTAL_KLE_FACET_575": "27.54.08"}, False, "PORTAL_KLE_FACET_575"),
    ],
)  # fmt: skip
def test_a_setting_that_cannot_work_is_refused_by_name(
    env: dict[str, str], production: bool, named: str
) -> None:
    with pytest.raises(targets.TargetError) as refused:
        targets.from_environ(env, production)
    assert named in str(refused.value)
    assert SECRET not in str(refused.value) and TOKEN not in str(refused.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "[::1]", "localhost"])
def test_plain_http_is_allowed_to_loopback_outside_production(host: str) -> None:
    found = handoff(PORTAL_DELIVERY_URL_575=f"http://{host}:9000/e",
                    PORTAL_DELIVERY_SECRET_575=SECRET)  # fmt: skip
    assert found.webhooks["575"].url.startswith("http://")


def test_the_app_refuses_to_start_on_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_DELIVERY_URL_575", "http://esdh.vejen.dk/portal")
    monkeypatch.setenv("PORTAL_DELIVERY_SECRET_575", SECRET)
    with pytest.raises(ConfigError, match="PORTAL_DELIVERY_URL_575"):
        create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
