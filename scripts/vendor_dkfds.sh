#!/usr/bin/env bash
# Copy the parts of DKFDS (and axe-core, for the browser tests) that the portal serves into
# static/vendor/. The CSS refers to ../fonts and ../img, so the dist layout is kept.
#
# Fonts: WOFF2 only, and split by script. DKFDS's CSS lists the regular weight's EOT and WOFF
# before its WOFF2, so Chromium fetched the 78 KB WOFF; and each weight is one 57-61 KB file
# with Latin, Cyrillic, Greek and symbols. The @font-face rules are rewritten here: each weight
# becomes one rule per subset file that DKFDS ships in fonts/IBMPlexSans/split/woff2, with the
# unicode-range of exactly the characters in that file, so a Danish or English page downloads
# only the 17 KB Latin1 file of each weight it uses. One more rule per weight names the
# complete WOFF2 file for the few characters no subset has (combining accents and the like),
# so every character the complete font draws is still drawn by it. EOT, TTF and WOFF are not
# copied, nor are fonts the CSS does not name. tests/unit/test_vendored_fonts.py checks each
# unicode-range against its file's character map.
#
# Icons: the CSS draws 158 small SVG icons (chevrons, checkmarks, ...) as background images,
# each fetched the first time a page shows it. They are written into the CSS as data: URLs
# (12 KB more of brotli-compressed CSS on the first visit), so no later page ever waits for an
# icon. The CSP allows data: images. The sprite for <svg><use> stays a file.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=node_modules/dkfds/dist
DST=static/vendor/dkfds
rm -rf "$DST"
mkdir -p "$DST/css" "$DST/js"
cp "$SRC/js/dkfds.min.js" "$DST/js/"
cp -r "$SRC/img" "$DST/"
cp node_modules/dkfds/LICENSE.md "$DST/"
python3 - "$SRC" "$DST" <<'PY'
import re
import shutil
import sys
from pathlib import Path

src, dst = Path(sys.argv[1]), Path(sys.argv[2])
css = (src / "css" / "dkfds-borgerdk.min.css").read_text(encoding="utf-8")
URL = re.compile(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)")
COMPLETE = re.compile(r"url\(\s*['\"]?(\.\./fonts/IBMPlexSans)/complete/woff2/(IBMPlexSans-\w+)\.woff2['\"]?\s*\)")
# The characters in each split file of IBM Plex Sans 6 (the same in every weight), read from
# the files' cmap tables with fontTools; None: those only the complete file has.
SUBSETS = {
    "Latin1": "U+0000,U+000D,U+0020-007E,U+00A0-00FF,U+0131,U+0152-0153,U+02C6,U+02DA,U+02DC,U+2013-2014,U+2018-201A,U+201C-201E,U+2020-2022,U+2026,U+2030,U+2039-203A,U+2044,U+20AC,U+2122,U+2212,U+FB01-FB02",
    "Latin2": "U+0100-0101,U+0104-0130,U+0132-0151,U+0154-017F,U+018F,U+0192,U+01A0-01A1,U+01AF-01B0,U+01FA-01FF,U+0218-021B,U+0237,U+0259,U+1E80-1E85,U+1E9E,U+20A1,U+20A4,U+20A6,U+20A8-20AA,U+20AD-20AE,U+20B1-20B2,U+20B4-20B5,U+20B8-20BA,U+20BD,U+20BF",
    "Latin3": "U+0102-0103,U+01CD-01DC,U+1EA0-1EF9,U+20AB",
    "Pi": "U+0E3F,U+2032-2033,U+2070,U+2074-2079,U+2080-2089,U+2113,U+2116,U+2126,U+212E,U+2150-2151,U+2153-215E,U+2190-2199,U+21A9-21AA,U+21B0-21B3,U+21B6-21B7,U+21BA-21BB,U+21C4,U+21C6,U+2202,U+2206,U+220F,U+2211,U+2215,U+221A,U+221E,U+222B,U+2248,U+2260,U+2264-2265,U+25CA,U+2713,U+274C,U+2B0E-2B11,U+ECE0,U+EFCC",
    "Cyrillic": "U+0400-045F,U+0472-0473,U+0490-049D,U+04A0-04A5,U+04AA-04AB,U+04AE-04B3,U+04B6-04BB,U+04C0-04C2,U+04CF-04D9,U+04DC-04DF,U+04E2-04E9,U+04EE-04F5,U+04F8-04F9",
    "Greek": "U+037E,U+0386-038A,U+038C,U+038E-03A1,U+03A3-03CE",
    None: "U+02BB-02BC,U+02C7,U+02D8-02D9,U+02DB,U+02DD,U+0300-0304,U+0306-030C,U+0312,U+0315,U+031B,U+0323,U+0326-0328,U+0384-0385,U+F6D7-F6D8",
}


def woff2_only(rule: str) -> str:
    """The @font-face rule with its src list cut down to the WOFF2 entries."""
    src_list = re.search(r"src:([^;}]*)", rule)
    if src_list is None or "woff2" not in src_list.group(1):
        return rule  # e.g. the local() system font: nothing to download
    entries = [e.strip() for e in re.split(r",(?![^(]*\))", src_list.group(1))]
    kept = [e for e in entries if re.search(r"\.woff2['\"]?\s*\)", e)]
    return rule.replace(src_list.group(0), "src:" + ",".join(kept))


def by_subset(rule: str) -> str:
    """One rule per subset file, each limited to the characters its file has."""
    found = COMPLETE.search(rule)
    if found is None:
        return rule
    folder, face = found.groups()
    rules = []
    for subset, unicode_range in SUBSETS.items():
        if subset is None:
            url = found.group(0)
        elif (src / "fonts" / "IBMPlexSans" / "split" / "woff2" / f"{face}-{subset}.woff2").is_file():
            url = f"url({folder}/split/woff2/{face}-{subset}.woff2)"
        else:
            return rule  # a DKFDS without this split file: keep the complete font alone
        rules.append(rule.replace(found.group(0), url)[:-1] + f";unicode-range:{unicode_range}}}")
    return "".join(rules)


def svg_data_url(match: re.Match[str]) -> str:
    """url(../img/x.svg) -> url("data:image/svg+xml,<svg ...>"), escaped as little as is
    safe (quotes swapped, % and # encoded), which compresses better than base64."""
    svg = (dst / "css" / match.group(1)).resolve().read_text(encoding="utf-8")
    svg = re.sub(r"\s+", " ", svg.strip()).replace("%", "%25").replace("#", "%23")
    svg = svg.replace("'", "%27").replace('"', "'")
    return f'url("data:image/svg+xml,{svg}")'


css = re.sub(r"@font-face\s*\{[^}]*\}", lambda m: by_subset(woff2_only(m.group(0))), css)
css = re.sub(r"url\(\s*['\"]?(\.\./img/[^'\")]+\.svg)['\"]?\s*\)", svg_data_url, css)
fonts = sorted({u for u in URL.findall(css) if "/fonts/" in u})
if not fonts or any(not f.endswith(".woff2") for f in fonts):
    sys.exit(f"vendor_dkfds: unexpected font references after the rewrite: {fonts}")
for font in fonts:
    target = (dst / "css" / font).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2((src / "css" / font).resolve(), target)
(dst / "css" / "dkfds-borgerdk.min.css").write_text(css, encoding="utf-8")
# Every relative url() must resolve inside the vendored tree, or a page would 404 on it.
missing = sorted(
    u for u in set(URL.findall(css))
    if not u.startswith(("data:", "#")) and not (dst / "css" / u.split("#")[0]).resolve().is_file()
)
if missing:
    sys.exit(f"vendor_dkfds: the CSS refers to files that were not copied: {missing}")
PY
if [ -f node_modules/axe-core/axe.min.js ]; then
  mkdir -p static/vendor/axe
  cp node_modules/axe-core/axe.min.js static/vendor/axe/
fi
touch static/vendor/.stamp
