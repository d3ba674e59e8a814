"""Headless Chromium (Debian's /usr/bin/chromium and /usr/bin/chromedriver) driven by Selenium,
shared by the page tests: :func:`start` for a module fixture."""
from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def start(profile: Path):
    """Yield a driver (a user profile in ``profile``), quit after; skip, saying why, where
    Chromium does not start."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        drv = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except Exception as exc:  # a broken install: say so, do not fail the suite
        pytest.skip(f"Chromium did not start ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
                    "apt-get install chromium chromium-driver")
    drv.set_page_load_timeout(20)
    yield drv
    drv.quit()
