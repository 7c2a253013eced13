"""Static files: content-hashed URLs, a year's immutable cache, compression, WOFF2 only."""

from __future__ import annotations

import gzip
import posixpath
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.web import assets
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
LINKED = re.compile(r'(?:href|src)="(/static/[^"#]+)')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")
DKFDS_CSS = "vendor/dkfds/css/dkfds-borgerdk.min.css"


@pytest.fixture(autouse=True)
def _need_vendored_dkfds() -> None:
    if not (ROOT / "static" / DKFDS_CSS).is_file():
        message = "DKFDS is not vendored (run make assets)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def fetch(client: FlaskClient, url: str, accept: str = "identity") -> TestResponse:
    """A GET whose body is read and whose file is closed (WhiteNoise streams from disk)."""
    with client.get(url, headers={"Accept-Encoding": accept}, buffered=True) as response:
        return response


def linked_assets(client: FlaskClient, path: str = "/") -> list[str]:
    return sorted(set(LINKED.findall(client.get(path).get_data(as_text=True))))


def served_css(client: FlaskClient, app: Flask) -> tuple[str, str]:
    url = app.extensions["portal.assets"].url(DKFDS_CSS)
    response = fetch(client, url)
    assert response.status_code == 200
    return url, response.get_data(as_text=True)


def test_pages_link_every_asset_by_a_content_hashed_name(client: FlaskClient) -> None:
    urls = linked_assets(client)
    assert len(urls) >= 5  # both style sheets, both scripts, the favicon (and the icons)
    assert [url for url in urls if not HASHED.search(url)] == []


def test_hashed_assets_are_cached_for_a_year_and_pages_never(client: FlaskClient) -> None:
    for url in linked_assets(client):
        response = fetch(client, url, "gzip, br")
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_an_unhashed_name_is_revalidated_not_kept(client: FlaskClient) -> None:
    response = fetch(client, "/static/css/portal.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br"), ("identity", None)],
)
def test_text_assets_come_compressed_when_the_browser_asks(
    client: FlaskClient, app: Flask, accept: str, encoding: str | None
) -> None:
    url, plain = served_css(client, app)
    response = fetch(client, url, accept)
    assert response.headers.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    unpacked = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)
    assert unpacked.decode("utf-8") == plain
    if encoding:
        assert len(body) < len(plain) / 5  # 217 KB of CSS becomes about 25 KB


def test_fonts_are_not_compressed_again(client: FlaskClient, app: Flask) -> None:
    url, css = served_css(client, app)
    font = next(u for u in CSS_URL.findall(css) if u.endswith(".woff2"))
    response = fetch(client, posixpath.normpath(posixpath.join(posixpath.dirname(url), font)),
                     "gzip, br")  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "font/woff2"
    assert "Content-Encoding" not in response.headers


def test_the_served_css_names_only_woff2_fonts(client: FlaskClient, app: Flask) -> None:
    _, css = served_css(client, app)
    fonts = [u for u in CSS_URL.findall(css) if "/fonts/" in u]
    assert fonts
    assert [u for u in fonts if not u.endswith(".woff2")] == []
    assert not re.search(r"\.(woff|eot|ttf)\b", css.replace(".woff2", ""))


def test_every_url_in_the_served_css_resolves_to_a_kept_file(
    client: FlaskClient, app: Flask
) -> None:
    url, css = served_css(client, app)
    targets = {u for u in CSS_URL.findall(css) if not u.startswith(("data:", "#"))}
    assert len(targets) >= 8  # the fonts (the icons are data: URLs)
    for target in sorted(targets):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(url), target.split("#")[0]))
        response = client.head(path)
        assert response.status_code == 200, target
        assert HASHED.search(path), target
        assert "immutable" in response.headers["Cache-Control"]


def tree(root: Path) -> Path:
    (root / "css").mkdir(parents=True)
    (root / "fonts").mkdir()
    (root / "css" / "site.css").write_text(
        '@font-face{src:url("../fonts/a.woff2") format("woff2")}'
        "body{background:url(../img/none.png)}"
        ".x{background:url(data:image/png;base64,AAAA)}",
        encoding="utf-8",
    )
    (root / "css" / "own.css").write_text("p{margin:0}", encoding="utf-8")
    (root / "fonts" / "a.woff2").write_bytes(b"font one")
    return root


def test_a_changed_file_gets_a_new_url_and_so_does_the_css_naming_it(tmp_path: Path) -> None:
    source, cache = tree(tmp_path / "static"), tmp_path / "cache"
    before = assets.build(source, cache)
    assert assets.build(source, cache) == before
    (source / "fonts" / "a.woff2").write_bytes(b"font two, longer")
    after = assets.build(source, cache)
    assert after["fonts/a.woff2"] != before["fonts/a.woff2"]
    assert after["css/site.css"] != before["css/site.css"]  # it names the font's new URL
    assert after["css/own.css"] == before["css/own.css"]  # untouched: still cached
    css = (cache / after["css/site.css"]).read_text(encoding="utf-8")
    assert f'url("../{after["fonts/a.woff2"]}")' in css
    assert "url(../img/none.png)" in css  # missing: left as it was
    assert "url(data:image/png;base64,AAAA)" in css
    # Both versions stay on disk: a page rendered before a deployment still finds its CSS.
    assert (cache / before["css/site.css"]).is_file()
    assert (cache / after["css/site.css"]).is_file()


def test_the_cache_keeps_brotli_and_gzip_beside_each_text_file(tmp_path: Path) -> None:
    source, cache = tree(tmp_path / "static"), tmp_path / "cache"
    (source / "css" / "big.css").write_text("p{margin:0}\n" * 500, encoding="utf-8")
    names = assets.build(source, cache)
    big = cache / names["css/big.css"]
    assert brotli.decompress(big.with_name(big.name + ".br").read_bytes()) == big.read_bytes()
    assert gzip.decompress(big.with_name(big.name + ".gz").read_bytes()) == big.read_bytes()
    font = cache / names["fonts/a.woff2"]
    assert not font.with_name(font.name + ".br").exists()


def test_a_deployment_elsewhere_builds_the_same_names(tmp_path: Path) -> None:
    source = tree(tmp_path / "static")
    copy = tmp_path / "other" / "static"
    shutil.copytree(source, copy)
    assert assets.build(source, tmp_path / "a") == assets.build(copy, tmp_path / "b")
