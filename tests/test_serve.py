"""treatykg serve: a real Oxigraph server (read-only) behind treatykg's front server on 127.0.0.1,
over the built corpus."""
from __future__ import annotations

import signal
import subprocess
import sys

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
    assert lines[-3:] == [f"Query page:      http://127.0.0.1:{port}/",
                          f"SPARQL endpoint: http://127.0.0.1:{port}/query",
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
