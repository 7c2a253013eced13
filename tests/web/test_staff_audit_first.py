"""Every staff read of an application is logged before the page leaves: when the audit row
cannot be written, the caseworker gets an error page instead of the case, unlogged."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from portal.staff import auth as staff_auth_views
from tests.web.journey import answer_until, submit
from tests.web.staff import staff_client


@pytest.mark.parametrize("away", [True, False], ids=["database-away", "other-fault"])
def test_a_case_is_not_shown_when_its_view_cannot_be_logged(
    app: Flask, monkeypatch: pytest.MonkeyPatch, away: bool
) -> None:
    citizen = app.test_client()
    answer_until(citizen)
    submit(citizen)
    staff = staff_client(app, "575", "audit@vejen.dk")
    queue = staff.get("/sagsbehandler/").get_data(as_text=True)
    case_path = queue.split('href="/sagsbehandler/sag/', 1)[1].split('"', 1)[0]

    def refuse(*_args: Any) -> None:
        if away:
            raise OperationalError("INSERT INTO audit_event", {}, Exception("connection lost"))
        raise RuntimeError("a fault of the portal's own")

    monkeypatch.setattr(staff_auth_views, "write_audit", refuse)
    response = staff.get(f"/sagsbehandler/sag/{case_path}")
    html = response.get_data(as_text=True)
    assert response.status_code in ((503,) if away else (500,))
    assert "Karen" not in html and "Vestergade" not in html
    monkeypatch.undo()
    shown = staff.get(f"/sagsbehandler/sag/{case_path}")
    assert shown.status_code == 200 and "Karen" in shown.get_data(as_text=True)
