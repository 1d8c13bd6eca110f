#!/usr/bin/env bash
# Fetch the third-party browser assets into static/vendor/ from the npm registry.
#
# The results are committed, so a normal set-up never runs this; run it (or `make vendor`)
# only to change a version. It is idempotent: the same versions give the same files.
# htmx is not fetched here: it ships inside django-htmx ({% htmx_script %}, htmx 2).
#
# Why the .map files are kept: whitenoise's CompressedManifestStaticFilesStorage rewrites
# the `sourceMappingURL` comment of each .css/.js and fails collectstatic if the map is
# missing.
set -euo pipefail

BOOTSTRAP_VERSION="5.3.9"
FONT_PACKAGE="@fontsource/noto-sans-arabic"
FONT_VERSION="5.3.0"
FONT_WEIGHTS="400 500 600 700"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "vendor.sh needs npm (Debian: apt-get install npm)" >&2; exit 1; }

fetch() {  # fetch <package@version> <dir>: unpack an npm tarball into <dir>/package
    mkdir -p "$2"
    (cd "$2" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
}

# --- Bootstrap ---------------------------------------------------------------
fetch "bootstrap@$BOOTSTRAP_VERSION" "$WORK/bootstrap"
src="$WORK/bootstrap/package"
dst="$VENDOR/bootstrap"
rm -rf "$dst"
mkdir -p "$dst"
for f in css/bootstrap.min.css css/bootstrap.min.css.map \
         css/bootstrap.rtl.min.css css/bootstrap.rtl.min.css.map \
         js/bootstrap.bundle.min.js js/bootstrap.bundle.min.js.map; do
    cp "$src/dist/$f" "$dst/"
done
cp "$src/LICENSE" "$dst/LICENSE"

# --- Arabic UI font (OFL) ------------------------------------------------------
fetch "$FONT_PACKAGE@$FONT_VERSION" "$WORK/font"
src="$WORK/font/package"
dst="$VENDOR/fonts/noto-sans-arabic"
rm -rf "$dst"
mkdir -p "$dst"
cp "$src/LICENSE" "$dst/LICENSE"
# Only the Arabic subset: Latin text keeps the platform's UI font. The unicode-range comes
# from the package's own stylesheet so the browser downloads the font only for Arabic.
range="$(awk '/noto-sans-arabic-arabic-400-normal/{found=1} found && /unicode-range/{print; exit}' \
    "$src/400.css" | sed -e 's/^ *unicode-range: *//' -e 's/;$//')"
[ -n "$range" ] || { echo "vendor.sh: no unicode-range found for the Arabic subset" >&2; exit 1; }
css="$dst/noto-sans-arabic.css"
echo "/* Noto Sans Arabic $FONT_VERSION ($FONT_PACKAGE), SIL Open Font License 1.1: see LICENSE. */" > "$css"
for w in $FONT_WEIGHTS; do
    file="noto-sans-arabic-arabic-$w-normal.woff2"
    cp "$src/files/$file" "$dst/$file"
    cat >> "$css" <<EOF
@font-face {
  font-family: "Noto Sans Arabic";
  font-style: normal;
  font-display: swap;
  font-weight: $w;
  src: url("$file") format("woff2");
  unicode-range: $range;
}
EOF
done

cat > "$VENDOR/VERSIONS" <<EOF
# Written by scripts/vendor.sh; change the versions there and re-run it.
bootstrap $BOOTSTRAP_VERSION
$FONT_PACKAGE $FONT_VERSION (weights: $FONT_WEIGHTS)
EOF
echo "static/vendor: bootstrap $BOOTSTRAP_VERSION, $FONT_PACKAGE $FONT_VERSION"
