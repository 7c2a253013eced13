"""An empty database of its own for a migration test, which migrates down and up and must
never do that to the shared test database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

from tests.conftest import backend_url


def fresh_engine(backend: str, tmp_path: Path, suffix: str) -> Engine:
    """SQLite: a file in tmp_path. PostgreSQL: a database named after the test database
    plus `suffix`, dropped and made anew."""
    url = backend_url(backend, str(tmp_path))
    if backend == "postgresql":
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        parsed = make_url(url)
        name = f"{parsed.database}_{suffix}"
        url = parsed.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return create_engine(url)
