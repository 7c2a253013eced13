"""The municipality's queue and the case view. Every query is scoped to the caseworker's own
municipality; another municipality's application answers 404."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from portal import applications, casework
from portal.citizen.followup import STATUS_TEXT
from portal.citizen.guidance_view import guidance_page
from portal.citizen.steps import FORMS
from portal.citizen.voice import Voice
from portal.dashboard import overview
from portal.db.models import Application, StaffUser, Status, utcnow
from portal.staff.auth import audit, bp, staff_required
from portal.web import db
from portal.web.access import access
from portal.web.i18n import lazy_gettext as _l
from portal.web.services import cipher, standards

CPR_RE = re.compile(r"^\d{6}-?\d{4}$")
REFERENCE_RE = re.compile(r"^AS-\d{4}-\d{6}$")


class SearchForm(FlaskForm):
    query = StringField(
        _l("Søg på nummer eller CPR-nummer"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(_l("Skriv et nummer eller et CPR-nummer.")), Length(max=20)],
        render_kw={"autocomplete": "off", "spellcheck": False},
    )


def staff() -> StaffUser:
    return g.staff  # type: ignore[no-any-return]


def deadline(application: Application) -> datetime | None:
    """Only where the municipality states a processing time (Vejen: 6 weeks)."""
    standard = standards().get(application.municipality_code)
    weeks = standard.next_steps.processing_weeks if standard else None
    return application.received_at + timedelta(weeks=weeks) if weeks else None


def queue_rows(applications: list[Application], now: datetime) -> list[dict[str, Any]]:
    names = {
        a.assigned_to_id: db.session().get(StaffUser, a.assigned_to_id)
        for a in applications if a.assigned_to_id
    }  # fmt: skip
    rows = []
    for a in applications:
        due = deadline(a)
        open_case = a.status in (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CITIZEN)
        rows.append({
            "application": a,
            "days": (now - a.received_at).days,
            "assignee": names.get(a.assigned_to_id),
            "deadline": due,
            "overdue": bool(due and open_case and due < now),
            "due_soon": bool(due and open_case and now <= due < now + timedelta(days=7)),
        })  # fmt: skip
    return rows


def parse_cursor(raw: str | None) -> casework.Cursor | None:
    if not raw or "_" not in raw:
        return None
    when, _, ident = raw.rpartition("_")
    try:
        return casework.Cursor(datetime.fromisoformat(when), int(ident))
    except ValueError:
        return None


@bp.get("/")
@access("staff")
@staff_required
def queue() -> str:
    status = request.args.get("status")
    who = request.args.get("hvem")
    where = casework.QueueFilter(
        status=Status(status) if status in Status.__members__.values() else None,
        mine=who == "mine", unassigned=who == "ledige",
    )  # fmt: skip
    found = casework.list_queue(
        db.session(), staff().municipality_code, staff().id, where,
        parse_cursor(request.args.get("efter")), casework.PAGE_SIZE + 1,
    )  # fmt: skip
    more = len(found) > casework.PAGE_SIZE
    found = found[: casework.PAGE_SIZE]
    audit("list", detail=f"status={where.status or '*'} hvem={who or '*'}")
    last = found[-1] if more and found else None
    return render_template(
        "staff/queue.html", rows=queue_rows(found, utcnow()), status_text=STATUS_TEXT,
        statuses=list(Status), current_status=where.status, who=who, form=None,
        nothing_free=request.args.get("besked") == "ingen-ledige",
        search=SearchForm(),
        next_cursor=f"{last.received_at.isoformat()}_{last.id}" if last else None,
    )  # fmt: skip


@bp.post("/soeg")
@access("staff")
@staff_required
def search() -> ResponseReturnValue:
    """A POST, so a CPR number never stands in a URL, a log line or the browser history."""
    form = SearchForm()
    if not form.validate():
        return render_template("staff/search.html", form=form, search=form, rows=[],
                               status_text=STATUS_TEXT)  # fmt: skip
    query = form.query.data or ""
    if CPR_RE.match(query):
        digits = query.replace("-", "")
        index = cipher().index(digits)
        where = casework.QueueFilter(cpr_index=index)
        masked = f"cpr:{digits[:6]}-xxxx"
    elif REFERENCE_RE.match(query.upper()):
        where = casework.QueueFilter(reference=query.upper())
        masked = f"reference:{query.upper()}"
    else:
        form.query.errors.append(_l("Skriv et nummer som AS-2026-000123 eller et CPR-nummer."))
        return render_template("staff/search.html", form=form, search=form, rows=[],
                               status_text=STATUS_TEXT)  # fmt: skip
    found = casework.list_queue(db.session(), staff().municipality_code, staff().id, where)
    audit("search", detail=masked)
    return render_template("staff/search.html", form=None, search=form,
                           rows=queue_rows(found, utcnow()), status_text=STATUS_TEXT)  # fmt: skip


def own_application(application_id: int) -> Application:
    application = casework.get_application(db.session(), staff().municipality_code, application_id)
    if application is None:
        abort(404)
    return application


def actions_forms() -> dict[str, FlaskForm]:
    from portal.staff.actions import DecisionForm, NoteForm, ReopenForm, RequestInformationForm

    return {
        "NoteForm": NoteForm(formdata=None),
        "RequestInformationForm": RequestInformationForm(formdata=None),
        "DecisionForm": DecisionForm(formdata=None, data={"decided_on": date.today()}),
        "ReopenForm": ReopenForm(formdata=None),
    }


def choice_label(step: str, field: str, value: Any) -> str:
    """A stored choice (e.g. "power_of_attorney") as the words the citizen picked."""
    for choice in FORMS[step].options.get(field, ()):
        if choice.value == value:
            return choice.label.say(Voice(other=False))
    return str(value or "")


def case_context(application: Application, reveal: bool = False) -> dict[str, Any]:
    data_cipher = cipher()
    person = data_cipher.decrypt(application.person_enc)
    snapshot = data_cipher.decrypt(application.guidance_enc)
    voice = Voice(other=person.get("who", {}).get("who") == "other",
                  first_name=person.get("first_name"))  # fmt: skip
    cpr = str(person.get("identity", {}).get("cpr", ""))
    holder = (
        db.session().get(StaffUser, application.assigned_to_id)
        if application.assigned_to_id
        else None
    )
    return {
        "application": application,
        "person": person,
        "cpr": cpr if reveal else f"{cpr[:6]}-xxxx",
        "revealed": reveal,
        "rows": data_cipher.decrypt(application.answers_enc),
        "snapshot": snapshot,
        **guidance_page(snapshot, voice, str(get_locale())),
        "lang": str(get_locale()),
        "events": applications.history(db.session(), application),
        "trail": casework.audit_trail(db.session(), application.municipality_code, application.id),
        "staff_names": casework.staff_emails(db.session(), application.municipality_code),
        "holder": holder,
        "notes": [
            {
                "at": n.at,
                "staff": db.session().get(StaffUser, n.staff_id),
                "text": data_cipher.decrypt(n.text_enc),
            }
            for n in casework.notes(db.session(), application)
        ],
        "consent_sources": [
            choice_label("consent", "sources", v)
            for v in person.get("consent", {}).get("sources", [])
            if v != "later"
        ],
        "consent_kinds": [
            choice_label("consent", "kinds", v) for v in person.get("consent", {}).get("kinds", [])
        ],
        "relation": choice_label(
            "relation", "relation", person.get("relation", {}).get("relation")
        ),
        "authority": choice_label(
            "authority", "authority", person.get("authority", {}).get("authority")
        ),
        "status_text": STATUS_TEXT,
        "action_form": FlaskForm(),
        "form": None,
        **actions_forms(),
    }


@bp.get("/sag/<int:application_id>")
@access("staff")
@staff_required
def case(application_id: int) -> str:
    application = own_application(application_id)
    audit("view", application.id)
    return render_template("staff/case.html", **case_context(application))


@bp.post("/sag/<int:application_id>/vis-cpr")
@access("staff")
@staff_required
def reveal_cpr(application_id: int) -> str:
    application = own_application(application_id)
    audit("reveal_cpr", application.id)
    return render_template("staff/case.html", **case_context(application, reveal=True))


@bp.post("/sag/<int:application_id>/tag")
@access("staff")
@staff_required
@db.transactional
def claim(application_id: int) -> ResponseReturnValue:
    application = own_application(application_id)
    try:
        casework.claim(
            db.session(), staff().municipality_code, application.id, staff().id, utcnow()
        )
        db.session().refresh(application)  # the UPDATE bypassed the ORM's copy
        applications.start_work(db.session(), cipher(), application, staff().id)
    except casework.AlreadyClaimed as err:
        audit("claim_refused", application.id)
        context = case_context(application)
        context["claim_refused_by"] = err.holder
        return render_template("staff/case.html", **context), 409
    audit("claim", application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/sag/<int:application_id>/slip")
@access("staff")
@staff_required
@db.transactional
def release(application_id: int) -> ResponseReturnValue:
    application = own_application(application_id)
    if casework.release(
        db.session(), staff().municipality_code, application.id, staff().id, utcnow()
    ):
        audit("release", application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.get("/overblik")
@access("staff")
@staff_required
def dashboard() -> str:
    code = staff().municipality_code
    standard = standards().get(code)
    weeks = standard.next_steps.processing_weeks if standard else None
    data = overview(db.session(), code, utcnow(), weeks)
    audit("dashboard")
    biggest = max([n for _, n in data.weeks] + [n for _, n in data.open_by_status] + [1])
    return render_template(
        "staff/dashboard.html", data=data, biggest=biggest, status_text=STATUS_TEXT,
        action_form=FlaskForm(), form=None,
    )  # fmt: skip


# What each audit action means, in words a colleague or the citizen (art. 15) can read.
AUDIT_ACTIONS = {
    "view": _l("Så sagen"),
    "reveal_cpr": _l("Så hele CPR-nummeret"),
    "claim": _l("Tog sagen"),
    "claim_refused": _l("Forsøgte at tage sagen"),
    "release": _l("Slap sagen"),
    "request_information": _l("Bad om flere oplysninger"),
    "decide": _l("Traf afgørelse"),
    "reopen": _l("Genåbnede sagen"),
    "note": _l("Skrev en intern note"),
    "export_json": _l("Hentede sagen som JSON"),
    "export_pdf": _l("Hentede sagen som PDF"),
}


@bp.record_once
def _audit_names(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["audit_actions"] = AUDIT_ACTIONS
