"""What an admin sees of the hand-off: how their municipality's is set up, what is still to
be sent, and the messages that fail or were given up, each of which they can send again. A
receiver the portal switched off (it answered 410 Gone) can be switched on here.

Only kinds, topics, counts, times and the worker's last error are shown: an e-mail's address
and body stay encrypted and are never read for these pages. The dashboard's hand-off line and
the case page's case number come from Jinja globals defined here, so the dashboard and case
views stay as they are and pay for the queries only when their templates ask.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from portal import dashboard
from portal.db.models import ROW_ID_MAX, Application, OutboxKind, StaffRole, utcnow
from portal.handoff import admin_queries
from portal.outbox import queue
from portal.staff.auth import audit, bp
from portal.web import db
from portal.web.access import access
from portal.web.forms import PortalForm
from portal.web.i18n import lazy_gettext as _l
from portal.web.outbox import handoff, policy

KIND_NAMES = {
    OutboxKind.DELIVERY: _l("Overførsel til kommunens system"),
    OutboxKind.NOTICE: _l("Besked til kommunens postkasse"),
    OutboxKind.MAIL: _l("E-mail"),
}
# What each message is about, in plain words; an unknown topic is shown as its code.
TOPIC_NAMES = {
    "application.submitted": _l("Ny ansøgning"),
    "application.status_changed": _l("Ny status på en ansøgning"),
    "application.withdrawn": _l("Ansøgning trukket tilbage"),
    "notice.submitted": _l("Besked om en ny ansøgning"),
    "mail.receipt": _l("Kvittering til ansøgeren"),
    "mail.receipt_links": _l("Links til en ansøgning"),
    "mail.resume_link": _l("Link til at fortsætte en ansøgning"),
    "mail.status_awaiting_citizen": _l("Besked til ansøgeren om nyt i sagen"),
    "mail.status_granted": _l("Besked til ansøgeren om nyt i sagen"),
    "mail.status_refused": _l("Besked til ansøgeren om nyt i sagen"),
}
# The worker's errors are technical English for the operator's log (portal.outbox): the admin
# reads what each means, matched on how it begins, first match wins; the error itself stays
# on the page as a secondary detail to pass on to the IT department.
ERROR_WORDS = (
    ("No answer within", _l("Kommunens system svarede ikke i tide.")),
    ("TLS error", _l("Portalen kunne ikke lave en sikker forbindelse til kommunens system.")),
    ("Connection failed", _l("Portalen kunne ikke få forbindelse til kommunens system.")),
    ("The receiver answered 410", _l("Kommunens system svarede, at det ikke længere tager imod.")),
    ("The receiver answered", _l("Kommunens system svarede med en fejl.")),
    ("No mail server is configured", _l("Der er ikke sat en mailserver op til portalen.")),
    ("The mail server did not answer", _l("Mailserveren svarede ikke i tide.")),
    ("The mail server", _l("Mailserveren tog ikke imod e-mailen.")),
    ("No receiver is configured", _l("Der er ikke sat en modtager op for kommunen.")),
)
UNKNOWN_ERROR = _l("Portalen kunne ikke sende beskeden.")


def error_words(error: str) -> str:
    """What a stored send error means, in the page's language."""
    return str(next((words for start, words in ERROR_WORDS if error.startswith(start)),
                    UNKNOWN_ERROR))  # fmt: skip


NOTICES = {
    "sendt-igen": _l("Beskeden bliver sendt igen med det samme."),
    "modtager-til": _l("Modtageren er slået til igen. Det, der ventede, bliver sendt nu."),
}


class SendAgainForm(PortalForm):
    """The message's id travels in the form, not the URL: the button sits in its table row."""

    message = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=ROW_ID_MAX)])


def age_words(age: timedelta | None) -> str | None:
    """ "2 timer", "3 dage": how long the oldest message has waited, in the user's language."""
    return None if age is None else str(format_timedelta(age, threshold=1.5))


@bp.get("/admin/overfoersler")
@access("admin")
def handoff_list() -> ResponseReturnValue:
    code = g.staff.municipality_code
    now = utcnow()
    backlog = queue.backlog(db.session(), code, handoff().receiving)
    audit("handoff_view")
    return render_template(
        "staff/handoff.html",
        setup=admin_queries.describe_setup(handoff(), code),
        target=admin_queries.target_state(db.session(), code),
        backlog=backlog,
        # Each message counted once: the failing and the given-up have their own lines.
        waiting=backlog.undelivered - backlog.failing - backlog.dead,
        oldest_age=age_words(now - backlog.oldest if backlog.oldest else None),
        rows=admin_queries.troubled_rows(db.session(), code),
        kind_names=KIND_NAMES, topic_names=TOPIC_NAMES, error_words=error_words,
        notice=NOTICES.get(request.args.get("besked", "")),
        action_form=FlaskForm(), form=None,
    )  # fmt: skip


@bp.post("/admin/overfoersler/send-igen")
@access("admin")
@db.transactional
def handoff_send_again() -> ResponseReturnValue:
    form = SendAgainForm()
    if not form.validate():
        abort(400)
    message_id = int(form.message.data or 0)
    code = g.staff.municipality_code
    # Another municipality's message, or one that is not failing or dead: nothing changes.
    if not queue.send_again(db.session(), message_id, code, utcnow(), policy()):
        abort(404)
    audit("handoff_send_again", detail=f"message:{message_id}")
    return redirect(url_for("staff.handoff_list", besked="sendt-igen"), 303)


@bp.post("/admin/overfoersler/slaa-til")
@access("admin")
@db.transactional
def handoff_enable() -> ResponseReturnValue:
    queue.enable_target(db.session(), g.staff.municipality_code, utcnow())
    audit("handoff_enable_target")
    return redirect(url_for("staff.handoff_list", besked="modtager-til"), 303)


# -- for the dashboard and the case page -------------------------------------------------


def dashboard_handoff() -> dict[str, Any]:
    """The dashboard's hand-off line for the caseworker's own municipality."""
    status = dashboard.handoff_status(
        db.session(), g.staff.municipality_code, utcnow(), handoff().receiving
    )
    return {
        "status": status,
        "age": age_words(status.oldest_age),
        "admin": g.staff.role is StaffRole.ADMIN,
    }


def receiver_case_number(application: Application) -> str | None:
    """The municipality system's own case number for the application, once it gave one."""
    return application.case_number


@bp.record_once
def _globals(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals.update(
        handoff_status=dashboard_handoff, receiver_case_number=receiver_case_number
    )
