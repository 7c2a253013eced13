"""The municipality's notice of a new application is in Danish, whatever language the citizen
applied in: its staff read Danish. The request has by then translated its own pages in the
citizen's language, and that catalogue must not leak into the notice."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.db.models import OutboxKind
from portal.outbox.targets import Handoff
from portal.web.services import cipher
from tests.outbox.test_mail_through_outbox import mails
from tests.web.helpers import set_language
from tests.web.journey import answer_until, submit


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_notice_is_danish_whatever_the_citizen_spoke(
    app: Flask, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    monkeypatch.setitem(
        app.extensions, "portal.handoff", Handoff(notice_addresses={"575": "post@vejen.dk"})
    )
    client = app.test_client()
    set_language(client, language)
    answer_until(client)
    assert submit(client).status_code == 303
    [notice] = [m for m in mails(app) if m.kind is OutboxKind.NOTICE]
    with app.app_context():
        payload = cipher().decrypt(notice.payload_enc)
    assert payload["subject"].startswith("Ny ansøgning ")
    assert "Der er kommet en ny ansøgning" in payload["body"]
