"""Fixtures shared by the web tests' modules (the app, client and database ones are in
tests/conftest.py)."""

from tests.web.url_map import samples

__all__ = ["samples"]
