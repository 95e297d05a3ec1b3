#!/usr/bin/env bash
# CTest takes a test list apart at ';', so a doctest case whose name holds one is registered
# under a truncated name that matches no case: it then "passes" without running anything.
# This check fails on any such name in the test sources.
set -euo pipefail
root=${1:?usage: check_test_names.sh TESTS_DIR}
if grep -rnE --include='*.cpp' '(TEST_CASE|SUBCASE|TEST_SUITE)\("[^"]*;' "$root"; then
  echo "test names above contain ';': CTest would run none of them" >&2
  exit 1
fi
