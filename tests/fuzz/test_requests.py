"""Whole requests made hostile, for every route of the URL map (tests/web/url_map.rules), each
sent by the persona who would use it: methods the route does not take; bodies of the wrong
type, encoding or size; a missing, wrong or doubled CSRF token; foreign and malformed Host
headers; every URL argument beyond every integer range or no number at all; every query
parameter the route's views read (found in their source, so a new one is covered)."""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask

from portal.web.db import database
from tests.conftest import make_app
from tests.fuzz.drive import EXTRA, is_file, request
from tests.fuzz.forms import URLENCODED_TYPE, multipart, query, urlencoded
from tests.fuzz.oracles import Case, Fuzzer
from tests.fuzz.values import CORPUS, IDS, QUERY, SHAPED, SHORT, Scale, Value
from tests.fuzz.world import Persona, World, build_world, citizen
from tests.web.url_map import audience, rules

METHODS = ["PUT", "DELETE", "PATCH", "TRACE", "FUZZ"]
FIVE_MB = 5 * 1024 * 1024
# Hosts no server name matches, or that are no host name at all: a 64-character label, empty,
# port garbage, a name too long for DNS.
MALFORMED = ["a" * 64 + ".example.dk", "", "localhost:abc", ("a" * 63 + ".") * 5 + "dk"]
HOSTS = [
    "evil.example", "a" * 64 + ".example.dk", "", " ", "localhost:abc", "localhost:99999999999",
    "localhost:", "[::1", "a..b", "user@localhost", "localhost/../x", "\xe9vil.dk",
    ("a" * 63 + ".") * 5 + "dk",
]  # fmt: skip
TEXT_ARGUMENTS = [CORPUS[k] for k in ("10kB", "NUL", "invalid-utf8", "rtl-override")]
WHOLE = [*SHAPED, *(v for v in CORPUS.values() if len(v) < 20_000)]
ARG = re.compile(r"<(?:[^<>:]+:)?([a-z_]+)>")
READS = [re.compile(r"args(?:\.get|\.getlist)?\(\s*[\"']([\w-]+)[\"']"),
         re.compile(r"\(\s*args\s*,\s*[\"']([\w-]+)[\"']")]  # fmt: skip


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(app, monkeypatch)


def routes(app: Flask, world: World) -> Iterator[tuple[str, str, str, Persona]]:
    """(method, endpoint, path, persona): every route once, with real arguments."""
    samples = {name: values[:1] for name, values in world.samples().items()}
    for method in ("GET", "POST"):
        for endpoint, path in rules(app, method, samples):
            yield method, endpoint, path, world.persona_for(endpoint, audience(app, endpoint))


def hit(fuzz: Fuzzer, persona: Persona, method: str, path: str, kind: str, **kw: object) -> None:
    request(fuzz, persona, Case(persona.name, method, path, kind=kind, **kw))  # type: ignore[arg-type]


def test_every_route_survives_hostile_methods_bodies_csrf_and_hosts(
    app: Flask, world: World, fuzz: Fuzzer, scale: Scale
) -> None:
    for method, _endpoint, path, persona in routes(app, world):
        for other in METHODS:
            hit(fuzz, persona, other, path, f"method={other}")
        hit(fuzz, persona, method, path, "5MB", body=b"fz=" + b"x" * FIVE_MB,
            content_type=URLENCODED_TYPE)  # fmt: skip
        if method == "POST":
            for kind, body, content_type in bodies(persona.token, world.caseworker.token):
                hit(fuzz, persona, "POST", path, kind, body=body, content_type=content_type)
        # Without TRUSTED_HOSTS (development) a page is made for any Host that parses; a
        # file (a PDF) would be made anew for each, so it gets one.
        hosts = HOSTS if scale.factor > 1 else MALFORMED
        for host in hosts[:1] if is_file(path) else hosts:
            hit(fuzz, persona, method, path, "host", value=host, headers={"Host": host})
    with_trusted_hosts(app, world, fuzz, HOSTS if scale.factor > 1 else HOSTS[::2])
    fuzz.assert_clean(at_least=1200)


def with_trusted_hosts(app: Flask, world: World, fuzz: Fuzzer, hosts: list[str]) -> None:
    """TRUSTED_HOSTS set, as production must have it: every Host but the portal's refused."""
    trusted = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_HOSTS=["localhost"])
    guarded = Fuzzer(trusted, database(trusted).engine)
    try:
        visitor = citizen(trusted, "visitor")
        for method, _endpoint, path, _persona in routes(app, world):
            # Refused before routing, the same for every route: the full list for pages.
            for host in [*hosts, "localhost"] if method == "GET" else hosts[:2]:
                hit(guarded, visitor, method, path, "trusted-host", value=host,
                    headers={"Host": host})  # fmt: skip
    finally:
        guarded.writes.close()
        database(trusted).engine.dispose()
    fuzz.absorb(guarded)


def bodies(token: str, foreign: str) -> Iterator[tuple[str, bytes, str]]:
    """(what, body, content type): the CSRF token missing, wrong, another session's, tampered
    or doubled; the body in a type, encoding or shape a form never has."""
    token = token or "x"  # the API's caller has no session, so no token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for kind, tokens in [("no-csrf", []), ("wrong-csrf", ["x"]), ("foreign-csrf", [foreign]),
                         ("tampered-csrf", [tampered]), ("csrf-twice", [tampered, token]),
                         ("csrf-twice", [token, tampered]), ("csrf-empty", [""])]:  # fmt: skip
        yield (
            kind,
            urlencoded([("csrf_token", t) for t in tokens] + [(EXTRA, "1")]),
            URLENCODED_TYPE,
        )
    good = urlencoded([("csrf_token", token), (EXTRA, "1")])
    yield "text-plain", good, "text/plain"
    yield (
        "json",
        b'{"csrf_token": "%s", "fz": [1, {"a": null}]}' % token.encode(),
        "application/json",
    )
    yield "no-boundary", b"--x\r\n\r\n", "multipart/form-data"
    yield "bad-boundary", b"--y\r\nfz\r\n--y--", "multipart/form-data; boundary=x"
    body, content_type = multipart([("csrf_token", token)], files=["csrf_token"])
    yield "csrf-as-file", body, content_type
    yield "raw-bytes", good + b"&fz=\xff\xfe\x00\xc3\x28", URLENCODED_TYPE
    yield "utf-16", "csrf_token=x".encode("utf-16"), URLENCODED_TYPE + "; charset=utf-16"
    yield "garbage-type", good, "a/b; c=\xff"


def test_every_url_argument_and_query_parameter_survives_hostile_values(
    app: Flask, world: World, fuzz: Fuzzer, scale: Scale
) -> None:
    # At scale: every short corpus value in the path, the whole corpus but 1 MB in a query.
    texts = [CORPUS[k] for k in SHORT] if scale.factor > 1 else TEXT_ARGUMENTS
    url_arguments(app, world, fuzz, [quote(v, safe="") for v in texts if v])
    query_parameters(app, world, fuzz, QUERY if scale.factor == 1 else [*IDS, *WHOLE])
    fuzz.assert_clean(at_least=1500)


def url_arguments(app: Flask, world: World, fuzz: Fuzzer, texts: list[str]) -> None:
    """Each argument of each rule in turn, the others real: ids past every integer range,
    what is no number at all, and the short corpus percent-encoded."""
    samples = world.samples()
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            persona = world.persona_for(rule.endpoint, audience(app, rule.endpoint))
            for name in sorted(rule.arguments):
                for value in [*IDS, *texts]:
                    path = ARG.sub(lambda m, n=name, v=value: v if m.group(1) == n
                                   else first(samples, m.group(1)), rule.rule)  # fmt: skip
                    body = urlencoded([("csrf_token", persona.token)])
                    hit(fuzz, persona, method, path, f"argument={name}", value=value,
                        body=body if method == "POST" else None,
                        content_type=URLENCODED_TYPE if method == "POST" else None)  # fmt: skip
                checked += 1
    assert checked >= 20


def first(samples: dict[str, list[str]], name: str) -> str:
    return (samples.get(name) or ["css/portal.css"])[0]


def query_parameters(app: Flask, world: World, fuzz: Fuzzer, values: list[Value]) -> None:
    """Each parameter a route's views read, alone with each value (and raw bytes that are no
    UTF-8, and given twice); every parameter any view reads, all at once, on every route."""
    every = sorted({n for names in map(parameters, app.view_functions.values()) for n in names})
    assert {"efter", "next", "after"} <= set(every), every
    for method, endpoint, path, persona in routes(app, world):
        if method != "GET":
            continue
        names = [] if is_file(path) else sorted(parameters(app.view_functions[endpoint]))
        for name in names:
            for value in values:
                hit(fuzz, persona, "GET", f"{path}?{query([(name, value)])}", f"query={name}",
                    value=value, sent=(value,))  # fmt: skip
            hit(fuzz, persona, "GET", path, f"raw-query={name}",
                environ={"QUERY_STRING": f"{name}=\xff\xfe%00\x00"})  # fmt: skip
            hit(fuzz, persona, "GET", f"{path}?{query([(name, '1'), (name, '2')])}",
                f"query-twice={name}")  # fmt: skip
        for value in values[:: 6 if is_file(path) else 3]:
            hit(fuzz, persona, "GET", f"{path}?{query([(n, value) for n in every])}",
                "every-query", value=value, sent=(value,))  # fmt: skip


def parameters(view: Callable[..., object]) -> set[str]:
    """The query parameters the view's module reads (request.args.get("x"), or a helper
    handed the args and a name), and the portal modules it takes functions from."""
    module = inspect.getmodule(inspect.unwrap(view))
    assert module is not None
    used = {module.__name__} | {
        getattr(v, "__module__", None) or getattr(v, "__name__", "") for v in vars(module).values()
        if inspect.ismodule(v) or inspect.isfunction(v)
    }  # fmt: skip
    return {name for m in used if m.startswith("portal.") for name in reads(m)}


@cache
def reads(module: str) -> set[str]:
    source = Path(inspect.getsourcefile(sys.modules[module]) or "").read_text()
    return {name for pattern in READS for name in pattern.findall(source)}
