"""Claims from the userinfo endpoint (portal.identity.userinfo): when they are needed, that the
ID token's claims win, that only the profile's claims are taken, and that userinfo about
another subject is refused (OpenID Connect Core 1.0, section 5.3.2)."""

from __future__ import annotations

import pytest

from portal.identity import BROKER, OIOSAML, LoginConfigError, login_settings
from portal.identity.userinfo import UserinfoMismatch, lacks_required, merged

CPR, LOA, FULL = OIOSAML.cpr, OIOSAML.loa, OIOSAML.full_name
assert FULL is not None and OIOSAML.given_name is not None and OIOSAML.privileges is not None
GIVEN, PRIVILEGES = OIOSAML.given_name, OIOSAML.privileges
COMPLETE = {"sub": "s-1", CPR: "0101901234", LOA: "Substantial", FULL: "Åse Ørsted"}


def without(*keys: str) -> dict[str, object]:
    return {key: value for key, value in COMPLETE.items() if key not in keys}


def test_a_complete_id_token_needs_no_userinfo() -> None:
    assert not lacks_required(COMPLETE, OIOSAML)
    # Privileges are optional: their absence alone cannot tell.
    assert PRIVILEGES not in COMPLETE


@pytest.mark.parametrize("missing", [(CPR,), (LOA,), (FULL,)])
def test_a_missing_cpr_level_or_name_needs_userinfo(missing: tuple[str, ...]) -> None:
    assert lacks_required(without(*missing), OIOSAML)


@pytest.mark.parametrize("empty", ["", [], None])
def test_an_empty_claim_counts_as_missing(empty: object) -> None:
    assert lacks_required({**COMPLETE, CPR: empty}, OIOSAML)


def test_a_first_name_alone_is_a_name() -> None:
    assert not lacks_required({**without(FULL), GIVEN: "Åse"}, OIOSAML)


def test_the_brokers_claim_names_are_the_ones_looked_for() -> None:
    assert lacks_required(COMPLETE, BROKER)
    assert not lacks_required({"nin": "0101901234", "mitid_loa": "SUBSTANTIAL", "name": "Å"},
                              BROKER)  # fmt: skip


def test_userinfo_fills_in_only_what_the_id_token_lacks_and_only_the_profiles_claims() -> None:
    userinfo = {
        "sub": "s-1", CPR: "0202020202", FULL: "Someone Else", PRIVILEGES: "PGRvYy8+",
        "email": "not@read.dk", "iss": "https://elsewhere",
    }  # fmt: skip
    out = merged({**without(FULL), "iss": "https://bridge"}, userinfo, OIOSAML)
    assert out[CPR] == COMPLETE[CPR]  # the signed ID token wins
    assert out[FULL] == "Someone Else"
    assert out[PRIVILEGES] == "PGRvYy8+"
    assert out["iss"] == "https://bridge"
    assert "email" not in out


def test_an_empty_id_token_claim_is_filled_from_userinfo() -> None:
    out = merged({**COMPLETE, FULL: ""}, {"sub": "s-1", FULL: "Åse Ørsted"}, OIOSAML)
    assert out[FULL] == "Åse Ørsted"


@pytest.mark.parametrize(
    ("id_sub", "userinfo_sub"),
    [("s-1", "s-2"), ("s-1", None), ("s-1", ""), (None, None), ("", ""), ("s-1", ["s-1"])],
)
def test_userinfo_about_another_subject_is_refused(id_sub: object, userinfo_sub: object) -> None:
    id_claims = {**without("sub"), "sub": id_sub}
    with pytest.raises(UserinfoMismatch) as refused:
        merged(id_claims, {"sub": userinfo_sub, FULL: "X"}, OIOSAML)
    assert "s-1" not in str(refused.value) and "s-2" not in str(refused.value)


ENV = {
    "PORTAL_CITIZEN_LOGIN": "oidc",
    "PORTAL_OIDC_ISSUER": "https://bridge.kommune.dk",
    "PORTAL_OIDC_CLIENT_ID": "portal",
    "PORTAL_OIDC_CLIENT_SECRET": "0123456789abcdef0123",
}


def test_the_userinfo_setting_defaults_to_missing_and_takes_always() -> None:
    assert login_settings(ENV, production=True).userinfo == "missing"
    for value in ("always", "ALWAYS", " always "):
        settings = login_settings({**ENV, "PORTAL_OIDC_USERINFO": value}, production=True)
        assert settings.userinfo == "always"


@pytest.mark.parametrize("value", ["never", "yes", "1"])
def test_a_wrong_userinfo_setting_stops_the_start(value: str) -> None:
    with pytest.raises(LoginConfigError, match=r"^PORTAL_OIDC_USERINFO must be missing or always"):
        login_settings({**ENV, "PORTAL_OIDC_USERINFO": value}, production=True)
