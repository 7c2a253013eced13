"""The municipality's queue and the case view. Every query is scoped to the caseworker's own
municipality; another municipality's application answers 404."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from flask import abort, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale
from flask_wtf import FlaskForm

from portal import applications, casework, deadlines, journey, lifecycle, queue_rows, statuses
from portal.cpr import masked as masked_cpr
from portal.dashboard import overview
from portal.db.models import Application, StaffUser, Status, utcnow
from portal.own_applications import identification_of
from portal.staff.auth import audit, bp
from portal.staff.case_forms import SearchForm, empty_case_forms, wished_offer
from portal.staff.case_history import case_history, decisions_made, grouped_trail
from portal.staff.paging import next_page, parse_cursor, previous_page, row_id, trail
from portal.web import db
from portal.web.access import access
from portal.web.case_words import PARTLY_GRANTED_NAME, STATUS_TEXT
from portal.web.i18n import lazy_gettext as _l
from portal.web.identification_words import identification_lines
from portal.web.questions.forms import choice_label
from portal.web.questions.guidance_view import guidance_page
from portal.web.questions.voice import Voice
from portal.web.services import cipher, processing_weeks, standards
from portal.web.text import day


def staff() -> StaffUser:
    return g.staff  # type: ignore[no-any-return]


# The queue's short words: what the person needs, and who applied. Keys from casework.
NEED_WORDS = {
    "physical": _l("Fysisk"),
    "mental": _l("Psykisk"),
    "social": _l("Socialt"),
    "social_contact": _l("samvær"),
    "get_out": _l("komme ud"),
    "activities": _l("aktiviteter"),
    "keep_skills": _l("færdigheder"),
    "structure": _l("faste rammer"),
    "job_or_education_support": _l("job eller uddannelse"),
}
APPLIED_BY_WORDS = {
    "self": _l("Selv"),
    "relative": _l("Pårørende"),
    "guardian": _l("Værge"),
    "helper": _l("En hjælper"),
}
# What was checked about who applied (queue_rows.QueueRow.checked); the case page says more.
CHECKED_WORDS = {
    "mitid": _l("MitID"),
    "fuldmagt": _l("Digital Fuldmagt"),
    "authority_not_checked": _l("Fuldmagt ikke kontrolleret"),
    "not_checked": _l("Ikke kontrolleret"),
}


def rows_for(found: list[Application]) -> list[queue_rows.QueueRow]:
    code = staff().municipality_code
    return queue_rows.queue_rows(
        db.session(), cipher(), code, found, utcnow(), processing_weeks(code)
    )


def same_person(raw: str | None) -> Application | None:
    """?samme=<id>: the open applications of the person that application is for."""
    row = row_id(raw)
    return own_application(row) if row is not None else None


# The inbox's status filter besides each status: the open (undecided) cases, shown unless
# asked otherwise, so decided cases do not pile up at the top of an oldest-first list; and all.
OPEN_CASES, ALL_CASES = "aabne", "alle"


def status_choice() -> str:
    """?status= as the filter shows it: a status's value, "alle", or else the open cases."""
    asked = request.args.get("status") or ""
    known = asked == ALL_CASES or asked in Status.__members__.values()
    return asked if known else OPEN_CASES


def queue_filter(same: Application | None) -> casework.QueueFilter:
    if same is not None:
        return casework.QueueFilter(cpr_index=same.cpr_index, open_only=True)
    status, who = status_choice(), request.args.get("hvem")
    return casework.QueueFilter(
        status=Status(status) if status in Status.__members__.values() else None,
        open_only=status == OPEN_CASES, mine=who == "mine", unassigned=who == "ledige",
    )  # fmt: skip


@bp.get("/")
@access("staff")
def queue() -> str:
    same = same_person(request.args.get("samme"))
    where = queue_filter(same)
    show_cpr = request.args.get("cpr") == "vis"
    after = parse_cursor(request.args.get("efter"))
    found = casework.list_queue(
        db.session(), staff().municipality_code, staff().id, where, after,
        casework.PAGE_SIZE + 1,
    )  # fmt: skip
    more = len(found) > casework.PAGE_SIZE
    found = found[: casework.PAGE_SIZE]
    who = request.args.get("hvem") if request.args.get("hvem") in ("mine", "ledige") else None
    audit("list", detail=f"status={where.status or status_choice()} hvem={who or '*'} "
                         f"cpr={'vist' if show_cpr else '-'} samme={same.id if same else '-'}")  # fmt: skip
    rows = rows_for(found)
    return render_template(
        "staff/queue.html", rows=rows, status_text=STATUS_TEXT,
        statuses=list(Status), status_choice=status_choice(), who=who, form=None,
        show_cpr=show_cpr, same=same, search=SearchForm(),
        nothing_free=request.args.get("besked") == "ingen-ledige",
        **page_links(after, found if more else [], request.args.getlist("tilbage")),
        **queue_words(rows),
    )  # fmt: skip


def page_links(after: casework.Cursor | None, shown: list[Application],
               asked_trail: list[str]) -> dict[str, Any]:  # fmt: skip
    """The links to the next page (when `shown` is a full page with more after it) and to the
    previous one (on any page but the first). ?tilbage= means nothing on the first page."""
    behind = trail(asked_trail) if after is not None else []
    start = (
        casework.get_application(db.session(), staff().municipality_code, behind[-1])
        if behind
        else None
    )
    return {
        "next_page": next_page(after, behind, shown[-1]) if shown else None,
        "previous_page": previous_page(behind, start) if after is not None else None,
    }


def queue_words(rows: Sequence[queue_rows.QueueRow] = ()) -> dict[str, Any]:
    """What the rows macro needs besides the rows (an imported macro sees no page context),
    translated once for the page rather than once for each of 50 rows; each deadline's date
    in words once, however many rows share it (Babel's formatting was a tenth of the page)."""
    return {
        "words": {
            "deadlines": {d: day(d) for d in {row.deadline for row in rows} if d is not None},
            "needs": {key: str(text) for key, text in NEED_WORDS.items()},
            "applied_by": {key: str(text) for key, text in APPLIED_BY_WORDS.items()},
            "checked": {key: str(text) for key, text in CHECKED_WORDS.items()},
            "status": {key: str(texts[0]) for key, texts in STATUS_TEXT.items()},
            "partly_granted": str(PARTLY_GRANTED_NAME),
        },
        "with_deadline": processing_weeks(staff().municipality_code) is not None,
    }


def own_application(application_id: int) -> Application:
    application = casework.get_application(db.session(), staff().municipality_code, application_id)
    if application is None:
        abort(404)
    return application


def chosen(step: str, field: str, value: Any) -> str:
    """A stored choice as the words the citizen picked; an unknown value as it was stored."""
    return choice_label(step, field, value) or str(value or "")


def case_context(application: Application, reveal: bool = False) -> dict[str, Any]:
    data_cipher = cipher()
    person = data_cipher.decrypt(application.person_enc)
    snapshot = data_cipher.decrypt(application.guidance_enc)
    voice = Voice(other=journey.for_someone_else(person),
                  first_name=person.get("first_name"))  # fmt: skip
    cpr = str(person.get("identity", {}).get("cpr", ""))
    rows = data_cipher.decrypt(application.answers_enc)
    staff_names = casework.staff_emails(db.session(), application.municipality_code)
    history = case_history(
        data_cipher, applications.history(db.session(), application), staff_names
    )
    made = decisions_made(history)  # latest first
    now_partial = application.status is Status.GRANTED and bool(made) and made[0].partly_granted
    return {
        "application": application,
        "person": person,
        "cpr": cpr if reveal else masked_cpr(cpr),
        "revealed": reveal,
        "identified": identification_lines(
            identification_of(application, journey.for_someone_else(person))
        ),
        **answer_parts(rows),
        "snapshot": snapshot,
        **guidance_page(snapshot, voice, str(get_locale())),
        "lang": str(get_locale()),
        "history": history,
        # The decision the letter is about (also while the case is reopened), and the ones
        # before it that a reopen set aside.
        "latest_decision": made[0] if made else None,
        "earlier_decisions": [(len(made) - i, e) for i, e in enumerate(made) if i > 0],
        "partly_granted_name": PARTLY_GRANTED_NAME,
        "status_name": PARTLY_GRANTED_NAME if now_partial else STATUS_TEXT[application.status][0],
        "trail": grouped_trail(seen_by(application)),
        "deadline": deadlines.due_date(
            application.received_at, processing_weeks(application.municipality_code)
        ),
        "days_waiting": (utcnow() - application.received_at).days,
        "staff_names": staff_names,
        "registrar": staff_names.get(application.registrar_id)
        if application.registrar_id
        else None,
        "holder": casework.holder(db.session(), application),
        "is_open": application.status in statuses.OPEN,
        "decided": application.status in statuses.DECIDED,
        # A case action's form with errors (or a claim refused) is answered by the case page
        # at the action's address, which takes only forms: Back goes to the case instead.
        "form_answer_url": url_for("staff.case", application_id=application.id)
        if request.method == "POST"
        else None,
        "notes": [
            {
                "at": n.at,
                "staff": staff_names.get(n.staff_id, ""),
                "text": data_cipher.decrypt(n.text_enc),
            }
            for n in casework.notes(db.session(), application)
        ],
        "consent_sources": [
            chosen("consent", "sources", v)
            for v in person.get("consent", {}).get("sources", [])
            if v != "later"
        ],
        "consent_kinds": [
            chosen("consent", "kinds", v) for v in person.get("consent", {}).get("kinds", [])
        ],
        "relation": chosen("relation", "relation", person.get("relation", {}).get("relation")),
        "authority": chosen("authority", "authority", person.get("authority", {}).get("authority")),
        "status_text": STATUS_TEXT,
        "action_form": FlaskForm(),
        "form": None,
        "saved": None,
        **empty_case_forms(wished_offer(rows, standards().get(application.municipality_code))),
    }


def answer_parts(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The answers, with the citizen's own words ("anything else?") lifted out to stand apart."""
    own = [r for r in rows if r.get("step") == "other_info" and r.get("field") == "text"]
    return {
        "rows": [r for r in rows if r.get("question") and r not in own],
        "own_words": "\n".join(str(a) for r in own for a in r.get("answer", ()) if a),
    }


def seen_by(application: Application) -> list[Any]:
    """Who has seen the case, this very view included: this request's audit rows are written
    when it ends, after the page is made, so they are added here as they will be stored."""
    stored: list[Any] = casework.audit_trail(
        db.session(), application.municipality_code, application.id
    )
    now = utcnow()
    pending = [
        replace(record, at=record.at or now)
        for record in g.get("audit", [])
        if record.application_id == application.id
    ]
    return stored + pending


# What the case page confirms after an action, named by the redirect's ?gemt=.
SAVED = {
    "afgoerelse": (
        _l("Afgørelsen er gemt"),
        _l("Borgeren kan nu læse afgørelsen og hente brevet på sin statusside."),
    ),
    "besked": (_l("Beskeden er sendt"), _l("Borgeren kan læse beskeden på sin statusside.")),
    "genaabnet": (
        _l("Sagen er genåbnet"),
        _l("Du kan træffe en ny afgørelse eller bede borgeren om flere oplysninger."),
    ),
}


@bp.get("/sag/<int:application_id>")
@access("staff")
def case(application_id: int) -> str:
    application = own_application(application_id)
    audit("view", application.id)
    # Shown whole once, right after the reveal was asked for and logged (reveal_cpr).
    reveal = session.pop(REVEAL_KEY, None) == application.id
    context = case_context(application, reveal=reveal)
    context["saved"] = SAVED.get(request.args.get("gemt") or "")
    return render_template("staff/case.html", **context)


REVEAL_KEY = "staff_reveal_cpr"


@bp.post("/sag/<int:application_id>/vis-cpr")
@access("staff")
def reveal_cpr(application_id: int) -> ResponseReturnValue:
    """Logged, then the case page shows the whole number once: a redirect rather than the page
    as the POST's answer, so Back and reload never ask to send the form again (the probe of
    2026-12-06), and a reload shows the number masked again. Only the case's id goes in the
    session cookie, never the number."""
    application = own_application(application_id)
    audit("reveal_cpr", application.id)
    session[REVEAL_KEY] = application.id
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/sag/<int:application_id>/tag")
@access("staff")
@db.transactional
def claim(application_id: int) -> ResponseReturnValue:
    application = own_application(application_id)
    try:
        casework.claim(
            db.session(), staff().municipality_code, application.id, staff().id, utcnow()
        )
        db.session().refresh(application)  # the UPDATE bypassed the ORM's copy
        lifecycle.start_work(db.session(), cipher(), application, staff().id)
    except casework.AlreadyClaimed as err:
        db.session().refresh(application)  # the winner's claim, not the copy read before it
        audit("claim_refused", application.id)
        context = case_context(application)
        context["claim_refused_by"] = err.holder
        return render_template("staff/case.html", **context), 409
    audit("claim", application.id)
    return redirect(url_for("staff.case", application_id=application.id), 303)


@bp.post("/sag/<int:application_id>/slip")
@access("staff")
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
def dashboard() -> str:
    code = staff().municipality_code
    data = overview(db.session(), code, utcnow(), processing_weeks(code))
    audit("dashboard")
    biggest = max([n for _, n in data.weeks] + [n for _, n in data.open_by_status] + [1])
    median = data.median_days_to_decision
    return render_template(
        "staff/dashboard.html", data=data, biggest=biggest, status_text=STATUS_TEXT,
        # "0,0" in Danish, "0.0" in English: the locale's decimal sign, one decimal always.
        median_days=None if median is None else format_decimal(median, format="#,##0.0"),
        action_form=FlaskForm(), form=None,
    )  # fmt: skip


def municipality_name(code: str) -> str:
    """The staff header's name of the caseworker's municipality, in the page's language."""
    standard = standards().get(code)
    if standard is None:
        return code
    return str(standard.name.get(str(get_locale())))


@bp.record_once
def _header_globals(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["municipality_name"] = municipality_name
