"""The decision date the web tests send: today in Denmark. A decision can be dated neither
before its application came in (each test submits it today) nor after today, so a fixed
date in a test goes stale one way or the other."""

from __future__ import annotations

from babel.dates import format_date

from portal.db.models import utcnow
from portal.deadlines import danish_date

TODAY = danish_date(utcnow())
DECIDED_TODAY = {
    "decided_on-day": str(TODAY.day),
    "decided_on-month": str(TODAY.month),
    "decided_on-year": str(TODAY.year),
}
TODAY_IN_DANISH = format_date(TODAY, "long", locale="da")  # as the letter prints it
