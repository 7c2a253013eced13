"""Pages every audience shares: health and metrics for the machines, language switch,
accessibility and privacy."""

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
from werkzeug.exceptions import HTTPException, NotFound

from portal.web import db, metrics
from portal.web.access import access
from portal.web.i18n import safe_next

bp = Blueprint("pages", __name__)


@bp.get("/livez")
@access("public")
def livez() -> Response:
    """The process is alive and answers; no database. For a load balancer or systemd: restart
    the process when this fails, and take it out of rotation when /readyz fails."""
    return jsonify(status="ok")


@bp.get("/readyz")
@bp.get("/healthz")  # the older name, kept for existing checks
@access("public")
def readyz() -> tuple[Response, int]:
    """Ready for visitors: the database answers. 503 otherwise."""
    try:
        db.session().execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        # The type only: a driver's message may name hosts, users or a query.
        current_app.logger.error("Readiness: the database did not answer (%s)", type(err).__name__)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/metrics")
@access("public")  # not public in effect: a bearer token, or 404 (see portal.web.metrics)
def metrics_page() -> Response:
    token = current_app.config.get("METRICS_TOKEN")
    if not metrics.authorised(request.headers.get("Authorization"), token):
        raise NotFound()
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type)


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
    return render_template(
        "pages/privacy.html", retention_days=current_app.config["RETENTION_APPLICATION_DAYS"]
    )


@bp.get("/favicon.ico")
@access("public")
def favicon() -> Response:
    return current_app.send_static_file("img/favicon.svg")


@bp.app_template_global()
def page_url_after_form() -> str | None:
    """Where the history entry of a page that answers a form should point (base.html,
    static/js/init.js): its own address, when a plain visit there shows the page too (a
    question with errors, the search, the login). None for a GET, and for a form's address
    that only takes forms; such a page may name its page itself (form_answer_url)."""
    if request.method != "POST":
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
    except HTTPException:
        return None
    query = request.query_string.decode("ascii", "replace")
    return f"{request.path}?{query}" if query else request.path
