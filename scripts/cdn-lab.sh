#!/usr/bin/env bash
# Starts or stops the loopback CDN lab of the integration tests (tests/integration/cdn_lab.py):
# nginx origin (WebDAV PUT/DELETE), two nginx caching edges, an nginx 302 redirector and, with
# --with-varnish, a Varnish PURGE edge, all on free 127.0.0.1 ports under WORKDIR.
#   scripts/cdn-lab.sh up WORKDIR [--with-varnish[=yes|auto]] [--edges N] [--max-age S]
#   scripts/cdn-lab.sh up WORKDIR --restart   (first stop a lab an interrupted run left up)
#   scripts/cdn-lab.sh down WORKDIR
#   scripts/cdn-lab.sh status WORKDIR
#   scripts/cdn-lab.sh put-file WORKDIR SRC DEST
# `up` writes WORKDIR/lab.json (present only while the lab is up).
# Exit status 77: nginx (or varnishd, if asked for) is not installed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 2 ]; then
  echo "usage: $0 up|down|status|put-file WORKDIR [options]" >&2
  exit 2
fi
# Debian's interpreter (DESIGN.md 5); -B keeps __pycache__ out of the source tree.
exec /usr/bin/python3 -B "$here/../tests/integration/cdn_lab.py" "$@"
