#!/usr/bin/env bash
# bench/curl_cpu.sh [ROUNDS]: where the CPU goes when `curl --parallel --parallel-max 8` moves
# 1,000 pieces of 256 KiB on loopback: GET from a warmed nginx edge (the fetch benchmark of
# issue 4) and PUT into the nginx WebDAV origin (the ingest benchmark of issue 5). For ROUNDS
# (default 10) back-to-back runs of each, prints the wall time, curl's CPU time and the CPU
# time of the lab's nginx worker processes (from /proc/PID/stat), per round.
#
# It answers what a client could gain on this machine: a PUT round whose server worker is busy
# for all of it cannot go faster whatever the client does, and a GET round that uses both
# cores leaves no core for hashing the pieces.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-10}
command -v curl >/dev/null || { echo "curl_cpu.sh: curl is not installed" >&2; exit 77; }
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'scripts/cdn-lab.sh down "$work/lab" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
scripts/cdn-lab.sh up "$work/lab" >/dev/null
/usr/bin/python3 - "$work" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
lab = json.load(open(os.path.join(work, "lab", "lab.json")))
served = os.path.join(lab["docroot"], "pieces", "bench")
upload = os.path.join(work, "upload")
os.makedirs(served, exist_ok=True)
os.makedirs(upload)
edge, origin = lab["edges"][0]["url"], lab["origin"]["url"]
with open(os.path.join(work, "get.txt"), "w") as get, open(os.path.join(work, "put.txt"), "w") as put:
    for i in range(1000):
        data = hashlib.shake_256(i.to_bytes(8, "big")).digest(262144)
        for d in (served, upload):
            with open(os.path.join(d, f"{i}.bin"), "wb") as f:
                f.write(data)
        get.write(f'url = "{edge}/pieces/bench/{i}.bin"\noutput = "/dev/null"\n')
        put.write(f'upload-file = "{upload}/{i}.bin"\nurl = "{origin}/ingest/{i}.bin"\n')
with open(os.path.join(work, "lab_dir"), "w") as f:
    f.write(os.path.join(work, "lab"))
PY
hz=$(getconf CLK_TCK)
# CPU ticks of the lab's nginx workers (the lab's processes only: their command lines name
# the lab directory's configuration through the master).
worker_ticks() {
  local total=0 pid
  for master in $(cat "$work"/lab/*/nginx.pid 2>/dev/null); do
    for pid in $(pgrep -P "$master"); do
      total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
  done
  echo "$total"
}
for kind in get put; do
  curl -s --parallel --parallel-max 8 -K "$work/$kind.txt" >/dev/null 2>&1  # warm the edge
  before=$(worker_ticks)
  start=$(date +%s.%N)
  cpu=0
  for _ in $(seq "$rounds"); do
    /usr/bin/time -f "%U %S" -o "$work/t" curl -s --parallel --parallel-max 8 -K "$work/$kind.txt" >/dev/null 2>&1
    cpu=$(awk -v c="$cpu" '{print c + $1 + $2}' "$work/t")
  done
  end=$(date +%s.%N)
  after=$(worker_ticks)
  awk -v k="$kind" -v w="$(echo "$end - $start" | bc)" -v c="$cpu" -v n="$(( after - before ))" \
      -v hz="$hz" -v r="$rounds" 'BEGIN {
    printf "%s per round: wall %.0f ms, curl CPU %.0f ms, nginx workers CPU %.0f ms (%.0f%% of the wall time)\n",
           k, 1000 * w / r, 1000 * c / r, 1000 * n / hz / r, 100 * (n / hz) / w }'
done
