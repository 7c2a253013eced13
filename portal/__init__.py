"""The § 104 portal: guidance and applications for aktivitets- og samværstilbud."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import config as settings
from portal.crypto import DataCipher
from portal.db.models import ROW_ID_MAX
from portal.extensions import babel, csrf
from portal.standards import load_all
from portal.web import (
    assets,
    citizen_login,
    errors,
    i18n,
    logs,
    metrics,
    outbox,
    security,
    signing,
)
from portal.web import db as web_db
from portal.web.text import answer_row, day, iso_when, printable, soft_hyphens, when


class PortalFlask(Flask):
    def log_exception(self, exc_info: Any) -> None:
        """Flask's own logging would write the exception's message, which may hold personal
        data; the 500 handler in portal.web.errors logs the type and location instead."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides what the environment says (tests use it)."""
    instance = settings.instance_path()
    app = PortalFlask(
        __name__,
        template_folder=str(settings.TEMPLATES),
        static_folder=str(settings.STATIC),
        instance_path=str(instance),
    )
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    settings.check_production(app.config)
    # The embedded database and development mail live in the instance folder
    # (PORTAL_INSTANCE_PATH, default ./instance, which git ignores), never beside the code.
    instance.mkdir(parents=True, exist_ok=True)
    # Loaded and validated once; a bad file stops start-up with its file, key and problem.
    app.extensions["portal.standards"] = load_all(app.config.get("STANDARDS_DIR"))
    app.extensions["portal.cipher"] = DataCipher(app.config["DATA_KEYS"], app.config["INDEX_KEY"])

    app.session_interface = signing.SessionInterface()
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(settings.TRANSLATIONS),
    )
    logs.init_app(app)
    csrf.init_app(app)
    web_db.init_app(app)
    outbox.init_app(app)
    security.init_app(app)
    metrics.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    assets.init_app(app)
    _register_proxy(app)
    _register_jinja(app)
    _register_blueprints(app)
    # MitID login, when configured; a wrong login setting stops start-up here (ConfigError).
    citizen_login.init_app(app)
    _register_cli(app)
    return app


def _register_proxy(app: Flask) -> None:
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )


def _register_jinja(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.auto_reload = app.debug
    app.jinja_env.filters.update(
        shy=soft_hyphens,
        when=when,
        iso_when=iso_when,
        day=day,
        printable=printable,
        answer_row=answer_row,
    )
    # A list of answers, as opposed to one text (lazy translated texts are not str).
    app.jinja_env.tests["many"] = lambda value: isinstance(value, list | tuple)
    # An option's checked attribute, or in a question page's skeleton the hole for it.
    from portal.citizen.step_pages import checked

    app.jinja_env.filters["checked"] = checked
    _register_components(app)


def _register_components(app: Flask) -> None:
    """Make every macro in templates/components/ a Jinja global, loaded once.

    An `{% from ... import %}` costs about 40 us per render in Jinja 3.1, because it
    rebuilds the imported module's globals; a page imports a handful. Loading them once
    keeps the per-request cost at zero and the page templates free of import lines.
    """
    env = app.jinja_env
    for name in sorted(env.list_templates(filter_func=_is_component)):
        # shared=True makes env.globals itself the module's namespace, so a macro finds
        # macros of files loaded after its own (a plain .module would copy the globals).
        module = env.get_template(name).make_module(vars=env.globals, shared=True)
        for attr in dir(module):
            if not attr.startswith("_"):
                env.globals[attr] = getattr(module, attr)


def _is_component(name: str) -> bool:
    return name.startswith("components/") and name.endswith(".html")


class RowId(IntegerConverter):
    """`<int:…>` in every route: a row id, so at most a 32-bit SQL INTEGER. A larger number
    matches no route (404), instead of reaching PostgreSQL and overflowing there (500)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = RowId
    from portal.api import bp as api_bp
    from portal.citizen import bp as citizen_bp
    from portal.staff import bp as staff_bp
    from portal.web.pages import bp as pages_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(citizen_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)


def _register_cli(app: Flask) -> None:
    from portal.cli import register

    register(app)
