#!/usr/bin/env bash
# bench/run.sh [OUT_DIR]: builds the release tree, runs every Google Benchmark program and
# OpenSSL's own `openssl speed -evp sha1` on this machine, and writes their output (console and
# JSON) to OUT_DIR (default build/release/bench-results). docs/benchmarks.md quotes these runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

out=${1:-build/release/bench-results}
scripts/deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" >/dev/null
mkdir -p "$out"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "cores: $(nproc)"
  echo "compiler: $(c++ --version | head -n1)"
  echo "openssl: $(openssl version)"
} | tee "$out/machine.txt"

for bench in build/release/bench/bench_*; do
  [ -x "$bench" ] || continue
  name=$(basename "$bench")
  echo "=== $name"
  "$bench" --benchmark_out="$out/$name.json" --benchmark_out_format=json | tee "$out/$name.txt"
done

echo "=== openssl speed -evp sha1"
openssl speed -evp sha1 -seconds 3 2>/dev/null | tail -n 2 | tee "$out/openssl_speed_sha1.txt"
