#!/usr/bin/env bash
# Install the headless browser the browser tests (tests/test_browser.py) drive:
# Debian's Chromium (/usr/bin/chromium) and its matching driver (/usr/bin/chromedriver),
# plus CJK fonts (fonts-noto-cjk) so that the screenshots the tests save show the Chinese text.
# Selenium itself comes with `pip install -e '.[test]'` (make test).
# Idempotent: does nothing when all three are already there. Call it before `make test`;
# without them the browser tests are skipped with a message.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

have_fonts() { dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; }

if have chromium && have chromedriver && have_fonts; then
  echo "install-browser: chromium, chromedriver and CJK fonts already installed ($(command -v chromium), $(command -v chromedriver))"
  exit 0
fi

if ! have apt-get; then
  echo "install-browser: no apt-get here; install Chromium and its chromedriver by hand," >&2
  echo "install-browser: or the tests of tests/test_browser.py will be skipped" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then SUDO="sudo -n"; else
    echo "install-browser: need root or sudo to apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk

have chromium && have chromedriver || { echo "install-browser: chromium or chromedriver still missing after install" >&2; exit 1; }
echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium), $(chromedriver --version 2>/dev/null | head -1 || echo chromedriver)"
