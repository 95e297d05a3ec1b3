#!/usr/bin/env bash
# The main job, for now: builds p2pcdn and runs examples/c/content_tour, which hashes a
# generated file into pieces and shows the content layout and bitmap operations through the
# C ABI. (The end-to-end tracker/CCS/CDN demo replaces this in a later issue.)
#   scripts/demo.sh [SIZE_BYTES [PIECE_LENGTH]]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

size=${1:-50000000}
piece_length=${2:-262144}

scripts/deps.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target content_tour p2pcdn_cli -j "$(nproc)" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Deterministic content: the same bytes, hence the same hashes, on every machine.
# (AES-CTR keystream: a stream mode, so exactly $size bytes come out.)
head -c "$size" /dev/zero \
  | openssl enc -aes-128-ctr -nosalt -pass pass:p2pcdn-demo -pbkdf2 > "$work/content.bin"

build/release/examples/c/content_tour "$work/content.bin" "$piece_length"
echo
echo "The same layout from the command line program (JSON for scripts):"
build/release/tools/p2pcdn hash --piece-length "$piece_length" --json "$work/content.bin" \
  > "$work/layout.json"
head -c 300 "$work/layout.json"
echo " ... ($(wc -c < "$work/layout.json") bytes)"
