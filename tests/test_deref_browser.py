"""A browser following the collection's IRIs on `treatykg serve` (issue 21): headless Chromium
(Debian's /usr/bin/chromium and /usr/bin/chromedriver) driven by Selenium, sending the Accept
header a browser sends. Skipped, with a message, where Chromium is missing."""
from __future__ import annotations

import pytest

import chromium  # tests/chromium.py
from aliased import serve_aliased_build
from chromium import CHROMEDRIVER, CHROMIUM

BASE = "https://w3id.org/treatykg/id/"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("headless Chromium not found (/usr/bin/chromium, /usr/bin/chromedriver): "
                "apt-get install chromium chromium-driver (or run .ci/install-browser.sh)",
                allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    yield from chromium.start(tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture(scope="module")
def served():
    for build, url in serve_aliased_build():
        yield build, url.rstrip("/")


def _open(drv, url: str) -> None:
    drv.get_log("browser")
    drv.get(url)
    WebDriverWait(drv, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_a_document_iri_and_its_alias_open_its_page(driver, served):
    build, url = served
    for iri in (build.new, build.old):
        _open(driver, url + "/id/" + iri[len(BASE):])
        assert driver.current_url == f"{url}/site/doc/{build.new.rsplit('/', 1)[1]}.html"
        assert "<html" in driver.page_source.lower()


def test_an_iri_without_a_page_opens_the_query_page_running_its_query(driver, served):
    build, url = served
    _open(driver, f"{url}/id/graph/aliases")
    assert driver.current_url.startswith(f"{url}/?query=SELECT")
    WebDriverWait(driver, 15).until(lambda d: "row" in d.find_element(By.ID, "status").text)
    assert driver.find_element(By.ID, "status").text.startswith("1 row")
    cells = [td.get_attribute("title") or td.text for td in driver.find_elements(By.CSS_SELECTOR, "#results td")]
    assert build.old in cells and build.new in cells
    assert not [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def test_the_served_site_links_to_the_query_page_and_the_file_site_does_not(driver, served):
    """Issue 20: links between the query page and the site both ways. Served, the site's index
    shows a link to the query page (at /), which opens it; opened from the file system, where
    there is no query page, the link stays hidden."""
    build, url = served
    _open(driver, f"{url}/site/index.html")
    link = driver.find_element(By.CSS_SELECTOR, "#query-link a")
    assert link.is_displayed()
    link.click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "site-link"))
    assert driver.current_url.rstrip("/") == url
    _open(driver, (build.out / "site" / "index.html").as_uri())
    assert not driver.find_element(By.ID, "query-link").is_displayed()
