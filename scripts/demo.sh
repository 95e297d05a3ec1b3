#!/usr/bin/env bash
# The main job: the whole flow of TR 23.844 6.2.3 on loopback (scripts/demo/demo.py).
# Installs what it lacks (scripts/deps.sh), builds the release tree, then starts a real CDN
# (nginx origin with WebDAV, caching edges, a 302 redirector), a CSS, `p2pcdn tracker`,
# `p2pcdn ccs` and a swarm of simulated UEs, prints every step and a summary, and stops
# everything it started (on Ctrl-C too).
#   scripts/demo.sh [--ues N] [--pieces N] [--piece-size BYTES] [--policy NAME] [--help]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    exec /usr/bin/python3 -B scripts/demo/demo.py --program p2pcdn --help
  fi
done

echo "p2pcdn demo: installing what is missing and building (build/release) ..."
scripts/deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target p2pcdn p2pcdn_cli -j "$(nproc)" >/dev/null

export P2PCDN_LIBRARY="$PWD/build/release/src/libp2pcdn.so"
export PYTHONPATH="$PWD/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
exec /usr/bin/python3 -B scripts/demo/demo.py --program "$PWD/build/release/tools/p2pcdn" "$@"
