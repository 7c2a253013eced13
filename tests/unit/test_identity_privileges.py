"""Digital Fuldmagt's privilege document: whom a citizen may act for, and every way a document
can be wrong (hypothesis for the ones nobody thought of). The contract: a correct tuple, or
IdentityRefused(BAD_PRIVILEGES); never another exception, never an entity expanded."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.identity.model import IdentityRefused, RefusalReason, valid_cpr
from portal.identity.privileges import CPR_SCOPE, MAX_DOCUMENT_BYTES, people_to_act_for

DIGST = "http://digst.dk/oiosaml/basic_privilege_profile"
ITST = "http://itst.dk/oiosaml/basic_privilege_profile"
OURS = "urn:dk:serviceloven-104:ansoegning"
OTHER = "urn:dk:kmd:pn:nexusborgerportal:fuldmagt"
OWN = "0101901234"
MOTHER = "1412741273"
FATHER = "0203451118"


@dataclass(frozen=True)
class Group:
    scope: str
    privileges: tuple[str, ...] = (OURS,)
    constraints: tuple[tuple[str, str], ...] = ()


def person(cpr: str, *privileges: str) -> Group:
    return Group(CPR_SCOPE + cpr, privileges or (OURS,))


def document_xml(groups: list[Group], *, namespace: str = DIGST, qualified: bool = False) -> str:
    """A privilege list as NemLog-in writes it (prefixed root, unqualified children), or with
    the children in the list's namespace, as some tools write it."""
    child = "bpp:" if qualified else ""
    body = "".join(
        f"<{child}PrivilegeGroup Scope={quoteattr(group.scope)}>"
        + "".join(
            f"<{child}Constraint Name={quoteattr(n)}>{escape(v)}</{child}Constraint>"
            for n, v in group.constraints
        )
        + "".join(f"<{child}Privilege>{escape(p)}</{child}Privilege>" for p in group.privileges)
        + f"</{child}PrivilegeGroup>"
        for group in groups
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<bpp:PrivilegeList xmlns:bpp="{namespace}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{body}</bpp:PrivilegeList>"
    )


def b64(xml: str | bytes) -> str:
    return base64.b64encode(xml.encode() if isinstance(xml, str) else xml).decode()


def document(groups: list[Group], *, namespace: str = DIGST, qualified: bool = False) -> str:
    return b64(document_xml(groups, namespace=namespace, qualified=qualified))


def outcome(document_b64: str, own: str = OWN) -> tuple[str, ...] | RefusalReason:
    """The contract in one value: the people, or the refusal's reason. Any other exception
    escapes and fails the test."""
    try:
        return people_to_act_for(document_b64, OURS, own_cpr=own)
    except IdentityRefused as refusal:
        return refusal.reason


BAD = RefusalReason.BAD_PRIVILEGES


# --- Whom the citizen may act for --------------------------------------------------------


def test_a_mother_who_gave_the_privilege_is_someone_to_act_for() -> None:
    assert outcome(document([person(MOTHER)])) == (MOTHER,)


def test_two_people_come_back_sorted_and_once_each() -> None:
    groups = [person(MOTHER), person(FATHER), person(MOTHER, OTHER, OURS)]
    assert outcome(document(groups)) == (FATHER, MOTHER)


def test_a_power_of_attorney_for_another_service_gives_nothing_here() -> None:
    assert outcome(document([person(MOTHER, OTHER), person(FATHER)])) == (FATHER,)


def test_the_citizen_in_their_own_privilege_list_is_dropped() -> None:
    assert outcome(document([person(OWN), person(MOTHER)])) == (MOTHER,)
    assert outcome(document([person(OWN)])) == ()


def test_an_empty_privilege_list_is_nobody() -> None:
    assert outcome(document([])) == ()


def test_groups_for_other_services_may_have_any_scope() -> None:
    """A professional privilege scoped by a CVR number is another system's business."""
    groups = [Group("urn:dk:gov:saml:cvrNumberIdentifier:12345678", (OTHER,)), person(MOTHER)]
    assert outcome(document(groups)) == (MOTHER,)


def test_the_older_namespace_and_qualified_children_are_read_too() -> None:
    assert outcome(document([person(MOTHER)], namespace=ITST)) == (MOTHER,)
    assert outcome(document([person(MOTHER)], qualified=True)) == (MOTHER,)


def test_a_default_namespace_on_the_list_is_read() -> None:
    xml = (
        f'<PrivilegeList xmlns="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
        f"<Privilege> {OURS}\n</Privilege></PrivilegeGroup></PrivilegeList>"
    )
    assert outcome(b64(xml)) == (MOTHER,)


def test_base64_wrapped_over_lines_is_read() -> None:
    encoded = document([person(MOTHER)])
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert outcome(f"  {wrapped}\r\n") == (MOTHER,)


def test_a_group_narrowed_by_a_constraint_grants_nothing() -> None:
    """Digital Fuldmagt delegates plain privileges; the portal defines no constraints, so it
    cannot know what a narrowed one allows, and grants nothing rather than everything."""
    narrowed = Group(CPR_SCOPE + MOTHER, (OURS,), (("urn:dk:some:limit", "1"),))
    assert outcome(document([narrowed, person(FATHER)])) == (FATHER,)


def test_comments_in_the_document_are_harmless() -> None:
    xml = document_xml([person(MOTHER)]).replace("<Privilege>", "<!-- x --><Privilege>")
    assert outcome(b64(xml)) == (MOTHER,)


# --- Refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param("not base64!", id="not-base64"),
        pytest.param("QUJD=", id="bad-padding"),
        pytest.param("ÆØÅ", id="not-ascii"),
        pytest.param(b64(b""), id="empty"),
        pytest.param(b64("just text"), id="not-xml"),
        pytest.param(b64("<a><b></a>"), id="not-well-formed"),
        pytest.param(b64(b"\xff\xfe<\x00"), id="broken-encoding"),
        pytest.param(b64('<?xml version="1.0" encoding="klingon"?><a/>'), id="unknown-encoding"),
    ],
)
def test_what_is_not_a_document_is_refused(encoded: str) -> None:
    assert outcome(encoded) is BAD


@pytest.mark.parametrize(
    "xml",
    [
        pytest.param(f'<PrivilegeLists xmlns="{DIGST}"/>', id="wrong-root"),
        pytest.param("<PrivilegeList/>", id="no-namespace"),
        pytest.param('<PrivilegeList xmlns="urn:evil"/>', id="foreign-namespace"),
        pytest.param(
            f'<PrivilegeList xmlns="{DIGST}"><Other/></PrivilegeList>', id="unknown-child"
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}" xmlns:e="urn:evil">'
            f'<e:PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}"><Privilege>{OURS}</Privilege>'
            "</e:PrivilegeGroup></p:PrivilegeList>",
            id="group-in-foreign-namespace",
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup><Privilege>{OURS}</Privilege>'
            "</PrivilegeGroup></p:PrivilegeList>",
            id="group-without-scope",
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}"/>'
            "</p:PrivilegeList>",
            id="group-without-privilege",
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
            "<Privilege> </Privilege></PrivilegeGroup></p:PrivilegeList>",
            id="empty-privilege",
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
            f"<Privilege>{OURS}<b/></Privilege></PrivilegeGroup></p:PrivilegeList>",
            id="element-inside-privilege",
        ),
        pytest.param(
            f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
            f"<Privilege>{OURS}</Privilege><Constraint>1</Constraint></PrivilegeGroup>"
            "</p:PrivilegeList>",
            id="constraint-without-name",
        ),
    ],
)
def test_a_document_of_the_wrong_shape_is_refused(xml: str) -> None:
    assert outcome(b64(xml)) is BAD


@pytest.mark.parametrize(
    "scope",
    [
        "urn:dk:gov:saml:cvrNumberIdentifier:12345678",
        f"{CPR_SCOPE}141274-1273",
        f"{CPR_SCOPE}141274127",
        f"{CPR_SCOPE}3213741273",  # 32 December
        CPR_SCOPE + "".join(chr(0xFF10 + int(d)) for d in MOTHER),  # full-width digits
        f"{CPR_SCOPE.upper()}{MOTHER}",
        MOTHER,
    ],
)
def test_our_privilege_scoped_by_anything_but_a_valid_cpr_number_is_refused(scope: str) -> None:
    assert outcome(document([Group(scope), person(FATHER)])) is BAD


def test_a_document_beyond_the_size_limit_is_refused_before_it_is_parsed() -> None:
    padding = [person(MOTHER, f"urn:x:{i:06d}") for i in range(MAX_DOCUMENT_BYTES // 80)]
    big = document_xml(padding)
    assert len(big.encode()) > MAX_DOCUMENT_BYTES
    assert outcome(b64(big)) is BAD
    assert outcome("A" * 10_000_000) is BAD


def test_a_document_just_under_the_limit_is_read() -> None:
    groups = [person(FATHER)]
    while (
        len(document_xml([*groups, person(MOTHER, "urn:x:000000")]).encode()) <= MAX_DOCUMENT_BYTES
    ):
        groups.append(person(MOTHER, f"urn:x:{len(groups):06d}"))
    xml = document_xml(groups)
    assert MAX_DOCUMENT_BYTES - 100 < len(xml.encode()) <= MAX_DOCUMENT_BYTES
    assert outcome(b64(xml)) == (FATHER,)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
    "<Privilege>&lol3;</Privilege></PrivilegeGroup></p:PrivilegeList>"
)
XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
    f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
    "<Privilege>&x;</Privilege></PrivilegeGroup></p:PrivilegeList>"
)
XXE_PARAMETER = (
    '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY % d SYSTEM "http://127.0.0.1:9/x.dtd">%d;]>'
    f'<p:PrivilegeList xmlns:p="{DIGST}"/>'
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?><!DOCTYPE p SYSTEM "http://127.0.0.1:9/p.dtd">'
    f'<p:PrivilegeList xmlns:p="{DIGST}"/>'
)
# An internal entity that would turn our privilege into a grant if it were expanded.
SMUGGLED = (
    f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY ours "{OURS}">]>'
    f'<p:PrivilegeList xmlns:p="{DIGST}"><PrivilegeGroup Scope="{CPR_SCOPE}{MOTHER}">'
    "<Privilege>&ours;</Privilege></PrivilegeGroup></p:PrivilegeList>"
)
HOSTILE = [BILLION_LAUGHS, XXE_FILE, XXE_PARAMETER, EXTERNAL_DTD, SMUGGLED]


@pytest.mark.parametrize(
    "xml", HOSTILE, ids=["billion-laughs", "xxe-file", "xxe-parameter", "external-dtd", "smuggled"]
)
def test_dtds_and_entities_are_refused_never_expanded(xml: str) -> None:
    assert outcome(b64(xml)) is BAD


# --- Properties --------------------------------------------------------------------------


@st.composite
def cprs(draw: st.DrawFn) -> str:
    """A valid CPR number of someone born 1937-1999 (a 7th digit of 0-3 means the 1900s)."""
    born = draw(st.dates(min_value=date(1937, 1, 1), max_value=date(1999, 12, 31)))
    serial = draw(st.integers(min_value=0, max_value=3999))
    return f"{born:%d%m%y}{serial:04d}"


privilege_names = st.sampled_from([OURS, OTHER, "urn:dk:x:y", f"{OURS}:more", OURS.upper()])
groups = st.builds(
    Group,
    scope=cprs().map(lambda cpr: CPR_SCOPE + cpr),
    privileges=st.lists(privilege_names, min_size=1, max_size=3).map(tuple),
    constraints=st.lists(st.just(("urn:dk:limit", "1")), max_size=1).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(groups, max_size=8),
    namespace=st.sampled_from([DIGST, ITST]),
    qualified=st.booleans(),
    own=cprs(),
)
def test_a_well_formed_document_gives_exactly_the_unconstrained_givers_of_our_privilege(
    groups: list[Group], namespace: str, qualified: bool, own: str
) -> None:
    expected = sorted(
        {
            g.scope.removeprefix(CPR_SCOPE)
            for g in groups
            if OURS in g.privileges and not g.constraints
        }
        - {own}
    )
    encoded = document(groups, namespace=namespace, qualified=qualified)
    assert outcome(encoded, own) == tuple(expected)


def assert_contract(result: tuple[str, ...] | RefusalReason, own: str = OWN) -> None:
    if isinstance(result, RefusalReason):
        assert result is BAD
        return
    assert list(result) == sorted(set(result))
    assert own not in result
    assert all(valid_cpr(cpr) == cpr for cpr in result)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_string_is_people_or_a_refusal(text: str) -> None:
    assert_contract(outcome(text))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_encoded_are_people_or_a_refusal(raw: bytes) -> None:
    assert_contract(outcome(b64(raw)))


XML_ALPHABET = st.sampled_from(
    [*list("<>/=\"'&;:!?[]%#-_ xmlnsbp"), "PrivilegeList", "PrivilegeGroup", "Privilege"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_ALPHABET, max_size=80).map("".join))
def test_xml_shaped_noise_is_people_or_a_refusal(text: str) -> None:
    assert_contract(outcome(b64(text)))


@st.composite
def mutations(draw: st.DrawFn) -> bytes:
    """A valid document with a few bytes replaced, inserted or deleted."""
    base = bytearray(
        document_xml([person(MOTHER), person(FATHER, OTHER, OURS), person(OWN)]).encode()
    )
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(base) - 1))
        byte = draw(st.integers(min_value=0, max_value=255))
        action = draw(st.sampled_from(["replace", "insert", "delete"]))
        if action == "replace":
            base[at] = byte
        elif action == "insert":
            base.insert(at, byte)
        else:
            del base[at]
    return bytes(base)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_a_mutated_document_is_people_or_a_refusal(mutated: bytes) -> None:
    assert_contract(outcome(b64(mutated)))


DOCTYPES = [
    '<!DOCTYPE p [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
    '<!DOCTYPE p [<!ENTITY % d SYSTEM "http://127.0.0.1:9/x.dtd">%d;]>',
    '<!DOCTYPE p SYSTEM "http://127.0.0.1:9/p.dtd">',
    "<!DOCTYPE p>",
]


@settings(max_examples=100, deadline=None)
@given(groups=st.lists(groups, max_size=5), doctype=st.sampled_from(DOCTYPES))
def test_any_document_with_a_doctype_is_refused(groups: list[Group], doctype: str) -> None:
    """Even an otherwise valid list, even a DTD that declares nothing it uses: the profile
    has no DTD, so one is a sign of tampering, and refusing it closes every entity trick."""
    xml = document_xml(groups).replace("?>", "?>" + doctype, 1)
    assert outcome(b64(xml)) is BAD
