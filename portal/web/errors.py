"""Error pages in the design system and the user's language, never with a stack trace."""

from __future__ import annotations

import traceback

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from portal.web.i18n import lazy_gettext as _l

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
CSRF_MESSAGE = (
    _l("Siden er udløbet"),
    _l("Siden var åben for længe, så vi kunne ikke gemme. Gå tilbage, og prøv igen."),
)


def _render(code: int, title: object, message: object) -> tuple[str, int]:
    html = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=message,
        request_id=g.get("request_id", ""),
    )
    return html, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_e: CSRFError) -> tuple[str, int]:
        return _render(400, *CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException) -> object:
        code = e.code or 500
        if code not in MESSAGES:
            return e
        html, status = _render(code, *MESSAGES[code])
        response = app.make_response((html, status))
        if isinstance(e, MethodNotAllowed) and e.valid_methods:
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def _server_error(e: InternalServerError) -> tuple[str, int]:
        original = getattr(e, "original_exception", None)
        # Log the type and where it happened, never the message: exception texts may carry
        # personal data (a CPR number in a failed query, an answer in a ValueError).
        frames = traceback.extract_tb(original.__traceback__) if original else []
        where = " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))
        app.logger.error(
            "Unhandled %s (request %s) at %s",
            type(original).__name__ if original else "error",
            g.get("request_id", "-"),
            where,
        )
        return _render(500, *MESSAGES[500])
