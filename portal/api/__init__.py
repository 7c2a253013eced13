"""The pull API (/api/v1): for a municipality whose systems cannot receive the webhook push,
its undelivered events, their documents and PDFs, and an acknowledgement. See docs/api.md."""

from portal.api.routes import bp

__all__ = ["bp"]
