"""Pages every audience shares: health check, language switch, accessibility and privacy."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import NotFound

from portal.web import db
from portal.web.access import access
from portal.web.i18n import safe_next

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
@access("public")
def healthz() -> tuple[Response, int]:
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database did not answer")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/sprog/<code>")
@access("public")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        raise NotFound()
    session["lang"] = code
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.get("/tilgaengelighed")
@access("public")
def accessibility() -> str:
    return render_template("pages/accessibility.html")


@bp.get("/privatliv")
@access("public")
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.get("/favicon.ico")
@access("public")
def favicon() -> Response:
    return current_app.send_static_file("img/favicon.svg")
