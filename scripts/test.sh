#!/usr/bin/env bash
# Runs every test of p2pcdn: installs what is missing, then builds and tests three trees:
#   dev      gcc, Debug, ASan + UBSan: unit (doctest), C API (C), headers, ABI, fuzz-corpus
#            replay, Python (pytest)
#   release  gcc, optimised: the same tests again plus the installed-package consumers
#   static   the static library: C API, header and package-consumer tests against the archive
#   fuzz     clang + libFuzzer: each fuzz target runs for P2PCDN_FUZZ_SECONDS (default 10)
# Any failure makes it exit non-zero.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/deps.sh

jobs=$(nproc)
fuzz_seconds=${P2PCDN_FUZZ_SECONDS:-10}
declare -a summary=()

run_tree() {
  local preset=$1; shift
  echo "=== ${preset}: configure and build"
  cmake --preset "$preset" "$@" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== ${preset}: test"
  ctest --preset "$preset" -j "$jobs"
  summary+=("$preset: passed")
}

run_tree dev
run_tree release
run_tree static
run_tree fuzz -DP2PCDN_FUZZ_SECONDS="$fuzz_seconds"

echo "=== all test trees passed: ${summary[*]}"
