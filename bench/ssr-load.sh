#!/usr/bin/env bash
# Server-rendered pages under load, beside a static file from the same server.
#
# Starts the release server on free 127.0.0.1 ports with fresh SQLite
# databases (or DATABASE_URL, e.g. a PostgreSQL database): as configured by
# default (the anonymous page cache and the in-memory catalog on), with the
# page cache off, and with both off. Runs wrk with 256 connections against: a
# hashed static file (/pkg/*.css), the SSR product page on each, and the
# product's JSON (/api/v1/products/sheen-chair) with and without the
# in-memory catalog. Prints requests/s, p50 and p99 latency, and each route's
# throughput as a ratio of the static route's.
# Goal (issue 3): product page >= 0.5x the static route, p99 < 25 ms.
#
#   bench/ssr-load.sh [--no-build] [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${VITRINE_CACHE:-$HOME/.cache/vitrine}"
SECONDS_PER_ROUTE=10
BUILD=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=no ;;
    --seconds) SECONDS_PER_ROUTE=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v wrk >/dev/null || { echo "installing wrk" >&2; apt-get install -y -qq wrk >/dev/null; }
[ "$BUILD" = yes ] && ./x build release >&2
SITE="${VITRINE_BENCH_SITE:-$CACHE/site/release}"
# VITRINE_BENCH_SERVER and VITRINE_BENCH_SITE measure another build (e.g. the
# debug one, with --no-build); the figures then compare only with each other.
SERVER="${VITRINE_BENCH_SERVER:-${CARGO_TARGET_DIR:-$CACHE/target}/release/vitrine}"

data=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$data"' EXIT
start() { # start NAME PAGE_CACHE_MS CATALOG_CACHE_MS: starts a server, sets BASE to its URL
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$data/$1"
  VITRINE_ADDR="127.0.0.1:$port" VITRINE_DATA_DIR="$data/$1" VITRINE_SITE_ROOT="$SITE" \
    VITRINE_SEED_DIR=seed VITRINE_PAGE_CACHE_MS="$2" VITRINE_CATALOG_CACHE_MS="$3" RUST_LOG=warn "$SERVER" >/dev/null 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server did not become ready" >&2; exit 1; }
  BASE="http://127.0.0.1:$port"
}
# The same build three times: as configured by default (anonymous catalog
# pages are kept for 1 s, catalog reads in memory), with the page cache off
# (what a render costs), and with the catalog cache off too (what the
# database reads cost).
start cached 1000 1000; base=$BASE
start uncached 0 1000; uncached=$BASE
start direct 0 0; direct=$BASE

css=$(sed -n 's/.*"stylesheet": *"\([^"]*\)".*/\1/p' "$SITE/pkg/site.json")
echo "database: ${DATABASE_URL:-sqlite (fresh file)}; $(nproc) cores shared by wrk and the server; ${SECONDS_PER_ROUTE}s per route, 256 connections"
printf '%-44s %12s %10s %10s %10s\n' route "requests/s" p50 p99 "vs static"
static_rps=
for target in "$base/pkg/$css" "$base/p/sheen-chair" "$uncached/p/sheen-chair" \
  "$direct/p/sheen-chair" "$base/api/v1/products/sheen-chair" "$direct/api/v1/products/sheen-chair"; do
  out=$(wrk -t2 -c256 -d"${SECONDS_PER_ROUTE}s" --latency "$target")
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out")
  [ -z "$static_rps" ] && static_rps=$rps
  ratio=$(awk -v a="$rps" -v b="$static_rps" 'BEGIN { printf "%.2fx", a / b }')
  case "$target" in
    "$base/pkg/$css") label="static /pkg/*.css" ;;
    "$uncached"/*) label="${target#"$uncached"} (no page cache)" ;;
    "$direct"/*) label="${target#"$direct"} (no caches)" ;;
    *) label=${target#"$base"} ;;
  esac
  printf '%-44s %12s %10s %10s %10s\n' "$label" "$rps" "$p50" "$p99" "$ratio"
  [ -n "$errors" ] && echo "  $errors"
done
