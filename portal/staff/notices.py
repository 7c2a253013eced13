"""A one-time word on the page a staff member lands on after logging out, after setting up
the authenticator app, or after choosing their own password at the first login: without it
they came to a page that did not say the step had worked.

The session holds only which notice is due, never who or what, and the address only the
anchor #bekraeftelse, which moves the focus to the notice without JavaScript (_staff.html).
The page shows it once: it is taken from the session as the page is made.
"""

from __future__ import annotations

from flask import session
from flask_babel.speaklater import LazyString

from portal.web.i18n import lazy_gettext as _l

KEY = "staff_notice"
ANCHOR = "bekraeftelse"

LOGGED_OUT = "logget-ud"
LOGGED_OUT_EVERYWHERE = "logget-ud-alle-steder"
APP_SET_UP = "app-sat-op"
NEW_PASSWORD = "ny-adgangskode"  # noqa: S105 (a notice's name, not a password)

NOTICES: dict[str, tuple[LazyString, LazyString]] = {
    LOGGED_OUT: (_l("Du er logget ud"), _l("Du kan logge ind igen herunder.")),
    LOGGED_OUT_EVERYWHERE: (
        _l("Du er logget ud alle steder"),
        _l("Du er logget ud på alle computere og telefoner, hvor du var logget ind."),
    ),
    APP_SET_UP: (
        _l("Godkendelses-appen er sat op"),
        _l("Næste gang du logger ind, skal du skrive koden fra appen."),
    ),
    NEW_PASSWORD: (
        _l("Din nye adgangskode er gemt"),
        _l("Du er logget ind. Brug den nye adgangskode, næste gang du logger ind."),
    ),
}


def leave(notice: str) -> None:
    """Have the next page say `notice` (one of NOTICES)."""
    session[KEY] = notice


def take() -> tuple[LazyString, LazyString] | None:
    """The notice due on this page, if any, as its heading and text; shown once."""
    if KEY not in session:  # reading only: a page without a notice leaves the cookie be
        return None
    return NOTICES.get(str(session.pop(KEY)))
