"""Phone, counter and letter applications: a caseworker goes through the citizen's questions
on the citizen's behalf. The questions speak of the citizen in the third person; the
application enters the queue like any other, marked with its channel and registrar."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal import journey
from portal.db import drafts
from portal.db.models import Channel
from portal.staff.auth import audit, bp
from portal.staff.cases import staff
from portal.web import db
from portal.web.access import access
from portal.web.case_words import CHANNEL_NAMES
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l
from portal.web.questions import DRAFT_KEY
from portal.web.services import cipher


class RegisterForm(PortalForm):
    channel = RadioField(
        _l("Hvordan kom ansøgningen?"),
        choices=[
            SelectChoice(c.value, CHANNEL_NAMES[c])
            for c in (Channel.PHONE, Channel.COUNTER, Channel.LETTER)
        ],
        validators=[InputRequired(_l("Vælg, hvordan ansøgningen kom til kommunen."))],
    )


@bp.route("/ny-ansoegning", methods=["GET", "POST"])
@access("staff")
@db.transactional_on_post
def register() -> ResponseReturnValue:
    form = RegisterForm()
    if request.method == "POST" and form.validate():
        channel = Channel(form.channel.data)
        draft = drafts.create_draft(db.session(), cipher(), channel)
        answers = {
            "who": {"who": "other"},
            "municipality": {"municipality": staff().municipality_code},
            journey.REGISTRATION: {"channel": channel.value, "staff_id": staff().id},
        }
        drafts.write_answers(db.session(), cipher(), draft, answers)
        session[DRAFT_KEY] = draft.id
        audit("register_start", detail=channel.value)
        return redirect(url_for("citizen.begin"), 303)
    return render_template("staff/register.html", form=form if form.errors else None,
                           register_form=form, action_form=form)  # fmt: skip


@bp.record_once
def _channel_names(state) -> None:  # type: ignore[no-untyped-def]
    # The queue table is an imported macro, which sees Jinja globals, not the render context.
    state.app.jinja_env.globals["channel_names_global"] = CHANNEL_NAMES
