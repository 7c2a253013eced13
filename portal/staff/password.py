"""A staff member's own password: changed at any time, and, after an admin made it (a new
account or a reset), before anything else at the first login (see auth.start_session)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from wtforms import Field, PasswordField
from wtforms.validators import InputRequired, Length, ValidationError

from portal import passwords, staff_auth
from portal.db.models import StaffUser, utcnow
from portal.staff import notices
from portal.staff.auth import audit, bp, start_session
from portal.web import db, metrics
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l


def new_password_field(label: Any) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(_l("Skriv den nye adgangskode.")),
            Length(max=200, message=_l("Den nye adgangskode må højst have 200 tegn.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(PortalForm):
    current = PasswordField(
        _l("Din adgangskode nu"),
        validators=[
            InputRequired(_l("Skriv den adgangskode, du har nu.")),
            Length(max=200, message=_l("Din adgangskode må højst have 200 tegn.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new = new_password_field(_l("Ny adgangskode"))
    repeat = new_password_field(_l("Skriv den nye adgangskode igen"))

    def validate_new(self, field: Field) -> None:
        found = passwords.weakness(field.data or "")
        if found == "short":
            raise ValidationError(
                _l("Den nye adgangskode skal have mindst %(num)s tegn.", num=passwords.MIN_LENGTH)
            )
        if found == "common":
            raise ValidationError(_l("Den nye adgangskode er for almindelig. Vælg en anden."))
        if field.data == self.current.data:
            raise ValidationError(_l("Vælg en anden adgangskode end den, du har nu."))

    def validate_repeat(self, field: Field) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("Skriv den samme nye adgangskode i begge felter."))


@bp.route("/adgangskode", methods=["GET", "POST"])
@access("staff")
@db.transactional_on_post
def change_password() -> ResponseReturnValue:
    """A staff member changes their own password, at any time."""
    return own_password(None)


def own_password(first_login: StaffUser | None) -> ResponseReturnValue:
    """The password page: for a logged-in staff member, or, `first_login`, for one who has
    just passed every factor with a password an admin made (no session yet, so this step is
    served at the login's public address; see login and start_session)."""
    # Read again in this request's write transaction: g.staff was read before it began.
    staff = first_login or staff_auth.staff_by_id(db.session(), g.staff.id)
    if staff is None:
        abort(404)
    form = PasswordForm()
    if request.method == "POST" and form.validate():
        try:
            staff_auth.change_password(
                db.session(), staff, form.current.data or "", form.new.data or "", utcnow()
            )
        except staff_auth.WrongPassword:
            current_app.logger.warning("Staff password change refused (wrong current password)")
            metrics.login_refused("password")
            form.current.errors.append(_l("Adgangskoden passer ikke. Skriv den, du har nu."))
        else:
            # Before the first login's session, nobody is g.staff (the page has no menu).
            g.staff, g.audit = staff, g.get("audit", [])
            audit("staff_change_password")
            if first_login is not None:
                return start_session(staff, utcnow(), notices.NEW_PASSWORD)
            return render_template("staff/password.html", form=PasswordForm(formdata=None),
                                   changed=True, first_login=False,
                                   min_length=passwords.MIN_LENGTH, action_form=form)  # fmt: skip
    return render_template("staff/password.html", form=form, first_login=first_login is not None,
                           min_length=passwords.MIN_LENGTH, action_form=form)  # fmt: skip
