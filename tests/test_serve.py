"""treatykg serve: a real Oxigraph server (read-only) behind treatykg's front server on 127.0.0.1,
over the built corpus."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import requests
from click.testing import CliRunner
from SPARQLWrapper import JSON, SPARQLWrapper

from treatykg.cli import cli
from treatykg.serve import free_port, is_loopback, oxigraph_executable
from treatykg.sparql import named_query, query_store

from collection import TEXTS, corpus_build  # noqa: I001


def _oxigraph_or_skip() -> None:
    try:
        oxigraph_executable()
    except Exception:
        pytest.skip("the oxigraph server is not installed: pip install -e '.[test]' (package oxigraph)")


@pytest.fixture(scope="module")
def served():
    """`treatykg serve` as a real process on a free loopback port; stopped with SIGTERM."""
    _oxigraph_or_skip()
    out = corpus_build()[1]
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "treatykg.cli", "serve", "--store", str(out), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:  # the command prints the URLs once the server answers (the site's last)
        lines.append(line.strip())
        if line.startswith("Site:"):
            break
    if not any(ln.startswith("SPARQL endpoint:") for ln in lines):
        proc.kill()
        pytest.fail(f"serve did not start: {proc.stderr.read()}")
    yield out, port, lines, proc
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0


def test_serve_prints_the_query_page_and_the_endpoint(served):
    _, port, lines, _ = served
    assert lines[-4:] == [f"Query page:      http://127.0.0.1:{port}/",
                          f"SPARQL endpoint: http://127.0.0.1:{port}/query",
                          f"IRIs:            http://127.0.0.1:{port}/id/…  = https://w3id.org/treatykg/id/…",
                          f"Site:            http://127.0.0.1:{port}/site/"]
    page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower()


def test_the_site_is_served_beside_the_endpoint_with_its_pictures(served):
    _, port, _, _ = served
    site = f"http://127.0.0.1:{port}/site/"
    index = requests.get(site, timeout=10)
    assert index.status_code == 200 and "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明" in index.text
    for picture in ("timeline.svg", "partners.svg"):
        r = requests.get(site + picture, timeout=10)
        assert r.status_code == 200 and r.text.lstrip().startswith("<svg")


def test_sparqlwrapper_gets_the_same_answers_as_the_embedded_store(served):
    out, port, _, _ = served
    sw = SPARQLWrapper(f"http://127.0.0.1:{port}/query")
    sw.setQuery(named_query("agreements"))
    sw.setReturnFormat(JSON)
    bindings = sw.query().convert()["results"]["bindings"]
    assert len(bindings) == len(TEXTS)
    assert {b["date"]["value"] for b in bindings} == {r["date"] for r in query_store(out, named_query("agreements")).records()}


def test_query_command_against_the_endpoint(served):
    out, port, _, _ = served
    res = CliRunner().invoke(cli, ["query", "--endpoint", f"http://127.0.0.1:{port}/query", "--named", "signatories",
                                   "--format", "csv"], catch_exceptions=False)
    assert res.exit_code == 0
    local = CliRunner().invoke(cli, ["query", "--store", str(out), "--named", "signatories", "--format", "csv"])
    assert res.output == local.output


def test_the_endpoint_is_read_only(served):
    _, port, _, _ = served
    r = requests.post(f"http://127.0.0.1:{port}/update", data={"update": "CLEAR ALL"}, timeout=10)
    assert r.status_code >= 400
    r = requests.get(f"http://127.0.0.1:{port}/query", timeout=10,
                     params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0  # union default graph


def test_build_refuses_while_the_server_holds_the_store(served, run_main):
    out, _, _, _ = served
    src = corpus_build()[0]
    code, _, err = run_main("build", src, "--out", out, "--quiet")
    assert code == 5
    assert err.strip().splitlines() == [f"treatykg: error: {out}: the store is in use by a running "
                                        "`treatykg serve`, query or build (stop it, then build again)"]


def test_non_loopback_binds_are_refused_without_public(tmp_path):
    res = CliRunner().invoke(cli, ["serve", "--store", str(tmp_path), "--bind", "0.0.0.0"])
    assert res.exit_code == 2 and "--public" in res.output
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_serve_without_a_store_is_an_input_error(tmp_path, run_main):
    code, _, err = run_main("serve", "--store", tmp_path, "--port", "0")
    assert code == 3 and "no embedded store here" in err


def test_after_the_server_stops_the_store_can_be_built_again(tmp_path):
    """Stop a server (SIGTERM to treatykg serve) and check that its lock went with it."""
    _oxigraph_or_skip()
    from treatykg.build import build

    src = tmp_path / "src"
    src.mkdir()
    (src / TEXTS[0].name).write_bytes(TEXTS[0].read_bytes())
    out = tmp_path / "out"
    build(src, out, workers=1)
    proc = subprocess.Popen([sys.executable, "-m", "treatykg.cli", "serve", "--store", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("SPARQL endpoint:"):
            break
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0
    assert build(src, out, workers=1).ok


def test_serve_help_names_the_lock(run_main):
    code, out, _ = run_main("serve", "--help")
    assert code == 0 and "refuses" in out and "/query" in out and "--public" in out


# ---------------------------------------------------------------- the IRIs it mints (issue 21)
BASE = "https://w3id.org/treatykg/id/"
TURTLE, HTML = {"Accept": "text/turtle"}, {"Accept": "text/html"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}


@pytest.fixture(scope="module")
def minted():
    """`treatykg serve` over a build with an alias (tests/aliased.py) and its site."""
    from aliased import serve_aliased_build

    for build, url in serve_aliased_build():
        yield build, url.rstrip("/")


def _get(url: str, headers=None, **kw) -> requests.Response:
    return requests.get(url, headers=headers or {}, allow_redirects=False, timeout=30, **kw)


def _nq(build, name: str):
    import pyoxigraph as ox

    return list(ox.parse(path=str(build.out / "graphs" / f"{Path(name).stem}.nq"), format=ox.RdfFormat.N_QUADS))


def test_a_document_iri_gives_its_graphs_in_turtle_and_its_page_in_html(minted):
    """The issue's test: curl -H 'Accept: text/turtle' on a document IRI returns its graph; with
    Accept: text/html, a 303 to its page of the site, which is there."""
    import pyoxigraph as ox

    build, url = minted
    name = "1958-02-19_cn-kp_joint-statement.txt"
    doc = build.documents[name]
    key = doc[len(BASE):]
    assert key.startswith("doc/t")
    r = _get(f"{url}/id/{key}", TURTLE)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert r.headers["Vary"] == "Accept"
    got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    assert got == {q.triple for q in _nq(build, name)}   # its facts and its evidence
    for headers in (HTML, BROWSER):
        r = _get(f"{url}/id/{key}", headers)
        assert r.status_code == 303 and r.headers["Location"] == f"/site/doc/{key[len('doc/'):]}.html"
        page = _get(url + r.headers["Location"])
        assert page.status_code == 200 and "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明" in page.text
    assert _get(f"{url}/id/{key}", {"Accept": "*/*"}).headers["Content-Type"].startswith("text/turtle")
    assert _get(f"{url}/id/{key}").headers["Content-Type"].startswith("text/turtle")


def test_curl_on_a_document_iri(minted):
    import shutil

    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    build, url = minted
    key = build.documents["1958-02-19_cn-kp_joint-statement.txt"][len(BASE):]
    out = subprocess.run(["curl", "-sS", "-H", "Accept: text/turtle", f"{url}/id/{key}"], capture_output=True,
                         timeout=30, check=True).stdout.decode()
    assert out.startswith(f"@base <{BASE}> .") and f"<{key}> a " in out
    out = subprocess.run(["curl", "-sS", "-L", "-H", "Accept: text/html", f"{url}/id/{key}"], capture_output=True,
                         timeout=30, check=True).stdout.decode()
    assert "<html" in out.lower() and "联合声明" in out


@pytest.mark.parametrize("accept, parse_as, keeps_graphs", [
    ("application/trig", "TRIG", True), ("application/n-quads", "N_QUADS", True),
    ("application/ld+json", "JSON_LD", True), ("application/n-triples", "N_TRIPLES", False),
    ("application/rdf+xml", "RDF_XML", False), ("text/turtle;q=0.5, application/trig", "TRIG", True),
])
def test_every_rdf_format_of_a_document(minted, accept, parse_as, keeps_graphs):
    import pyoxigraph as ox

    build, url = minted
    name = "002_cn_pl_techsci_agreement_1954.txt"
    key = build.documents[name][len(BASE):]
    r = _get(f"{url}/id/{key}", {"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == accept.split(",")[-1].strip()
    got = list(ox.parse(r.content, format=getattr(ox.RdfFormat, parse_as)))
    written = _nq(build, name)
    if keeps_graphs:
        assert set(got) == set(written)
    else:
        assert {q.triple for q in got} == {q.triple for q in written}


def test_each_graph_of_a_document_and_any_iri_under_it(minted):
    import pyoxigraph as ox

    build, url = minted
    name = "1958-02-19_cn-kp_joint-statement.txt"
    doc = build.documents[name]
    written = _nq(build, name)
    for graph in ("graph", "evidence"):
        r = _get(f"{url}/id/{doc[len(BASE):]}/{graph}", {"Accept": "application/n-quads"})
        assert r.status_code == 200
        assert set(ox.parse(r.content, format=ox.RdfFormat.N_QUADS)) == \
            {q for q in written if q.graph_name.value == f"{doc}/{graph}"}
    r = _get(f"{url}/id/{doc[len(BASE):]}/signing", TURTLE)
    got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    assert got and got == {q.triple for q in written if q.subject.value == f"{doc}/signing"}
    assert _get(f"{url}/id/{doc[len(BASE):]}/signing", HTML).headers["Location"].startswith("/site/doc/")
    assert _get(f"{url}/id/{doc[len(BASE):]}/no-such-thing", TURTLE).status_code == 404


def test_the_text_of_a_document_is_its_published_text(minted):
    build, url = minted
    name = "1958-02-19_cn-kp_joint-statement.txt"
    doc = build.documents[name]
    for headers in ({}, {"Accept": "text/plain"}, {"Accept": "*/*"}):
        r = _get(f"{url}/id/{doc[len(BASE):]}/text", headers)
        assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert r.content == (build.out / "texts" / name).read_bytes()
    r = _get(f"{url}/id/{doc[len(BASE):]}/text", TURTLE)   # its description: length and SHA-256
    assert r.status_code == 200 and "tkg:sha256" in r.text and "tkg:characterCount" in r.text
    head = requests.head(f"{url}/id/{doc[len(BASE):]}/text", timeout=30)
    assert head.status_code == 200 and head.content == b"" and int(head.headers["Content-Length"]) > 1000


def test_an_alias_and_the_iris_under_it_move_permanently(minted):
    build, url = minted
    old, new = build.old[len(BASE):], build.new[len(BASE):]
    for suffix in ("", "/graph", "/evidence", "/text"):
        r = _get(f"{url}/id/{old}{suffix}", TURTLE)
        assert r.status_code == 301 and r.headers["Location"] == f"/id/{new}{suffix}"
        assert _get(url + r.headers["Location"], TURTLE).status_code == 200
    r = requests.get(f"{url}/id/{old}", headers=HTML, timeout=30)        # followed to the page
    assert r.status_code == 200 and r.url.endswith(f"/site/doc/{new[len('doc/'):]}.html")


def test_entities_are_what_the_collection_says_about_them(minted):
    import pyoxigraph as ox

    build, url = minted
    r = _get(f"{url}/id/state/kp", TURTLE)
    assert r.status_code == 200
    got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    label = ox.Triple(ox.NamedNode(BASE + "state/kp"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("朝鲜民主主义人民共和国", language="zh"))
    same = ox.Triple(ox.NamedNode(BASE + "state/kp"), ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                     ox.NamedNode("http://www.wikidata.org/entity/Q423"))
    assert label in got and same in got and all(t.subject.value == BASE + "state/kp" for t in got)
    assert _get(f"{url}/id/state/kp", HTML).headers["Location"] == "/site/state/kp.html"
    assert _get(f"{url}/id/agent/cn-government", HTML).headers["Location"] == "/site/state/cn.html"
    assert _get(f"{url}/id/person/zhou-enlai", HTML).headers["Location"] == "/site/person/zhou-enlai.html"
    for where in ("/site/state/kp.html", "/site/state/cn.html", "/site/person/zhou-enlai.html"):
        assert _get(url + where).status_code == 200
    r = _get(f"{url}/id/graph/aliases", {"Accept": "application/n-triples"})   # a graph: its triples
    assert r.status_code == 200 and r.text == f"<{build.old}> <http://www.w3.org/2002/07/owl#sameAs> <{build.new}> .\n"
    r = _get(f"{url}/id/graph/dataset", HTML)                      # no page: the query page lists it
    assert r.status_code == 303 and r.headers["Location"].startswith("/?query=SELECT")


def test_a_person_named_in_chinese_with_any_percent_encoding(minted):
    import pyoxigraph as ox

    build, url = minted
    nq = "".join(f.read_text(encoding="utf-8") for f in (build.out / "graphs").glob("*.nq"))
    person = next(iri for iri in sorted(set(re.findall(r"<(https://w3id.org/treatykg/id/person/%[^>]+)>", nq))))
    rest = person[len(BASE):]
    lower = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), rest)
    for path in (rest, lower, quote(unquote(rest))):
        r = _get(f"{url}/id/{path}", TURTLE)
        assert r.status_code == 200, path
        assert {q.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)} == {person}
    r = _get(f"{url}/id/{rest}", HTML)
    assert r.status_code == 303 and _get(url + r.headers["Location"]).status_code == 200


@pytest.mark.parametrize("path, headers, status", [
    ("/id/doc/t0000000000000000", TURTLE, 404), ("/id/state/no-such-state", TURTLE, 404),
    ("/id/", TURTLE, 404), ("/id/state/kp", {"Accept": "image/png"}, 406),
    ("/id/doc/../../etc/passwd", TURTLE, 404), ("/id/state/kp", {"Accept": "text/turtle;q=0"}, 406),
])
def test_unknown_iris_are_404_and_unacceptable_types_406(minted, path, headers, status):
    _, url = minted
    r = _get(url + path, headers)
    assert r.status_code == status, r.text


def test_negotiation_prefers_the_explicit_type_then_the_servers_order():
    from treatykg.deref import negotiate

    offers = ["text/turtle", "application/trig", "text/html"]
    assert negotiate(None, offers) == "text/turtle"
    assert negotiate("*/*", offers) == "text/turtle"
    assert negotiate("text/html, */*", offers) == "text/html"
    assert negotiate(BROWSER["Accept"], offers) == "text/html"
    assert negotiate("text/*", offers) == "text/turtle"
    assert negotiate("text/turtle;q=0.2, application/*;q=0.5", offers) == "application/trig"
    assert negotiate("image/png", offers) is None
    assert negotiate("text/turtle;q=0, */*", offers) == "application/trig"
    assert negotiate("TEXT/HTML;Q=1", offers) == "text/html"
    assert negotiate("text/html;q=oops, text/turtle;q=0.1", offers) == "text/turtle"


def test_the_path_mapping_follows_the_builds_base(tmp_path):
    import json

    from treatykg.deref import Minted

    (tmp_path / "manifest.json").write_text(json.dumps(
        {"format": 1, "documents": {"a.txt": {"options": {"base": "https://example.org/t/"}}}}), encoding="utf-8")
    m = Minted(tmp_path)
    assert m.iri_of("/id/doc/t1") == "https://example.org/t/doc/t1"
    assert m.iri_of("/id/person/%e5%91%a8") == "https://example.org/t/person/%E5%91%A8"
    assert m.path_of("https://example.org/t/state/kp") == "/id/state/kp"
    assert m.iri_of("/site/x") is None and m.path_of("https://elsewhere.example/x") is None
