"""The base of every form the portal declares."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from portal.web.i18n import WTFORMS_MESSAGES
from portal.web.signing import FormCSRF


class PortalForm(FlaskForm):
    """A FlaskForm whose WTForms messages follow the page's language, Danish included, and
    whose CSRF token is signed with kept keys (portal.web.signing)."""

    class Meta:
        csrf_class = FormCSRF

        def get_translations(self, form: Any) -> Any:
            return WTFORMS_MESSAGES
