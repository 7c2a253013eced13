"""`portal serve` forks warm workers: every template compiled in the master, and the master's
heap frozen out of the garbage collector before each fork (portal.serve.warm, freeze_heap)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from portal import create_app, serve


@pytest.fixture
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def test_warm_compiles_every_page_template_once() -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    count = serve.warm(app)
    names = [n for n in app.jinja_env.list_templates() if n.endswith(".html")]
    assert count == len(names) > 20
    cache = app.jinja_env.cache
    assert cache is not None
    compiled = {key[1] for key in cache.keys()}  # noqa: SIM118 (jinja2.utils.LRUCache)
    assert set(names) <= compiled


def test_the_pre_fork_hook_freezes_what_the_master_holds(unfrozen: None) -> None:
    held = [[n] for n in range(100)]  # lists: objects the collector tracks
    serve.freeze_heap(None, None)
    assert gc.get_freeze_count() >= len(held)
    # A worker's collections then walk only what it made itself: the frozen are not tracked.
    assert not any(tracked is held for tracked in gc.get_objects())
