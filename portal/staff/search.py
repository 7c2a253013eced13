"""The caseworker's search: by reference or CPR number, within the own municipality."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue

from portal import casework, cpr
from portal.staff.auth import audit, bp, person_ref
from portal.staff.case_forms import SearchForm
from portal.staff.cases import queue_words, rows_for, staff
from portal.web import db
from portal.web.access import access
from portal.web.case_words import STATUS_TEXT
from portal.web.i18n import lazy_gettext as _l
from portal.web.services import cipher

CPR_RE = re.compile(r"^\d{6}[\s-]?\d{4}$")  # as written, with a dash, a space or neither
# A case number as people say it on the phone or copy it: "AS-2026-000123", "as 2026 123",
# "2026-123", or the number alone ("123", "000123"), which finds it in every year.
REFERENCE_RE = re.compile(r"^(?:AS[\s-]*)?(?:(\d{4})[\s-]+)?0*(\d{1,6})$")

SEARCH_KEY = "staff_search_hits"


@bp.post("/soeg")
@access("staff")
def search() -> ResponseReturnValue:
    """A POST, so a CPR number never stands in a URL, a log line or the browser history. The
    hits are then shown by a redirect to the GET below, so Back from a case found never asks
    to send the form again; only the hits' ids go in the session, never what was typed."""
    form = SearchForm()
    if not form.validate():
        return search_page(form, [])
    query = form.query.data or ""
    if CPR_RE.match(query):
        digits = cpr.compact(query)
        index = cipher().index(digits)
        where = casework.QueueFilter(cpr_index=index)
        masked = person_ref(index)
    elif reference := REFERENCE_RE.match(query.upper()):
        year, number = reference.group(1), int(reference.group(2))
        if year:
            where = casework.QueueFilter(reference=f"AS-{year}-{number:06d}")
        else:
            where = casework.QueueFilter(reference_number=number)
        masked = f"reference:{where.reference or number}"
    else:
        form.query.errors.append(
            _l("Skriv sagens nummer, fx AS-2026-000123 eller bare 123, eller et CPR-nummer.")
        )
        return search_page(form, [])
    found = casework.list_queue(db.session(), staff().municipality_code, staff().id, where)
    audit("search", detail=masked)
    session[SEARCH_KEY] = [application.id for application in found]
    return redirect(url_for("staff.search_results"), 303)


@bp.get("/soeg")
@access("staff")
def search_results() -> ResponseReturnValue:
    """The last search's hits, read again (and in the own municipality only); a list seen is
    logged like the inbox."""
    hits = session.get(SEARCH_KEY)
    if not isinstance(hits, list) or not all(type(i) is int for i in hits):
        return search_page(None, None)
    where = casework.QueueFilter(ids=tuple(hits))
    found = casework.list_queue(db.session(), staff().municipality_code, staff().id, where)
    audit("list")
    return search_page(None, rows_for(found))


def search_page(form: SearchForm | None, rows: list[Any] | None) -> str:
    """The search page: with a form's errors, with the hits (rows), or with neither (rows
    None: nothing searched in this session)."""
    return render_template("staff/search.html", form=form, search=form or SearchForm(),
                           rows=rows or [], shown=rows is not None and form is None,
                           status_text=STATUS_TEXT, **queue_words(rows or []))  # fmt: skip
