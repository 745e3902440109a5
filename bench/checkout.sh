#!/usr/bin/env bash
# Checkout throughput (orders/s) on SQLite and on PostgreSQL, side by side.
#
# Starts the release server twice on free 127.0.0.1 ports, each with a fresh
# database seeded with the demo catalog (stock raised so nothing sells out),
# and drives it with bench/checkout_driver.py: 32 shoppers, each adding one
# item and checking out with the test card in a loop. Every checkout is the
# real path: conditional stock decrement + order + lines in one transaction,
# payment, status change, cart cleared.
#
#   bench/checkout.sh [--no-build] [--seconds N] [--workers N]
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${VITRINE_CACHE:-$HOME/.cache/vitrine}"
BUILD=yes
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=no ;;
    --seconds|--workers) ARGS+=("$1" "$2"); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$BUILD" = yes ] && ./x build release >&2
SITE="$CACHE/site/release"
SERVER="${CARGO_TARGET_DIR:-$CACHE/target}/release/vitrine"
PG_ADMIN="${VITRINE_TEST_POSTGRES_URL:-postgres://postgres:vitrine@127.0.0.1:5432/postgres}"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS vitrine_bench WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The demo catalog with deep stock, and the same models.
mkdir -p "$work/seed"
ln -s "$PWD/seed/models" "$work/seed/models"
python3 - "$work/seed/catalog.json" <<'PY'
import json, sys
catalog = json.load(open("seed/catalog.json"))
for product in catalog["products"]:
    for variant in product["variants"]:
        variant["stock_on_hand"] = 10_000_000
json.dump(catalog, open(sys.argv[1], "w"))
PY

start() { # start NAME DATABASE_URL: starts a server, sets BASE to its URL
  local name=$1 url=$2 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/$name"
  DATABASE_URL="$url" VITRINE_ADDR="127.0.0.1:$port" VITRINE_DATA_DIR="$work/$name" \
    VITRINE_SITE_ROOT="$SITE" VITRINE_SEED_DIR="$work/seed" RUST_LOG=warn \
    "$SERVER" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 150); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "$name server did not start" >&2; exit 1; }
  BASE="http://127.0.0.1:$port"
}

echo "checkout throughput: $(nproc) cores; driver and server share them"
start sqlite "sqlite://$work/sqlite/vitrine.db?mode=rwc"; sqlite=$BASE
python3 bench/checkout_driver.py "$sqlite" SQLite "${ARGS[@]}"
kill "${pids[0]}"
psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS vitrine_bench WITH (FORCE)" >/dev/null 2>&1 || true
psql "$PG_ADMIN" -qc "CREATE DATABASE vitrine_bench" >/dev/null
start postgres "${PG_ADMIN%/*}/vitrine_bench"; postgres=$BASE
python3 bench/checkout_driver.py "$postgres" PostgreSQL "${ARGS[@]}"
