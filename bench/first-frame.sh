#!/usr/bin/env bash
# Time to the first 3D frame, Vitrine beside <model-viewer> (issue 5's
# benchmark): builds the release site (./x build release), starts the
# server on a free loopback port with the demo catalog and its levels of
# detail, and runs bench/first-frame.mjs against it.
#
#   bench/first-frame.sh [RUNS [SLUG...]]   (default 5 runs, every demo model;
#                                           MODE=dev uses the dev build)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${MODE:-release}"
./x build "$mode" >&2
CACHE="${VITRINE_CACHE:-$HOME/.cache/vitrine}"
target="${CARGO_TARGET_DIR:-$CACHE/target}"
bin="$target/$([ "$mode" = release ] && echo release || echo debug)/vitrine"
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VITRINE_ADDR="127.0.0.1:$port" VITRINE_DATA_DIR="$data" VITRINE_SITE_ROOT="$CACHE/site/$mode" \
  VITRINE_BUILD_LADDERS=startup VITRINE_LOG_FORMAT=json RUST_LOG=warn "$bin" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 600); do python3 -c "import urllib.request as u; u.urlopen(\"http://127.0.0.1:$port/readyz\")" 2>/dev/null && break; sleep 0.5; done
echo "Vitrine $mode build on $(nproc) cores"
node bench/first-frame.mjs "http://127.0.0.1:$port" "${1:-5}" "${@:2}"
