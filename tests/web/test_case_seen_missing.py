"""The case page's stale-page check (2026-12-06 walk): a post with no `seen` field at all
went through unchecked. A browser always sends the page's count of status changes, so a post
without one is an outdated page or a hand-made post, and is refused like a stale page."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web.helpers import set_language
from tests.web.test_case_actions_probe import (
    REFUSAL,
    UNSEEN,
    case_page,
    decided,
    form_of,
    status_of,
    taken,
)

UNSEEN_EN = "We cannot tell whether the case has changed since you opened the page"
FORMS = [
    ("oplysninger", {"message": "Send lægeerklæringen."}, taken),
    ("afgoerelse", REFUSAL, taken),
    ("genaabn", {"reason": "Ny lægeerklæring."}, decided),
]


@pytest.mark.parametrize(("action", "data", "case"), FORMS, ids=[f[0] for f in FORMS])
def test_a_post_without_the_pages_count_is_refused_and_changes_nothing(
    app: Flask, action: str, data: dict[str, str], case: object
) -> None:
    _citizen, _link, staff, application_id = case(app)  # type: ignore[operator]
    before = status_of(app, application_id)
    fields = form_of(case_page(staff, app, application_id).html, action)
    assert "seen" in fields  # the page sends it: leaving it out is what this test is about
    del fields["seen"]
    response = staff.post(f"/sagsbehandler/sag/{application_id}/{action}", data={**fields, **data})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert UNSEEN in html and "Det kunne ikke gøres" in html
    assert status_of(app, application_id) == before
    # The page shown again carries the count, so sending it from there goes through.
    again = form_of(html, action)
    assert again["seen"] == str(before[1])
    saved = staff.post(f"/sagsbehandler/sag/{application_id}/{action}", data={**again, **data})
    assert saved.status_code == 303


def test_the_refusal_is_in_english_for_a_caseworker_reading_english(app: Flask) -> None:
    _citizen, _link, staff, application_id = taken(app)
    set_language(staff, "en")
    fields = form_of(case_page(staff, app, application_id).html, "afgoerelse")
    del fields["seen"]
    response = staff.post(
        f"/sagsbehandler/sag/{application_id}/afgoerelse", data={**fields, **REFUSAL}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert UNSEEN_EN in html and UNSEEN not in html
