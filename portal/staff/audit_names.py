"""Every audit action the portal writes, in words a colleague or the citizen (GDPR art. 15)
can read: the case page's "who has seen it" and the admin's access-request export name each
row with these. tests/web/test_audit_names.py reads the code for every action it can write
and fails on one without a name here.

The actions are fixed names, never built from an address or a form value.
"""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from portal.staff.auth import bp
from portal.web.i18n import lazy_gettext as _l

AUDIT_ACTIONS: dict[str, LazyString] = {
    # On one case: these make up its "who has seen it".
    "view": _l("Så sagen"),
    "reveal_cpr": _l("Så hele CPR-nummeret"),
    "claim": _l("Tog sagen"),
    "claim_refused": _l("Forsøgte at tage sagen"),
    "release": _l("Slap sagen"),
    "request_information": _l("Bad om flere oplysninger"),
    "decide": _l("Traf afgørelse"),
    "decision_letter": _l("Hentede afgørelsesbrevet"),
    "decision_letter_preview": _l("Læste afgørelsesbrevet"),
    "decision_draft": _l("Læste brevet til en afgørelse, før den blev gemt"),
    "reopen": _l("Genåbnede sagen"),
    "release_deactivated": _l(
        "Satte sagen tilbage i indbakken, da sagsbehandleren blev deaktiveret"
    ),
    "note": _l("Skrev en intern note"),
    "export_json": _l("Hentede sagen som JSON"),
    "export_pdf": _l("Hentede sagen som PDF"),
    # The municipality's own system, through the pull API (no caseworker).
    "api_list": _l("Kommunens system hentede listen over nye hændelser"),
    "api_event": _l("Kommunens system hentede en hændelse i sagen"),
    "api_pdf": _l("Kommunens system hentede sagen som PDF"),
    "api_ack": _l("Kommunens system bekræftede, at det har fået en hændelse"),
    "api_other": _l("Kommunens system kaldte portalen"),
    # The caseworker's own pages, not one case.
    "list": _l("Så listen over ansøgninger"),
    "search": _l("Søgte efter en ansøgning"),
    "dashboard": _l("Så overblikket"),
    "register_start": _l("Begyndte at registrere en ansøgning for en borger"),
    # An admin's pages.
    "staff_list": _l("Så listen over medarbejdere"),
    "staff_create": _l("Oprettede en medarbejder"),
    "staff_deactivate": _l("Deaktiverede en medarbejder"),
    "staff_reactivate": _l("Aktiverede en medarbejder igen"),
    "staff_reset_password": _l("Lavede en ny adgangskode til en medarbejder"),
    "staff_unlock": _l("Låste en medarbejder op"),
    "staff_reset_authenticator": _l("Nulstillede en medarbejders godkendelses-app"),
    "staff_change_password": _l("Skiftede sin egen adgangskode"),
    "gdpr_export": _l("Hentede alt, hvad der er sket i en borgers sager (indsigt)"),
    "handoff_view": _l("Så overførslerne til kommunens system"),
    "handoff_send_again": _l("Sendte en besked igen"),
    "handoff_enable_target": _l("Slog modtageren til igen"),
    # The operator at the server (`portal reset-password`, `portal reset-authenticator`).
    "operator_create_staff": _l("Driften oprettede en medarbejder"),
    "operator_reset_password": _l("Driften lavede en ny adgangskode til en medarbejder"),
    "operator_reset_authenticator": _l("Driften nulstillede en medarbejders godkendelses-app"),
    # `portal purge` (no staff member): counts only.
    "purge": _l("Slettede data, som ikke længere skal gemmes"),
}


@bp.record_once
def _audit_names(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["audit_actions"] = AUDIT_ACTIONS
