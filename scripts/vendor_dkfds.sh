#!/usr/bin/env bash
# Copy the parts of DKFDS (and axe-core, for the browser tests) that the portal serves into
# static/vendor/. The CSS refers to ../fonts and ../img, so the dist layout is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=node_modules/dkfds/dist
DST=static/vendor/dkfds
rm -rf "$DST"
mkdir -p "$DST/css" "$DST/js" "$DST/fonts/IBMPlexSans/complete"
cp "$SRC/css/dkfds-borgerdk.min.css" "$DST/css/"
cp "$SRC/js/dkfds.min.js" "$DST/js/"
cp -r "$SRC/img" "$DST/"
for fmt in woff2 woff eot ttf; do
  cp -r "$SRC/fonts/IBMPlexSans/complete/$fmt" "$DST/fonts/IBMPlexSans/complete/"
done
cp node_modules/dkfds/LICENSE.md "$DST/"
if [ -f node_modules/axe-core/axe.min.js ]; then
  mkdir -p static/vendor/axe
  cp node_modules/axe-core/axe.min.js static/vendor/axe/
fi
touch static/vendor/.stamp
