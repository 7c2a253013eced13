"""An admin manages the caseworkers of their own municipality: create, deactivate, reactivate,
reset a password, unlock. A new or reset password is shown once, to the admin, and never
stored in clear."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from portal import passwords, staff_auth
from portal.db.models import StaffRole, StaffUser, utcnow
from portal.staff.auth import audit, bp, staff_required
from portal.web import db
from portal.web.access import access
from portal.web.i18n import lazy_gettext as _l

F = TypeVar("F", bound=Callable[..., Any])


class NewStaffForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[
            InputRequired(_l("Skriv e-mailen.")),
            Length(max=254),
            Email(_l("Skriv e-mailen sådan her: navn@eksempel.dk.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": False},
    )
    role = RadioField(
        _l("Rolle"),
        choices=[
            SelectChoice("caseworker", _l("Sagsbehandler")),
            SelectChoice("admin", _l("Administrator")),
        ],
        validators=[InputRequired(_l("Vælg en rolle."))],
        default="caseworker",
    )


def admin_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.staff.role is not StaffRole.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def own_staff(staff_id: int) -> StaffUser:
    user = db.session().get(StaffUser, staff_id)
    if user is None or user.municipality_code != g.staff.municipality_code:
        abort(404)
    return user


def staff_page(form: NewStaffForm | None = None, new_password: str | None = None,
               for_email: str | None = None, status: int = 200) -> ResponseReturnValue:  # fmt: skip
    users = db.session().scalars(
        select(StaffUser)
        .where(StaffUser.municipality_code == g.staff.municipality_code)
        .order_by(StaffUser.email)
    )
    return render_template(
        "staff/admin.html", users=list(users), new_form=form or NewStaffForm(formdata=None),
        form=form, action_form=FlaskForm(), new_password=new_password, for_email=for_email,
        now=utcnow(),
    ), status  # fmt: skip


@bp.get("/admin/medarbejdere")
@access("admin")
@staff_required
@admin_required
def staff_list() -> ResponseReturnValue:
    audit("staff_list")
    return staff_page()


@bp.post("/admin/medarbejdere")
@access("admin")
@staff_required
@admin_required
@db.transactional
def staff_create() -> ResponseReturnValue:
    form = NewStaffForm()
    if not form.validate():
        return staff_page(form)
    email = form.email.data or ""
    if db.session().scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        form.email.errors.append(_l("Der findes allerede en medarbejder med den e-mail."))
        return staff_page(form)
    password = passwords.generate()
    db.session().add(StaffUser(
        email=email, municipality_code=g.staff.municipality_code, role=StaffRole(form.role.data),
        password_hash=passwords.hash_password(password),
    ))  # fmt: skip
    db.session().flush()
    audit("staff_create", detail=email)
    return staff_page(new_password=password, for_email=email)


def change(
    staff_id: int, action: str, run: Callable[[StaffUser], str | None]
) -> ResponseReturnValue:
    user = own_staff(staff_id)
    password = run(user)
    db.session().flush()
    audit(action, detail=user.email)
    if password:
        return staff_page(new_password=password, for_email=user.email)
    return redirect(url_for("staff.staff_list"), 303)


def deactivate(user: StaffUser) -> None:
    user.is_active = False
    staff_auth.revoke_all(db.session(), user.id, utcnow())


def reactivate(user: StaffUser) -> None:
    user.is_active = True


def reset(user: StaffUser) -> str:
    password = passwords.generate()
    user.password_hash = passwords.hash_password(password)
    unlock(user)
    staff_auth.revoke_all(db.session(), user.id, utcnow())
    return password


def unlock(user: StaffUser) -> None:
    user.failed_logins = 0
    user.locked_until = None


ACTIONS: dict[str, Callable[[StaffUser], str | None]] = {
    "deaktiver": deactivate, "aktiver": reactivate, "nulstil": reset, "laas-op": unlock,
}  # fmt: skip


@bp.post("/admin/medarbejdere/<int:staff_id>/<any(deaktiver, aktiver, nulstil, 'laas-op'):action>")
@access("admin")
@staff_required
@admin_required
@db.transactional
def staff_change(staff_id: int, action: str) -> ResponseReturnValue:
    if staff_id == g.staff.id and action == "deaktiver":
        abort(400)  # an admin cannot lock themself out by accident
    return change(staff_id, f"staff_{action}", ACTIONS[action])
