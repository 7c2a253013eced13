"""Who may use a route. Every view declares it with `access()`, which also enforces it; a test
fails on a view that declares nothing, so a new staff page can never be public by omission,
and another proves from the URL map that every staff and admin route refuses whom it should.

  public   anyone
  citizen  anyone: the page works on this browser's own draft (without one, the view sends
           the visitor to the start); there is no account to check
  staff    a logged-in caseworker or admin; anyone else is sent to the staff login
  admin    a logged-in admin; anyone else is sent to the login, a caseworker gets 403
  api      a municipality's system with its bearer token (portal.api)

The checks belong to the blueprint that knows the session or the token: it hands them in
with `guard()` when it is imported, so this module imports neither blueprint. A guarded
audience whose check was never handed in refuses every request (500), never lets one through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from flask.typing import ResponseReturnValue

F = TypeVar("F", bound=Callable[..., Any])
Audience = Literal["public", "citizen", "staff", "admin", "api"]
# A check runs before the view: it answers a refusal (a redirect, or raises 403), or None.
Check = Callable[[], ResponseReturnValue | None]
GUARDED: frozenset[Audience] = frozenset({"staff", "admin", "api"})
_checks: dict[Audience, Check] = {}


class MissingGuard(RuntimeError):
    """A route declares an audience whose check no blueprint has handed in."""


def guard(audience: Audience) -> Callable[[Check], Check]:
    """Hand in the check for an audience (a decorator on the check)."""

    def register(check: Check) -> Check:
        _checks[audience] = check
        return check

    return register


def access(audience: Audience) -> Callable[[F], F]:
    """Declare who may use the view, and refuse everyone else before it runs."""

    def declare(view: F) -> F:
        if audience not in GUARDED:
            view.portal_access = audience  # type: ignore[attr-defined]
            return view

        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            check = _checks.get(audience)
            if check is None:
                raise MissingGuard(audience)
            refusal = check()
            return refusal if refusal is not None else view(*args, **kwargs)

        checked.portal_access = audience  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return declare
