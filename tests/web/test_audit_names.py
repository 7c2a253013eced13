"""Every audit action the code can write has a name in words, in Danish and English: the case
page's "who has seen it" and the access-request export show the name, never the code.

The actions are collected from the source: the first argument of every audit(...) call, the
action of every ApiCall and AuditRecord, and the few places that pass a name on (act(), the
admin's account changes, the API's endpoint table). A new indirection fails the test until it
is taught here, so no action can slip past it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from flask import Flask

from portal import retention
from portal.api.routes import ACTIONS as API_ACTIONS
from portal.staff.admin import CHANGES
from portal.staff.audit_names import AUDIT_ACTIONS
from portal.web.i18n import speaking

PORTAL = Path(__file__).resolve().parents[2] / "portal"
# Where an action is passed on rather than written out, and what passes it on: each is
# resolved below, from the names its callers give.
PASSED_ON = {
    ("staff/auth.py", "action"),  # audit() itself, building the AuditRecord
    ("staff/actions.py", "action"),  # act(): the literal its callers give, collected below
    ("staff/admin.py", "audit_action"),  # CHANGES
    ("api/routes.py", "ACTIONS.get(request.endpoint or '', 'api_other')"),  # ast.unparse's quotes
    ("api/events.py", "call.action"),  # write_audit(): an ApiCall's action, collected above
    ("retention.py", "AUDIT_ACTION"),  # `portal purge`'s one row per run
    ("cli_staff.py", "action"),  # _reset() and _note(): the literals their callers give
}
# The function, and the position of its action argument.
WRITERS = {"audit": 0, "act": 2, "_reset": 1, "_note": 2}


def action_argument(call: ast.Call) -> ast.expr | None:
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    if name in WRITERS and len(call.args) > WRITERS[name]:
        return call.args[WRITERS[name]]
    if name in {"ApiCall", "AuditRecord", "AuditEvent", "values"}:  # values: insert(AuditEvent)
        return next((k.value for k in call.keywords if k.arg == "action"), None)
    return None


def written_actions() -> tuple[set[str], set[tuple[str, str]]]:
    """The literal actions in the source, and the places that pass one on."""
    literals: set[str] = set()
    passed_on: set[tuple[str, str]] = set()
    for path in sorted(PORTAL.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            argument = action_argument(node) if isinstance(node, ast.Call) else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                literals.add(argument.value)
            elif argument is not None:
                passed_on.add((str(path.relative_to(PORTAL)), ast.unparse(argument)))
    return literals, passed_on


def every_action() -> set[str]:
    literals, passed_on = written_actions()
    assert passed_on == PASSED_ON, "a new way of passing an audit action on: resolve it here"
    changes = {name for name, _ in CHANGES.values()}
    return literals | changes | {*API_ACTIONS.values(), "api_other", retention.AUDIT_ACTION}


def test_the_source_is_read_for_every_kind_of_action() -> None:
    found = every_action()
    # One of each: a case read, a case action through act(), an account change, the API.
    assert {"view", "decide", "staff_unlock", "api_pdf", "api_other", "list"} <= found


def test_every_action_the_code_can_write_has_a_name() -> None:
    assert sorted(every_action() - AUDIT_ACTIONS.keys()) == []


def test_no_name_is_kept_for_an_action_nothing_writes() -> None:
    assert sorted(AUDIT_ACTIONS.keys() - every_action()) == []


def test_every_name_reads_in_danish_and_english(app: Flask) -> None:
    with app.app_context():
        with speaking("da"):
            danish = {key: str(text) for key, text in AUDIT_ACTIONS.items()}
        with speaking("en"):
            english = {key: str(text) for key, text in AUDIT_ACTIONS.items()}
    untranslated = [key for key in AUDIT_ACTIONS if english[key] == danish[key] or not english[key]]
    assert untranslated == []
    assert len(set(danish.values())) == len(danish)  # no two actions read alike
