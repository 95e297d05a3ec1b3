#!/usr/bin/env bash
# bench/fetch_vs_curl.sh [PIECES [PIECE_LENGTH]]: starts the loopback CDN lab, writes PIECES
# pieces (default 1000 of 256 KiB) into the origin, warms the edge, then runs bench_fetch:
# p2pcdn's fetcher against `curl --parallel --parallel-max 8` on the same edge URLs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pieces=${1:-1000}
piece_length=${2:-262144}

scripts/deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target bench_fetch -j "$(nproc)" >/dev/null

work=$(mktemp -d)
trap 'scripts/cdn-lab.sh down "$work/lab" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/cdn-lab.sh up "$work/lab" >/dev/null
/usr/bin/python3 - "$work" "$pieces" "$piece_length" <<'PY'
import hashlib, json, os, sys
work, pieces, length = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lab = json.load(open(os.path.join(work, "lab", "lab.json")))
d = os.path.join(lab["docroot"], "pieces", "bench")
os.makedirs(d, exist_ok=True)
hashes = []
for i in range(pieces):
    data = hashlib.shake_256(i.to_bytes(8, "big")).digest(length)
    open(os.path.join(d, f"{i}.bin"), "wb").write(data)
    hashes.append(hashlib.sha1(data).hexdigest())
edge = lab["edges"][0]["url"]
with open(os.path.join(work, "setup.txt"), "w") as f:
    f.write(f"{edge}/pieces/bench/{{piece}}.bin\n{pieces}\n{length}\n{''.join(hashes)}\n")
PY
# Warm the edge's cache so both sides measure delivery from the edge, not the origin.
P2PCDN_BENCH_FETCH="$work/setup.txt" build/release/bench/bench_fetch --benchmark_filter=curl \
  --benchmark_min_time=0.01 >/dev/null
P2PCDN_BENCH_FETCH="$work/setup.txt" build/release/bench/bench_fetch "${@:3}"
