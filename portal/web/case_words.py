"""The words for a case's status and channel, read by the citizen's status page, the staff
pages and the hand-off's case file. Which statuses count as open or decided is not a matter
of words: that is portal.statuses, keyed by the same Status members."""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from portal.db.models import Channel, Status
from portal.web.i18n import lazy_gettext as _l

# Each status: its name, then a sentence for the citizen's status page.
STATUS_TEXT: dict[Status, tuple[LazyString, LazyString]] = {
    Status.RECEIVED: (
        _l("Modtaget"),
        _l("Kommunen har fået den. Nu venter den på, at en sagsbehandler ser på den."),
    ),
    Status.IN_PROGRESS: (
        _l("Under behandling"),
        _l("En sagsbehandler er i gang med at se på den."),
    ),
    Status.AWAITING_CITIZEN: (
        _l("Kommunen venter på svar"),
        _l("Kommunen skal vide mere. Læs beskeden under."),
    ),
    Status.GRANTED: (
        _l("Bevilget"),
        _l("Kommunen har sagt ja. Der kommer et brev med afgørelsen."),
    ),
    Status.REFUSED: (
        _l("Afslag"),
        _l(
            "Kommunen har sagt nej. Der kommer et brev med grunden. Der står også, hvordan man kan klage."
        ),
    ),
    Status.WITHDRAWN: (
        _l("Trukket tilbage"),
        _l("Den er trukket tilbage. Kommunen ser ikke på den mere."),
    ),
}

# A partial grant is stored as Status.GRANTED; the staff pages name it by its decision
# (queue_rows.partly_granted), as the citizen's status page does.
PARTLY_GRANTED_NAME: LazyString = _l("Delvist bevilget")

# How the application came in: the queue, the case page and the case file name it.
CHANNEL_NAMES: dict[Channel, LazyString] = {
    Channel.PHONE: _l("Telefon"),
    Channel.COUNTER: _l("Personligt fremmøde"),
    Channel.LETTER: _l("Brev"),
    Channel.WEB: _l("Selvbetjening"),
}
