"""What the fuzz suite types into fields and URLs: a fixed corpus of the inputs that break web
apps, each with a name for the failure report, and hypothesis strategies that make more of the
same kinds. A value is a str, or bytes for what no browser would send (invalid UTF-8), which
goes on the wire percent-encoded exactly as given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

Value = str | bytes


@dataclass(frozen=True)
class Scale:
    factor: int

    @property
    def examples(self) -> int:
        """Hypothesis examples per fuzzed field, beside the fixed corpus."""
        return 4 * self.factor

    def settings(self) -> settings:
        return settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )


# A template engine that ran `{{7*7}}` would print 49 between the marks; the marks make the
# oracle exact (a page may well hold a 49 of its own).
MARK_OPEN, MARK_CLOSE = "zq", "qz"
RAN = f"{MARK_OPEN}49{MARK_CLOSE}"
TEMPLATES = [
    f"{MARK_OPEN}{{{{7*7}}}}{MARK_CLOSE}",
    f"{MARK_OPEN}{{{{ 7 * 7 }}}}{MARK_CLOSE}",
    f"{MARK_OPEN}${{7*7}}{MARK_CLOSE}",
    f"{MARK_OPEN}#{{7*7}}{MARK_CLOSE}",
    f"{MARK_OPEN}<%= 7*7 %>{MARK_CLOSE}",
    f"{MARK_OPEN}{{% print(7*7) %}}{MARK_CLOSE}",
    "{{config}}{{ self.__init__.__globals__ }}",
    "%(name)s %s %n {0} {name!r}",
]
MARKUP = [
    '<script>alert("fz")</script>',
    '"><img src=x onerror=alert("fz")>',
    "'><svg/onload=alert('fz')>",
    "</textarea><script>alert('fz')</script>",
    "</title><b>fz</b><!--",
    "&lt;script&gt;fz&amp;",
    "javascript:alert('fz')//<a>",
]
SQL = [
    "' OR '1'='1",
    "1; DROP TABLE application;--",
    '" OR 1=1 --',
    "1' UNION SELECT NULL,NULL--",
    "%_\\'\\\"",
]

CORPUS: dict[str, Value] = {
    "empty": "",
    "spaces": "   ",
    "tab-newline": "\t\r\n",
    "nbsp": "\u00a0\u2003\u3000",
    "10kB": "æ" * 5_120,
    "1MB": "x" * (1 << 20),
    "NUL": "\x00",
    "NUL-inside": "fz\x00fz",
    "control": "\x01\x07\x08\x1b[31mfz\x7f",
    "line-separators": "fz\u2028\u2029\u0085fz",
    "bom": "\ufefffz",
    "invalid-utf8": b"\xff\xfe\xfd",
    "invalid-utf8-lead": b"fz\xc3\x28",
    "utf8-surrogate": b"\xed\xa0\x80",
    "utf8-overlong": b"\xc0\xaf\xe0\x80\xaf",
    "utf8-beyond": b"\xf4\x90\x80\x80",
    "rtl-override": "\u202efz.exe\u202c",
    "rtl-marks": "\u200f\u061cfz\u200e",
    "emoji": "👩\u200d👩\u200d👧\u200d👦🇩🇰",
    "combining": "Z\u0351\u0324a\u0308\u0316l\u036e\u0312g\u030co\u0319",
    "wide-digits": "\uff11\uff12\uff13\uff14",
    "arabic-digits": "٣٤",
    "superscript": "²",
    "zero": "0",
    "negative": "-1",
    "int32": "2147483648",
    "int64": "9223372036854775808",
    "20-digits": "99999999999999999999",
    "negative-huge": "-99999999999999999999",
    "10-digits": "9999999999",
    "float": "1.5",
    "exponent": "1e309",
    "nan": "NaN",
    "hex": "0x1F",
    "underscore": "1_000",
    **{f"template-{i}": v for i, v in enumerate(TEMPLATES)},
    **{f"markup-{i}": v for i, v in enumerate(MARKUP)},
    **{f"sql-{i}": v for i, v in enumerate(SQL)},
}
# The short corpus: one of each kind, for the places where every value costs a request per
# route (URL arguments, query parameters, the visitor without a draft).
SHORT = [
    "empty", "spaces", "10kB", "NUL", "invalid-utf8", "rtl-override", "combining", "int64",
    "20-digits", "negative", "template-0", "markup-0", "markup-1", "sql-0",
]  # fmt: skip

# Values shaped like the portal's own (a paging cursor is a time and an id): the first and
# last day there is, offsets that leave the calendar, a date alone, an id past every range.
SHAPED = [
    "0001-01-01T00:00:00+14:00_1", "9999-12-31T23:59:59-14:00_1", "2020-01-01_1",
    "2020-01-01T00:00:00+00:00_99999999999999999999", "2020-02-30T25:61:00_0", "_",
]  # fmt: skip

# A query parameter's values: the edges of the integer ranges and one of each other kind.
QUERY: list[Value] = [
    "-1", "2147483648", "99999999999999999999", "٣", *SHAPED[:4],
    *(CORPUS[k] for k in ("10kB", "NUL", "invalid-utf8", "markup-1", "template-0")),
]  # fmt: skip

# What a button's form (no fields of its own) gets in an unknown field.
BUTTON = ["empty", "1MB", "NUL", "invalid-utf8", "markup-0"]

# Day, month, year as the three boxes of a date: impossible, 10-digit, year 0 and year 99999.
DATES = [
    ("31", "2", "2020"), ("0", "0", "0000"), ("9999999999", "1", "2000"),
    ("1", "9999999999", "2000"), ("1", "1", "9999999999"), ("1", "1", "99999"),
    ("29", "2", "2023"), ("-1", "-1", "-001"), ("1", "13", "2000"), ("32", "12", "1999"),
]  # fmt: skip

# Path and query arguments: every integer range's edges, and what is not a number at all.
IDS = [
    "0", "-1", "2147483647", "2147483648", "-2147483649", "4294967296",
    "9223372036854775807", "9223372036854775808", "18446744073709551616",
    "99999999999999999999", "٣", "1e3", "0x10", "%00", "%FF%FE", "%2e%2e%2f%2e%2e",
    "a" * 300,
]  # fmt: skip

# A browser never sends more than this many characters of one value on its own; hypothesis
# keeps its texts short so that it spends its examples on kinds, not on length.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)


def hostile() -> st.SearchStrategy[Value]:
    """One field value: a time and an id as a cursor has them, a corpus entry, any Unicode
    text, raw bytes, a huge or negative number, or a payload wrapped in text."""
    payloads = st.sampled_from(TEMPLATES + MARKUP + SQL)
    moments = st.datetimes(timezones=st.sampled_from([None, UTC, timezone(timedelta(hours=14))]))
    return st.one_of(
        st.tuples(moments.map(datetime.isoformat), st.integers(-(2**70), 2**70)).map(
            lambda parts: f"{parts[0]}_{parts[1]}"
        ),
        st.sampled_from([v for v in CORPUS.values() if len(v) < 20_000]),
        TEXT,
        st.binary(max_size=40),
        st.integers(min_value=-(2**80), max_value=2**80).map(str),
        st.tuples(st.text(max_size=8), payloads, st.text(max_size=8)).map("".join),
    )


def is_markup(value: Value) -> bool:
    """A value that, printed unescaped, would be markup: the echo oracle looks for it."""
    return isinstance(value, str) and len(value) >= 6 and any(c in value for c in "<>\"'&")


def describe(value: Value) -> str:
    """The value for a failure report: a corpus name, or its repr cut to a readable length."""
    for name, known in CORPUS.items():
        if known == value:
            return f"<{name}>"
    text = repr(value)
    return text if len(text) <= 120 else f"{text[:100]}… ({len(value)} long)"
