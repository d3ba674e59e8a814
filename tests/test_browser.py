"""The pages in a real browser: headless Chromium (Debian's /usr/bin/chromium and
/usr/bin/chromedriver) driven by Selenium.

Skipped, with a message, where Chromium is missing: `apt-get install chromium
chromium-driver` (CI: .ci/install-browser.sh). A screenshot of each page is saved under
tests/artifacts/ (gitignored) for a person to look at.
"""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
from functools import partial
from pathlib import Path

import pytest

import chromium  # tests/chromium.py
from chromium import CHROMEDRIVER, CHROMIUM

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
GOLD = CORPUS / "1958-02-19_cn-kp_joint-statement.gold.json"
ARTIFACTS = HERE / "artifacts"
HOSTILE = '"} ; DROP ALL ; <script>alert(1)</script>'

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("headless Chromium not found (/usr/bin/chromium, /usr/bin/chromedriver): "
                "apt-get install chromium chromium-driver (or run .ci/install-browser.sh)",
                allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    yield from chromium.start(tmp_path_factory.mktemp("chromium-profile"))


def _severe(drv) -> list[dict]:
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


def _open(drv, url: str) -> None:
    drv.get_log("browser")  # drop what earlier pages logged
    drv.get(url)
    WebDriverWait(drv, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def _screenshot(drv, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    drv.save_screenshot(str(ARTIFACTS / name))


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> Path:
    from treatykg.view import view_file

    out = tmp_path_factory.mktemp("view") / "seed.html"
    view_file(SEED, out)
    return out


_HIGHLIGHTS_JS = """
var facts = JSON.parse(document.getElementById("facts").textContent);
var out = [];
document.querySelectorAll(".hl[id^='ann-']").forEach(function(first){
  var id = first.getAttribute("data-ann");
  var text = Array.prototype.map.call(document.querySelectorAll('[data-ann="' + id + '"]'),
                                      function(e){ return e.textContent; }).join("");
  var r = first.getBoundingClientRect();
  out.push({id: id, field: first.getAttribute("data-field"), text: text, value: facts[id].value,
            exact: facts[id].exact, visible: r.width > 0 && r.height > 0});
});
return out;
"""


def _highlights(drv) -> list[dict]:
    return drv.execute_script(_HIGHLIGHTS_JS)


def test_seed_page_loads_without_console_errors(driver, seed_page):
    _open(driver, seed_page.as_uri())
    assert driver.title.startswith("中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明")
    assert driver.find_element(By.ID, "text").get_attribute("lang") == "zh"
    assert _severe(driver) == []
    _screenshot(driver, "view-seed.png")


def test_every_highlight_shows_exactly_its_quote(driver, seed_page):
    _open(driver, seed_page.as_uri())
    hs = _highlights(driver)
    assert len(hs) > 100
    for h in hs:
        assert h["text"] == h["exact"], h
        assert h["visible"], h


def test_signatories_and_parties_are_highlighted(driver, seed_page):
    _open(driver, seed_page.as_uri())
    hs = _highlights(driver)
    shown = {(h["field"].split("[")[0], h["value"]) for h in hs}
    for name in ("周恩来", "金日成"):
        assert ("signatories", name) in shown
    for party in ("中华人民共和国政府", "朝鲜民主主义人民共和国政府"):
        assert ("parties", party) in shown


def test_every_gold_fact_is_highlighted(driver, seed_page):
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    _open(driver, seed_page.as_uri())
    hs = _highlights(driver)

    def has(pattern: str, value: str) -> bool:
        import re
        return any(re.fullmatch(pattern, h["field"]) and h["value"] == value and h["text"] for h in hs)

    missing = []
    wanted = [(r"parties\[\d+\]", p) for p in gold["parties"]]
    wanted += [(r"signed_date", gold["signed_date"]), (r"signed_place", gold["signed_place"])]
    for s in gold["signatories"]:
        wanted += [(r"signatories\[\d+\]\.name", s["name"]), (r"signatories\[\d+\]\.title", s["title"])]
    for p in gold["talks_participants"]:
        wanted += [(r"talks_participants\[\d+\]\.name", p["name"]), (r"talks_participants\[\d+\]\.title", p["title"])]
    for r in gold["referenced"]:
        if r["date"]:
            wanted += [(r"referenced\[\d+\]\.label", r["label"]), (r"referenced\[\d+\]\.date", r["date"])]
    for pattern, value in wanted:
        if not has(pattern, value):
            missing.append((pattern, value))
    assert missing == []


def test_focusing_a_highlight_shows_its_field_value_and_statement(driver, seed_page):
    _open(driver, seed_page.as_uri())
    el = driver.find_element(By.CSS_SELECTOR, '.hl[data-field="signatories[0].name"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()
    assert driver.switch_to.active_element == el
    tip = driver.find_element(By.ID, "tip")
    WebDriverWait(driver, 5).until(lambda d: tip.is_displayed())
    text = tip.text
    assert "signatories[0].name" in text and "周恩来" in text and "prov:agent" in text
    assert "signatories[0].name" in driver.find_element(By.ID, "current").text
    _screenshot(driver, "view-seed-tooltip.png")


def test_keyboard_tab_reaches_the_highlights(driver, seed_page):
    _open(driver, seed_page.as_uri())
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(10):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        if "hl" in (active.get_attribute("class") or ""):
            break
    else:
        pytest.fail("TAB never reached a highlight")
    field = active.get_attribute("data-field")
    tip = driver.find_element(By.ID, "tip")
    assert tip.is_displayed() and field in tip.text
    active.send_keys(Keys.TAB)
    nxt = driver.switch_to.active_element
    assert nxt.get_attribute("data-field") and nxt.get_attribute("data-field") in tip.text


def test_a_panel_field_focuses_its_highlight(driver, seed_page):
    _open(driver, seed_page.as_uri())
    for field in ("parties[1]", "talks_participants[4].title", "referenced[8].date"):
        button = driver.find_element(By.CSS_SELECTOR, f'button.field[data-field="{field}"]')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        active = driver.switch_to.active_element
        assert active.get_attribute("id") == button.get_attribute("data-target")
        assert active.get_attribute("data-field") == field
        assert field in driver.find_element(By.ID, "current").text
    assert _severe(driver) == []


def test_a_hostile_title_is_shown_as_text(driver, tmp_path):
    import copy

    from treatykg.view import read_record, render_document

    record, text = read_record(SEED)
    record = copy.deepcopy(record)
    record.title = HOSTILE
    record.parties[0].name = HOSTILE
    page = tmp_path / "hostile.html"
    page.write_text(render_document(record, text), encoding="utf-8")
    _open(driver, page.as_uri())
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    assert driver.find_element(By.TAG_NAME, "h1").text == HOSTILE
    assert driver.title == HOSTILE
    button = driver.find_element(By.CSS_SELECTOR, 'button.field[data-field="parties[0]"]')
    assert HOSTILE in button.text
    assert _severe(driver) == []


# ---------------------------------------------------------------- the site
@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A build of the reference corpus (shared with the other collection tests), copied,
    and its site."""
    from collection import corpus_build

    from treatykg.site import build_site

    src, out, _, _ = corpus_build()
    mine = tmp_path_factory.mktemp("browser-site") / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site"))
    build_site(mine, src_dir=src)
    return mine / "site"


def _dates(drv) -> list[str]:
    return [r.find_element(By.CSS_SELECTOR, "td").text for r in drv.find_elements(By.CSS_SELECTOR, "#documents tbody tr")]


def test_index_sorts_by_date(driver, site):
    _open(driver, (site / "index.html").as_uri())
    dates = _dates(driver)
    assert len(dates) == len(list(CORPUS.glob("*.txt"))) and dates == sorted(dates)
    header = driver.find_element(By.CSS_SELECTOR, '#documents th[data-col="date"] button')
    header.click()
    assert _dates(driver) == sorted(dates, reverse=True)
    th = driver.find_element(By.CSS_SELECTOR, '#documents th[data-col="date"]')
    assert th.get_attribute("aria-sort") == "descending"
    header.send_keys(Keys.ENTER)  # keyboard too
    assert _dates(driver) == sorted(dates)
    title = driver.find_element(By.CSS_SELECTOR, '#documents th[data-col="title"] button')
    title.click()
    titles = [r.find_elements(By.CSS_SELECTOR, "td")[2].text for r in driver.find_elements(By.CSS_SELECTOR, "#documents tbody tr")]
    assert titles == sorted(titles)
    assert _severe(driver) == []
    _screenshot(driver, "site-index.png")


def test_pictures_render(driver, site):
    _open(driver, (site / "index.html").as_uri())
    for fig in ("timeline", "partners"):
        svg = driver.find_element(By.CSS_SELECTOR, f"#{fig} svg")
        assert svg.size["width"] > 100 and svg.size["height"] > 40
        bars = driver.find_elements(By.CSS_SELECTOR, f"#{fig} svg rect.bar")
        assert bars and all(b.size["width"] > 0 and b.size["height"] > 0 for b in bars)
    for name in ("timeline.svg", "partners.svg"):
        _open(driver, (site / name).as_uri())
        assert driver.execute_script("return document.documentElement.localName") == "svg"
        box = driver.execute_script("var b = document.documentElement.getBBox(); return [b.width, b.height];")
        assert box[0] > 100 and box[1] > 40
        assert _severe(driver) == []


def test_document_person_and_state_pages_from_the_file_system(driver, site):
    _open(driver, (site / "index.html").as_uri())
    driver.find_element(By.PARTIAL_LINK_TEXT, "朝鲜民主主义人民共和国政府联合声明").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "text"))
    hs = _highlights(driver)
    assert {h["value"] for h in hs if h["field"].startswith("signatories")} >= {"周恩来", "金日成"}
    assert _severe(driver) == []
    _screenshot(driver, "site-document.png")
    driver.find_element(By.CSS_SELECTOR, 'button.field[data-field="signatories[0].name"] + div a, '
                                         'li:has(button.field[data-field="signatories[0].name"]) a').click()
    WebDriverWait(driver, 10).until(lambda d: "person/" in d.current_url)
    assert "中华人民共和国国务院总理" in driver.page_source
    _screenshot(driver, "site-person.png")
    _open(driver, (site / "state" / "kp.html").as_uri())
    assert "金日成" in driver.find_element(By.TAG_NAME, "main").text
    assert _severe(driver) == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_the_site_over_http(driver, site):
    port = _free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}/"
        _open(driver, base + "index.html")
        assert len(_dates(driver)) == len(list(CORPUS.glob("*.txt")))
        driver.find_element(By.CSS_SELECTOR, '#documents th[data-col="date"] button').click()
        assert _dates(driver) == sorted(_dates(driver), reverse=True)
        link = driver.find_element(By.PARTIAL_LINK_TEXT, "朝鲜民主主义人民共和国政府联合声明")
        link.click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "text"))
        assert driver.current_url.startswith(base + "doc/")
        el = driver.find_element(By.CSS_SELECTOR, '.hl[data-field="parties[0]"]')
        driver.execute_script("arguments[0].focus()", el)  # its middle is a nested mention: focus, not click
        assert "parties[0]" in driver.find_element(By.ID, "tip").text
        _open(driver, base + "timeline.svg")
        assert driver.execute_script("return document.documentElement.localName") == "svg"
        assert _severe(driver) == []
        _screenshot(driver, "site-http-timeline.png")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


# ---------------------------------------------------------------- provenance (issue 17)
CURATED_TEXT = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
                "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n"
                "联合新闻公报\n应双方商定，两国外长于一九八五年五月六日在北京举行了会谈，就共同关心的问题交换了意见。\n"
                "一九八五年五月六日于北京\n")
CURATED = ('[[correction]]\ndocument = "curated.txt"\nfield = "parties"\naction = "set"\n'
           'value = ["中华人民共和国政府", "新西兰政府"]\ncurator = "Li Ming"\ndate = 2026-11-30\n'
           'note = "the preamble abbreviates both governments"\n')


def _provenance(drv) -> list[dict]:
    return drv.execute_script("""return Array.from(document.querySelectorAll('[data-provenance]')).map(e => ({
        kind: e.dataset.provenance, text: e.textContent, shown: e.offsetWidth > 0 && e.offsetHeight > 0,
        field: (e.closest('li') && e.closest('li').querySelector('[data-field]') || {}).dataset?.field}))""")


def test_a_corrected_fact_is_marked_on_the_view_page(driver, tmp_path):
    from treatykg.view import view_file

    text, corrections, page = tmp_path / "curated.txt", tmp_path / "c.toml", tmp_path / "page.html"
    text.write_text(CURATED_TEXT, encoding="utf-8")
    corrections.write_text(CURATED, encoding="utf-8")
    view_file(text, page, corrections=corrections)
    _open(driver, page.as_uri())
    marks = _provenance(driver)
    assert {(m["kind"], m["field"]) for m in marks} == {("curator", "parties[0]"), ("curator", "parties[1]")}
    assert all(m["shown"] and "Li Ming" in m["text"] for m in marks)
    # facts read from the text stay highlighted, none of them marked as corrected
    assert driver.find_elements(By.CSS_SELECTOR, "#text .hl") and _severe(driver) == []
    _screenshot(driver, "view-corrected.png")


def test_a_corrected_fact_is_marked_on_the_sites_document_page_and_the_index_lists_what_to_review(driver, tmp_path):
    from treatykg.build import build

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "curated.txt").write_text(CURATED_TEXT, encoding="utf-8")
    shutil.copy(SEED, src / SEED.name)
    (src / "undated.txt").write_text(CURATED_TEXT.replace("一九八五年五月六日于北京\n", ""), encoding="utf-8")
    corrections = tmp_path / "c.toml"
    corrections.write_text(CURATED, encoding="utf-8")
    build(src, out, workers=1, corrections=corrections)
    from treatykg.site import build_site

    build_site(out, workers=1)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]
    slug = manifest["curated.txt"]["document"].rsplit("/doc/", 1)[1]
    _open(driver, (out / "site" / "doc" / f"{slug}.html").as_uri())
    marks = _provenance(driver)
    assert marks and all(m["kind"] == "curator" and m["shown"] for m in marks)
    _open(driver, (out / "site" / "index.html").as_uri())
    listed = driver.execute_script("return Object.fromEntries(Array.from(document.querySelectorAll('#review-list > li'))"
                                   ".map(e => [e.querySelector('a, span').textContent, e.dataset.kinds]))")
    assert "violation" in listed["undated.txt"]  # kept without conforming: listed, not dropped
    assert "violation" not in listed.get("curated.txt", "")  # its parties were corrected
    assert _severe(driver) == []


# ---------------------------------------------------------------- the query page of `treatykg serve` (issue 20)
def test_the_query_page_runs_the_named_queries_and_links_to_the_site(driver, site):
    """`treatykg serve`'s own page: the named queries as examples with the treatykg prefixes, a
    results table of text (a hostile value stays text), the site one click away."""
    from treatykg.serve import oxigraph_executable, start

    try:
        oxigraph_executable()
    except Exception:
        pytest.skip("the oxigraph server is not installed: pip install -e '.[test]' (package oxigraph)")
    server = start(site.parent, port=0, timeout=10)
    try:
        _open(driver, server.url)
        options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#example option")]
        assert "documents" in options and "signatories" in options
        assert any("needs serve --allow-service" in o for o in options)      # wikidata-federated
        assert driver.find_element(By.ID, "endpoint").text == server.query_url
        driver.find_element(By.ID, "run").click()
        WebDriverWait(driver, 20).until(lambda d: "rows" in d.find_element(By.ID, "status").text)
        cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#results td")]
        assert any("朝鲜民主主义人民共和国政府联合声明" in c for c in cells)
        assert any(c.startswith("id:doc/") for c in cells)                   # IRIs as prefixed names
        _screenshot(driver, "serve-query-page.png")
        textarea = driver.find_element(By.ID, "query")
        textarea.clear()
        textarea.send_keys(f"SELECT ('''{HOSTILE}''' AS ?x) {{}}")
        driver.find_element(By.ID, "run").click()
        WebDriverWait(driver, 20).until(lambda d: "1 row" in d.find_element(By.ID, "status").text)
        assert driver.find_element(By.CSS_SELECTOR, "#results td").text == HOSTILE
        with pytest.raises(NoAlertPresentException):
            _ = driver.switch_to.alert.text
        textarea.clear()
        textarea.send_keys("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
        driver.find_element(By.ID, "run").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "error").is_displayed())
        assert "--allow-service" in driver.find_element(By.ID, "error").text
        driver.get_log("browser")          # the refused query's HTTP 400, as intended
        driver.find_element(By.ID, "site-link").click()
        WebDriverWait(driver, 10).until(lambda d: d.current_url == server.site_url)
        assert len(_dates(driver)) == len(list(CORPUS.glob("*.txt")))
        assert _severe(driver) == []
    finally:
        server.stop()
