#!/usr/bin/env bash
# Install the SPARQL servers the publisher tests (tests/test_push.py) run against.
# Idempotent: does nothing when they are already there. Call it before `make test`.
#
# * Virtuoso 7 (Debian/Ubuntu package virtuoso-opensource: virtuoso-t, isql-vt).
#   The tests run their own instance on free 127.0.0.1 ports over a temporary folder;
#   the system service the package may start is not used.
# * The Oxigraph server needs nothing here: `pip install -e '.[test]'` (make test)
#   installs the `oxigraph` package, whose `oxigraph serve` the tests run.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

if have virtuoso-t && { have isql-vt || have isql; }; then
  echo "install-servers: Virtuoso already installed ($(command -v virtuoso-t))"
  exit 0
fi

apt_install install-servers virtuoso-opensource

have virtuoso-t || { echo "install-servers: virtuoso-t still missing after install" >&2; exit 1; }
echo "install-servers: Virtuoso installed ($(command -v virtuoso-t))"
