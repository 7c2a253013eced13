"""The pages of a citizen login that did not go through, and the page after logout.

Each failure has its own plain words and the way on: try again, or apply without logging in
(which stays open to everyone). The status code says what kind of failure it was; the page
never shows the provider's own words, which are in English and may be anything.
"""

from __future__ import annotations

import enum

from flask import Response, make_response, render_template
from flask_babel.speaklater import LazyString  # type: ignore[import-untyped]

from portal.identity import RefusalReason
from portal.web.i18n import lazy_gettext as _l


class Problem(enum.Enum):
    CANCELLED = "cancelled"
    LOW_ASSURANCE = "low_assurance"
    NO_IDENTITY = "no_identity"
    BAD_PRIVILEGES = "bad_privileges"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"


# (heading, what happened and what to do, status code)
TEXTS: dict[Problem, tuple[LazyString, LazyString, int]] = {
    Problem.CANCELLED: (
        _l("Du er ikke logget ind"),
        _l("Du stoppede login med MitID. Du kan prøve igen. Du kan også søge uden at logge ind."),
        400,
    ),
    Problem.LOW_ASSURANCE: (
        _l("Dit login var ikke sikkert nok"),
        _l(
            "Du skal logge ind med MitID-appen, en kodeviser, en kodeoplæser eller en chip. "
            "Det er ikke nok kun at bruge din adgangskode."
        ),
        403,
    ),
    Problem.NO_IDENTITY: (
        _l("Vi fik ikke dit navn og CPR-nummer"),
        _l(
            "MitID sendte ikke dit navn og dit CPR-nummer til os. Prøv igen senere. "
            "Du kan også søge uden at logge ind."
        ),
        403,
    ),
    Problem.BAD_PRIVILEGES: (
        _l("Vi kunne ikke læse dine fuldmagter"),
        _l(
            "Vi kunne ikke se, hvem du må søge for. Prøv igen senere. "
            "Du kan også søge uden at logge ind."
        ),
        403,
    ),
    Problem.FAILED: (
        _l("Login virkede ikke"),
        _l("Vi kunne ikke logge dig ind. Det er ikke din skyld. Prøv igen om lidt."),
        400,
    ),
    Problem.UNAVAILABLE: (
        _l("Login virker ikke lige nu"),
        _l(
            "Vi kan ikke få kontakt til MitID lige nu. Prøv igen om lidt. "
            "Du kan også søge uden at logge ind."
        ),
        503,
    ),
}

REFUSALS = {
    RefusalReason.LOW_ASSURANCE: Problem.LOW_ASSURANCE,
    RefusalReason.NO_CPR: Problem.NO_IDENTITY,
    RefusalReason.INVALID_CPR: Problem.NO_IDENTITY,
    RefusalReason.NO_NAME: Problem.NO_IDENTITY,
    RefusalReason.BAD_PRIVILEGES: Problem.BAD_PRIVILEGES,
}

# The error codes of OpenID Connect and OAuth 2.0 (and Authlib's own for the state), logged
# by name; anything else the callback is sent is logged as "other", since it may be anything.
KNOWN_ERRORS = frozenset({
    "access_denied", "login_required", "interaction_required", "consent_required",
    "account_selection_required", "invalid_request", "unauthorized_client",
    "unsupported_response_type", "invalid_scope", "server_error", "temporarily_unavailable",
    "invalid_grant", "invalid_client", "unsupported_grant_type", "mismatching_state",
    "missing_token", "invalid_token",
})  # fmt: skip
RETRY_AFTER_SECONDS = 30


def refusal_problem(reason: RefusalReason) -> Problem:
    return REFUSALS[reason]


def problem_for_provider_error(error: object) -> tuple[Problem, str]:
    """The page and the log's reason for an OAuth error: the provider's in the callback or at
    its token endpoint, or Authlib's for a missing or replayed state."""
    name = error if isinstance(error, str) and error in KNOWN_ERRORS else "other"
    problem = Problem.CANCELLED if name == "access_denied" else Problem.FAILED
    if name == "temporarily_unavailable":
        problem = Problem.UNAVAILABLE
    return problem, f"provider error {name}"


def problem_page(problem: Problem) -> Response:
    heading, message, status = TEXTS[problem]
    response = make_response(
        render_template(
            "citizen/login_problem.html", heading=heading, message=message, problem=problem.value
        ),
        status,
    )
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def logged_out_page() -> str:
    return render_template("citizen/login_logged_out.html")
