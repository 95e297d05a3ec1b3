#!/bin/sh
# build_and_run.sh PREFIX SOURCE BUILD_DIR CC: compile SOURCE with the flags pkg-config gives
# for the p2pcdn installed under PREFIX, then run it against that installation.
set -eu
prefix=$1 source=$2 build=$3 cc=$4
mkdir -p "$build"
libdir=$(dirname "$(find "$prefix" -name p2pcdn.pc | head -n 1)")/..
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cflags=$(pkg-config --cflags p2pcdn)
libs=$(pkg-config --libs p2pcdn)
echo "pkg-config: $cflags $libs"
"$cc" -std=c99 -Wall -Wextra -pedantic -Werror $cflags -o "$build/consumer" "$source" $libs
LD_LIBRARY_PATH="$libdir" "$build/consumer"
