"""Sending a form with one field made hostile at a time: every value of the corpus, then
hypothesis's own, then what spans fields (date triples, a field given twice, every choice at
once, a field the form does not have)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from hypothesis import given, seed
from werkzeug.test import TestResponse

from tests.fuzz.forms import URLENCODED_TYPE, Form, forms_on, multipart, query, urlencoded
from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.values import BUTTON, CORPUS, DATES, SHORT, Scale, Value, hostile
from tests.fuzz.world import Persona

EXTRA = "fz_extra"  # a field no form has
# Called with the fuzzed fields and the answer, for checks that look further than one answer.
Hook = Callable[[dict[str, list[Value]], TestResponse], None]


def send(
    fuzz: Fuzzer, persona: Persona, form: Form, overrides: Mapping[str, Iterable[Value]],
    kind: str, value: Value | None = None, *, csrf: str | None = None,
    files: Iterable[str] | None = None,
) -> TestResponse:  # fmt: skip
    """The form with `overrides`, urlencoded, or as multipart when `files` is given (the
    fields named in it sent as file parts)."""
    overrides = {k: list(v) for k, v in overrides.items()}
    pairs = form.pairs(overrides, csrf=persona.token if csrf is None else csrf)
    sent = tuple(v for vs in overrides.values() for v in vs)
    if form.method == "GET":
        case = Case(persona.name, "GET", f"{form.path}?{query(pairs)}", sent=sent, kind=kind)
    elif files is not None:
        body, content_type = multipart(pairs, files)
        case = Case(persona.name, "POST", form.action, body, content_type, sent=sent, kind=kind)
    else:
        body = urlencoded(pairs)
        case = Case(persona.name, "POST", form.action, body, URLENCODED_TYPE, sent=sent, kind=kind)
    case.value = value
    return request(fuzz, persona, case)


def request(fuzz: Fuzzer, persona: Persona, case: Case) -> TestResponse:
    """Send as the persona (its headers too), and let it log in again if the answer ended
    its session."""
    case.headers = {**persona.headers, **case.headers}
    response = fuzz.send(persona.client, case)
    persona.after(response)
    return response


def fuzz_form(
    fuzz: Fuzzer, persona: Persona, form: Form, scale: Scale, hook: Hook | None = None,
    *, again: bool = False,
) -> None:  # fmt: skip
    """Every corpus value in every field at once (and in a field the form does not have);
    then each field on its own, the others valid, so that what runs after validation is
    reached too; then the cases that span fields. In CI, a form fuzzed `again` (as another
    persona), a button (no fields) and a password form (argon2 is slow by design) get the
    short corpus in every field at once; `make fuzz` gives every form everything."""

    def one(overrides: dict[str, list[Value]], kind: str, value: Value) -> None:
        response = send(fuzz, persona, form, overrides, kind, value)
        if hook is not None:
            hook(overrides, response)

    settle(fuzz, persona, form)
    password = any(f.kind == "password" for f in form.fields.values())
    if scale.factor == 1 and password and again:
        return
    light = scale.factor == 1 and (again or password or not form.names)
    # A form without fields (a button: claim, log out) has only the unknown field to vary.
    for key in (BUTTON if not form.names else SHORT) if light else CORPUS:
        one({n: [CORPUS[key]] for n in [*form.names, EXTRA]}, "every-field", CORPUS[key])
    if light:
        return
    alone = CORPUS if scale.factor > 1 else {k: CORPUS[k] for k in SHORT}
    for name in form.names:
        for value in alone.values():
            one({name: [value]}, f"field={name}", value)
        examples(scale, f"{form.path} {name}", lambda v, n=name: one({n: [v]}, f"field={n}", v))
    spanning(fuzz, persona, form)


def settle(fuzz: Fuzzer, persona: Persona, form: Form, rounds: int = 4) -> None:
    """Defaults the form accepts, found by asking it: each field it marks as wrong moves on to
    its next alternative. Best effort: some forms accept nothing in the state they are in."""
    for _ in range(rounds):
        response = send(fuzz, persona, form, {}, "defaults")
        wrong = form.refused(response.get_data(as_text=True))
        if response.status_code >= 400 or not wrong:
            return
        for field in wrong:
            field.tried += 1


def examples(scale: Scale, key: str, run: Callable[[Value], None]) -> None:
    """Hypothesis's values for one field: in CI the same each run (seeded by the field, so
    each field gets its own), random at scale."""

    @scale.settings()
    @given(hostile())
    def check(value: Value) -> None:
        run(value)

    if scale.factor == 1:
        check = seed(zlib.crc32(key.encode()))(check)
    check()


def spanning(fuzz: Fuzzer, persona: Persona, form: Form) -> None:
    if form.method == "POST":
        send(fuzz, persona, form, {}, "multipart", files=[])
        for name in form.names:
            send(fuzz, persona, form, {}, f"file-part={name}", files=[name])
    for prefix in date_groups(form):
        for day, month, year in DATES:
            parts = {f"{prefix}-day": [day], f"{prefix}-month": [month], f"{prefix}-year": [year]}
            send(fuzz, persona, form, parts, f"date={prefix}", f"{day}/{month}/{year}")
    for name, item in form.fields.items():
        if name == "csrf_token":
            continue
        first = (item.default(form.method) or ["Fuzz"])[0]
        send(fuzz, persona, form, {name: [first, first]}, f"twice={name}")
        send(fuzz, persona, form, {name: [first, CORPUS["markup-0"]]}, f"twice={name}")
        if item.choices:
            send(fuzz, persona, form, {name: item.choices}, f"all-choices={name}")
            send(fuzz, persona, form, {name: item.choices[:1] * 1000}, f"1000-times={name}")


def date_groups(form: Form) -> list[str]:
    return sorted({m.group(1) for n in form.names if (m := re.fullmatch(r"(.+)-day", n))})


def discover(persona: Persona, paths: Iterable[str]) -> list[Form]:
    """The forms on the pages the persona opens, each kind once: the same form on another
    case's page (only the id differs in its address) is the same form."""
    found: dict[tuple[str, ...], Form] = {}
    for path in paths:
        if is_file(path):
            continue
        response = persona.client.get(path)
        if response.mimetype != "text/html":
            continue
        for form in forms_on(path, response.get_data(as_text=True)):
            found.setdefault(shape(form), form)
    return list(found.values())


def is_file(path: str) -> bool:
    """A PDF or a JSON export, not a page: no forms, and each one costly to make."""
    return "." in urlsplit(path).path.rsplit("/", 1)[-1]


def shape(form: Form) -> tuple[str, ...]:
    """What makes a form the same form: its method, its address with ids left out, its
    fields."""
    address = re.sub(r"/\d+(?=/|$)", "/N", urlsplit(form.action).path)
    return (form.method, address, *sorted(form.names))
