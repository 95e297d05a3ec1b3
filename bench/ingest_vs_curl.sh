#!/usr/bin/env bash
# bench/ingest_vs_curl.sh [PIECES [PIECE_LENGTH [REPETITIONS]]]: starts the loopback CDN lab,
# writes PIECES files (default 1000 of 256 KiB), then runs bench_ingest: p2pcdn's CDN client
# PUTting them into the nginx origin at concurrency 8 against
# `curl --parallel --parallel-max 8 -T` uploading the same files, and purging them (DELETE)
# against `curl --parallel --parallel-max 8 -X DELETE`, all in one run. The benchmarks run
# REPETITIONS times (default 5) in a random interleaved order, so a slow patch of the shared
# machine hits every side alike; the ratios are of the medians.
#
# P2PCDN_BUILD_DIR names a configured build tree with P2PCDN_BUILD_BENCHMARKS=ON to use instead
# of the release preset's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pieces=${1:-1000}
piece_length=${2:-262144}
repetitions=${3:-5}

if [ -n "${P2PCDN_BUILD_DIR:-}" ]; then
  build=$P2PCDN_BUILD_DIR
else
  build=build/release
  scripts/deps.sh >/dev/null
  cmake --preset release >/dev/null
fi
cmake --build "$build" --target bench_ingest -j "$(nproc)" >/dev/null

# The lab (the origin's document root and nginx's body buffers) and the pieces on tmpfs when
# there is one: on disk, the kernel's writeback of 256 MB per upload round dominates and varies
# with whatever else the machine writes, for both sides.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'scripts/cdn-lab.sh down "$work/lab" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/cdn-lab.sh up "$work/lab" >/dev/null
/usr/bin/python3 - "$work" "$pieces" "$piece_length" <<'PY'
import hashlib, json, os, sys
work, pieces, length = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lab = json.load(open(os.path.join(work, "lab", "lab.json")))
d = os.path.join(work, "pieces")
os.makedirs(d)
for i in range(pieces):
    with open(os.path.join(d, f"{i}.bin"), "wb") as f:
        f.write(hashlib.shake_256(i.to_bytes(8, "big")).digest(length))
with open(os.path.join(work, "setup.txt"), "w") as f:
    f.write(f"{lab['origin']['url']}\n{pieces}\n{length}\n{d}\n")
PY
P2PCDN_BENCH_INGEST="$work/setup.txt" "$build/bench/bench_ingest" \
  --benchmark_repetitions="$repetitions" --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$work/result.json" --benchmark_out_format=json "${@:4}"
/usr/bin/python3 - "$work/result.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["benchmarks"]
median = {r["run_name"].split("/min_time")[0]: r["real_time"] for r in rows
          if r.get("aggregate_name") == "median"}
def vs(ours, theirs):
    return f"{median[theirs] / median[ours]:.2f}"
put, delete = "BM_curl_put_parallel8", "BM_curl_delete_parallel8"
print(f"ingest throughput vs curl:  {vs('BM_cdn_ingest_parallel8/with_digest', put)}"
      f" with the Content-Digest (the default), {vs('BM_cdn_ingest_parallel8/no_digest', put)}"
      " without it (curl's work)")
print(f"  HTTP client alone:        {vs('BM_http_client_put_parallel8/bare', put)},"
      f" with the Content-Digest: {vs('BM_http_client_put_parallel8/with_digest', put)}")
print(f"purge rate vs curl:        {vs('BM_cdn_purge_parallel8', delete)}")
PY
