"""Settings from the environment.

Development and tests get safe defaults so that `make run` works on a fresh clone; production
refuses to start when a secret is missing or weak, because a portal holding CPR numbers must
never run on a default key.
"""

from __future__ import annotations

import base64
import binascii
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_root() -> Path:
    """The folder holding templates/, static/ and translations/.

    A checkout (and an editable install) keeps them at the top level, beside portal/; a wheel
    carries them inside the package, where the build (setup.py) copies them. Looking for the
    package's own copy first means an installed portal never reads from the working directory.
    """
    if (PACKAGE_DIR / "templates").is_dir():
        return PACKAGE_DIR
    return PACKAGE_DIR.parent


ROOT = _resource_root()
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
TRANSLATIONS = ROOT / "translations"

# Fixed, public keys for development and tests only; production rejects them by value.
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0000000000"  # noqa: S105
DEV_DATA_KEY = base64.urlsafe_b64encode(b"dev-only-data-key-not-for-prod!!").decode()
DEV_INDEX_KEY = "dev-only-index-key-not-for-production-use-000000"
MIN_SECRET_LENGTH = 32
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(RuntimeError):
    """A setting that makes the portal unsafe or unable to start; the message is one line."""


@dataclass(frozen=True)
class Environment:
    name: str

    @property
    def is_production(self) -> bool:
        return self.name == "production"


def _env_bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def instance_path(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    """Where the embedded database and development mail live: PORTAL_INSTANCE_PATH, else
    ./instance in the working directory; absolute, and never inside the installed package."""
    environ = os.environ if environ is None else environ
    path = Path(environ.get("PORTAL_INSTANCE_PATH") or "instance").expanduser().resolve()
    code = {
        PACKAGE_DIR,
        *(Path(sysconfig.get_path(key)).resolve() for key in ("purelib", "platlib")),
    }
    if any(path.is_relative_to(folder) for folder in code):
        raise ConfigError(
            f"Refusing to start: the instance folder {path} is inside the installed code; "
            f"set PORTAL_INSTANCE_PATH to a folder of its own (e.g. /var/lib/portal/instance)."
        )
    return path


def _default_database_url(env: Environment, instance: Path) -> str:
    if env.name == "test":
        return "sqlite://"
    return f"sqlite:///{instance / 'portal.sqlite3'}"


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    environ = os.environ if environ is None else environ
    env = Environment(environ.get("PORTAL_ENV", "development").strip().lower())
    prod = env.is_production
    config: dict[str, Any] = {
        "PORTAL_ENV": env.name,
        "DEBUG": _env_bool(environ.get("FLASK_DEBUG")),
        "TESTING": env.name == "test",
        "SECRET_KEY": environ.get("SECRET_KEY") or ("" if prod else DEV_SECRET_KEY),
        "DATA_KEYS": environ.get("PORTAL_DATA_KEYS") or ("" if prod else DEV_DATA_KEY),
        "INDEX_KEY": environ.get("PORTAL_INDEX_KEY") or ("" if prod else DEV_INDEX_KEY),
        "SQLALCHEMY_DATABASE_URI": environ.get("DATABASE_URL")
        or _default_database_url(env, instance_path(environ)),
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": prod,
        "PREFERRED_URL_SCHEME": "https" if prod else "http",
        # Forms carry at most a few thousand characters of free text; 1 MB is generous.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        # No time limit on the token: the citizen's forms have no time limit at all (WCAG
        # 2.2.1), and the token still dies with the browser session.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": prod,
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
        "LANGUAGES": ("da", "en"),
        "TRUSTED_HOSTS": _split(environ.get("TRUSTED_HOSTS")) or None,
        "PROXY_HOPS": int(environ.get("PROXY_HOPS", "1" if prod else "0")),
        "HSTS": prod,
        # Staff must use a second factor in production; development may enrol voluntarily.
        "STAFF_TOTP_REQUIRED": prod or _env_bool(environ.get("STAFF_TOTP_REQUIRED")),
        "CONTACT_EMAIL": environ.get("CONTACT_EMAIL", "").strip() or None,
        "MAIL_SERVER": environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": environ.get("MAIL_USE_TLS", "true").lower() != "false",
        "MAIL_SENDER": environ.get("MAIL_SENDER", "no-reply@localhost"),
        # Mails a visitor can make the portal send (portal.mail_throttle): per draft or
        # application, and per address, each per 24 hours.
        "MAIL_LIMIT_PER_CASE": int(environ.get("MAIL_LIMIT_PER_CASE", "3")),
        "MAIL_LIMIT_PER_ADDRESS": int(environ.get("MAIL_LIMIT_PER_ADDRESS", "5")),
        # The address the portal is reached at from outside, for links made without a
        # request (the worker's link to an application's PDF); required in production when
        # a municipality takes events (portal.web.outbox).
        "PUBLIC_URL": (
            environ.get("PORTAL_PUBLIC_URL", "").strip().rstrip("/")
            or (None if prod else "http://127.0.0.1:5000")
        ),
        # The outbox (portal.outbox.queue.Policy): retries from 1 minute doubling to 6 hours,
        # a message is dead after 3 days of failures, a worker's lease lasts 5 minutes.
        "OUTBOX_FIRST_RETRY_SECONDS": _env_float(environ, "PORTAL_OUTBOX_FIRST_RETRY_SECONDS", 60),
        "OUTBOX_LONGEST_RETRY_SECONDS": _env_float(
            environ, "PORTAL_OUTBOX_LONGEST_RETRY_SECONDS", 6 * 3600
        ),
        "OUTBOX_GIVE_UP_SECONDS": _env_float(environ, "PORTAL_OUTBOX_GIVE_UP_SECONDS", 3 * 86400),
        "OUTBOX_LEASE_SECONDS": _env_float(environ, "PORTAL_OUTBOX_LEASE_SECONDS", 300),
        # How long a receiver may take to answer a push before the attempt counts as failed.
        "OUTBOX_SEND_TIMEOUT_SECONDS": _env_float(
            environ, "PORTAL_OUTBOX_SEND_TIMEOUT_SECONDS", 30
        ),
        # Retention (portal.retention, README "Retention"), in days: an application after its
        # municipality's system got the decision or withdrawal; an audit row; a dead e-mail or
        # notice; a staff session after it ended. `portal purge` deletes what is older.
        "RETENTION_APPLICATION_DAYS": _env_days(environ, "PORTAL_RETENTION_APPLICATION_DAYS", 90),
        "RETENTION_AUDIT_DAYS": _env_days(environ, "PORTAL_RETENTION_AUDIT_DAYS", 365),
        "RETENTION_DEAD_MESSAGE_DAYS": _env_days(environ, "PORTAL_RETENTION_DEAD_MESSAGE_DAYS", 30),
        "RETENTION_STAFF_SESSION_DAYS": _env_days(
            environ, "PORTAL_RETENTION_STAFF_SESSION_DAYS", 30
        ),
        # Observability: /metrics needs this bearer token (404 when unset); an optional
        # address that gets a scrubbed report of each unhandled error; the log level.
        "METRICS_TOKEN": environ.get("PORTAL_METRICS_TOKEN", "").strip() or None,
        "ERROR_WEBHOOK": environ.get("PORTAL_ERROR_WEBHOOK", "").strip() or None,
        "LOG_LEVEL": environ.get("PORTAL_LOG_LEVEL", "INFO").strip().upper() or "INFO",
    }
    return config


def _env_float(environ: Any, name: str, default: float) -> float:
    raw = str(environ.get(name, "")).strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"Refusing to start: {name} must be a number of seconds.") from None
    if value < 0:
        raise ConfigError(f"Refusing to start: {name} must not be negative.")
    return value


# A hundred years: longer is a typo, and would overflow a date.
MAX_RETENTION_DAYS = 36_500


def _env_days(environ: Any, name: str, default: int) -> int:
    raw = str(environ.get(name, "")).strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_RETENTION_DAYS:
        raise ConfigError(
            f"Refusing to start: {name} must be a whole number of days from 1 to "
            f"{MAX_RETENTION_DAYS}."
        )
    return int(raw)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def check_production(config: dict[str, Any]) -> None:
    """Raise ConfigError (one line) when production settings are unsafe."""
    if config.get("PORTAL_ENV") != "production":
        return
    if config.get("DEBUG"):
        raise ConfigError("Refusing to start: DEBUG is on in production (unset FLASK_DEBUG).")
    secret = str(config.get("SECRET_KEY") or "")
    if len(secret) < MIN_SECRET_LENGTH or secret == DEV_SECRET_KEY:
        raise ConfigError(
            f"Refusing to start: SECRET_KEY is missing or weak "
            f"(at least {MIN_SECRET_LENGTH} random characters are needed)."
        )
    keys = _split(str(config.get("DATA_KEYS") or ""))
    if not keys or DEV_DATA_KEY in keys or not all(_is_fernet_key(k) for k in keys):
        raise ConfigError(
            "Refusing to start: PORTAL_DATA_KEYS is missing or weak (give one or more "
            "Fernet keys, comma-separated; make one with `portal new-data-key`)."
        )
    index_key = str(config.get("INDEX_KEY") or "")
    if len(index_key) < MIN_SECRET_LENGTH or index_key == DEV_INDEX_KEY:
        raise ConfigError(
            f"Refusing to start: PORTAL_INDEX_KEY is missing or weak (at least "
            f"{MIN_SECRET_LENGTH} random characters; it keys the CPR search index and must "
            f"never change)."
        )
    _check_production_hosts_and_observability(config)


def _check_production_hosts_and_observability(config: dict[str, Any]) -> None:
    if not config.get("TRUSTED_HOSTS"):
        raise ConfigError(
            "Refusing to start: TRUSTED_HOSTS is not set (list the host names the portal "
            "answers to; links in e-mails are built from the Host header)."
        )
    token = str(config.get("METRICS_TOKEN") or "")
    if token and len(token) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"Refusing to start: PORTAL_METRICS_TOKEN is too short (at least "
            f"{MIN_SECRET_LENGTH} random characters, or unset it to turn /metrics off)."
        )
    webhook = urlsplit(str(config.get("ERROR_WEBHOOK") or ""))
    if webhook.geturl() and not (
        webhook.scheme == "https" or (webhook.scheme == "http" and webhook.hostname in LOOPBACK)
    ):
        raise ConfigError(
            "Refusing to start: PORTAL_ERROR_WEBHOOK must be an https address (or http on "
            "127.0.0.1), so error reports never cross a network in clear."
        )


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False
