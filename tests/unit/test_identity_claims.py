"""From a login's claims to a Citizen: both claim profiles, renamed claims, the level of
assurance, and every refusal reason, with no claim value ever in a refusal's message."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.identity import (
    DEFAULT_PRIVILEGE,
    Citizen,
    IdentityRefused,
    LevelOfAssurance,
    LoginSettings,
    RefusalReason,
    citizen_from_claims,
    login_settings,
)

OWN = "0101901234"
MOTHER = "1412741273"
FATHER = "0203451118"
EID = "https://data.gov.dk/model/core/eid/"
LOA = "https://data.gov.dk/concept/core/nsis/loa"
PRIVILEGES = EID + "privilegesIntermediate"
ENV = {
    "PORTAL_CITIZEN_LOGIN": "oidc",
    "PORTAL_OIDC_ISSUER": "https://bridge.kommune.dk",
    "PORTAL_OIDC_CLIENT_ID": "portal",
    "PORTAL_OIDC_CLIENT_SECRET": "0123456789abcdef0123",
}
OIOSAML = login_settings(ENV, production=True)
BROKER = login_settings({**ENV, "PORTAL_OIDC_CLAIM_PROFILE": "broker"}, production=True)


def privileges(*givers: str, privilege: str = DEFAULT_PRIVILEGE) -> str:
    groups = "".join(
        f'<PrivilegeGroup Scope="urn:dk:gov:saml:cprNumberIdentifier:{cpr}">'
        f"<Privilege>{privilege}</Privilege></PrivilegeGroup>"
        for cpr in givers
    )
    xml = (
        '<bpp:PrivilegeList xmlns:bpp="http://digst.dk/oiosaml/basic_privilege_profile">'
        f"{groups}</bpp:PrivilegeList>"
    )
    return base64.b64encode(xml.encode()).decode()


def bridge_claims(**changes: object) -> dict[str, object]:
    """What a SAML→OIDC bridge passes on from NemLog-in for a citizen with private MitID."""
    claims: dict[str, object] = {
        "iss": "https://bridge.kommune.dk",
        "sub": "bridge-subject",
        EID + "cprNumber": OWN,
        EID + "firstName": "Åse",
        EID + "lastName": "Ørsted Hansen",
        LOA: "Substantial",
    }
    for key, value in changes.items():
        name = {"cpr": EID + "cprNumber", "first": EID + "firstName", "last": EID + "lastName"}
        name |= {"full": EID + "fullName", "loa": LOA, "privileges": PRIVILEGES}
        if value is None:
            claims.pop(name[key], None)
        else:
            claims[name[key]] = value
    return claims


def refused(claims: dict[str, object], login: LoginSettings = OIOSAML) -> RefusalReason:
    with pytest.raises(IdentityRefused) as caught:
        citizen_from_claims(claims, login)
    message = str(caught.value)
    for value in claims.values():
        if isinstance(value, str) and len(value) > 3:
            assert value not in message
    return caught.value.reason


# --- A citizen -----------------------------------------------------------------------------


def test_a_citizen_from_the_bridge_has_cpr_name_and_level() -> None:
    citizen = citizen_from_claims(bridge_claims(), OIOSAML)
    assert citizen == Citizen(
        cpr=OWN, name="Åse Ørsted Hansen", loa=LevelOfAssurance.SUBSTANTIAL, may_act_for=()
    )


def test_the_full_name_is_preferred_when_the_bridge_sends_it() -> None:
    citizen = citizen_from_claims(bridge_claims(full="Åse  Marie\tØrsted"), OIOSAML)
    assert citizen.name == "Åse Marie Ørsted"


def test_a_name_in_decomposed_unicode_is_stored_composed() -> None:
    citizen = citizen_from_claims(bridge_claims(first="A\u030ase", last=None), OIOSAML)
    assert citizen.name == "\u00c5se"


def test_a_relative_with_digital_fuldmagt_from_one_and_from_two_people() -> None:
    one = citizen_from_claims(bridge_claims(privileges=privileges(MOTHER)), OIOSAML)
    assert one.may_act_for == (MOTHER,)
    two = citizen_from_claims(bridge_claims(privileges=privileges(MOTHER, FATHER)), OIOSAML)
    assert two.may_act_for == (FATHER, MOTHER)


def test_the_citizen_in_their_own_privilege_list_is_dropped() -> None:
    citizen = citizen_from_claims(bridge_claims(privileges=privileges(OWN, MOTHER)), OIOSAML)
    assert citizen.may_act_for == (MOTHER,)


def test_a_power_of_attorney_for_another_service_is_nobody_to_act_for() -> None:
    claims = bridge_claims(privileges=privileges(MOTHER, privilege="urn:dk:other:service"))
    assert citizen_from_claims(claims, OIOSAML).may_act_for == ()


@pytest.mark.parametrize("value", ["", "  ", [privileges(MOTHER)]])
def test_an_empty_or_listed_privileges_claim_is_read_as_it_means(value: object) -> None:
    expected = (MOTHER,) if isinstance(value, list) else ()
    assert citizen_from_claims(bridge_claims(privileges=value), OIOSAML).may_act_for == expected


def test_the_municipalitys_own_privilege_is_the_one_honoured() -> None:
    login = login_settings({**ENV, "PORTAL_CITIZEN_PRIVILEGE": "urn:dk:k173:x"}, production=True)
    claims = bridge_claims(privileges=privileges(MOTHER))
    assert citizen_from_claims(claims, login).may_act_for == ()
    claims = bridge_claims(privileges=privileges(MOTHER, privilege="urn:dk:k173:x"))
    assert citizen_from_claims(claims, login).may_act_for == (MOTHER,)


def test_saml_style_one_element_lists_are_read_as_their_value() -> None:
    claims = bridge_claims(cpr=[OWN], loa=["High"], first=["Åse"], last=["Ørsted"])
    citizen = citizen_from_claims(claims, OIOSAML)
    assert (citizen.cpr, citizen.loa, citizen.name) == (OWN, LevelOfAssurance.HIGH, "Åse Ørsted")


def test_a_citizen_from_the_broker_profile() -> None:
    claims = {
        "sub": "x",
        "nin": OWN,
        "name": "Abelone Christensen",
        "given_name": "Abelone",
        "family_name": "Christensen",
        "mitid_loa": "SUBSTANTIAL",
        PRIVILEGES: "not read: a broker carries no Digital Fuldmagt",
    }
    citizen = citizen_from_claims(claims, BROKER)
    assert (citizen.cpr, citizen.name, citizen.loa) == (
        OWN,
        "Abelone Christensen",
        LevelOfAssurance.SUBSTANTIAL,
    )
    assert citizen.may_act_for == ()


def test_renamed_claims_are_read_under_their_new_names() -> None:
    login = login_settings(
        {
            **ENV,
            "PORTAL_OIDC_CLAIM_CPR": "dk_cpr",
            "PORTAL_OIDC_CLAIM_NAME": "name",
            "PORTAL_OIDC_CLAIM_LOA": "loa",
            "PORTAL_OIDC_CLAIM_PRIVILEGES": "privileges_intermediate",
        },
        production=True,
    )
    claims = {
        "dk_cpr": OWN,
        "name": "Åse Ørsted",
        "loa": "https://data.gov.dk/concept/core/nsis/loa/High",
        "privileges_intermediate": privileges(MOTHER),
        EID + "cprNumber": FATHER,
    }
    citizen = citizen_from_claims(claims, login)
    assert (citizen.cpr, citizen.name, citizen.loa) == (OWN, "Åse Ørsted", LevelOfAssurance.HIGH)
    assert citizen.may_act_for == (MOTHER,)


def test_a_citizen_never_shows_cpr_or_name_in_its_repr() -> None:
    citizen = citizen_from_claims(bridge_claims(privileges=privileges(MOTHER)), OIOSAML)
    text = repr(citizen)
    assert OWN not in text and MOTHER not in text and "Åse" not in text and "SUBSTANTIAL" in text


# --- The level of assurance ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("https://data.gov.dk/concept/core/nsis/loa/Substantial", LevelOfAssurance.SUBSTANTIAL),
        ("https://data.gov.dk/concept/core/nsis/loa/High", LevelOfAssurance.HIGH),
        ("https://data.gov.dk/concept/core/nsis/loa/Low", LevelOfAssurance.LOW),
        ("Substantial", LevelOfAssurance.SUBSTANTIAL),
        ("substantial", LevelOfAssurance.SUBSTANTIAL),
        (" HIGH ", LevelOfAssurance.HIGH),
        ("Low", LevelOfAssurance.LOW),
        ("loa:substantial", LevelOfAssurance.SUBSTANTIAL),
        ("http://eidas.europa.eu/LoA/high", LevelOfAssurance.HIGH),
    ],
)
def test_the_level_is_read_in_the_nsis_and_broker_spellings(
    value: str, level: LevelOfAssurance
) -> None:
    assert LevelOfAssurance.parse(value) is level


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        "",
        "medium",
        "urn:dk:gov:saml:attribute:AssuranceLevel:3",
        "https://evil.example/loa/High",
        "https://data.gov.dk/concept/core/nsis/loa/",
        "\u017fubstantial",  # long s: upper() would make it SUBSTANTIAL
        "SUBSTANTIAL\x00",
    ],
)
def test_an_unknown_level_is_no_level(value: object) -> None:
    assert LevelOfAssurance.parse(value) is None


def test_the_levels_are_ordered() -> None:
    assert LevelOfAssurance.LOW < LevelOfAssurance.SUBSTANTIAL < LevelOfAssurance.HIGH


@pytest.mark.parametrize("loa", ["Low", "https://data.gov.dk/concept/core/nsis/loa/Low", "LOW"])
def test_a_low_level_login_is_refused(loa: str) -> None:
    assert refused(bridge_claims(loa=loa)) is RefusalReason.LOW_ASSURANCE


@pytest.mark.parametrize("loa", [None, "", "medium", ["Substantial", "Low"], 2])
def test_a_missing_or_unknown_level_is_refused_as_too_low(loa: object) -> None:
    assert refused(bridge_claims(loa=loa)) is RefusalReason.LOW_ASSURANCE


def test_a_raised_minimum_refuses_substantial() -> None:
    login = login_settings({**ENV, "PORTAL_OIDC_MINIMUM_LOA": "high"}, production=True)
    assert refused(bridge_claims(), login) is RefusalReason.LOW_ASSURANCE
    assert citizen_from_claims(bridge_claims(loa="High"), login).loa is LevelOfAssurance.HIGH


def test_the_level_is_checked_before_anything_else() -> None:
    claims = bridge_claims(loa="Low", cpr=None, first=None, last=None, privileges="!")
    assert refused(claims) is RefusalReason.LOW_ASSURANCE


# --- The other refusals ---------------------------------------------------------------------


@pytest.mark.parametrize("cpr", [None, "", "   ", [], [""]])
def test_a_login_without_a_cpr_number_is_refused(cpr: object) -> None:
    assert refused(bridge_claims(cpr=cpr)) is RefusalReason.NO_CPR


@pytest.mark.parametrize(
    "cpr",
    [
        "010190-1234",
        "01019012345",
        "010190123",
        "3201901234",
        "0101901234 ",
        "０１０１９０１２３４",  # noqa: RUF001 (full-width digits are not a CPR number)
        1019012345,
        [OWN, FATHER],
        "0101304000",  # born 1 January 2030: not yet
    ],
)
def test_a_cpr_number_that_is_not_one_is_refused(cpr: object) -> None:
    assert refused(bridge_claims(cpr=cpr)) is RefusalReason.INVALID_CPR


@pytest.mark.parametrize(
    ("first", "last", "full"),
    [
        (None, None, None),
        ("", " ", None),
        (["Åse", "Anne"], None, None),
        ("Åse\x00", "\u202eØrsted", None),
        ("x" * 200, "y" * 200, None),
        (None, None, 42),
    ],
)
def test_a_login_without_a_usable_name_is_refused(
    first: object, last: object, full: object
) -> None:
    assert refused(bridge_claims(first=first, last=last, full=full)) is RefusalReason.NO_NAME


@pytest.mark.parametrize("document", ["%%%", 42, [privileges(MOTHER), privileges(FATHER)]])
def test_an_unreadable_privilege_claim_is_refused(document: object) -> None:
    assert refused(bridge_claims(privileges=document)) is RefusalReason.BAD_PRIVILEGES


def test_a_refusal_names_its_reason_and_no_claim_value() -> None:
    with pytest.raises(IdentityRefused) as caught:
        citizen_from_claims(bridge_claims(cpr="3201901234"), OIOSAML)
    assert str(caught.value) == "login refused: invalid_cpr"
    assert "3201901234" not in repr(caught.value)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([EID + "cprNumber", EID + "firstName", EID + "lastName", LOA, PRIVILEGES]),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=30),
            st.sampled_from([OWN, "Substantial", "High", privileges(MOTHER)]),
            st.lists(st.text(max_size=10), max_size=2),
        ),
    )
)
def test_any_claims_make_a_citizen_or_a_refusal(claims: dict[str, object]) -> None:
    try:
        citizen = citizen_from_claims(claims, OIOSAML)
    except IdentityRefused as refusal:
        assert isinstance(refusal.reason, RefusalReason)
        return
    assert citizen.loa >= LevelOfAssurance.SUBSTANTIAL
    assert len(citizen.cpr) == 10 and citizen.name == citizen.name.strip() != ""
    assert citizen.cpr not in citizen.may_act_for
