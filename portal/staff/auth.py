"""Staff login, logout and the guard every staff page sits behind."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)  # fmt: skip
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from portal import staff_auth
from portal.casework import AuditRecord, write_audit
from portal.db.models import StaffUser, utcnow
from portal.web import db
from portal.web.access import access
from portal.web.i18n import lazy_gettext as _l
from portal.web.i18n import safe_next

F = TypeVar("F", bound=Callable[..., Any])
bp = Blueprint("staff", __name__, url_prefix="/sagsbehandler")
COOKIE = "portal_staff"
SEEN_KEY = "staff_seen"


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(_l("Skriv din e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": False},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[InputRequired(_l("Skriv din adgangskode.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


def address_digest() -> str:
    cipher = current_app.extensions["portal.cipher"]
    return str(cipher.index("login-address:" + (request.remote_addr or "-")))


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
def login() -> ResponseReturnValue:
    form = LoginForm()
    refused = False
    if request.method == "POST" and form.validate():
        now = utcnow()
        try:
            staff = staff_auth.authenticate(
                db.session(), form.email.data or "", form.password.data or "", address_digest(), now
            )
        except staff_auth.TooManyAttempts as err:
            current_app.logger.warning("Staff login throttled (%s)", err.reason)
            return render_template("staff/login.html", form=form, refused=True), 429
        except staff_auth.LoginRefused as err:
            current_app.logger.warning("Staff login refused (%s)", err.reason)
            refused = True
        else:
            return start_session(staff, now)
    return render_template("staff/login.html", form=form, refused=refused)


def start_session(staff: StaffUser, now: Any) -> Response:
    opened = staff_auth.open_session(db.session(), staff, now)
    # A fresh session at login: nothing from before (a draft, an old token) carries over.
    session.clear()
    session[SEEN_KEY] = int(time.time())
    target = safe_next(request.args.get("next"), url_for("staff.queue"))
    response = make_response(redirect(target, 303))
    response.set_cookie(
        COOKIE, opened.token, httponly=True, samesite="Strict", path="/sagsbehandler",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        max_age=int(staff_auth.ABSOLUTE_TIMEOUT.total_seconds()),
    )  # fmt: skip
    return response


@bp.post("/logout")
@access("staff")
@db.transactional
def logout() -> Response:
    staff_auth.revoke(db.session(), request.cookies.get(COOKIE), utcnow())
    session.clear()
    response = make_response(redirect(url_for("staff.login"), 303))
    response.delete_cookie(COOKIE, path="/sagsbehandler")
    return response


def current_staff() -> StaffUser | None:
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or time.time() - seen > staff_auth.IDLE_TIMEOUT.total_seconds():
        return None
    return staff_auth.current_staff(db.session(), request.cookies.get(COOKIE), utcnow())


def staff_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        staff = current_staff()
        if staff is None:
            return redirect(url_for("staff.login", next=request.path), 303)
        session[SEEN_KEY] = int(time.time())
        g.staff = staff
        g.audit = []
        return view(*args, **kwargs)

    return cast(F, wrapper)


@bp.post("/logout-alle-steder")
@access("staff")
@staff_required
@db.transactional
def logout_everywhere() -> Response:
    """Ends every session of this caseworker, on every device (e.g. a lost laptop)."""
    staff_auth.revoke_all(db.session(), g.staff.id, utcnow())
    session.clear()
    response = make_response(redirect(url_for("staff.login"), 303))
    response.delete_cookie(COOKIE, path="/sagsbehandler")
    return response


def audit(action: str, application_id: int | None = None, detail: str | None = None) -> None:
    """Note a staff action; written in its own transaction when the request ends."""
    staff: StaffUser = g.staff
    g.audit.append(
        AuditRecord(
            staff_id=staff.id, municipality_code=staff.municipality_code, action=action,
            request_id=g.get("request_id", "-"), application_id=application_id, detail=detail,
        )
    )  # fmt: skip


@bp.teardown_request
def _write_audit(_exc: BaseException | None) -> None:
    records = g.pop("audit", None)
    if records:
        write_audit(db.database().engine, records)
