#!/usr/bin/env bash
# Install the headless browser the browser tests (tests/test_browser.py) drive:
# Debian's Chromium (/usr/bin/chromium) and its matching driver (/usr/bin/chromedriver),
# plus CJK fonts (fonts-noto-cjk) so that the screenshots the tests save show the Chinese text.
# Selenium itself comes with `pip install -e '.[test]'` (make test).
# Idempotent: does nothing when all three are already there. Call it before `make test`;
# without them the browser tests are skipped with a message.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

have_fonts() { dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed"; }

if have chromium && have chromedriver && have_fonts; then
  echo "install-browser: chromium, chromedriver and CJK fonts already installed ($(command -v chromium), $(command -v chromedriver))"
  exit 0
fi

apt_install install-browser --no-install-recommends chromium chromium-driver fonts-noto-cjk

have chromium && have chromedriver || { echo "install-browser: chromium or chromedriver still missing after install" >&2; exit 1; }
echo "install-browser: installed $(chromium --version 2>/dev/null || echo chromium), $(chromedriver --version 2>/dev/null | head -1 || echo chromedriver)"
