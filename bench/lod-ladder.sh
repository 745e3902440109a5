#!/usr/bin/env bash
# The LOD ladder for every shared sample model, beside gltfpack.
#
# For each model: original bytes; bytes, triangles and texture edge per
# level; the time to build the whole ladder (release build, one process,
# all levels). Beside it, gltfpack (npm, the WebAssembly build) simplifying
# the same model to the triangle shares our levels have (-si R -noq, geometry only, no
# texture work), one run per ratio, and the time ratio ours / gltfpack's.
# Goals (issue 4): <= 1.5x gltfpack's time; coarsest level <= 5 % of the
# original bytes for files over 2 MB.
#
#   bench/lod-ladder.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${VITRINE_CACHE:-$HOME/.cache/vitrine}/target}"
[ -x node_modules/.bin/gltfpack ] || npm ci --no-audit --no-fund --loglevel=error >&2
cargo build --quiet --release -p vitrine-pipeline --example ladder >&2
LADDER="$CARGO_TARGET_DIR/release/examples/ladder"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

models=(seed/models/*.glb pipeline/tests/fixtures/models/*.glb)
echo "LOD ladder vs gltfpack $(node_modules/.bin/gltfpack -v 2>&1 | head -1 | tr -d '\n'); $(nproc) cores"
printf '%-22s %10s | %-52s | %8s %8s %6s | %s\n' model bytes "levels 0..3: KB / triangles" ours gltfpack ratio "coarsest/original"
for model in "${models[@]}"; do
  line=$("$LADDER" "$model")
  # gltfpack gets the share of triangles each of our levels ended up with
  # (the ladder's ratios, raised to its floors on small models).
  ratios=$(python3 -c 'import json,sys; l=json.loads(sys.argv[1])["levels"]; print(" ".join("%.4f" % (x["triangles"] / max(l[0]["triangles"], 1)) for x in l[1:]))' "$line")
  start=$(date +%s.%N)
  for r in $ratios; do
    node_modules/.bin/gltfpack -i "$model" -o "$work/out.glb" -si "$r" -noq >/dev/null 2>&1
  done
  theirs=$(echo "$(date +%s.%N) - $start" | bc)
  python3 - "$line" "$theirs" <<'PY'
import json, sys
m = json.loads(sys.argv[1]); theirs = float(sys.argv[2])
levels = " ".join(f"{l['bytes']/1024:.0f}K/{l['triangles']}" for l in m["levels"])
coarsest = m["levels"][-1]["bytes"] / m["bytes"]
flag = "" if m["bytes"] <= 2_000_000 or coarsest <= 0.05 else "  (over 5 %)"
print(f"{m['model'][:22]:<22} {m['bytes']:>10} | {levels:<52} | {m['seconds']:7.2f}s {theirs:7.2f}s {m['seconds']/theirs:5.2f}x | {coarsest*100:5.1f} %{flag}")
PY
done
