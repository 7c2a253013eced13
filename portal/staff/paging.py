"""The inbox's pages, read by keyset so page 200 costs what page 1 does.

A page's address says where it starts: ?efter=<received_at>_<id>, the last row before it.
The way back is the trail of the pages before: ?tilbage=<id>, once for each page before the
previous one, oldest first, each the id of the row a page started after. An id rather than a
whole cursor keeps the address short (a trail of 100 pages is about 1,400 characters), and
"Forrige side" reads that one row's time. Each address is complete in itself, so the links
work without JavaScript, in a new tab and from a bookmark. No Flask here: the view hands in
what the request asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from portal import casework
from portal.db.models import ROW_ID_MAX, Application

# The pages remembered behind the current one. Past it the oldest are forgotten, and going
# back that far ends on the first page: 5,000 cases at 50 a page, far more than anyone pages.
TRAIL_MAX = 100


def row_id(raw: str | None) -> int | None:
    """A row id from a query parameter, or None: ASCII digits only (isdigit() alone lets "²"
    through, which int() refuses), no longer than the column's largest (int() refuses more
    than 4,300 digits), and within the column (ROW_ID_MAX)."""
    if not raw or len(raw) > ROW_ID_DIGITS or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if 0 < int(raw) <= ROW_ID_MAX else None


ROW_ID_DIGITS = len(str(ROW_ID_MAX))


def parse_cursor(raw: str | None) -> casework.Cursor | None:
    """?efter=<received_at>_<id> from a page link; anything else is the first page. The time
    is compared in UTC, so a far-off offset that leaves the calendar (year 1 at +14:00) is
    refused here rather than in the database."""
    if not raw or "_" not in raw:
        return None
    when, _, ident = raw.rpartition("_")
    row = row_id(ident)
    if row is None:
        return None
    try:
        parsed = datetime.fromisoformat(when)
        at = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return casework.Cursor(at, row)


def cursor_text(row: Application) -> str:
    """The ?efter= of the page that starts after this row."""
    return f"{row.received_at.isoformat()}_{row.id}"


def trail(raw: Sequence[str]) -> list[int]:
    """?tilbage= as row ids, oldest first: what is no row id is left out, and only the last
    TRAIL_MAX are kept (the slice first, so a request with a million of them costs nothing)."""
    ids = [row_id(value) for value in raw[-TRAIL_MAX:]]
    return [i for i in ids if i is not None]


@dataclass(frozen=True)
class PageLink:
    """The query of a page link, besides the filters the page keeps."""

    efter: str | None
    tilbage: tuple[int, ...]


def next_page(after: casework.Cursor | None, behind: list[int], last: Application) -> PageLink:
    """The page after this one: it starts after this page's last row, and this page joins the
    trail, unless it is the first page, which needs no cursor to be found again."""
    kept = [*behind, after.id] if after is not None else []
    return PageLink(cursor_text(last), tuple(kept[-TRAIL_MAX:]))


def previous_page(behind: list[int], start: Application | None) -> PageLink:
    """The page before this one: it starts after the trail's last row (`start`, read by the
    view), or it is the first page when the trail is empty or that row is gone (erased)."""
    if not behind or start is None:
        return PageLink(None, ())
    return PageLink(cursor_text(start), tuple(behind[:-1]))
