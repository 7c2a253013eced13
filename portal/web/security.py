"""Security headers, a request id for correlation, and trusted hosts.

With TRUSTED_HOSTS set, a request for another Host (a load balancer probing by IP, a scanner)
gets a plain 400 before anything else runs: no page, since a page's links are built from the
Host. The machine endpoints (/livez, /readyz, /healthz, /metrics) answer for any Host: they
build no links, and load balancers and Prometheus call them by address.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, g, request
from flask.typing import ResponseReturnValue

from portal.web import logs
from portal.web.errors import HOST_ERRORS, plain_error

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


# Paths that answer whatever the Host: (endpoint, route rule for the logs).
MACHINE_PATHS = {
    "/livez": ("pages.livez", "/livez"),
    "/readyz": ("pages.readyz", "/readyz"),
    "/healthz": ("pages.readyz", "/healthz"),
    "/metrics": ("pages.metrics_page", "/metrics"),
}


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(app.config["TRUSTED_HOSTS"])
    # First of all before_request functions (CSRF's included), so that even a refused POST has
    # a request id, and a foreign Host is answered before anything tries to build a link.
    app.before_request_funcs.setdefault(None, []).insert(0, _first)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("HSTS"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages may show answers or personal data: never keep them in a shared cache.
            headers["Cache-Control"] = "no-store"
        headers["X-Request-ID"] = g.get("request_id", "")
        return response


def _first() -> ResponseReturnValue | None:
    logs.start_request()
    if not isinstance(request.routing_exception, HOST_ERRORS):
        if not _utf8(request.query_string):
            # Links, the language switch and the API all read the query as text; werkzeug's
            # full_path decodes it strictly, so bytes that are not UTF-8 would end as a 500.
            abort(400)
        if request.mimetype == "multipart/form-data" and request.files:
            # No form here takes a file. Flask-WTF would hand a file part to a text field
            # as a FileStorage, which the field's string handling cannot take. Only multipart
            # is parsed here: parsing another body would leave the API an empty one.
            abort(400)
        return None
    # An untrusted or malformed Host: Flask could not bind a URL adapter, so nothing matched.
    endpoint, rule = MACHINE_PATHS.get(request.path, (None, "-"))
    g.portal_route = rule
    if endpoint is None or request.method not in {"GET", "HEAD"}:
        return plain_error(400)
    g.portal_endpoint = endpoint
    view = current_app.view_functions[endpoint]
    return current_app.ensure_sync(view)()  # type: ignore[no-any-return]


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
