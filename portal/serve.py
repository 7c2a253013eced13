"""`portal serve`: the portal under gunicorn, configured from the environment.

One command for production, so the systemd unit, a container and a person at a terminal start
the portal the same way. The settings, each with its environment variable:

| variable | what it sets | default |
|---|---|---|
| `PORTAL_BIND` | where to listen: `host:port` or `unix:/path`, comma-separated for several | `127.0.0.1:8000` |
| `PORTAL_WORKERS` | worker processes | the number of CPU cores, at least 2 |
| `PORTAL_THREADS` | threads per worker (gthread); a thread waits on the database, not the CPU | `4` |
| `PORTAL_TIMEOUT` | seconds a worker may stay silent before it is killed and replaced | `60` |
| `PORTAL_GRACEFUL_TIMEOUT` | seconds running requests get to finish on stop or restart | `30` |
| `PORTAL_KEEPALIVE` | seconds an idle connection from the proxy stays open | `5` |
| `PORTAL_MAX_REQUESTS` | a worker is replaced after about this many requests (0: never) | `10000` |

The app is built once, in the master process, before the workers fork: a refused production
setting stops the start with its one-line reason instead of a crash loop of workers, and the
workers share the loaded code and standards. Each worker then drops the database connections
it inherited (`post_fork`), as SQLAlchemy asks of forked processes.

Logs: gunicorn's own messages go through the portal's JSON formatter (portal.web.logs), and
gunicorn's access log is off, because the portal writes one JSON line per request that names
the route rule (`/status/<token>`) instead of the path a visitor sent, which may carry a status
or resume token. The control socket is off: systemd (or the container runtime) manages the
process, and two portals on one host would otherwise share the default socket path.

Forking: the app is warmed in the master (every template compiled), and just before each fork
the master's objects are frozen out of the garbage collector (`gc.freeze`, as the Python docs
advise for pre-forking servers). Without that, each worker, and each replacement after
PORTAL_MAX_REQUESTS, compiles the templates again, and its first full collection walks the
preloaded heap (125,000 objects, 90-120 ms on a busy machine, every thread of the worker held)
and copies every page it touches: a question page's p99 under load fell from 390-1,350 ms to
125-340 ms with this (docs/benchmarks.md).

Metrics: with several workers, set PROMETHEUS_MULTIPROC_DIR to an empty folder (the systemd
unit uses its runtime directory, new at every start) so /metrics adds up every worker's numbers;
a worker that exits has its live numbers dropped (`child_exit`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from portal.web.db import database

DEFAULT_BIND = "127.0.0.1:8000"


class ServeConfigError(ValueError):
    """An environment variable for `portal serve` has a value it cannot use."""


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ServeConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ServeConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def log_config() -> dict[str, Any]:
    """gunicorn's loggers in the portal's JSON format; its access log silent (see above)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"json": {"class": "portal.web.logs.StderrHandler"}},
        "formatters": {},
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def options(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The gunicorn settings for this environment (`portal serve --print-config` shows them)."""
    environ = os.environ if environ is None else environ
    binds = [b.strip() for b in environ.get("PORTAL_BIND", DEFAULT_BIND).split(",") if b.strip()]
    # A safety net against a slow leak, not a routine: over 20,000 requests a worker grew
    # 1.5-3.2 % (docs/benchmarks.md), while at 1,000 a busy portal replaced a worker every few
    # seconds, and each replacement's start-up was the page that waited longest (p99).
    max_requests = _int(environ, "PORTAL_MAX_REQUESTS", 10000)
    return {
        "bind": binds or [DEFAULT_BIND],
        "workers": _int(environ, "PORTAL_WORKERS", max(2, os.cpu_count() or 1), minimum=1),
        "worker_class": "gthread",
        "threads": _int(environ, "PORTAL_THREADS", 4, minimum=1),
        "timeout": _int(environ, "PORTAL_TIMEOUT", 60, minimum=1),
        "graceful_timeout": _int(environ, "PORTAL_GRACEFUL_TIMEOUT", 30, minimum=1),
        "keepalive": _int(environ, "PORTAL_KEEPALIVE", 5),
        "max_requests": max_requests,
        # Spread the restarts, so the workers are not all replaced at the same moment.
        "max_requests_jitter": max_requests // 10,
        "preload_app": True,
        "proc_name": "portal",
        "accesslog": None,
        "logconfig_dict": log_config(),
        "control_socket_disable": True,
    }


def warm(app: Flask) -> int:
    """Compile every template once, in the master, so that no worker does it again (the
    compiled templates are shared with the workers, copy-on-write). Returns how many."""
    names = app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        app.jinja_env.get_template(name)
    return len(names)


def freeze_heap(_server: Any, _worker: Any) -> None:
    """gunicorn's pre_fork hook: what the master holds now (the app, its code, its compiled
    templates and standards) lives as long as the worker; a worker's collections need not
    walk it, and by not touching it they leave its pages shared with the master."""
    gc.collect()
    gc.freeze()


def run(app: Flask, settings: Mapping[str, Any]) -> None:
    """Serve `app` with gunicorn until it is stopped (SIGTERM, SIGINT)."""
    from gunicorn.app.base import BaseApplication

    from portal.web import metrics

    warm(app)

    def post_fork(_server: Any, _worker: Any) -> None:
        # The pool's connections belong to the master; a child must open its own.
        database(app).engine.dispose(close=False)

    def child_exit(_server: Any, worker: Any) -> None:
        metrics.mark_worker_dead(worker.pid)

    hooks = {"pre_fork": freeze_heap, "post_fork": post_fork, "child_exit": child_exit}

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {**settings, **hooks}.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Server().run()
