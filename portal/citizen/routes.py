"""The citizen's question pages: start, one question per page, guidance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from portal import drafts, journey
from portal.citizen import session as drafts_in_session
from portal.citizen.guidance_body import guidance_body, result_for
from portal.citizen.step_pages import fast_page, framed_page
from portal.citizen.steps import (
    FORMS,
    SECTION_TITLES,
    STEP_BY_SLUG,
    indicator_html,
    section_number,
    step_url,
)
from portal.extensions import csrf
from portal.web import db
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import language
from portal.web.questions.about import OTHER_MUNICIPALITY
from portal.web.questions.base import Context, StepForm
from portal.web.questions.guidance_view import PAGE_HEADING
from portal.web.questions.quick import quick_answer
from portal.web.questions.voice import Voice

bp = Blueprint("citizen", __name__)
# Each citizen POST validates its own FlaskForm, token included, so a page whose token has
# expired comes back with the answers kept instead of the generic "page expired" error.
csrf.exempt(bp)


def context_for(answers: dict[str, Any]) -> Context:
    standards = drafts_in_session.standards()
    code = answers.get("municipality", {}).get("municipality")
    return Context(answers, Voice.from_answers(answers), standards.get(code), standards)


def page_args(step_id: str, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    back = journey.previous_step(step_id, answers)
    from_check = request.args.get("fra") == "tjek"
    return {
        "steps": indicator_html(answers, step_id),
        "section": section_number(step_id),
        "section_title": SECTION_TITLES[journey.BY_ID[step_id].section],
        "section_count": len(journey.Section),
        "back_url": step_url(back.id) if back else None,
        "from_check": from_check,
        # A form's own address, never the page's: a form without one posts to the page's
        # address with its fragment (#kilde-2 from the guidance's sources), and every redirect
        # after it keeps that fragment, so the receipt would open scrolled to its sources.
        "form_action": step_url(step_id, fra="tjek") if from_check else step_url(step_id),
        **extra,
    }


@bp.get("/")
@access("public")
def start() -> str:
    code = request.args.get("kommune", "")
    if code in drafts_in_session.standards():
        session[drafts_in_session.PRESELECTED_KEY] = code
    draft = drafts_in_session.current_draft()
    deleted = request.args.get("slettet") == "ja" and draft is None
    return render_template("citizen/start.html", has_draft=draft is not None, deleted=deleted)


@bp.get("/ansoeg")
@access("citizen")
def begin() -> ResponseReturnValue:
    answers = drafts_in_session.load_answers(drafts_in_session.current_draft())
    return redirect(step_url(journey.first_unanswered(answers).id), 303)


def render_step(
    step_id: str,
    form: StepForm,
    answers: dict[str, Any],
    status: int = 200,
    args: dict[str, Any] | None = None,
) -> Any:
    args = args if args is not None else page_args(step_id, answers)
    return render_template("citizen/step.html", form=form, step_id=step_id, **args), status


@bp.route("/ansoeg/<slug>", methods=["GET", "POST"])
@access("citizen")
@db.transactional_on_post
def step(slug: str) -> ResponseReturnValue:
    step_id = STEP_BY_SLUG.get(slug)
    if step_id is None:
        raise NotFound()
    draft = drafts_in_session.current_stored()
    answers = drafts_in_session.load_answers(draft)
    if not journey.may_visit(step_id, answers):
        return redirect(step_url(journey.first_unanswered(answers).id), 303)
    form_class = FORMS[step_id]
    stored = answers.get(step_id, {})
    context = context_for(answers)
    if request.method != "POST":  # GET, and HEAD (a link checker's), which is a GET unsent
        # The page from its skeleton (portal.citizen.step_pages), else rendered in full.
        args = page_args(step_id, answers)
        asked_again = answers.get(journey.ASKED_AGAIN) if step_id == "identity" else None
        if asked_again is not None and not stored:
            # A changed birth date made the CPR number wrong: say so, and keep the name.
            stored, args["asked_again"] = asked_again, True
        page = None if asked_again else fast_page(step_id, form_class, stored, context, args)
        if page is not None:
            return page
        form = form_class(data=form_class.initial_data(stored))
        form.context = context
        form.speak(context)
        return render_step(step_id, form, answers, args=args)
    value = quick_answer(form_class, context)
    if value is not None:
        return save_and_continue(step_id, value, draft, answers)
    form = form_class()
    form.context = context
    form.speak(context)
    if not form.validate():
        expired = bool(form.csrf_token.errors)
        if request.form.get("action") == "save" and not expired:
            # "Save and continue later" never stores an answer that is not right, and never
            # blocks: an unfinished page is left for later (the save page says which), while
            # one with something typed that cannot be taken (too long, an impossible date)
            # is shown again with what was typed and the error, and a way to save without it.
            if typed_wrongly(form):
                args = page_args(step_id, answers)
                args["save_without"] = url_for("citizen.save_for_later", **{UNSAVED_ARG: slug})
                return render_step(step_id, form, answers, args=args)
            unsaved = {UNSAVED_ARG: slug} if typed_something() else {}
            return redirect(url_for("citizen.save_for_later", **unsaved), 303)
        return render_step(step_id, form, answers, 400 if expired else 200)
    return save_and_continue(step_id, form.to_answer(), draft, answers)


# The "continue later" page's note of a page left with answers it could not save.
UNSAVED_ARG = "ikke-gemt"


def typed(names: Callable[[str], bool]) -> bool:
    """Whether anything but spaces was sent in the form's fields whose names `names` takes."""
    return any(value.strip() for name, value in request.form.items(multi=True) if names(name))


def typed_wrongly(form: StepForm) -> bool:
    """Whether a field with an error holds something typed, rather than nothing yet (a date's
    parts are named after it: birth_date-day)."""
    return any(
        field.errors and typed(lambda name, f=field.name: name == f or name.startswith(f"{f}-"))
        for field in form.answer_fields
    )


def typed_something() -> bool:
    return typed(lambda name: name not in ("csrf_token", "action"))


@bp.app_template_global()
def unsaved_page() -> dict[str, Any] | None:
    """On the "continue later" page: the question of the page whose answers were not complete
    and so not saved (the page's address says which, ?ikke-gemt=<the step's address>), and
    whether an answer saved before is kept in their place."""
    step_id = STEP_BY_SLUG.get(request.args.get(UNSAVED_ARG, ""))
    if step_id is None:
        return None
    form_class = FORMS[step_id]
    answers = drafts_in_session.load_answers(drafts_in_session.current_draft())
    context = context_for(answers)
    if form_class.heading is not None:
        question = form_class.heading.say(context.voice)
    else:
        question = form_class.label_for(form_class.answer_names()[0], context) or ""
    return {"question": question, "kept": step_id in answers}


def save_and_continue(
    step_id: str, value: dict[str, Any], draft: drafts.StoredDraft | None, answers: dict[str, Any]
) -> Any:
    if step_id == "municipality" and value.get("municipality") == OTHER_MUNICIPALITY:
        # Nothing is kept for someone who cannot apply here.
        if draft is not None:
            drafts.discard_draft(db.session().connection(), draft.id)
        drafts_in_session.forget_draft()
        return redirect(url_for("citizen.other_municipality"), 303)

    def change(before: dict[str, Any]) -> dict[str, Any]:
        after = journey.revise(before, step_id, value)
        earlier = "guidance" in after and journey.before_guidance(step_id)
        if earlier and guidance_changed(before, after):
            # The guidance seen is not the one that would be sent: it is shown again.
            after.pop("guidance")
        return after

    answers = drafts_in_session.save_answers(draft, answers, change)
    if request.form.get("action") == "save":
        return redirect(url_for("citizen.save_for_later"), 303)
    following = journey.next_step(step_id, answers)
    if request.args.get("fra") == "tjek" and following.id == journey.FINAL:
        return redirect(step_url(journey.FINAL), 303)
    return redirect(step_url(following.id), 303)


def guidance_changed(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the guidance page would say something else after the change. The offer wish is
    left out: it is asked after the page and only marks the offer wished."""

    def shown(answers: dict[str, Any]) -> Any:
        without_wish = {k: v for k, v in answers.items() if k != "offer_wish"}
        context = context_for(without_wish)
        return None if context.standard is None else result_for(without_wish, context)

    return bool(shown(before) != shown(after))


@bp.get("/ansoeg/anden-kommune")
@access("public")
def other_municipality() -> str:
    return render_template("citizen/other_municipality.html")


@bp.route("/ansoeg/vejledning", methods=["GET", "POST"])
@access("citizen")
@db.transactional_on_post
def guidance() -> ResponseReturnValue:
    draft = drafts_in_session.current_stored()
    answers = drafts_in_session.load_answers(draft)
    if not journey.may_visit("guidance", answers):
        return redirect(step_url(journey.first_unanswered(answers).id), 303)
    form = PortalForm()
    if request.method == "POST" and form.validate():

        def seen(before: dict[str, Any]) -> dict[str, Any]:
            return {**before, "guidance": {"seen": True}}

        answers = drafts_in_session.save_answers(draft, answers, seen)
        return redirect(step_url(journey.next_step("guidance", answers).id), 303)
    context = context_for(answers)
    # The body from a cache of bodies made once per distinct guidance (portal.citizen.guidance_body).
    body = guidance_body(answers, context, language(), form)
    args = page_args("guidance", answers)
    status = 400 if request.method == "POST" else 200
    # Shown again after a changed answer (journey.revise), with a word why: rare, so in full.
    again = "guidance" not in answers and journey.answered_after("guidance", answers)
    page = None if again else framed_page(
        "citizen/guidance.html", PAGE_HEADING, context.voice, args, body
    )  # fmt: skip
    if page is None:
        page = render_template(
            "citizen/guidance.html", form=None, heading=PAGE_HEADING.say(context.voice),
            body=body, again=again, **args,
        )  # fmt: skip
    return page, status
