"""The bare Flask "hello" the load benchmark measures the portal against, under `portal serve`'s
own gunicorn settings (portal.serve.options: the same PORTAL_* variables, workers, threads,
keep-alive, max-requests), so the two differ only in the app.

    PORTAL_BIND=127.0.0.1:8001 .venv/bin/python bench/hello.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def bare_app() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app


def serve_as_portal(app: Flask) -> None:
    """Serve `app` under `portal serve`'s gunicorn settings (the same PORTAL_* variables)."""
    from gunicorn.app.base import BaseApplication

    from portal import serve

    settings = serve.options()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    Server().run()


def main() -> None:
    serve_as_portal(bare_app())


if __name__ == "__main__":
    main()
