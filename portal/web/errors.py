"""Error pages in the design system and the user's language, never with a stack trace.

When no page can be drawn (a foreign Host leaves Flask without a URL adapter, so the layout's
links cannot be built; or drawing the page itself fails) the answer is the same text, plain.

When the database cannot answer (restarting, down, busy) the answer is 503 with Retry-After and
a page that says so, never the 500 page: for the final submit, that the application was not
sent and the answers are kept; for anything else, that the service is busy. Nothing is lost
by trying again (the submit is idempotent on its draft).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import (
    BadHost,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    SecurityError,
)

from portal.crypto import DecryptionError
from portal.web import db, logs
from portal.web.error_hook import ErrorHook
from portal.web.forms import PortalForm
from portal.web.i18n import gettext as _
from portal.web.i18n import lazy_gettext as _l

# What Flask leaves in request.routing_exception for an untrusted (SecurityError) or malformed
# (BadHost, e.g. a label longer than 63 characters) Host header.
HOST_ERRORS = (SecurityError, BadHost)
log = logging.getLogger("portal.errors")

MESSAGES = {
    400: (_l("Noget gik galt"), _l("Siden kunne ikke forstå det, der blev sendt. Prøv igen.")),
    403: (_l("Du har ikke adgang"), _l("Du har ikke adgang til denne side.")),
    404: (
        _l("Siden findes ikke"),
        _l(
            "Vi kan ikke finde siden. Måske er linket for gammelt. Eller også er der en fejl i adressen."
        ),
    ),
    405: (
        _l("Det kan du ikke her"),
        _l("Siden kan ikke bruges på den måde. Gå tilbage og prøv igen."),
    ),
    413: (
        _l("Der blev sendt for meget"),
        _l("Det, du sendte, var for stort. Skriv mindre, og prøv igen."),
    ),
    429: (_l("For mange forsøg"), _l("Du har prøvet mange gange. Vent lidt, og prøv så igen.")),
    500: (_l("Der er sket en fejl hos os"), _l("Det er ikke din skyld. Prøv igen om lidt.")),
}
UNAVAILABLE = (
    _l("Der er travlt lige nu"),
    _l("Vi kunne ikke gøre det, du bad om. Vent et øjeblik, og prøv igen."),
)
NOT_SENT = (
    _l("Ansøgningen er ikke sendt endnu"),
    _l(
        "Vi kunne ikke tage imod ansøgningen lige nu. Dine svar er gemt. "
        "Vent et øjeblik, og prøv at sende igen."
    ),
)
# Stored data that no key in PORTAL_DATA_KEYS decrypts: a key it was written with has been
# taken out (or the keys belong to another installation). Trying again will not help, so the
# page does not say so; the operator learns which from the log.
UNREADABLE = (
    _l("Der er sket en fejl hos os"),
    _l(
        "Det er ikke din skyld. Vi kan ikke læse de oplysninger, der er gemt. Prøv igen senere, "
        "eller kontakt kommunen."
    ),
)
STAFF_UNREADABLE = (
    _l("Oplysningerne kan ikke læses"),
    _l(
        "Portalen kan ikke læse de gemte oplysninger, fordi den mangler en nøgle. Giv driften "
        "besked, og oplys koden nedenfor."
    ),
)
# The final submit: the one page whose failure a citizen must not misread as "sent".
SUBMIT_ENDPOINT = "citizen.check"
RETRY_AFTER_SECONDS = 10
CSRF_MESSAGE = (
    _l("Siden er udløbet"),
    _l("Siden var åben for længe, så vi kunne ikke gemme. Gå tilbage, og prøv igen."),
)
# A caseworker meets this mostly after being logged out (the idle timeout, or "Log ud alle
# steder" in another window): say so, and that what was typed is gone.
STAFF_CSRF_MESSAGE = (
    _l("Siden er udløbet"),
    _l(
        "Du er måske blevet logget ud, fordi siden var åben for længe. Det, du skrev, er ikke "
        "gemt. Log ind igen, og prøv en gang til."
    ),
)


def plain_error(code: int) -> Response:
    """The error's text without the layout: for when no page can be drawn."""
    title, message = MESSAGES[code]
    return _plain(code, title, message)


def _plain(code: int, title: object, message: object) -> Response:
    lines = [str(title), str(message)]
    if g.get("request_id"):
        lines.append(
            _("Skal du kontakte os om fejlen, så oplys denne kode: %(id)s", id=g.request_id)
        )
    return Response("\n".join(lines) + "\n", status=code, mimetype="text/plain")


def error_page(code: int) -> Response:
    """The portal's own page for a status, for code that cannot abort (an after_request)."""
    return _render(code, *MESSAGES[code])


def _render(code: int, title: object, message: object) -> Response:
    if isinstance(request.routing_exception, HOST_ERRORS):
        return _plain(code, title, message)
    try:
        html = render_template(
            "errors/error.html",
            code=code,
            title=title,
            message=message,
            request_id=g.get("request_id", ""),
            **_layout(),
        )
    except Exception as err:  # an error page must not become a second error
        log.error("Error page %s could not be drawn", code, exc_info=err)
        return _plain(code, title, message)
    return Response(html, status=code, mimetype="text/html")


def unavailable(err: BaseException) -> Response:
    """503 for a database that cannot answer now; see the module's docstring."""
    reason = db.outage_reason(err)
    retry = db.ask_for_retry(err)
    log.warning(
        "Database unavailable: %s%s", reason, "; the read is run again" if retry else "",
        extra={"portal": {"exc_type": type(err).__name__, "route": logs.route()}},
    )  # fmt: skip
    if request.blueprint == "api":
        # The municipality's system reads JSON, as every other API answer (docs/api.md).
        response = jsonify({"error": "The database cannot answer right now; try again later."})
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
    submit = request.endpoint == SUBMIT_ENDPOINT and request.method == "POST"
    title, message = NOT_SENT if submit else UNAVAILABLE
    again = _retry_link(submit)
    if isinstance(request.routing_exception, HOST_ERRORS):
        response = _plain(503, title, message)
    else:
        try:
            html = render_template(
                "errors/unavailable.html", title=title, message=message, retry=again,
                request_id=g.get("request_id", ""), **_layout(),
            )  # fmt: skip
            response = Response(html, status=503, mimetype="text/html")
        except Exception as drawing:  # an error page must not become a second error
            log.error("The busy page could not be drawn", exc_info=drawing)
            response = _plain(503, title, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def staff_side() -> bool:
    """Whether the request was for a caseworker's page (a missing one included)."""
    if request.blueprint == "staff":
        return True
    prefix = current_app.blueprints["staff"].url_prefix or "/"
    return request.path == prefix or request.path.startswith(prefix.rstrip("/") + "/")


def _layout() -> dict[str, object]:
    """An error on the staff side keeps the staff header and menu, and leads back to the
    inbox; elsewhere, the citizen's layout and the front page."""
    if staff_side():
        # The staff header's logout form needs a CSRF token, as every staff page gives it.
        # formdata=None: the body of a request being refused (413, a broken multipart) is
        # never read here.
        form = PortalForm(formdata=None)
        return {"layout": "staff/_staff.html", "home": url_for("staff.queue"),
                "home_text": _("Gå til indbakken"), "action_form": form}  # fmt: skip
    return {"layout": "base.html", "home": url_for("citizen.start"),
            "home_text": _("Gå til forsiden")}  # fmt: skip


def _retry_link(submit: bool) -> str | None:
    """Where "Prøv igen" goes: the check page for the submit (its answers are kept), the same
    address for a page that was read; none after another POST, which has no page of its own."""
    if submit:
        return url_for(SUBMIT_ENDPOINT)
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    return None


def report_unhandled(exc: BaseException | None) -> None:
    """Log an unhandled exception by type and place (never its message, which may carry
    personal data: a CPR number in a failed query, an answer in a ValueError), and send the
    same facts to the error hook when one is configured."""
    kind = type(exc).__name__ if exc else "error"
    where = logs.where(exc) if exc else ""
    request_id = g.get("request_id", "-")
    log.error(
        "Unhandled %s (request %s) at %s",
        kind,
        request_id,
        where,
        extra={"portal": {"exc_type": kind, "exc_where": where, "route": logs.route()}},
    )
    hook: ErrorHook | None = current_app.extensions.get("portal.error_hook")
    if hook is not None:
        hook.report({
            "type": kind, "where": where, "request_id": request_id, "route": logs.route(),
            "method": logs.method(), "environment": current_app.config.get("PORTAL_ENV"),
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
        })  # fmt: skip


def init_app(app: Flask) -> None:
    if app.config.get("ERROR_WEBHOOK"):
        app.extensions["portal.error_hook"] = ErrorHook(app.config["ERROR_WEBHOOK"])

    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError) -> Response:
        return _render(400, *(STAFF_CSRF_MESSAGE if staff_side() else CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> object:
        code = e.code or 500
        if code not in MESSAGES:
            return e
        response = _render(code, *MESSAGES[code])
        if isinstance(e, MethodNotAllowed) and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    @app.errorhandler(sa_exc.DisconnectionError)
    def _database(e: Exception) -> Response:
        if db.is_unavailable(e):
            return unavailable(e)
        raise e  # a fault in the portal (a missing table, a broken constraint): the 500 path

    @app.errorhandler(DecryptionError)
    def _undecryptable(e: DecryptionError) -> Response:
        report_unhandled(e)
        log.error(
            "Stored data could not be decrypted with any key in PORTAL_DATA_KEYS (request %s): "
            "a key it was written with is missing. `portal rotate-keys --check` counts the rows.",
            g.get("request_id", "-"),
        )
        return _render(500, *(STAFF_UNREADABLE if staff_side() else UNREADABLE))

    @app.errorhandler(InternalServerError)
    def _server_error(e: InternalServerError) -> Response:
        # Also what an exception outside the view becomes (an after_request hook's).
        original = getattr(e, "original_exception", None)
        if original is not None and db.is_unavailable(original):
            return unavailable(original)
        report_unhandled(original)
        return _render(500, *MESSAGES[500])
