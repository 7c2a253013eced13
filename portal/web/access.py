"""Who may use a route. Every view declares it, and a test fails on a view that does not,
so a new staff page can never be public by omission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
# "api": the pull API, for a municipality's system with its bearer token (portal.api).
Audience = Literal["public", "citizen", "staff", "admin", "api"]


def access(audience: Audience) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.portal_access = audience  # type: ignore[attr-defined]
        return view

    return mark
