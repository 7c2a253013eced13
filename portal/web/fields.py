"""WTForms fields the design system needs that WTForms does not have."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import Field, SelectMultipleField
from wtforms.validators import Optional, ValidationError

from portal.web.i18n import lazy_gettext as _l


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes; an unknown value sent by a tampered form is refused by
    SelectMultipleField's own choice check."""


def optional_choice() -> Optional:
    """Optional for a choice (radio buttons, a list): only "nothing sent" is no answer. The
    plain Optional() also takes whitespace for no answer and then throws away the field's
    own "not one of the choices" error, so " " slipped through as an answer."""
    return Optional(strip_whitespace=False)


class DatePartsField(Field):
    """Three boxes (day, month, year) as the design system's date input has.

    The raw strings are kept so a wrong date comes back exactly as the user typed it.
    """

    data: date | None

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.day = self.month = self.year = ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # The value list is unused: the three parts have names of their own.
        pass

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is not None and any(
            f"{self.name}-{part}" in formdata for part in ("day", "month", "year")
        ):
            self.day = (formdata.get(f"{self.name}-day") or "").strip()[:10]
            self.month = (formdata.get(f"{self.name}-month") or "").strip()[:10]
            self.year = (formdata.get(f"{self.name}-year") or "").strip()[:10]
            self.data = None
            # InputRequired looks at raw_data: it holds what was typed, if anything.
            typed = " ".join(p for p in (self.day, self.month, self.year) if p)
            self.raw_data = [typed] if typed else []
        elif isinstance(self.data, date):
            self.day, self.month, self.year = (
                str(self.data.day),
                str(self.data.month),
                str(self.data.year),
            )

    def pre_validate(self, form: Any) -> None:
        self.data = None
        parts = (self.day, self.month, self.year)
        if not any(parts):
            return
        # isdigit() alone lets "²" through, which int() refuses.
        if not all(p.isascii() and p.isdigit() for p in parts):
            raise ValidationError(_l("Skriv datoen med tal, for eksempel 27 3 1985."))
        if len(self.year) != 4:
            raise ValidationError(_l("Skriv året med fire tal, for eksempel 1985."))
        try:
            self.data = date(int(self.year), int(self.month), int(self.day))
        except (ValueError, OverflowError) as err:  # a 10-digit day overflows a C int
            raise ValidationError(_l("Datoen findes ikke. Tjek dag, måned og år.")) from err
