#!/usr/bin/env bash
# Installs the Debian packages p2pcdn's build, tests and demo need, if any are missing.
# Non-interactive and idempotent; it never starts system services (a server package's own
# instance would squat on ports and is never what the tests use).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config binutils clang libclang-rt-14-dev
  # the library's dependencies
  libcurl4-openssl-dev libssl-dev openssl rapidjson-dev libfmt-dev
  # the `p2pcdn tracker` daemon's HTTP server
  libmicrohttpd-dev
  # tests and benchmarks
  doctest-dev libbenchmark-dev python3 python3-pytest python3-pip
  # independent BitTorrent implementations the tests compare against
  python3-libtorrent mktorrent
  # the loopback CDN of the integration tests (never started as system services); Varnish
  # compiles its VCL with gcc
  nginx varnish gcc
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} Debian packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

# policy-rc.d answering 101 tells invoke-rc.d not to start services during installation.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [ $own_policy -eq 1 ]; then $sudo rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
