"""Digital Fuldmagt: whom a logged-in citizen may act for, from NemLog-in's privilege document.

NemLog-in sends the privileges a citizen holds as one attribute,
https://data.gov.dk/model/core/eid/privilegesIntermediate: base64 of an XML document in the
OIOSAML Basic Privilege Profile. Each PrivilegeGroup is one person who gave a power of
attorney, scoped "urn:dk:gov:saml:cprNumberIdentifier:<their CPR number>", holding the
privileges they delegated. The portal honours the groups that hold its own privilege.

The document comes from outside, so it is read defensively: size-limited before and after
decoding, parsed by defusedxml with DTDs, entities and external references forbidden (no
billion laughs, no XXE), and checked element by element. Anything unexpected refuses the login
(IdentityRefused(BAD_PRIVILEGES)) rather than guess who may act for whom.
"""

from __future__ import annotations

import base64
import binascii
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from portal.identity.model import IdentityRefused, RefusalReason, valid_cpr

# A citizen with a power of attorney from many people still has a document of a few KB; 64 KB
# decoded is far beyond any real one and keeps a hostile one cheap to refuse.
MAX_DOCUMENT_BYTES = 64 * 1024
_MAX_ENCODED_CHARS = (MAX_DOCUMENT_BYTES + 2) // 3 * 4

# Version 1.2 of the profile (OIOSAML 3, NemLog-in 3) and the older 1.0.x namespace, which
# bridges and test tools still write.
NAMESPACES = frozenset(
    {
        "http://digst.dk/oiosaml/basic_privilege_profile",
        "http://itst.dk/oiosaml/basic_privilege_profile",
    }
)
CPR_SCOPE = "urn:dk:gov:saml:cprNumberIdentifier:"

_ASCII_SPACE = b" \t\n\r"


def people_to_act_for(document_b64: str, privilege: str, *, own_cpr: str) -> tuple[str, ...]:
    """The CPR numbers of the people whose groups in the document grant `privilege`: sorted,
    without repeats and without `own_cpr` (a citizen needs no power of attorney from
    themselves). Raises IdentityRefused(BAD_PRIVILEGES) for anything that is not a well-formed
    privilege list, or when a group granting `privilege` is not scoped by a valid CPR number."""
    root = _parse(_decode(document_b64))
    namespace = _namespace_of(root)
    people: set[str] = set()
    for group in root:
        scope, privileges, constrained = _read_group(group, namespace)
        # A constraint narrows a privilege in a way the portal does not define (Digital
        # Fuldmagt delegates plain, static privileges); such a group grants nothing here.
        if privilege in privileges and not constrained:
            people.add(_scoped_cpr(scope))
    people.discard(own_cpr)
    return tuple(sorted(people))


def _refused() -> IdentityRefused:
    return IdentityRefused(RefusalReason.BAD_PRIVILEGES)


def _decode(document_b64: str) -> bytes:
    if not isinstance(document_b64, str) or len(document_b64) > 2 * _MAX_ENCODED_CHARS:
        raise _refused()
    try:
        # SAML attribute values may be wrapped over lines; nothing else but base64 is allowed.
        encoded = document_b64.encode("ascii").translate(None, _ASCII_SPACE)
        if len(encoded) > _MAX_ENCODED_CHARS:
            raise _refused()
        decoded = base64.b64decode(encoded, validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise _refused() from None
    if not decoded or len(decoded) > MAX_DOCUMENT_BYTES:
        raise _refused()
    return decoded


def _parse(document: bytes) -> Element:
    try:
        root: Element = fromstring(
            document, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (DefusedXmlException, ParseError, ValueError, LookupError):
        # DefusedXmlException: a DTD, an entity or an external reference; ParseError: not
        # well-formed; LookupError/ValueError: an encoding declaration Python cannot honour.
        raise _refused() from None
    return root


def _namespace_of(root: Element) -> str:
    for namespace in NAMESPACES:
        if root.tag == f"{{{namespace}}}PrivilegeList":
            return namespace
    raise _refused()


def _local(element: Element, namespace: str) -> str:
    """The element's name when it is unqualified (as the profile's schema and NemLog-in write
    the children) or in the list's own namespace (as some tools write them); else ''."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    prefix = f"{{{namespace}}}"
    if tag.startswith(prefix):
        return tag[len(prefix) :]
    return "" if tag.startswith("{") else tag


def _read_group(group: Element, namespace: str) -> tuple[str, frozenset[str], bool]:
    """(scope, privileges, has constraints) of one PrivilegeGroup, checked."""
    scope = group.get("Scope")
    if _local(group, namespace) != "PrivilegeGroup" or not scope:
        raise _refused()
    privileges: set[str] = set()
    constrained = False
    for child in group:
        kind = _local(child, namespace)
        value = (child.text or "").strip()
        if kind == "Privilege" and value and len(child) == 0:
            privileges.add(value)
        elif kind == "Constraint" and child.get("Name"):
            constrained = True
        else:
            raise _refused()
    if not privileges:
        raise _refused()
    return scope, frozenset(privileges), constrained


def _scoped_cpr(scope: str) -> str:
    cpr = valid_cpr(scope.removeprefix(CPR_SCOPE)) if scope.startswith(CPR_SCOPE) else None
    if cpr is None:
        raise _refused()
    return cpr
