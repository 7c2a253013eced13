"""Static files under content-hashed names, cached for a year, compressed once.

At start-up every file in the static folder gets a name with a digest of its content
(`css/portal.css` -> `css/portal.3f9a1c2b7d4e.css`). In CSS files, url()s are rewritten to
the hashed names of what they point at before the CSS itself is hashed, so a changed font or
icon also changes the URL of the CSS that names it, and the relative paths keep working
because every file keeps its folder. The renamed files, with gzip and brotli variants of the
compressible ones, are written once into a content-addressed folder (`STATIC_CACHE_DIR`,
default `<instance>/static-cache`): a name that exists already has the right content, so a
restart only hashes, and several workers or servers build identical names without talking to
each other.

WhiteNoise serves that folder in front of Flask, with `Cache-Control: public,
max-age=31536000, immutable` and the precompressed variant that Accept-Encoding asks for; no
request compresses anything, and no asset request reaches Flask's session, database or page
headers. Pages keep `Cache-Control: no-store` (portal.web.security).

In debug mode templates get the plain names instead (Flask's own static route, revalidated on
every load), so an edited stylesheet shows without a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import logging
import os
import posixpath
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import brotli
from flask import Flask, current_app, has_request_context, request
from whitenoise import WhiteNoise

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=31536000, immutable"
DIGEST_LENGTH = 12
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".txt", ".md", ".html", ".xml"})
# Test-only: the browser tests read axe-core from disk; no page links it.
NOT_SERVED = ("vendor/axe/",)
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<target>[^'")]+?)(?P=quote)\s*\)""")


def hashed_name(name: str, content: bytes) -> str:
    stem, suffix = posixpath.splitext(name)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]}{suffix}"


def rewrite_css(name: str, css: str, names: dict[str, str]) -> tuple[str, list[str]]:
    """The CSS with each relative url() pointing at its target's hashed name; and the
    targets it names that do not exist."""
    folder = posixpath.dirname(name)
    missing: list[str] = []

    def swap(match: re.Match[str]) -> str:
        target = match.group("target").strip()
        if target.startswith(("data:", "#", "/", "http:", "https:")):
            return match.group(0)
        cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=None)
        path, rest = (target, "") if cut is None else (target[:cut], target[cut:])
        resolved = posixpath.normpath(posixpath.join(folder, path))
        if resolved not in names:
            missing.append(resolved)
            return match.group(0)
        relative = posixpath.relpath(names[resolved], folder or ".")
        quote_char = match.group("quote")
        return f"url({quote_char}{relative}{rest}{quote_char})"

    return CSS_URL.sub(swap, css), missing


def _source_files(source: Path) -> dict[str, os.stat_result]:
    found = {}
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            path = os.path.join(folder, file)
            name = os.path.relpath(path, source).replace(os.sep, "/")
            if file.startswith(".") or name.startswith(NOT_SERVED) or file.endswith((".gz", ".br")):
                continue
            found[name] = os.stat(path)
    return found


# Per process: (source, target) -> (what the source files' stats were, the names built).
_built: dict[tuple[Path, Path], tuple[dict[str, tuple[int, int]], dict[str, str]]] = {}


def build(source: Path, target: Path) -> dict[str, str]:
    """Write the hashed (and compressed) copies into `target`; returns name -> hashed name."""
    stats = {name: (st.st_size, st.st_mtime_ns) for name, st in _source_files(source).items()}
    previous = _built.get((source, target))
    if previous is not None and previous[0] == stats and target.is_dir():
        return previous[1]  # a second app in the same process (the tests make many)
    contents = {name: (source / name).read_bytes() for name in stats}
    names = {
        name: hashed_name(name, data)
        for name, data in contents.items()
        if not name.endswith(".css")
    }
    # CSS last, so the names it refers to are known (a CSS @import of CSS is not rewritten).
    for name in [n for n in contents if n.endswith(".css")]:
        css, missing = rewrite_css(name, contents[name].decode("utf-8"), names)
        for gone in missing:
            log.warning("static file %s refers to %s, which does not exist", name, gone)
        contents[name] = css.encode("utf-8")
        names[name] = hashed_name(name, contents[name])
    target.mkdir(parents=True, exist_ok=True)
    # Beside the folder, not in it: WhiteNoise serves every file in the folder.
    scratch = target.with_name(target.name + ".tmp")
    scratch.mkdir(exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        for name, hashed in names.items():
            _write_once(target / hashed, contents[name], scratch)
    _built[(source, target)] = (stats, names)
    return names


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """One builder at a time per folder: workers starting together wait for the first one
    instead of compressing the same files in parallel."""
    with open(lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_once(path: Path, data: bytes, scratch: Path) -> None:
    if path.is_file() and path.stat().st_size == len(data):
        return  # the name holds the content's digest: same name, same content
    path.parent.mkdir(parents=True, exist_ok=True)
    # The variants first: a file that exists has its variants, so the check above holds.
    if path.suffix in COMPRESSIBLE:
        for suffix, packed in (
            (".br", brotli.compress(data, quality=11)),
            (".gz", gzip.compress(data, compresslevel=9, mtime=0)),
        ):
            if len(packed) <= 0.95 * len(data):
                _write_atomically(path.with_name(path.name + suffix), packed, scratch)
    _write_atomically(path, data, scratch)


def _write_atomically(path: Path, data: bytes, scratch: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=scratch)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class ImmutableStatic(WhiteNoise):  # type: ignore[misc]
    """Every file it serves has a content-hashed name, so every file may be kept forever."""

    def add_cache_headers(self, headers: Any, path: str, url: str) -> None:
        headers["Cache-Control"] = CACHE_CONTROL


def _extra_headers(headers: Any, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


class Assets:
    """The hashed name of each static file, and the URL a template links to."""

    def __init__(self, names: dict[str, str], url_path: str, hashed: bool) -> None:
        self.names = names
        self.url_path = url_path.rstrip("/")
        self.hashed = hashed
        self._urls: dict[tuple[str, str], str] = {}

    def url(self, filename: str) -> str:
        root = request.script_root if has_request_context() else ""
        key = (root, filename)
        found = self._urls.get(key)
        if found is None:
            name = self.names.get(filename, filename) if self.hashed else filename
            found = self._urls[key] = f"{root}{self.url_path}/{quote(name)}"
        return found


def cache_dir(app: Flask) -> Path:
    return Path(app.config.get("STATIC_CACHE_DIR") or Path(app.instance_path) / "static-cache")


def init_app(app: Flask) -> None:
    target = cache_dir(app)
    names = build(Path(str(app.static_folder)), target)
    app.extensions["portal.assets"] = Assets(names, app.static_url_path or "/static", not app.debug)
    served = ImmutableStatic(
        app.wsgi_app, allow_all_origins=False, add_headers_function=_extra_headers
    )
    served.add_files(str(target), prefix=app.static_url_path)
    app.wsgi_app = served  # type: ignore[method-assign]


def static_url(filename: str) -> str:
    """The URL of a static file, under its hashed name (outside debug mode)."""
    assets: Assets = current_app.extensions["portal.assets"]
    return assets.url(filename)
