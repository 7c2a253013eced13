"""Staff login, logout and the guard every staff page sits behind."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
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
from markupsafe import Markup
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from portal import staff_auth, totp
from portal.casework import AuditRecord, write_audit
from portal.db.models import StaffRole, StaffUser, utcnow
from portal.staff import notices
from portal.staff.case_forms import named
from portal.web import db, metrics
from portal.web.access import access, guard
from portal.web.errors import error_page, report_unhandled, unavailable
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l
from portal.web.i18n import safe_next
from portal.web.questions.base import no_control_characters, strip
from portal.web.services import cipher

bp = Blueprint("staff", __name__, url_prefix="/sagsbehandler")
COOKIE = "portal_staff"
SEEN_KEY = "staff_seen"


class LoginForm(PortalForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip],
        # No control characters: PostgreSQL refuses a NUL in the look-up (a 500, not a "no").
        validators=[
            InputRequired(_l("Skriv din e-mail.")),
            Length(max=254, message=_l("Din e-mail må højst have 254 tegn.")),
            named(no_control_characters, _l("Din e-mail har tegn, vi ikke kan bruge.")),
        ],
        render_kw={"autocomplete": "username", "spellcheck": False},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[
            InputRequired(_l("Skriv din adgangskode.")),
            Length(max=200, message=_l("Din adgangskode må højst have 200 tegn.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def address_digest() -> str:
    return cipher().index("login-address:" + (request.remote_addr or "-"))


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
def login() -> ResponseReturnValue:
    """`afbrudt`: a form was sent after the session had ended, so what was in it is lost; the
    page says so (the text itself is never kept, neither here nor in a cookie)."""
    if (first_login := changing_staff()) is not None:
        # The login's last step, see start_session. Imported here: portal.staff.password
        # builds on this module's blueprint and session helpers.
        from portal.staff.password import own_password

        return own_password(first_login)
    form = LoginForm()
    refused = False
    if request.method == "POST" and form.validate():
        now = utcnow()
        try:
            # The password is checked before the write transaction begins (see PasswordCheck).
            with db.reading() as reader:
                check = staff_auth.check_password(
                    reader, form.email.data or "", form.password.data or "", address_digest(), now
                )
            staff = staff_auth.settle_login(db.session(), check, address_digest(), now)
        except staff_auth.TooManyAttempts as err:
            current_app.logger.warning("Staff login throttled (%s)", err.reason)
            metrics.login_refused("throttled")
            return render_template("staff/login.html", form=form, refused=True,
                                   interrupted=interrupted()), 429  # fmt: skip
        except staff_auth.LoginRefused as err:
            current_app.logger.warning("Staff login refused (%s)", err.reason)
            metrics.login_refused("password")
            refused = True
        else:
            return second_step(staff)
    return render_template(
        "staff/login.html", form=form, refused=refused, interrupted=interrupted()
    )


INTERRUPTED = "afbrudt"


def interrupted() -> bool:
    return request.args.get(INTERRUPTED) == "1"


def page_for(target: str) -> str:
    """Where a login goes on to: the address asked for, or, where that only takes a form's POST
    (a decision's, say), the page the form was on, the nearest address above it that opens.
    Never a "page not found" for what was a button."""
    path = target.split("?", 1)[0]
    adapter = current_app.url_map.bind("localhost")
    while path.startswith(bp.url_prefix + "/"):  # type: ignore[operator]
        try:
            adapter.match(path, method="GET")
        except (MethodNotAllowed, NotFound, RequestRedirect):
            path = path.rsplit("/", 1)[0]
            continue
        return target if path == target.split("?", 1)[0] else path
    return url_for("staff.queue")


def form_page(address: str) -> str:
    """The page a form sent after the session ended was on, from the form's address: that
    address where one view both shows and takes the form, else the nearest page above it
    (a decision's address opens the letter's preview, or nothing)."""
    adapter = current_app.url_map.bind("localhost")
    try:
        same = adapter.match(address, method="GET")[0] == adapter.match(address, method="POST")[0]
    except (MethodNotAllowed, NotFound, RequestRedirect):
        same = False
    return page_for(address if same else address.rsplit("/", 1)[0])


def login_target() -> str:
    """Where the login goes on to (`next`, checked to be a page of this site that opens)."""
    target = safe_next(request.args.get("next"), url_for("staff.queue"))
    return form_page(target.split("?", 1)[0]) if interrupted() else page_for(target)


PENDING_KEY = "staff_pending"
PENDING_SECONDS = 300


def second_step(staff: StaffUser) -> Response:
    """After the password: the TOTP code, or enrolment where a second factor is required."""
    if staff.totp_secret_enc is None and not current_app.config["STAFF_TOTP_REQUIRED"]:
        return start_session(staff, utcnow())
    session[PENDING_KEY] = {"id": staff.id, "at": int(time.time())}
    if staff.totp_secret_enc is None:
        staff_auth.start_enrolment(cipher(), staff)
        return redirect(url_for("staff.totp_enrol", next=login_target()), 303)
    return redirect(url_for("staff.login_code", next=login_target()), 303)


def pending_staff() -> StaffUser | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    return staff_auth.staff_by_id(db.session(), int(pending.get("id", 0)))


class CodeForm(PortalForm):
    code = StringField(
        _l("Kode fra din app"),
        filters=[strip],
        validators=[
            InputRequired(_l("Skriv koden fra din app.")),
            Length(max=10, message=_l("Koden fra din app må højst have 10 tegn.")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "width": "input-width-xs",
        },
    )


@bp.route("/login/kode", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
def login_code() -> ResponseReturnValue:
    staff = pending_staff()
    if staff is None:
        return redirect(url_for("staff.login"), 303)
    form = CodeForm()
    if request.method == "POST" and form.validate():
        if staff_auth.check_code(cipher(), staff, form.code.data or "", utcnow()):
            return start_session(staff, utcnow())
        if staff_auth.is_locked(staff, utcnow()):
            session.pop(PENDING_KEY, None)
        current_app.logger.warning("Staff second factor refused")
        metrics.login_refused("code")
        form.code.errors.append(_l("Koden passer ikke, eller den er brugt. Vent på en ny kode."))
    return render_template("staff/code.html", form=form, code_form=form)


@bp.route("/login/opsaet", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
def totp_enrol() -> ResponseReturnValue:
    staff = pending_staff()
    if staff is None or staff.totp_pending_enc is None:
        return redirect(url_for("staff.login"), 303)
    data_cipher = cipher()
    form = CodeForm()
    if request.method == "POST" and form.validate():
        if totp.confirm_enrolment(data_cipher, staff, form.code.data or "", utcnow()):
            return start_session(staff, utcnow(), notices.APP_SET_UP)
        form.code.errors.append(_l("Koden passer ikke. Tjek, at uret på telefonen går rigtigt."))
    secret = str(data_cipher.decrypt(staff.totp_pending_enc))
    uri = totp.provisioning_uri(secret, staff.email)
    qr = Markup(totp.qr_svg(uri))  # noqa: S704 (SVG that segno drew from our own URI)
    return render_template("staff/enrol.html", form=form, code_form=form, qr=qr, secret=secret)


def start_session(staff: StaffUser, now: Any, notice: str | None = None) -> Response:
    """The session opens, and the login goes on to its page; `notice` (portal.staff.notices)
    is what that page, or the password page before it, says the last step did."""
    anchor = notices.ANCHOR if notice else None
    if staff.must_change_password:
        # Every factor has passed, but an admin made (and saw) the password: the staff member
        # chooses their own before any page opens.
        session[PENDING_KEY] = {"id": staff.id, "at": int(time.time()), "change": True}
        if notice:
            notices.leave(notice)
        return redirect(url_for("staff.login", next=login_target(), _anchor=anchor), 303)
    opened = staff_auth.open_session(db.session(), staff, now)
    # A fresh session at login: nothing from before (a draft, an old token) carries over,
    # but the language the caseworker chose on the login page does.
    lang = session.get("lang")
    session.clear()
    if lang is not None:
        session["lang"] = lang
    session[SEEN_KEY] = int(time.time())
    if notice:
        notices.leave(notice)
    target = login_target().split("#", 1)[0] + (f"#{anchor}" if anchor else "")
    response = make_response(redirect(target, 303))
    response.set_cookie(
        COOKIE, opened.token, httponly=True, samesite="Strict", path="/sagsbehandler",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        max_age=int(staff_auth.ABSOLUTE_TIMEOUT.total_seconds()),
    )  # fmt: skip
    return response


def changing_staff() -> StaffUser | None:
    """The staff member between every factor of a login and their own password (see
    start_session): no session yet, and only this page open to them."""
    pending = session.get(PENDING_KEY)
    return pending_staff() if isinstance(pending, dict) and pending.get("change") else None


# Public: whoever holds a session cookie may end it, also once it is idle too long for any
# staff page, so its row is revoked rather than left to run out.
@bp.post("/logout")
@access("public")
@db.transactional
def logout() -> Response:
    staff_auth.revoke(db.session(), request.cookies.get(COOKIE), utcnow())
    return logged_out(notices.LOGGED_OUT)


def logged_out(notice: str) -> Response:
    """Forget the browser's side of the session and go to the login page, which says so in
    the language the caseworker chose (all the session keeps)."""
    lang = session.get("lang")
    session.clear()
    if lang is not None:
        session["lang"] = lang
    notices.leave(notice)
    response = make_response(redirect(url_for("staff.login", _anchor=notices.ANCHOR), 303))
    response.delete_cookie(COOKIE, path="/sagsbehandler")
    return response


def current_staff() -> StaffUser | None:
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, int) or time.time() - seen > staff_auth.IDLE_TIMEOUT.total_seconds():
        return None
    return staff_auth.current_staff(db.session(), request.cookies.get(COOKIE), utcnow())


@guard("staff")
def staff_only() -> ResponseReturnValue | None:
    """Before every staff view (access("staff")): a live session, else the login page, which
    brings the caseworker back here. Each page seen renews the idle clock."""
    staff = current_staff()
    if staff is None and request.method == "POST":
        # A form sent after the session ended: its text is lost, and the login page says so.
        return redirect(url_for("staff.login", next=request.path, **{INTERRUPTED: 1}), 303)
    if staff is None:
        return redirect(url_for("staff.login", next=request.path), 303)
    session[SEEN_KEY] = int(time.time())
    g.staff = staff
    g.audit = []
    return None


@guard("admin")
def admin_only() -> ResponseReturnValue | None:
    """Before every admin view (access("admin")): a staff session, and an admin's."""
    refusal = staff_only()
    if refusal is None and g.staff.role is not StaffRole.ADMIN:
        abort(403)
    return refusal


@bp.post("/logout-alle-steder")
@access("staff")
@db.transactional
def logout_everywhere() -> Response:
    """Ends every session of this caseworker, on every device (e.g. a lost laptop)."""
    staff_auth.revoke_all(db.session(), g.staff.id, utcnow())
    return logged_out(notices.LOGGED_OUT_EVERYWHERE)


@bp.post("/forlaeng")
@access("staff")
def extend() -> Response:
    """The idle-timeout warning's button: access("staff") has just renewed the idle clock.
    Sent in the background by staff-timeout.js (the warning's button, and typing in a form),
    it answers 204, so the page and what is being typed in it stay; without the script, the
    form post goes back to the page."""
    if request.headers.get("X-Portal-Background") == "1":
        return Response(status=204)
    return redirect(safe_next(request.form.get("next"), url_for("staff.queue")), 303)


def person_ref(cpr_index: str) -> str:
    """How an audit row names the person a search or an access request was about: the CPR
    number's keyed index (as application.cpr_index), never any digit of the number itself,
    since six of them are the birth date. It still finds every lookup of one person."""
    return f"person:{cpr_index}"


def audit(action: str, application_id: int | None = None, detail: str | None = None) -> None:
    """Note a staff action; written in its own transaction when the request ends."""
    staff: StaffUser = g.staff
    g.audit.append(
        AuditRecord(
            staff_id=staff.id, municipality_code=staff.municipality_code, action=action,
            request_id=g.get("request_id", "-"), application_id=application_id, detail=detail,
        )
    )  # fmt: skip


@bp.after_request
def _audit_before_answer(response: Response) -> Response:
    """Written before the answer leaves, after the view's own transaction has ended: a page
    that shows a case or a CPR number is never handed out unlogged (as the API's calls)."""
    records = g.pop("audit", None)
    if not records:
        return response
    try:
        write_audit(db.database().engine, records)
    except Exception as err:
        if db.is_unavailable(err):
            return unavailable(err)
        report_unhandled(err)
        return error_page(500)
    return response


@bp.teardown_request
def _write_audit(_exc: BaseException | None) -> None:
    """The backstop for a request whose answer never reached _audit_before_answer."""
    records = g.pop("audit", None)
    if records:
        try:
            write_audit(db.database().engine, records)
        except Exception as err:  # the database went away: reported, since a teardown that
            report_unhandled(err)  # raises escapes Flask (the server's bare 500)


@bp.record_once
def _notice_global(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["staff_notice"] = notices.take
