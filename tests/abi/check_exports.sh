#!/bin/sh
# check_exports.sh LIBRARY API_DOC SONAME
set -eu
lib=$1 doc=$2 soname=$3
status=0

exports=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ {print $3}' | sed 's/@.*//' | sort -u)
[ -n "$exports" ] || { echo "no exported symbols found in $lib"; exit 1; }

foreign=$(printf '%s\n' "$exports" | grep -v '^p2pcdn_' || true)
if [ -n "$foreign" ]; then
    echo "exported symbols outside the p2pcdn_ prefix:"; printf '  %s\n' $foreign; status=1
fi

for symbol in $(printf '%s\n' "$exports" | grep '^p2pcdn_'); do
    grep -q "\`$symbol\`" "$doc" || { echo "not documented in docs/api.md: $symbol"; status=1; }
done

actual=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$actual" = "$soname" ] || { echo "SONAME is '$actual', expected '$soname'"; status=1; }

if readelf -lW "$lib" | grep -q 'GNU_STACK.*RWE'; then
    echo "the library asks for an executable stack"; status=1
fi

[ $status -eq 0 ] && echo "$(printf '%s\n' "$exports" | wc -l) exports, all p2pcdn_ and documented; SONAME $actual"
exit $status
