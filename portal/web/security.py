"""Security headers, a request id for correlation, and trusted hosts."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, Response, g, request

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


class RequestIdFilter(logging.Filter):
    """Adds the request id to log records so a citizen's error page can be traced."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:
            record.request_id = "-"
        return True


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(app.config["TRUSTED_HOSTS"])
    app.logger.addFilter(RequestIdFilter())

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = secrets.token_hex(8)

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
