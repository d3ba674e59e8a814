"""The annotated page, the static site and the ontology docs, without a browser
(tests/test_browser.py opens them in one)."""
from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from treatykg.model import Span
from treatykg.view import KINDS, kind_of, read_record, render_document

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
HOSTILE = '"} ; DROP ALL ; <script>alert(1)</script>'


class _Highlights(HTMLParser):
    """Collects, per data-ann, the text inside its fragments (fragments of one fact never nest)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.text: dict[str, list[str]] = {}
        self.first: dict[str, dict[str, str]] = {}
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self._in_script = True
        if tag == "span":
            ann = a.get("data-ann")
            self.stack.append(ann)
            if ann is not None and a.get("id") == f"ann-{ann}":
                self.first[ann] = a

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "span" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
            return
        for ann in set(x for x in self.stack if x is not None):
            self.text.setdefault(ann, []).append(data)


def _parse(page: str) -> _Highlights:
    p = _Highlights()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def seed():
    return read_record(SEED)


def test_every_evidence_span_is_one_highlight_with_its_exact_text(seed):
    record, text = seed
    page = render_document(record, text)
    h = _parse(page)
    spans = [s for spans in record.evidence().values() for s in spans]
    assert len(h.first) == len(spans)
    for ann, attrs in h.first.items():
        assert attrs["tabindex"] == "0"
    by_field = {}
    for ann, attrs in h.first.items():
        by_field.setdefault(attrs["data-field"], []).append("".join(h.text[ann]))
    for path, spans in record.evidence().items():
        assert sorted(by_field[path]) == sorted(s.exact for s in spans), path


def test_the_text_is_kept_whole_and_in_order(seed):
    record, text = seed
    page = render_document(record, text)
    body = re.search(r'<pre id="text" lang="zh">(.*?)</pre>', page, re.S).group(1)
    import html as _html
    assert _html.unescape(re.sub(r"<[^>]+>", "", body)) == text


def test_offsets_are_code_points_even_beyond_the_bmp(tmp_path, seed):
    """Characters outside the BMP (two UTF-16 units each) before the facts shift nothing."""
    text = SEED.read_text(encoding="utf-8").replace("我们努力", "我们𠀀𠀁努力", 1)
    p = tmp_path / "astral.txt"
    p.write_text(text, encoding="utf-8")
    record, original = read_record(p)
    assert "𠀀" in original
    h = _parse(render_document(record, original))
    names = {"".join(h.text[a]) for a, attrs in h.first.items() if attrs["data-field"].startswith("signatories")}
    assert {"周恩来", "金日成"} <= names


def test_overlapping_spans_are_split_not_misnested(seed):
    import copy
    record, text = copy.deepcopy(seed)
    # a span crossing the boundary of another: 中华人民共和国政府 [105:114] and one from 110 to 120
    record.parties.append(type(record.parties[0])(name="crossing", span=Span(110, 120, text[110:120])))
    page = render_document(record, text)
    h = _parse(page)
    texts = {attrs["data-field"]: "".join(h.text[a]) for a, attrs in h.first.items()}
    assert texts[f"parties[{len(record.parties) - 1}]"] == text[110:120]
    assert texts["parties[0]"] == text[105:114]
    assert page.count("<span") == page.count("</span>")


def test_spans_that_do_not_match_the_text_are_dropped_and_said(seed):
    record, text = seed
    page = render_document(record, "x" + text)  # every offset is now one off
    assert 'id="ann-' not in page
    assert "do not match this text" in page


def test_hostile_values_are_text_not_markup(seed):
    import copy
    record, text = copy.deepcopy(seed)
    record.title = HOSTILE
    record.parties[0].name = HOSTILE
    inject = "</pre><script>alert(2)</script>"
    assert record.title_span.start > len(inject)  # markup in the text itself, before every fact
    page = render_document(record, inject + text[len(inject):])
    assert "<script>alert" not in page
    assert "</script><script>" not in page
    h = _parse(page)
    # the only scripts are ours: the JSON blob and the page script
    assert page.count("<script") == 2
    import json
    blob = re.search(r'<script type="application/json" id="facts">(.*?)</script>', page, re.S).group(1)
    assert any(f["value"] == HOSTILE for f in json.loads(blob).values())
    assert h.first  # still highlighted


def test_each_fact_names_the_statement_it_supports(seed):
    record, text = seed
    page = render_document(record, text)
    import json
    blob = json.loads(re.search(r'id="facts">(.*?)</script>', page, re.S).group(1))
    by_field = {f["field"]: f for f in blob.values()}
    assert by_field["signatories[0].name"]["statement"].endswith("prov:agent id:person/zhou-enlai .")
    assert " eli:passed_by id:agent/cn-government ." in by_field["parties[0]"]["statement"]
    assert '"1958-02-19"^^xsd:date' in by_field["signed_date"]["statement"]
    assert by_field["mentions[0]"]["wikidata"] == "Q148"
    assert "https://www.wikidata.org/wiki/Q148" in page



def test_a_reference_date_and_place_name_their_statement(seed):
    """Regression: a referenced document's or event's date and place showed no statement (the page
    looked for them on ``{doc}/ref/N``, which no quad has, instead of the reference's own IRI)."""
    record, text = seed
    import json
    page = render_document(record, text)
    blob = json.loads(re.search(r'id="facts">(.*?)</script>', page, re.S).group(1))
    by_field = {f["field"]: f for f in blob.values()}
    assert by_field["referenced[1].date"]["statement"].endswith('dcterms:date "1957-11"^^xsd:gYearMonth .')
    assert by_field["referenced[1].place"]["statement"].endswith("prov:atLocation id:place/moscow .")


def test_kinds():
    assert kind_of("signatories[0].name") == "signatory"
    assert kind_of("referenced[1].date") == "date"
    assert kind_of("commitments[0].deadline") == "date"
    assert kind_of("visit.places_visited") == "place"
    assert kind_of("talks_participants[3].title") == "participant"
    assert set(["party", "signatory", "date", "place", "reference", "commitment", "mention", "participant",
                "visit"]) <= set(KINDS)


def test_view_command(run_main, tmp_path):
    out = tmp_path / "page.html"
    code, _, err = run_main("view", SEED, "-o", out)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in re.sub(r'href="[^"]*"', "", page).replace("http://www.w3.org/2000/svg", "")
    code, _, err = run_main("view", tmp_path / "missing.txt", "-o", out)
    assert code == 3 and "missing.txt" in err


# ---------------------------------------------------------------- the site
@pytest.fixture(scope="module")
def site_out(tmp_path_factory):
    from collection import corpus_build

    src, out, report, _ = corpus_build()
    mine = tmp_path_factory.mktemp("site") / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site"))
    from treatykg.site import build_site

    build_site(mine, src_dir=src)
    return src, mine


def seed_page(out: Path) -> Path:
    """The site page of the 1958-02-19 joint statement in build folder ``out``: its file is named
    after the last segment of the document's IRI (``doc/{key of its text}``), which the build
    manifest gives."""
    import json

    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"][SEED.name]
    return out / "site" / "doc" / f"{entry['document'].rsplit('/', 1)[-1]}.html"


def test_site_has_every_page(site_out):
    src, out = site_out
    site = out / "site"
    assert (site / "index.html").is_file()
    docs = sorted((site / "doc").glob("*.html"))
    assert len(docs) == len(list(src.glob("*.txt")))
    assert (site / "person" / "zhou-enlai.html").is_file()
    assert (site / "state" / "kp.html").is_file()
    for name in ("timeline.svg", "partners.svg"):
        svg = (site / name).read_text(encoding="utf-8")
        assert svg.startswith("<svg xmlns=") and "<rect class=\"bar\"" in svg and "<title>" in svg
    # every relative link of every page resolves to a file
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            if "://" in href:
                continue
            assert (page.parent / href).resolve().is_file(), (page, href)


def test_site_document_pages_are_annotated_when_the_text_is_at_hand(site_out):
    _, out = site_out
    page = seed_page(out).read_text(encoding="utf-8")
    assert 'data-field="signatories[0].name"' in page
    assert 'href="../person/zhou-enlai.html"' in page


def test_site_without_texts_lists_the_facts(tmp_path, site_out):
    _, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site", "store", "texts"))
    from treatykg.site import build_site

    build_site(mine)  # graphs/*.nq only, no texts
    page = seed_page(mine).read_text(encoding="utf-8")
    assert "original text was not given" in page
    assert "signatories[0].name" in page and "周恩来" in page


def test_site_from_the_store_without_texts_lists_the_facts(tmp_path, site_out):
    """The build's store is closed once the collection is read; a page without its text
    opens it again for its annotations."""
    _, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site", "graphs", "texts"))
    from treatykg.site import build_site

    build_site(mine)  # store/ only, no texts
    page = seed_page(mine).read_text(encoding="utf-8")
    assert "original text was not given" in page
    assert "signatories[0].name" in page


def test_the_site_of_a_build_folder_alone_shows_the_published_texts(tmp_path, site_out):
    """Without the source folder, the site reads the texts the build published (OUT/texts): the
    same annotated pages as from the sources."""
    _, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site", ".site-*"))
    from treatykg.site import build_site

    build_site(mine)
    for page in sorted((out / "site" / "doc").glob("*.html")):
        assert (mine / "site" / "doc" / page.name).read_text(encoding="utf-8") == page.read_text(encoding="utf-8")


def test_person_pages_give_offices_by_date(site_out):
    _, out = site_out
    page = (out / "site" / "person" / "zhou-enlai.html").read_text(encoding="utf-8")
    assert page.index("1958-02-19") < page.index("1961-08-18")
    assert "中华人民共和国国务院总理" in page and "国务院总理" in page


def test_partner_picture_leaves_out_the_prc(site_out):
    _, out = site_out
    svg = (out / "site" / "partners.svg").read_text(encoding="utf-8")
    assert "朝鲜民主主义人民共和国" in svg and "加纳共和国" in svg
    assert ">中华人民共和国 " not in svg


def test_site_command(run_main, tmp_path, site_out):
    _, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site"))
    code, stdout, err = run_main("site", mine)
    assert code == 0, err
    assert stdout.strip().endswith("index.html")
    code, _, err = run_main("site", tmp_path / "nothing")
    assert code in (2, 3)


# ---------------------------------------------------------------- docs
def test_docs(run_main, tmp_path):
    code, stdout, err = run_main("docs", "--out", tmp_path / "docs")
    assert code == 0, err
    onto = (tmp_path / "docs" / "ontology.html").read_text(encoding="utf-8")
    shapes = (tmp_path / "docs" / "shapes.html").read_text(encoding="utf-8")
    for term in ("tkg:JointStatement", "tkg:officeTitle", "tkg:onBehalfOf", "联合声明", "职务"):
        assert term in onto
    assert 'id="reused"' in onto and "http://www.w3.org/ns/prov#" in onto
    for shape in ("tkgsh:DocumentShape", "tkgsh:OffsetsInTextShape", "Violation", "Warning"):
        assert shape in shapes
    assert "missing title" in shapes


def test_site_while_a_build_holds_the_store_reads_the_graphs(tmp_path, site_out):
    """build() calls build_site() while it holds OUT's lock: the graphs are read instead."""
    from treatykg.site import build_site
    from treatykg.store import locked

    _, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site"))
    with locked(mine, exclusive=True):
        index = build_site(mine)
    assert "1958-02-19" in index.read_text(encoding="utf-8")


def test_site_of_an_empty_build(tmp_path):
    from treatykg.site import build_site

    (tmp_path / "graphs").mkdir()
    index = build_site(tmp_path)
    assert "0 documents" in index.read_text(encoding="utf-8")
    assert "No dated documents" in (tmp_path / "site" / "timeline.svg").read_text(encoding="utf-8")


def test_a_second_site_build_rewrites_nothing(tmp_path, site_out):
    from treatykg.site import build_site

    src, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site"))
    build_site(mine, src_dir=src)
    (mine / "site" / "doc" / "stale.html").write_text("gone", encoding="utf-8")
    before = {p: p.stat().st_mtime_ns for p in (mine / "site").rglob("*") if p.is_file()}
    import time
    time.sleep(0.01)
    build_site(mine, src_dir=src)
    after = {p: p.stat().st_mtime_ns for p in (mine / "site").rglob("*") if p.is_file()}
    assert mine / "site" / "doc" / "stale.html" not in after
    assert all(after[p] == before[p] for p in after)


# ---------------------------------------------------------------- the site at scale
def test_site_from_the_store_and_from_the_graphs_in_memory_is_byte_identical(tmp_path, site_out):
    """Rows that tie on the sort key kept the order the store returned: a store on disk and
    the same graphs loaded into memory gave different state and person pages."""
    from treatykg.site import build_site

    src, out = site_out
    disk, memory = tmp_path / "disk", tmp_path / "memory"
    shutil.copytree(out, disk, ignore=shutil.ignore_patterns(".treatykg.lock", "site", ".site-pages.json"))
    shutil.copytree(out, memory, ignore=shutil.ignore_patterns(".treatykg.lock", "site", ".site-pages.json", "store"))
    build_site(disk, src_dir=src)
    build_site(memory, src_dir=src)
    a = {p.relative_to(disk / "site"): p.read_bytes() for p in (disk / "site").rglob("*") if p.is_file()}
    b = {p.relative_to(memory / "site"): p.read_bytes() for p in (memory / "site").rglob("*") if p.is_file()}
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_pages_rendered_by_worker_processes_are_the_pages_rendered_here(tmp_path, site_out, monkeypatch):
    from treatykg import site as site_mod

    src, out = site_out
    here, there = tmp_path / "here", tmp_path / "there"
    for d in (here, there):
        shutil.copytree(out, d, ignore=shutil.ignore_patterns(".treatykg.lock", "site", ".site-pages.json"))
    site_mod.build_site(here, src_dir=src, workers=1)
    monkeypatch.setattr(site_mod, "_PARALLEL_PAGES", 2)  # the reference corpus is small
    monkeypatch.setattr(site_mod, "_PAGES_AT_ONCE", 4)  # and in several rounds: pages keep their order
    site_mod.build_site(there, src_dir=src, workers=2)
    a = {p.relative_to(here): p.read_bytes() for p in here.rglob("*") if p.is_file() and "store" not in p.parts}
    b = {p.relative_to(there): p.read_bytes() for p in there.rglob("*") if p.is_file() and "store" not in p.parts}
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k] and k.name != ".treatykg.lock"] == []
    assert any(k.parts[:2] == ("site", "doc") for k in a)


def test_role_rows_that_tie_on_date_title_and_role_have_one_order(tmp_path):
    from treatykg.site import Collection, Document, Person, Role, _Site

    base = "https://example.org/id/"
    col = Collection(base=base)
    col.documents[f"{base}doc/d"] = Document(graph=f"{base}doc/d/graph", iri=f"{base}doc/d", type_local="Treaty",
                                             title="条约", date="1960-01-01", slug="d")
    for name in ("a", "b", "c"):
        col.persons[f"{base}person/{name}"] = Person(iri=f"{base}person/{name}", zh=name, slug=name)
    roles = [Role(person=f"{base}person/{n}", document=f"{base}doc/d", role="signatory", agent=f"{base}agent/{g}")
             for n in ("c", "a", "b") for g in ("y", "x")]
    site = _Site(tmp_path, col, {})
    table = site._roles_table(roles, show_person=True)
    assert site._roles_table(list(reversed(roles)), show_person=True) == table
    assert [m for m in re.findall(r'person/(\w)\.html', table)] == ["a", "a", "b", "b", "c", "c"]


def test_collection_lists_each_role_once_and_reads_annotations_per_graph(site_out):
    """The annotations of every document were held together (most of the site's memory);
    roles were de-duplicated by a scan of a list (quadratic)."""
    from treatykg.site import _open_source, load_annotations, load_collection

    _, out = site_out
    store, fd = _open_source(out)
    try:
        col = load_collection(store)
        keys = [(r.person, r.document, r.role, r.office, r.agent, r.agent_label) for r in col.roles]
        assert len(keys) == len(set(keys)) > 0
        assert not hasattr(col, "annotations")
        d = next(d for d in col.documents.values() if d.date == "1958-02-19")
        text = (out / "texts" / f"{Path(d.file_name).stem}.txt").read_text(encoding="utf-8")
        anns = load_annotations(store, d.graph, text)
        assert anns and any(a["field"] == "signatories[0].name" and a["exact"] == "周恩来" for a in anns)
        assert all(a["exact"] == text[a["start"]:a["end"]] for a in anns)
        assert anns == sorted(anns, key=lambda a: (a["start"], -a["end"], a["field"], a["exact"], a["body"], a["label"]))
        assert load_annotations(store, "https://example.org/no-such-graph") == []
    finally:
        del store
        if fd is not None:
            import gc
            import os
            gc.collect()
            os.close(fd)


def test_unchanged_annotated_pages_are_not_rendered_again(tmp_path, site_out, monkeypatch):
    import treatykg.site as site_mod
    import treatykg.view as view
    from treatykg.site import PAGE_CACHE, build_site

    src, out = site_out
    mine = tmp_path / "out"
    shutil.copytree(out, mine, ignore=shutil.ignore_patterns(".treatykg.lock", "site", PAGE_CACHE))
    build_site(mine, src_dir=src)
    pages = {p: p.read_bytes() for p in (mine / "site").rglob("*") if p.is_file()}
    assert (mine / PAGE_CACHE).is_file() and not (mine / "site" / PAGE_CACHE).exists()

    real = view.read_record
    calls = []
    monkeypatch.setattr(view, "read_record", lambda *a, **k: calls.append(a) or real(*a, **k))
    build_site(mine, src_dir=src)
    assert calls == []
    assert {p: p.read_bytes() for p in (mine / "site").rglob("*") if p.is_file()} == pages

    # a page changed on disk is rendered again, and only that one
    doc = seed_page(mine)
    doc.write_text("edited by hand", encoding="utf-8")
    build_site(mine, src_dir=src)
    assert len(calls) == 1 and doc.read_bytes() == pages[doc]

    # an unreadable cache, or other code, renders every annotated page again
    n_docs = len(list((mine / "site" / "doc").glob("*.html")))
    calls.clear()
    (mine / PAGE_CACHE).write_text("not json", encoding="utf-8")
    build_site(mine, src_dir=src)
    assert len(calls) == n_docs
    calls.clear()
    monkeypatch.setattr(site_mod, "_code_fingerprint", lambda: "other code")
    build_site(mine, src_dir=src)
    assert len(calls) == n_docs
    assert {p: p.read_bytes() for p in (mine / "site").rglob("*") if p.is_file()} == pages


SITE_KILLER = """
import os, signal, sys
from treatykg import site
real, n = site._Site.write, [0]
def write(self, rel, data):  # killed after a few pages of the new site
    n[0] += 1
    if n[0] == 4:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, rel, data)
site._Site.write = write
site.build_site(sys.argv[1], workers=1)
"""


def test_a_site_stage_killed_while_writing_is_finished_by_the_next(tmp_path, site_out):
    """Stale site: pages a killed run did not finish are made consistent with the data by the
    next run, whatever the previous run's fate."""
    import subprocess
    import sys

    from treatykg.build import build
    from treatykg.site import build_site

    src = tmp_path / "src"
    shutil.copytree(site_out[0], src)
    out = tmp_path / "out"
    build(src, out, workers=2)
    build_site(out, workers=1)
    gone = sorted(src.glob("*.txt"))[0]
    gone.unlink()  # the collection changes: the site must lose that document
    build(src, out, workers=2)
    proc = subprocess.run([sys.executable, "-c", SITE_KILLER, str(out)], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    build_site(out, workers=1)
    fresh = tmp_path / "fresh"
    build(src, fresh, workers=2)
    build_site(fresh, workers=1)

    def pages(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / "site").rglob("*"))
                if p.is_file()}

    assert pages(out) == pages(fresh)


def test_the_shapes_table_shows_every_constraint_the_shapes_use():
    """Every SHACL constraint parameter used in shapes/treatykg.ttl is a column value of the table
    (sh:languageIn was used but not shown)."""
    import rdflib

    from treatykg.docs import shapes_html
    from treatykg.resources import shapes_path

    sh = "http://www.w3.org/ns/shacl#"
    not_constraints = {"message", "severity", "path", "property", "targetClass", "targetNode", "targetSubjectsOf",
                       "targetObjectsOf", "sparql", "select", "prefixes", "declare", "prefix", "namespace",
                       "name", "description", "order", "group", "deactivated"}
    g = rdflib.Graph().parse(shapes_path())
    used = {str(p)[len(sh):] for p in g.predicates() if str(p).startswith(sh)} - not_constraints
    assert "languageIn" in used
    page = shapes_html()
    assert not [p for p in sorted(used) if f"{p}</code>" not in page]
