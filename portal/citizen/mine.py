"""My applications, "Mine ansøgninger" (issue 13, point 4): a citizen logged in with MitID sees
their own applications and those they submitted for someone else, with the status page, the
decision letter and withdrawal for each, without a private status link.

Only where login is on (else every route here is a 404, as if it did not exist) and only for a
logged-in citizen (else to the login, and back). Every application is found through
portal.own_applications, scoped to the citizen: another citizen's id is a 404, the same as an id
that does not exist. A citizen's own reads are not staff reads, so no audit row; the log gets
nothing personal (the request log has the path, which holds an id only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from portal import applications, decisions, own_applications
from portal.citizen.followup import status_context
from portal.citizen.routes import bp
from portal.db.models import Application, Status
from portal.extensions import csrf
from portal.identity import Citizen
from portal.lifecycle import Outcome
from portal.own_applications import Own
from portal.statuses import OPEN
from portal.web import db
from portal.web.access import access
from portal.web.case_words import STATUS_TEXT
from portal.web.citizen_login import current_citizen
from portal.web.citizen_login import settings as login_settings
from portal.web.decision_letter import letter_decision, letter_response
from portal.web.i18n import lazy_gettext as _l
from portal.web.services import cipher

PARTLY_GRANTED = _l("Delvist bevilget")


def logged_in(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """The view gets the logged-in citizen first; without a login, the visitor goes to the
    login and back here; with login off, a 404."""

    @functools.wraps(view)
    def with_citizen(**kwargs: Any) -> ResponseReturnValue:
        if not login_settings().enabled:
            abort(404)
        citizen = current_citizen()
        if citizen is None:
            back = request.full_path.rstrip("?")
            return redirect(url_for("citizen_login.login", next=back), 303)
        return view(citizen, **kwargs)

    return with_citizen


def checked_post(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """The CSRF token first (the blueprint is exempt): a forged POST learns nothing, not
    even whether login is on or the id exists."""

    @functools.wraps(view)
    def checked(**kwargs: Any) -> ResponseReturnValue:
        if request.method == "POST":
            csrf.protect()
        return view(**kwargs)

    return checked


def own(citizen: Citizen, application_id: int) -> Own:
    found = own_applications.find_for(db.session(), cipher(), citizen.cpr, application_id)
    if found is None:
        abort(404)
    return found


@bp.get("/mine-ansoegninger")
@access("public")
@logged_in
def mine(citizen: Citizen) -> ResponseReturnValue:
    found = own_applications.list_for(db.session(), cipher(), citizen.cpr)
    return render_template("citizen/mine.html", rows=[row(item) for item in found])


def row(item: Own) -> dict[str, Any]:
    application = item.application
    return {
        "application": application,
        "for_me": item.for_me,
        "name": None if item.for_me else short_name(application),
        "status": status_name(application),
        "href": url_for("citizen.mine_status", application_id=application.id),
    }


def short_name(application: Application) -> str | None:
    """The person's first name and the first letter of the last ("Karen H"; the sentence's
    full stop closes the initial): enough to tell two people apart on the citizen's own
    screen, not a full name on a list."""
    person = cipher().decrypt(application.person_enc)
    parts = str((person.get("identity") or {}).get("full_name") or "").split()
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}"


def status_name(application: Application) -> str:
    """The status page's word for the status; a partial grant is named as the page does."""
    if application.status is Status.GRANTED:
        decision = decisions.current_decision(db.session(), cipher(), application)
        if decision is not None and decision.outcome is Outcome.PARTLY_GRANTED:
            return str(PARTLY_GRANTED)
    return str(STATUS_TEXT[application.status][0])


@bp.get("/mine-ansoegninger/<int:application_id>")
@access("public")
@logged_in
def mine_status(citizen: Citizen, application_id: int) -> ResponseReturnValue:
    found = own(citizen, application_id)
    return render_template(
        "citizen/status.html",
        **status_context(found.application, by_representative=not found.for_me),
        letter_url=url_for("citizen.mine_letter", application_id=application_id),
        withdraw_url=url_for("citizen.mine_withdraw", application_id=application_id),
        back_url=url_for("citizen.mine"),
        back_text=_l("Mine ansøgninger"),
    )


@bp.get("/mine-ansoegninger/<int:application_id>/afgoerelse.pdf")
@access("public")
@logged_in
def mine_letter(citizen: Citizen, application_id: int) -> ResponseReturnValue:
    application = own(citizen, application_id).application
    return letter_response(application, letter_decision(application))


@bp.route("/mine-ansoegninger/<int:application_id>/traek-tilbage", methods=["GET", "POST"])
@access("public")
@db.transactional_on_post
@checked_post
@logged_in
def mine_withdraw(citizen: Citizen, application_id: int) -> ResponseReturnValue:
    found = own(citizen, application_id)
    status_url = url_for("citizen.mine_status", application_id=application_id)
    form = FlaskForm()
    if request.method == "POST" and form.validate():
        # Already decided or withdrawn: nothing to do, and the status page says which.
        with suppress(applications.NotWithdrawable):
            applications.withdraw(db.session(), found.application, not found.for_me)
        return redirect(status_url, 303)
    return render_template(
        "citizen/withdraw.html", form=None, confirm_form=form, application=found.application,
        status_url=status_url, can_withdraw=found.application.status in OPEN,
    ), 400 if request.method == "POST" else 200  # fmt: skip
