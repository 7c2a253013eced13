"""Citizen login settings: the default, both claim profiles, the overrides, and a one-line
reason naming the variable for every wrong value (and never the secret)."""

from __future__ import annotations

import pytest

from portal.identity.model import LevelOfAssurance
from portal.identity.settings import (
    BROKER,
    DEFAULT_PRIVILEGE,
    OIOSAML,
    LoginConfigError,
    LoginSettings,
    login_settings,
)

SECRET = "s3cret-value-from-the-bridge-0123456789"
OIDC = {
    "PORTAL_CITIZEN_LOGIN": "oidc",
    "PORTAL_OIDC_ISSUER": "https://login.kommune.dk/realms/borger",
    "PORTAL_OIDC_CLIENT_ID": "portal-104",
    "PORTAL_OIDC_CLIENT_SECRET": SECRET,
}


def oidc(production: bool = True, **changes: str) -> LoginSettings:
    return login_settings({**OIDC, **changes}, production=production)


def refusal(production: bool = True, **changes: str | None) -> str:
    """The one-line reason login_settings gives for OIDC with `changes` (None removes)."""
    environ = {k: v for k, v in {**OIDC, **changes}.items() if v is not None}
    with pytest.raises(LoginConfigError) as caught:
        login_settings(environ, production=production)
    message = str(caught.value)
    assert "\n" not in message and SECRET not in message
    return message


# --- Off by default ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "environ", [{}, {"PORTAL_CITIZEN_LOGIN": ""}, {"PORTAL_CITIZEN_LOGIN": " None "}]
)
def test_login_is_off_unless_asked_for(environ: dict[str, str]) -> None:
    settings = login_settings(environ, production=True)
    assert settings.mode == "none" and not settings.enabled


def test_oidc_settings_without_the_switch_are_a_forgotten_switch() -> None:
    message = refusal(PORTAL_CITIZEN_LOGIN="none")
    assert "PORTAL_OIDC_CLIENT_ID" in message and "PORTAL_CITIZEN_LOGIN=oidc" in message


def test_an_unknown_mode_is_refused_by_name() -> None:
    assert "PORTAL_CITIZEN_LOGIN" in refusal(PORTAL_CITIZEN_LOGIN="saml")


# --- OIDC with the defaults ----------------------------------------------------------------


def test_oidc_defaults_to_the_oiosaml_profile_substantial_and_the_portal_privilege() -> None:
    settings = oidc()
    assert settings.enabled
    assert settings.issuer == OIDC["PORTAL_OIDC_ISSUER"]
    assert (settings.client_id, settings.client_secret) == ("portal-104", SECRET)
    assert settings.scopes == ("openid",)
    assert settings.profile == OIOSAML
    assert settings.privilege == DEFAULT_PRIVILEGE
    assert settings.minimum_loa is LevelOfAssurance.SUBSTANTIAL


def test_the_oiosaml_profile_names_the_nemlog_in_attributes() -> None:
    assert OIOSAML.cpr == "https://data.gov.dk/model/core/eid/cprNumber"
    assert OIOSAML.loa == "https://data.gov.dk/concept/core/nsis/loa"
    assert OIOSAML.privileges == "https://data.gov.dk/model/core/eid/privilegesIntermediate"
    assert (OIOSAML.given_name, OIOSAML.family_name) == (
        "https://data.gov.dk/model/core/eid/firstName",
        "https://data.gov.dk/model/core/eid/lastName",
    )


def test_the_broker_profile_asks_for_the_cpr_number_and_the_level() -> None:
    settings = oidc(PORTAL_OIDC_CLAIM_PROFILE="Broker")
    assert settings.profile == BROKER
    assert (BROKER.cpr, BROKER.loa, BROKER.privileges) == ("nin", "mitid_loa", None)
    assert settings.scopes == ("openid", "profile", "nin", "mitid-extra")


def test_the_secret_never_shows_in_the_settings_repr() -> None:
    assert SECRET not in repr(oidc()) and "portal-104" in repr(oidc())


# --- Each setting --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "missing", ["PORTAL_OIDC_ISSUER", "PORTAL_OIDC_CLIENT_ID", "PORTAL_OIDC_CLIENT_SECRET"]
)
def test_each_required_setting_is_named_when_missing(missing: str) -> None:
    assert refusal(**{missing: None}).startswith(f"{missing} is not set")
    assert refusal(**{missing: "   "}).startswith(f"{missing} is not set")


@pytest.mark.parametrize(
    "issuer",
    [
        "login.kommune.dk",
        "ftp://login.kommune.dk",
        "http://login.kommune.dk",
        "https://",
        "https://login.kommune.dk/?realm=x",
        "https://login.kommune.dk/#x",
        "https://user:pw@login.kommune.dk",
        "https://login kommune.dk",
        "https://login.kommune.dk:99999",
        "https://[::1",
    ],
)
def test_an_issuer_that_is_not_an_https_address_is_refused(issuer: str) -> None:
    assert refusal(PORTAL_OIDC_ISSUER=issuer).startswith("PORTAL_OIDC_ISSUER ")


@pytest.mark.parametrize(
    "issuer", ["http://127.0.0.1:5001", "http://localhost:8080/oidc", "http://[::1]:9000"]
)
def test_plain_http_is_allowed_to_a_loopback_provider_outside_production(issuer: str) -> None:
    assert oidc(production=False, PORTAL_OIDC_ISSUER=issuer).issuer == issuer
    assert "PORTAL_OIDC_ISSUER" in refusal(production=True, PORTAL_OIDC_ISSUER=issuer)


def test_a_client_id_must_be_printable() -> None:
    assert refusal(PORTAL_OIDC_CLIENT_ID="por\x00tal").startswith("PORTAL_OIDC_CLIENT_ID ")
    assert refusal(PORTAL_OIDC_CLIENT_ID="x" * 256).startswith("PORTAL_OIDC_CLIENT_ID ")


def test_a_short_secret_is_refused_in_production_only() -> None:
    message = refusal(PORTAL_OIDC_CLIENT_SECRET="tiny-secret")
    assert message.startswith("PORTAL_OIDC_CLIENT_SECRET is too short") and "tiny" not in message
    assert (
        oidc(production=False, PORTAL_OIDC_CLIENT_SECRET="tiny-secret").client_secret
        == "tiny-secret"
    )


def test_a_secret_with_control_characters_is_refused_without_quoting_it() -> None:
    message = refusal(PORTAL_OIDC_CLIENT_SECRET="abc\x07defghijklmnopqrstu")
    assert message.startswith("PORTAL_OIDC_CLIENT_SECRET ") and "abc" not in message


def test_scopes_are_split_on_spaces_without_repeats() -> None:
    settings = oidc(PORTAL_OIDC_SCOPES="openid  profile\tnin openid")
    assert settings.scopes == ("openid", "profile", "nin")


@pytest.mark.parametrize("scopes", ["profile nin", 'openid "x"', "openid pro\\file", "openid æøå"])
def test_scopes_without_openid_or_with_invalid_names_are_refused(scopes: str) -> None:
    assert refusal(PORTAL_OIDC_SCOPES=scopes).startswith("PORTAL_OIDC_SCOPES ")


def test_an_unknown_claim_profile_is_refused_with_the_choices() -> None:
    message = refusal(PORTAL_OIDC_CLAIM_PROFILE="criipto")
    assert message.startswith("PORTAL_OIDC_CLAIM_PROFILE ") and "oiosaml, broker" in message


def test_each_claim_can_be_renamed_because_bridges_rename_them() -> None:
    settings = oidc(
        PORTAL_OIDC_CLAIM_CPR="cpr",
        PORTAL_OIDC_CLAIM_NAME="name",
        PORTAL_OIDC_CLAIM_GIVEN_NAME="given_name",
        PORTAL_OIDC_CLAIM_FAMILY_NAME="family_name",
        PORTAL_OIDC_CLAIM_LOA="loa",
        PORTAL_OIDC_CLAIM_PRIVILEGES="privileges_intermediate",
    )
    profile = settings.profile
    assert profile.name == "oiosaml"
    assert (profile.cpr, profile.full_name, profile.given_name, profile.family_name) == (
        "cpr",
        "name",
        "given_name",
        "family_name",
    )
    assert (profile.loa, profile.privileges) == ("loa", "privileges_intermediate")


def test_an_override_changes_only_its_claim() -> None:
    profile = oidc(PORTAL_OIDC_CLAIM_PROFILE="broker", PORTAL_OIDC_CLAIM_PRIVILEGES="privs").profile
    assert profile.privileges == "privs" and profile.cpr == "nin" and profile.loa == "mitid_loa"


def test_optional_claims_can_be_switched_off() -> None:
    profile = oidc(PORTAL_OIDC_CLAIM_NAME="none", PORTAL_OIDC_CLAIM_PRIVILEGES="NONE").profile
    assert profile.full_name is None and profile.privileges is None
    assert profile.given_name == OIOSAML.given_name


@pytest.mark.parametrize("variable", ["PORTAL_OIDC_CLAIM_CPR", "PORTAL_OIDC_CLAIM_LOA"])
def test_the_cpr_and_level_claims_cannot_be_switched_off(variable: str) -> None:
    assert refusal(**{variable: "none"}).startswith(f"{variable} cannot be none")


def test_switching_off_every_name_claim_is_refused() -> None:
    message = refusal(
        PORTAL_OIDC_CLAIM_NAME="none",
        PORTAL_OIDC_CLAIM_GIVEN_NAME="none",
        PORTAL_OIDC_CLAIM_FAMILY_NAME="none",
    )
    assert message.startswith("PORTAL_OIDC_CLAIM_NAME")


@pytest.mark.parametrize("value", ["cpr number", "cpr\x00", "x" * 256])
def test_a_claim_name_with_spaces_or_control_characters_is_refused(value: str) -> None:
    assert refusal(PORTAL_OIDC_CLAIM_CPR=value).startswith("PORTAL_OIDC_CLAIM_CPR ")


def test_the_privilege_can_be_the_municipalitys_own() -> None:
    settings = oidc(PORTAL_CITIZEN_PRIVILEGE="urn:dk:kommune:173:104:ansoeg")
    assert settings.privilege == "urn:dk:kommune:173:104:ansoeg"


@pytest.mark.parametrize("privilege", ["ansoeg", "urn:dk:with space", "urn:" + "x" * 252])
def test_a_privilege_that_is_not_an_id_is_refused(privilege: str) -> None:
    assert refusal(PORTAL_CITIZEN_PRIVILEGE=privilege).startswith("PORTAL_CITIZEN_PRIVILEGE ")


def test_the_minimum_level_can_be_raised_to_high_but_never_lowered() -> None:
    assert oidc(PORTAL_OIDC_MINIMUM_LOA="High").minimum_loa is LevelOfAssurance.HIGH
    for value in ("low", "medium", "2"):
        assert refusal(PORTAL_OIDC_MINIMUM_LOA=value).startswith("PORTAL_OIDC_MINIMUM_LOA ")


def test_settings_made_in_code_cannot_go_below_substantial() -> None:
    with pytest.raises(LoginConfigError):
        LoginSettings(mode="oidc", minimum_loa=LevelOfAssurance.LOW)
