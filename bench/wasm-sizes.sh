#!/usr/bin/env bash
# Prints the shipped size of the three wasm bundles (hydrate, quick look and
# 3D viewer): raw cargo output, as shipped (after wasm-bindgen and wasm-opt:
# -Oz for the hydrate bundle and the quick look, function merging for the
# viewer; see build_site in ./x),
# and brotli -q 11 (what browsers download), beside the budget the viewer
# issue sets (3 MB brotli, 3,000,000 bytes).
#
#   bench/wasm-sizes.sh           # builds the release site first (slow when cold)
#   bench/wasm-sizes.sh --no-build
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${VITRINE_CACHE:-$HOME/.cache/vitrine}"
TARGET="${CARGO_TARGET_DIR:-$CACHE/target}"
[ "${1:-}" = --no-build ] || ./x build release >&2
SITE="$CACHE/site/release"
[ -f "$SITE/pkg/site.json" ] || { echo "no release site in $SITE: run ./x build release" >&2; exit 1; }

field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$SITE/pkg/site.json"; }
size() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }

printf '%-10s %14s %16s %14s %14s\n' bundle raw shipped brotli budget
row() { # row NAME CRATE_WASM SHIPPED_WASM BUDGET
  local raw opt br
  raw=$(size "$2"); opt=$(size "$3"); br=$(size "$3.br")
  printf '%-10s %14s %16s %14s %14s\n' "$1" "$(mb "$raw")" "$(mb "$opt")" "$(mb "$br")" "$4"
  echo "           ($br bytes after brotli)"
}
row hydrate "$TARGET/wasm32-unknown-unknown/wasm-release/vitrine_frontend.wasm" \
  "$SITE/pkg/$(field app_output_name)_bg.wasm" "-"
row quick-look "$TARGET/wasm32-unknown-unknown/wasm-release/vitrine_quick_look.wasm" \
  "$SITE/pkg/$(field quick_look_wasm)" "-"
row viewer "$TARGET/wasm32-unknown-unknown/wasm-release/vitrine_viewer.wasm" \
  "$SITE/pkg/$(field viewer_wasm)" "3.00 MB"
js_br=$(cat "$SITE/pkg/$(field app_output_name).js.br" "$SITE/pkg/$(field quick_look_js).br" \
  "$SITE/pkg/$(field viewer_js).br" | wc -c)
echo "JS glue (all three bundles, brotli): $(mb "$js_br")"
