"""An admin manages the caseworkers of their own municipality: create, deactivate, reactivate,
reset a password, unlock. A new or reset password is shown once, to the admin, and never
stored in clear. Deactivating a caseworker puts their open cases back in the queue."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from portal import casework, passwords, staff_auth
from portal.db.models import AuditEvent, StaffRole, StaffUser, utcnow
from portal.staff.audit_names import AUDIT_ACTIONS
from portal.staff.auth import audit, bp, person_ref
from portal.web import db
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions.base import strip
from portal.web.services import cipher


class NewStaffForm(PortalForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            InputRequired(_l("Skriv medarbejderens e-mail.")),
            Length(max=254, message=_l("Medarbejderens e-mail må højst have 254 tegn.")),
            Email(_l("Skriv medarbejderens e-mail sådan her: navn@eksempel.dk.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": False},
    )
    role = RadioField(
        _l("Rolle"),
        choices=[
            SelectChoice("caseworker", _l("Sagsbehandler")),
            SelectChoice("admin", _l("Administrator")),
        ],
        validators=[InputRequired(_l("Vælg medarbejderens rolle."))],
        default="caseworker",
    )


def own_staff(staff_id: int) -> StaffUser:
    user = staff_auth.get_staff(db.session(), g.staff.municipality_code, staff_id)
    if user is None:
        abort(404)
    return user


def staff_page(form: NewStaffForm | None = None, new_password: str | None = None,
               for_email: str | None = None, **notices: Any) -> ResponseReturnValue:  # fmt: skip
    code = g.staff.municipality_code
    return render_template(
        "staff/admin.html", users=staff_auth.list_staff(db.session(), code),
        open_cases=casework.open_cases_held(db.session(), code),
        new_form=form or NewStaffForm(formdata=None), form=form, action_form=FlaskForm(),
        new_password=new_password, for_email=for_email, now=utcnow(), **notices,
    )  # fmt: skip


@bp.get("/admin/medarbejdere")
@access("admin")
def staff_list() -> ResponseReturnValue:
    audit("staff_list")
    return staff_page()


@bp.post("/admin/medarbejdere")
@access("admin")
@db.transactional
def staff_create() -> ResponseReturnValue:
    form = NewStaffForm()
    if not form.validate():
        return staff_page(form)
    email = form.email.data or ""
    password = passwords.generate()
    try:
        staff_auth.create_staff(db.session(), email, g.staff.municipality_code,
                                StaffRole(form.role.data), password, issued=True)  # fmt: skip
    except staff_auth.StaffExists:
        # Also when another admin created the same address a moment ago (a race).
        form.email.errors.append(_l("Der findes allerede en medarbejder med den e-mail."))
        return staff_page(form)
    audit("staff_create", detail=email)
    return staff_page(new_password=password, for_email=email)


# The address's Danish verb: the account change it makes, and the audit action that records it.
CHANGES: dict[str, tuple[str, staff_auth.AccountChange]] = {
    "deaktiver": ("staff_deactivate", staff_auth.deactivate),
    "aktiver": ("staff_reactivate", staff_auth.reactivate),
    "nulstil": ("staff_reset_password", staff_auth.reset_password),
    "laas-op": ("staff_unlock", staff_auth.unlock),
    "nulstil-app": ("staff_reset_authenticator", staff_auth.reset_authenticator),
}
ACTIONS = ", ".join(f"'{name}'" for name in CHANGES)
OWN_ACCOUNT_REFUSED = frozenset({"deaktiver", "nulstil", "nulstil-app"})


@bp.post(f"/admin/medarbejdere/<int:staff_id>/<any({ACTIONS}):action>")
@access("admin")
@db.transactional
def staff_change(staff_id: int, action: str) -> ResponseReturnValue:
    if staff_id == g.staff.id and action in OWN_ACCOUNT_REFUSED:
        # Not by accident, and not by someone at an unlocked screen: the own password is
        # changed on the password page (which asks for the current one), the own app by
        # another admin or the operator.
        abort(400)
    audit_action, run = CHANGES[action]
    user = own_staff(staff_id)
    password = run(db.session(), user, utcnow())
    audit(audit_action, detail=user.email)
    if action == "deaktiver":
        return release_cases(user)
    if action == "nulstil-app":
        return staff_page(authenticator_reset=user.email)
    if password:
        return staff_page(new_password=password, for_email=user.email)
    return redirect(url_for("staff.staff_list"), 303)


def release_cases(user: StaffUser) -> ResponseReturnValue:
    """A deactivated caseworker can no longer finish their cases: the open ones go back in the
    queue at once, in the same transaction, and the admin is told how many."""
    released = casework.release_open_cases(db.session(), user.municipality_code, user.id, utcnow())
    for application_id in released:
        audit("release_deactivated", application_id, detail=user.email)
    return staff_page(deactivated=user.email, released=len(released))


class AccessRequestForm(PortalForm):
    cpr = StringField(
        _l("Borgerens CPR-nummer"),
        filters=[strip],
        # No Length: the pattern below allows 11 characters at most, and one message is enough.
        validators=[InputRequired(_l("Skriv borgerens CPR-nummer."))],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "width": "input-width-s"},
    )

    def validate_cpr(self, field: StringField) -> None:
        if not re.fullmatch(r"\d{6}-?\d{4}", field.data or ""):
            raise ValidationError(_l("Skriv borgerens CPR-nummer med 10 tal, fx 010190-1234."))


@bp.route("/admin/indsigt", methods=["GET", "POST"])
@access("admin")
def access_request() -> ResponseReturnValue:
    """GDPR art. 15: every staff action on one citizen's applications in this municipality,
    as a file the admin can hand over. A POST, so the CPR number never stands in a URL."""
    form = AccessRequestForm()
    if request.method != "POST" or not form.validate():
        return render_template("staff/access_request.html", form=form if form.errors else None,
                               request_form=form, action_form=FlaskForm())  # fmt: skip
    digits = (form.cpr.data or "").replace("-", "")
    index = cipher().index(digits)
    found = casework.access_request(
        db.session(), g.staff.municipality_code, index, person_ref(index)
    )
    audit("gdpr_export", detail=person_ref(index))
    body = json.dumps(access_request_document(found), ensure_ascii=False, indent=2).encode()
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="indsigt.json"'})  # fmt: skip


def access_request_document(found: casework.AccessRequest) -> dict[str, Any]:
    """The file the admin hands over: who did what, when, on which application, in words;
    then what was done about the person with no application to it (searches for their CPR
    number, earlier access requests), which is processing of their data too."""
    code = g.staff.municipality_code
    emails = casework.staff_emails(db.session(), code)

    def described(event: AuditEvent) -> dict[str, Any]:
        return {
            "at": event.at.isoformat(), "staff": emails.get(event.staff_id),
            "action": event.action, "description": str(AUDIT_ACTIONS.get(event.action, event.action)),
        }  # fmt: skip

    events = [
        {**described(event), "application": reference, "request_id": event.request_id}
        for reference, event in found.events
    ]
    about_person = [
        {**described(event), "request_id": event.request_id} for event in found.about_person
    ]
    return {"municipality_code": code, "applications": found.references, "events": events,
            "about_person": about_person}  # fmt: skip
