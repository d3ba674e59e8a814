"""Wikidata: verified links in the RDF, reconciliation against local fakes, QuickStatements export.

No test reaches the network. The real client code runs against a fake MediaWiki API
(pytest-httpserver, answers shaped like wbsearchentities / wbgetentities) and a real
SPARQL server (``oxigraph serve`` on a free loopback port) loaded with a small
Wikidata-shaped fixture, and an autouse fixture refuses to resolve any host but the loopback
(a test that forgets a URL fails here instead of asking Wikidata). Every QID in the
fixtures is fictional (Q90000xx), but for the gazetteer's verified ids (Q148, Q423, Q36).
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from treatykg import wikidata as wd
from treatykg.api import convert, extract
from treatykg.errors import EndpointError
from treatykg.gazetteer import default as gazetteer

CORPUS = Path(__file__).parent / "corpus"
BASE = "https://w3id.org/treatykg/id/"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
ROOT = Path(__file__).resolve().parents[1]
_VENV_OXIGRAPH = Path(sys.executable).parent / "oxigraph"
OXIGRAPH = str(_VENV_OXIGRAPH) if _VENV_OXIGRAPH.exists() else (shutil.which("oxigraph") or str(_VENV_OXIGRAPH))

# ------------------------------------------------------------------ fixtures: Wikidata-shaped data
#: name searched (any language) -> [(qid, label, description, match type)]
SEARCH = {
    "周恩来": [("Q9000001", "周恩来", "fixture: premier", "label"),
            ("Q9000002", "周恩来", "fixture: a film", "label")],
    "Zhou Enlai": [("Q9000001", "Zhou Enlai", "fixture: premier", "label")],
    "金日成": [("Q9000011", "金日成", "fixture: leader", "label")],
    "Kim Il-sung": [("Q9000011", "Kim Il-sung", "fixture: leader", "label")],
    "金一": [("Q9000021", "金一", "fixture: politician born 1910", "label"),
           ("Q9000022", "金一", "fixture: engineer born 1930", "label"),
           ("Q9000023", "金一", "fixture: scholar, died 1940", "label")],
    "咸兴": [("Q9000031", "咸兴", "fixture: city", "label")],
}

WIKIDATA_TTL = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

wd:Q9000001 wdt:P31 wd:Q5 ; rdfs:label "周恩来"@zh , "Zhou Enlai"@en ;
    wdt:P569 "1898-03-05T00:00:00Z"^^xsd:dateTime ; wdt:P570 "1976-01-08T00:00:00Z"^^xsd:dateTime .
wd:Q9000002 wdt:P31 wd:Q9009002 ; rdfs:label "周恩来"@zh , "Zhou Enlai (film)"@en .
wd:Q9000011 wdt:P31 wd:Q5 ; rdfs:label "金日成"@zh , "Kim Il-sung"@en ;
    wdt:P569 "1912-04-15T00:00:00Z"^^xsd:dateTime ; wdt:P570 "1994-07-08T00:00:00Z"^^xsd:dateTime .
wd:Q9000021 wdt:P31 wd:Q5 ; rdfs:label "金一"@zh , "Kim Il"@en ;
    wdt:P569 "1910-01-01T00:00:00Z"^^xsd:dateTime ; wdt:P570 "1984-03-09T00:00:00Z"^^xsd:dateTime .
wd:Q9000022 wdt:P31 wd:Q5 ; rdfs:label "金一"@zh , "Kim Il"@en ;
    wdt:P569 "1930-06-01T00:00:00Z"^^xsd:dateTime .
wd:Q9000023 wdt:P31 wd:Q5 ; rdfs:label "金一"@zh , "Kim Il"@en ;
    wdt:P569 "1880-01-01T00:00:00Z"^^xsd:dateTime ; wdt:P570 "1940-01-01T00:00:00Z"^^xsd:dateTime .
wd:Q9000031 wdt:P31 wd:Q9009001 ; rdfs:label "咸兴"@zh , "Hamhung"@en .
# labels of the two verified state ids, for the federated query; their ISO codes agree
# with the gazetteer
wd:Q148 rdfs:label "中华人民共和国"@zh , "People's Republic of China"@en ; wdt:P297 "CN" .
wd:Q423 rdfs:label "朝鲜民主主义人民共和国"@zh , "Democratic People's Republic of Korea"@en ;
    wdt:P297 "KP" .
# states by their ISO code: Ghana's is held by one item, Fiji's by two, Poland's by an item
# that is not the gazetteer's Q36
wd:Q9000041 wdt:P297 "GH" ; rdfs:label "Ghana"@en .
wd:Q9000042 wdt:P297 "FJ" ; rdfs:label "Fiji"@en .
wd:Q9000043 wdt:P297 "FJ" ; rdfs:label "Fiji (a same-named item)"@en .
wd:Q9000061 wdt:P297 "PL" ; rdfs:label "Poland (a duplicate item)"@en .
# historical states by label and dates: North Yemen (no ISO code) and a region sharing a
# name with it; Czechoslovakia (no item holds CSHH) dissolved a year off the gazetteer's
wd:Q9000051 rdfs:label "阿拉伯也门共和国"@zh , "Yemen Arab Republic"@en ; skos:altLabel "北也门"@zh ;
    wdt:P571 "1918-11-01T00:00:00Z"^^xsd:dateTime ; wdt:P576 "1990-05-22T00:00:00Z"^^xsd:dateTime .
wd:Q9000052 rdfs:label "Northern Yemen (region)"@en ; skos:altLabel "北也门"@zh .
wd:Q9000053 rdfs:label "Czech and Slovak Federative Republic"@en ;
    wdt:P571 "1918-10-28T00:00:00Z"^^xsd:dateTime ; wdt:P576 "1993-01-01T00:00:00Z"^^xsd:dateTime .
# North Vietnam: the one item holding VDVN is a state that exists (it holds VN too); the
# DRV's own item is found by its label and dates
wd:Q9000054 wdt:P773 "VDVN" ; wdt:P297 "VN" ; rdfs:label "Vietnam"@en .
wd:Q9000055 rdfs:label "越南民主共和国"@zh-hans ; wdt:P571 "1945-09-02T00:00:00Z"^^xsd:dateTime ;
    wdt:P576 "1976-07-02T00:00:00Z"^^xsd:dateTime .
"""


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No test reaches the internet: any host but the loopback fails to resolve."""
    real = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise socket.gaierror(f"the tests stay offline, {host} is not looked up")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


def search_answer(text: str, language: str) -> dict:
    """An answer shaped like wbsearchentities'."""
    hits = []
    for qid, label, desc, mtype in SEARCH.get(text, []):
        hits.append({"id": qid, "title": qid, "pageid": int(qid[1:]), "repository": "wikidata",
                     "concepturi": f"http://www.wikidata.org/entity/{qid}",
                     "url": f"//www.wikidata.org/wiki/{qid}",
                     "display": {"label": {"value": label, "language": language},
                                 "description": {"value": desc, "language": language}},
                     "label": label, "description": desc,
                     "match": {"type": mtype, "language": language, "text": label}})
    return {"searchinfo": {"search": text}, "search": hits, "success": 1}


def entities_answer(ids: list[str]) -> dict:
    """An answer shaped like wbgetentities' (claims only), built from WIKIDATA_TTL."""
    g = rdflib.Graph().parse(data=WIKIDATA_TTL, format="turtle")
    out = {}
    for qid in ids:
        claims: dict[str, list] = {}
        for _, p, o in g.triples((rdflib.URIRef(wd.WD + qid), None, None)):
            prop = str(p).rsplit("/", 1)[-1]
            if not prop.startswith("P"):
                continue
            if isinstance(o, rdflib.URIRef):
                value = {"value": {"entity-type": "item", "numeric-id": int(str(o).rsplit("Q", 1)[-1]),
                                   "id": str(o).rsplit("/", 1)[-1]}, "type": "wikibase-entityid"}
            else:
                value = {"value": {"time": "+" + str(o), "timezone": 0, "before": 0, "after": 0,
                                   "precision": 11,
                                   "calendarmodel": "http://www.wikidata.org/entity/Q1985727"},
                         "type": "time"}
            claims.setdefault(prop, []).append(
                {"mainsnak": {"snaktype": "value", "property": prop, "datavalue": value},
                 "type": "statement", "rank": "normal"})
        out[qid] = {"type": "item", "id": qid, "claims": claims}
    return {"entities": out, "success": 1}


@pytest.fixture
def fake_api(httpserver):
    """The fake MediaWiki API: answers wbsearchentities and wbgetentities."""
    from werkzeug.wrappers import Response

    def handler(request):
        args = request.args
        if args.get("action") == "wbsearchentities":
            body = search_answer(args["search"], args["language"])
        elif args.get("action") == "wbgetentities":
            body = entities_answer(args["ids"].split("|"))
        else:
            body = {"error": {"code": "badvalue", "info": "unknown action"}}
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json")

    httpserver.expect_request("/w/api.php").respond_with_handler(handler)
    return httpserver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def sparql_url(tmp_path_factory):
    """A real SPARQL server (oxigraph) on loopback with the Wikidata-shaped fixture."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server CLI is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("wikidata-store")
    data = folder / "wikidata.ttl"
    data.write_text(WIKIDATA_TTL, encoding="utf-8")
    store = folder / "store"
    subprocess.run([OXIGRAPH, "load", "--location", str(store), "--file", str(data)],
                   check=True, capture_output=True, timeout=60)
    port = _free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(store),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                if requests.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.skip("the oxigraph server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def texts(tmp_path) -> Path:
    """A folder with the seed and a copy in which 金一 signs instead of 金日成 (ambiguous name)."""
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    text = SEED.read_text(encoding="utf-8").replace("金日成", "金一")
    (folder / "1958-02-19_kim-il.txt").write_text(text, encoding="utf-8")
    return folder


def client(api, sparql, cache) -> wd.WikidataClient:
    return wd.WikidataClient(api_url=api.url_for("/w/api.php"), sparql_url=sparql, cache_dir=cache,
                             sleep=lambda s: None)


def records(folder: Path):
    return [extract(p) for p in sorted(folder.glob("*.txt"))]


# ------------------------------------------------------------------ reconcile
def test_reconcile_links_unambiguous_and_sends_the_ambiguous_to_review(fake_api, sparql_url, texts, tmp_path):
    c = client(fake_api, sparql_url, tmp_path / "cache")
    result = wd.reconcile(records(texts), c)
    links = {link.entity.key: (link.qid, link.source) for link in result.links}
    assert links["state:cn"] == ("Q148", "gazetteer")
    assert links["state:kp"] == ("Q423", "gazetteer")
    assert links["place:平壤"] == ("Q18808", "gazetteer")
    assert links["person:周恩来@1958-02-19"] == ("Q9000001", "auto")   # the film is not a human
    assert links["person:金日成@1958-02-19"] == ("Q9000011", "auto")
    assert links["place:咸兴"] == ("Q9000031", "auto")
    assert "person:金一@1958-02-19" not in links                       # two alive in 1958: review
    kim = {r.candidate.qid: r.candidate for r in result.review if r.entity.key == "person:金一@1958-02-19"}
    assert set(kim) == {"Q9000021", "Q9000022", "Q9000023"}
    assert kim["Q9000021"].survives and kim["Q9000022"].survives
    assert not kim["Q9000023"].survives and "died 1940-01-01" in kim["Q9000023"].reasons[0]
    assert {r.entity.key for r in result.review if r.candidate is None} >= {"place:兴南", "place:元山"}
    # decisions: one auto line per new link; the gazetteer's states checked once by ISO code
    assert {(d.key, d.decision) for d in result.decisions.rows} == {
        ("person:周恩来@1958-02-19", "auto"), ("person:金日成@1958-02-19", "auto"), ("place:咸兴", "auto"),
        ("state:cn", "verified"), ("state:kp", "verified")}
    assert {d.note for d in result.decisions.rows if d.key == "state:cn"} == {
        "ISO 3166-1 alpha-2 CN via P297, unique; the gazetteer's id"}
    ttl = wd.links_turtle(result).decode()
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    same = rdflib.OWL.sameAs
    assert (None, same, rdflib.URIRef(wd.WD + "Q9000001")) in g
    assert (None, same, rdflib.URIRef(wd.WD + "Q9000021")) not in g
    organ = rdflib.URIRef(next(iter(e.organs[0] for e in wd.entities_of(records(texts)[0])
                                   if e.key == "state:cn")))
    assert (organ, rdflib.URIRef(wd.WDT + "P17"), rdflib.URIRef(wd.WD + "Q148")) in g
    assert (organ, same, None) not in g      # a government is not its state
    assert (rdflib.URIRef(BASE + "state/cn"), same, rdflib.URIRef(wd.WD + "Q148")) in g
    review = wd.review_tsv(result)
    assert review.splitlines()[0].split("\t")[:5] == ["key", "kind", "name", "date", "qid"]
    assert "Q9000022" in review


def test_reconcile_cli_twice_asks_nothing_twice(fake_api, sparql_url, texts, tmp_path, run_main):
    out, review, decisions, cache = (tmp_path / n for n in ("links.ttl", "review.tsv", "decisions.tsv", "cache"))
    argv = ["wikidata", "reconcile", texts, "-o", out, "--review", review, "--decisions", decisions,
            "--api-url", fake_api.url_for("/w/api.php"), "--sparql-url", sparql_url, "--cache-dir", cache]
    code, _, err = run_main(*argv)
    assert code == 0, err
    first = len(fake_api.log)
    assert first > 0
    assert "Q9000001" in out.read_text(encoding="utf-8")
    assert "金一" in review.read_text(encoding="utf-8")
    code, _, err = run_main(*argv)
    assert code == 0, err
    assert len(fake_api.log) == first          # zero new lookups: decisions + cache
    assert "0 requests sent" in err


def test_human_decisions_are_kept_and_honoured(fake_api, sparql_url, texts, tmp_path):
    decisions = wd.Decisions([wd.Decision("person:金一@1958-02-19", "Q9000021", "reject", "wrong decade"),
                              wd.Decision("place:元山", "", "reject", "not on Wikidata yet")])
    c = client(fake_api, sparql_url, tmp_path / "cache")
    result = wd.reconcile(records(texts), c, decisions=decisions)
    links = {link.entity.key: link.qid for link in result.links}
    assert links["person:金一@1958-02-19"] == "Q9000022"     # the only candidate left
    assert "place:元山" not in {r.entity.key for r in result.review}
    path = tmp_path / "decisions.tsv"
    path.write_text(result.decisions.to_tsv().replace("\tauto\t", "\taccept\t"), encoding="utf-8")
    again = wd.Decisions.load(path)
    before = c.requests_made
    result2 = wd.reconcile(records(texts), c, decisions=again)
    assert {link.entity.key: link.source for link in result2.links}["person:金一@1958-02-19"] == "accept"
    assert c.requests_made == before


def test_facts_from_wbgetentities_apply_the_same_constraints(fake_api, sparql_url, texts, tmp_path):
    # states are looked up by ISO code on the SPARQL endpoint; candidates' facts come from the API
    c = wd.WikidataClient(api_url=fake_api.url_for("/w/api.php"), sparql_url=sparql_url, cache_dir=None)
    result = wd.reconcile(records(texts), c, facts_via="api")
    links = {link.entity.key: link.qid for link in result.links}
    assert links["person:周恩来@1958-02-19"] == "Q9000001"
    assert "person:金一@1958-02-19" not in links
    facts = c.facts(["Q9000001"], via="api")["Q9000001"]
    assert facts.instance_of == {"Q5"} and facts.born == ["1898-03-05"] and facts.died == ["1976-01-08"]


def test_constraints():
    person = wd.Facts("Q1", instance_of={"Q5"}, born=["1930"], died=[])
    assert wd.check_candidate("person", person, "1958-02-19") == []
    assert wd.check_candidate("person", person, "1925-01-01")        # not born yet
    assert wd.check_candidate("person", wd.Facts("Q2", instance_of={"Q515"}), "1958")
    state = wd.Facts("Q3", inception=["1948-09-09"], dissolved=["1990-10-03"])
    assert wd.check_candidate("state", state, "1958-02-19") == []
    assert wd.check_candidate("state", state, "1991-01-01")
    assert wd.check_candidate("office", wd.Facts("Q4", instance_of={"Q77"}), "1958") != []
    assert wd.check_candidate("office", wd.Facts("Q4", instance_of={"Q77"}), "1958",
                              position_classes={"Q77"}) == []


# ------------------------------------------------------------------ states by a unique key
def corpus(*names: str):
    return [extract(CORPUS / name) for name in names]


def reconcile_states(recs, sparql, tmp_path, decisions=None):
    """Reconcile the states only (no API: a search would fail the test)."""
    c = wd.WikidataClient(api_url="http://127.0.0.1:9/no-api", sparql_url=sparql,
                          cache_dir=tmp_path / "cache", sleep=lambda s: None)
    states = wd.StateReconciler(c, decisions if decisions is not None else wd.Decisions())
    ents = {e.key: e for r in recs for e in wd.entities_of(r) if e.kind == "state"}
    states.run(ents.values())
    return states, c


def test_a_state_whose_iso_code_one_item_holds_is_verified_and_sameas(sparql_url, tmp_path):
    [ghana] = corpus("004_cn_gh_friendship_treaty_1961.txt")
    states, c = reconcile_states([ghana], sparql_url, tmp_path)
    links = {link.entity.key: link for link in states.links}
    assert (links["state:gh"].qid, links["state:gh"].source) == ("Q9000041", "verified")
    assert links["state:gh"].how == "ISO 3166-1 alpha-2 GH via P297, unique: Ghana"
    [decision] = [d for d in states.decisions.rows if d.key == "state:gh"]
    assert (decision.qid, decision.decision) == ("Q9000041", "verified")
    assert c.requests_made == 1                       # every code in one query
    result = wd.ReconcileResult(states.links, states.review, states.decisions)
    g = rdflib.Graph().parse(data=wd.links_turtle(result).decode(), format="turtle")
    assert (rdflib.URIRef(BASE + "state/gh"), rdflib.OWL.sameAs, rdflib.URIRef(wd.WD + "Q9000041")) in g
    # the party (加纳共和国, the state itself) is the same state
    party = next(e for e in wd.entities_of(ghana) if e.key == "state:gh").iris
    assert all((rdflib.URIRef(i), rdflib.OWL.sameAs, rdflib.URIRef(wd.WD + "Q9000041")) in g for i in party)


def test_an_iso_code_held_by_two_items_is_review_and_no_link(sparql_url, tmp_path):
    states, _ = reconcile_states(corpus("006_cn_fj_diplomatic_relations_1975.txt"), sparql_url, tmp_path)
    assert "state:fj" not in {link.entity.key for link in states.links}
    rows = [r for r in states.review if r.entity.key == "state:fj"]
    assert {r.candidate.qid for r in rows} == {"Q9000042", "Q9000043"}
    assert all(r.note == "ISO 3166-1 alpha-2 FJ via P297 is held by 2 items: not unique, no link" for r in rows)
    assert not [d for d in states.decisions.rows if d.key == "state:fj"]
    # rejecting one of the two does not make the other unique: a person accepts it, or not
    decisions = wd.Decisions([wd.Decision("state:fj", "Q9000043", "reject", "a same-named item")])
    states, _ = reconcile_states(corpus("006_cn_fj_diplomatic_relations_1975.txt"), sparql_url, tmp_path,
                                 decisions)
    assert "state:fj" not in {link.entity.key for link in states.links}
    rows = {r.candidate.qid: r.candidate for r in states.review if r.entity.key == "state:fj"}
    assert rows["Q9000043"].reasons == ["rejected in the decisions file"] and rows["Q9000042"].survives


def test_a_historical_state_without_iso_code_by_label_and_dissolution(sparql_url, tmp_path):
    states, _ = reconcile_states(corpus("009_cn_ye_culture_protocol_1980.txt"), sparql_url, tmp_path)
    links = {link.entity.key: link for link in states.links}
    assert (links["state:yar"].qid, links["state:yar"].source) == ("Q9000051", "auto")
    assert "dissolved 1990 (P576)" in links["state:yar"].how and "founded 1918 (P571)" in links["state:yar"].how
    # the region named 北也门 too has no dissolution date: it is no candidate
    assert not [r for r in states.review if r.entity.key == "state:yar"]
    [decision] = [d for d in states.decisions.rows if d.key == "state:yar"]
    assert decision.decision == "auto"                # a label is no unique key: a person checks it


def test_a_wrong_dissolution_year_is_review(sparql_url, tmp_path):
    states, _ = reconcile_states(corpus("001_cn_cs_scitech_agreement_1952.txt"), sparql_url, tmp_path)
    assert "state:cshh" not in {link.entity.key for link in states.links}
    [row] = [r for r in states.review if r.entity.key == "state:cshh"]
    assert row.candidate.qid == "Q9000053" and not row.candidate.survives
    assert row.candidate.reasons == ["dissolved 1993-01-01 (P576); the gazetteer says 1992-12-31"]
    assert row.note == ("no item holds ISO 3166-3 alpha-4 CSHH via P773; "
                        "no item with its label has its dates")


def test_an_alpha4_code_kept_by_a_state_that_exists_is_not_the_dissolved_state(sparql_url, tmp_path):
    drv = gazetteer().by_id("vdvn")
    ent = wd.Entity("state:vdvn", "state", drv.zh, "1965-01-01", iris=[BASE + "state/vdvn"], entry=drv)
    c = wd.WikidataClient(api_url="http://127.0.0.1:9/no-api", sparql_url=sparql_url, cache_dir=None)
    states = wd.StateReconciler(c, wd.Decisions())
    states.run([ent])
    [link] = states.links
    assert (link.qid, link.source) == ("Q9000055", "auto")   # by label, not Vietnam's item
    assert "no item holding ISO 3166-3 alpha-4 VDVN via P773 survives" in link.how
    assert c.requests_made == 2                               # one query by code, one by label


def test_the_gazetteer_id_is_kept_when_the_iso_answer_or_a_decision_disagrees(sparql_url, tmp_path):
    recs = corpus("002_cn_pl_techsci_agreement_1954.txt")
    states, _ = reconcile_states(recs, sparql_url, tmp_path)
    links = {link.entity.key: (link.qid, link.source) for link in states.links}
    assert links["state:pl"] == ("Q36", "gazetteer") and links["state:cn"] == ("Q148", "gazetteer")
    [row] = [r for r in states.review if r.entity.key == "state:pl"]
    assert row.candidate.qid == "Q9000061"
    assert row.note == ("ISO 3166-1 alpha-2 PL via P297 gives Q9000061, not the gazetteer's verified id "
                        "Q36: the gazetteer's id Q36 is kept")
    assert not [d for d in states.decisions.rows if d.key == "state:pl"]
    # a decision naming another item: the gazetteer still wins, and says so
    decisions = wd.Decisions([wd.Decision("state:pl", "Q9000061", "accept", "by hand")])
    states, _ = reconcile_states(recs, sparql_url, tmp_path, decisions)
    assert {link.entity.key: link.qid for link in states.links}["state:pl"] == "Q36"
    [row] = [r for r in states.review if r.entity.key == "state:pl"]
    assert row.note == "the decisions file links Q9000061 (accept); the gazetteer's id Q36 is kept"


def test_reconcile_cli_writes_sameas_for_states_and_keeps_them_decided(fake_api, sparql_url, tmp_path, run_main):
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in ("004_cn_gh_friendship_treaty_1961.txt", "009_cn_ye_culture_protocol_1980.txt"):
        shutil.copy(CORPUS / name, folder / name)
    out, decisions = tmp_path / "links.ttl", tmp_path / "decisions.tsv"
    argv = ["wikidata", "reconcile", folder, "-o", out, "--review", tmp_path / "review.tsv",
            "--decisions", decisions, "--api-url", fake_api.url_for("/w/api.php"),
            "--sparql-url", sparql_url, "--no-cache"]
    code, _, err = run_main(*argv)
    assert code == 0, err
    g = rdflib.Graph().parse(out, format="turtle")
    for state, qid in (("gh", "Q9000041"), ("yar", "Q9000051"), ("cn", "Q148")):
        assert (rdflib.URIRef(BASE + f"state/{state}"), rdflib.OWL.sameAs, rdflib.URIRef(wd.WD + qid)) in g
    rows = decisions.read_text(encoding="utf-8")
    assert "state:gh\tQ9000041\tverified\tISO 3166-1 alpha-2 GH via P297, unique: Ghana" in rows
    assert "state:yar\tQ9000051\tauto\t" in rows
    code, _, err = run_main(*argv)                    # decided: no state is looked up again
    assert code == 0, err
    assert wd.Decisions.load(decisions).to_tsv() == rows


# ------------------------------------------------------------------ politeness
def test_user_agent_and_maxlag(fake_api, tmp_path):
    c = wd.WikidataClient(api_url=fake_api.url_for("/w/api.php"), cache_dir=None)
    c.search("周恩来", "zh")
    request, _ = fake_api.log[-1]
    assert re.match(r"^treatykg/\d+\.\d+\.\d+\S* \(https?://\S+; contact: ", request.headers["User-Agent"])
    assert request.args["maxlag"] == "5"
    assert request.args["format"] == "json"
    assert wd.default_user_agent("me@example.org").endswith("contact: me@example.org) python-requests")


def test_retry_after_on_429_then_success(httpserver, tmp_path):
    httpserver.expect_ordered_request("/w/api.php").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"})
    httpserver.expect_ordered_request("/w/api.php").respond_with_json(search_answer("咸兴", "zh"))
    waits: list[float] = []
    c = wd.WikidataClient(api_url=httpserver.url_for("/w/api.php"), cache_dir=tmp_path, sleep=waits.append)
    hits = c.search("咸兴", "zh")
    assert [h["id"] for h in hits] == ["Q9000031"]
    assert waits == [0.0] and c.requests_made == 2
    assert c.search("咸兴", "zh") == hits and c.requests_made == 2   # now cached


def test_retry_after_on_maxlag_error(httpserver):
    httpserver.expect_ordered_request("/w/api.php").respond_with_json(
        {"error": {"code": "maxlag", "info": "Waiting for db: 7 seconds lagged", "lag": 7}},
        headers={"Retry-After": "0"})
    httpserver.expect_ordered_request("/w/api.php").respond_with_json(search_answer("咸兴", "zh"))
    waits: list[float] = []
    c = wd.WikidataClient(api_url=httpserver.url_for("/w/api.php"), cache_dir=None, sleep=waits.append)
    assert c.search("咸兴", "zh")[0]["id"] == "Q9000031"
    assert waits == [0.0]


def test_gives_up_and_reports_endpoint_errors(httpserver, texts, tmp_path, run_main):
    httpserver.expect_request("/w/api.php").respond_with_data("busy", status=503, headers={"Retry-After": "0"})
    c = wd.WikidataClient(api_url=httpserver.url_for("/w/api.php"), cache_dir=None, max_retries=2,
                          sleep=lambda s: None)
    with pytest.raises(EndpointError, match="busy"):
        c.search("咸兴", "zh")
    assert c.requests_made == 3
    httpserver.clear()
    httpserver.expect_request("/w/api.php").respond_with_data("broken", status=500)
    httpserver.expect_request("/sparql").respond_with_data("broken", status=500)
    code, _, err = run_main("wikidata", "reconcile", texts / SEED.name, "--no-cache",
                            "-o", tmp_path / "l.ttl", "--review", tmp_path / "r.tsv",
                            "--decisions", tmp_path / "d.tsv", "--api-url", httpserver.url_for("/w/api.php"),
                            "--sparql-url", httpserver.url_for("/sparql"))
    assert code == 7
    assert "HTTP 500" in err and len(err.strip().splitlines()) == 1


def test_reconcile_offline_says_in_one_line_that_it_needs_the_network(texts, tmp_path, run_main):
    port = _free_port()  # nothing listens there: the connection is refused, as offline
    out = tmp_path / "l.ttl"
    code, _, err = run_main("wikidata", "reconcile", texts / SEED.name, "--no-cache", "-o", out,
                            "--review", tmp_path / "r.tsv", "--decisions", tmp_path / "d.tsv",
                            "--api-url", f"http://127.0.0.1:{port}/w/api.php",
                            "--sparql-url", f"http://127.0.0.1:{port}/sparql")
    assert code == 7
    assert err.splitlines() == [
        f"treatykg: error: Wikidata look-ups need the network, and 127.0.0.1:{port} cannot be reached "
        "(connect to the network, or pass --api-url/--sparql-url of a server you can reach)"]
    assert not out.exists()


def test_connection_errors_are_one_short_line():
    class Offline:
        headers: dict = {}

        def get(self, url, **kw):
            raise requests.ConnectionError("HTTPSConnectionPool(host='query.wikidata.org', port=443): "
                                           "Max retries exceeded with url: /sparql?query=... " + "x" * 400)

    c = wd.WikidataClient(cache_dir=None, session=Offline())
    with pytest.raises(EndpointError) as info:
        c.sparql("ASK {}")
    assert str(info.value).startswith("Wikidata look-ups need the network, and query.wikidata.org cannot")
    assert len(str(info.value)) < 200 and "\n" not in str(info.value)


# ------------------------------------------------------------------ export (QuickStatements)
CLASS_QIDS = {wd.TREATY, wd.BILATERAL_TREATY}


def verified_qids() -> set[str]:
    return {e.wikidata for e in gazetteer().entries if e.wikidata and e.wikidata_source}


def test_export_seed_done_when(tmp_path, run_main):
    out, review = tmp_path / "seed.qs", tmp_path / "review.tsv"
    code, _, err = run_main("wikidata", "export", SEED, "-o", out, "--review", review,
                            "--source-url", "https://example.org/treaties/1958-02-19",
                            "--retrieved", "2026-11-28")
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "CREATE"
    assert 'LAST\tLzh\t"中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"' in lines
    for state in ("Q148", "Q423"):
        [line] = [ln for ln in lines if ln.startswith(f"LAST\tP1891\t{state}\t")]
        assert "\tP585\t+1958-02-19T00:00:00Z/11\t" in line
    statements = [ln for ln in lines if re.match(r"^LAST\tP\d+\t", ln)]
    assert statements
    for line in statements:
        cells = line.split("\t")
        assert ("S854" in cells or "S248" in cells) and "S813" in cells, line
        assert cells[cells.index("S813") + 1] == "+2026-11-28T00:00:00Z/11"
        for cell in cells:
            if cell.startswith("+"):
                assert re.match(r"^\+\d{4}-\d{2}-\d{2}T00:00:00Z/(9|10|11)$", cell), cell
    assert "LAST\tP1071\tQ18808" in "\n".join(lines)
    assert 'LAST\tP1476\tzh:"中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"' in "\n".join(lines)
    qids = set(re.findall(r"\bQ\d+\b", "\n".join(lines)))
    assert qids <= verified_qids() | CLASS_QIDS, qids - verified_qids() - CLASS_QIDS
    assert "周恩来" not in "\n".join(lines) and "金日成" not in "\n".join(lines)   # no person items
    assert "周恩来" in review.read_text(encoding="utf-8")
    assert all("\t" in ln or ln == "CREATE" for ln in lines)
    # a joint statement is no treaty, and no class for it is verified: no P31, a review row
    assert not [ln for ln in lines if ln.startswith("LAST\tP31\t")]
    assert "doc_type\tjoint_statement\tno verified Wikidata class" in review.read_text(encoding="utf-8")


def test_export_types_each_item_by_its_document_type():
    names = {"004_cn_gh_friendship_treaty_1961.txt": "Q9557810",      # treaty, two parties
             "002_cn_pl_techsci_agreement_1954.txt": "Q9557810",      # agreement
             "014_cn_pk_tax_protocol_2007.txt": "Q9557810",           # protocol
             "007_cn_fr_shipping_tax_notes_1975.txt": "Q9557810",     # exchange of notes
             "012_cn_ye_mfa_mou_1995.txt": None,                      # memorandum
             "005_cn_gb_ambassadors_communique_1972_hant.txt": None,  # joint communiqué
             SEED.name: None}                                         # joint statement
    for name, cls in names.items():
        [record] = corpus(name)
        result = wd.quickstatements([record], stated_in="Q9000099", retrieved="2026-11-28")
        p31 = [ln.split("\t")[2] for ln in result.commands if ln.startswith("LAST\tP31\t")]
        assert p31 == ([cls] if cls else []), name
        assert (cls is None) == any(r[1] == "doc_type" for r in result.review), name
        assert wd.wikidata_class(record, "Q131569") == "Q131569"             # --class wins
    assert wd.wikidata_class(corpus("001_cn_cs_scitech_agreement_1952.txt")[0]) == "Q9557810"
    for doc_type, cls in wd.DOC_TYPE_WIKIDATA_CLASSES.items():   # only verified ids, each with its source
        assert cls is None or (cls.qid in CLASS_QIDS and cls.source), doc_type


def test_export_uses_verified_and_accepted_decisions_never_automatic_ones():
    [ghana] = corpus("004_cn_gh_friendship_treaty_1961.txt")
    [yemen] = corpus("009_cn_ye_culture_protocol_1980.txt")
    decisions = wd.Decisions([
        wd.Decision("state:gh", "Q9000041", "verified", "ISO 3166-1 alpha-2 GH via P297, unique"),
        wd.Decision("state:yar", "Q9000051", "auto", "label and dates")])
    text = wd.quickstatements([ghana, yemen], stated_in="Q9000099", retrieved="2026-11-28",
                              decisions=decisions).text()
    assert "LAST\tP1891\tQ9000041\t" in text
    assert "Q9000051" not in text
    result = wd.quickstatements([yemen], stated_in="Q9000099", decisions=decisions)
    assert ("009_cn_ye_culture_protocol_1980.txt", "parties", "阿拉伯也门共和国新闻文化部",
            "no verified Wikidata id for state:yar (gazetteer, or an accept or verified decision)") in result.review


def test_export_without_a_reference_is_a_usage_error(tmp_path, run_main):
    review = tmp_path / "r.tsv"
    code, out, err = run_main("wikidata", "export", SEED, "--review", review)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1] == (
        "Error: every statement needs a reference: pass --source-url URL or --stated-in QID "
        "(or --metadata FILE with a source_url column)")
    assert not review.exists()
    meta = tmp_path / "meta.tsv"                       # a metadata file without a URL for the text
    meta.write_text(f"file\tsource_url\ten_title\n{SEED.name}\t\tJoint Statement\n", encoding="utf-8")
    code, _, err = run_main("wikidata", "export", SEED, "--metadata", meta, "--review", review)
    assert code == 2 and "gives no source_url for these texts" in err


def test_export_metadata_gives_source_url_and_english_title(tmp_path, run_main):
    meta = tmp_path / "meta.tsv"
    meta.write_text("file\tsource_url\ten_title\n"
                    f"{SEED.name}\thttps://example.org/1958\tJoint Statement of 1958\n", encoding="utf-8")
    code, out, err = run_main("wikidata", "export", SEED, "--metadata", meta, "--review",
                              tmp_path / "r.tsv", "--retrieved", "2026-11-28", "--class", "Q131569")
    assert code == 0, err
    assert 'LAST\tLen\t"Joint Statement of 1958"' in out
    assert 'LAST\tP953\t"https://example.org/1958"\tS854\t"https://example.org/1958"' in out
    assert "LAST\tP31\tQ131569\t" in out
    code, _, err = run_main("wikidata", "export", SEED, "--stated-in", "Pol Pot", "--review", tmp_path / "r.tsv")
    assert code == 2


def test_export_leaves_out_what_it_cannot_source_or_verify(tmp_path):
    recs = [extract(p) for p in sorted(CORPUS.glob("*.txt"))]
    result = wd.quickstatements(recs, retrieved="2026-11-28")
    assert result.commands == [] and all(r[1] == "reference" for r in result.review)
    result = wd.quickstatements(recs, stated_in="Q9000099", retrieved="2026-11-28")
    text = result.text()
    assert text.count("CREATE") == len(recs)
    assert all("S248\tQ9000099" in ln for ln in text.splitlines() if ln.startswith("LAST\tP"))
    qids = set(re.findall(r"\bQ\d+\b", text)) - {"Q9000099"}
    assert qids <= verified_qids() | CLASS_QIDS
    left_out = {(r[0], r[2]) for r in result.review}
    assert ("004_cn_gh_friendship_treaty_1961.txt", "加纳共和国") in left_out   # no verified id for Ghana
    assert "P407\tQ7850" in text            # 中文, a verified language
    with pytest.raises(ValueError):
        wd.quickstatements(recs, stated_in="Pol Pot")


def test_qs_time_keeps_precision():
    assert wd.qs_time("1958-02-19") == "+1958-02-19T00:00:00Z/11"
    assert wd.qs_time("1957-11") == "+1957-11-00T00:00:00Z/10"
    assert wd.qs_time("1957") == "+1957-00-00T00:00:00Z/9"


def test_party_to_state():
    assert wd.state_name("中华人民共和国政府") == "中华人民共和国"
    assert wd.state_name("中华人民共和国中央人民政府") == "中华人民共和国"
    assert wd.state_name("叶门共和国外交部") == "叶门共和国"
    assert wd.state_name("加纳共和国") == "加纳共和国"
    assert wd.state_name("柬埔寨王国政府") == "柬埔寨王国"
    assert wd.state_entry("大不列颠及北爱尔兰联合王国政府", "1972-03-13").id == "gb"
    assert wd.state_entry("中华人民共和国政府", "1958-02-19").wikidata == "Q148"
    assert wd.state_entry("苏联政府", "1995-06-24") is None      # dissolved in 1991


# ------------------------------------------------------------------ convert --wikidata-triples
def test_convert_wikidata_triples_answer_wikidata_queries(run_main):
    code, out, err = run_main("convert", SEED, "--wikidata-triples", "--format", "nq")
    assert code == 0, err
    store = ox.Store()
    store.load(out.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    query = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?treaty ?date WHERE { ?treaty wdt:P1891 wd:Q148 , wd:Q423 ; wdt:P1071 wd:Q18808 ; wdt:P585 ?date }"""
    rows = list(store.query(query, use_default_graph_as_union=True))
    assert len(rows) == 1 and rows[0]["date"].value == "1958-02-19T00:00:00Z"
    ask = "ASK { ?place <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q18808> }"
    assert store.query(ask, use_default_graph_as_union=True)
    # the states themselves are the Wikidata items; the governments (organs) are not
    for state, qid in (("cn", "Q148"), ("kp", "Q423")):
        ask = f"ASK {{ <{BASE}state/{state}> <http://www.w3.org/2002/07/owl#sameAs> <{wd.WD}{qid}> }}"
        assert store.query(ask, use_default_graph_as_union=True), state
    ask = (f"ASK {{ ?organ <{wd.WDT}P17> <{wd.WD}Q148> ; <http://www.w3.org/2000/01/rdf-schema#label> "
           '"中华人民共和国政府"@zh . FILTER NOT EXISTS { ?organ <http://www.w3.org/2002/07/owl#sameAs> ?any } }')
    assert store.query(ask, use_default_graph_as_union=True)
    # a joint statement gets no class: none verified fits it
    assert not list(store.quads_for_pattern(None, ox.NamedNode(wd.WDT + "P31"), None))
    # everything lies in the document's named graph
    assert all(not isinstance(q.graph_name, ox.DefaultGraph) for q in store)
    code, plain, _ = run_main("convert", SEED, "--format", "nq")
    assert "wikidata.org" not in plain


def test_wikidata_triples_use_verified_ids_only():
    allowed = verified_qids() | CLASS_QIDS
    for path in sorted(CORPUS.glob("*.txt")):
        record = extract(path)
        quads = list(wd.wikidata_quads(record))
        qids = {q.object.value.rsplit("/", 1)[-1] for q in quads if q.object.value.startswith(wd.WD)}
        assert qids <= allowed, (path.name, qids - allowed)
        assert all(q.graph_name.value.endswith("/graph") for q in quads)
    # byte-identical output, and the plain conversion unchanged
    record = extract(SEED)
    assert convert(record, "nq", wikidata_triples=True) == convert(record, "nq", wikidata_triples=True)
    assert set(convert(record, "nq").splitlines()) < set(convert(record, "nq", wikidata_triples=True).splitlines())


def test_no_unverified_or_person_ids_are_shipped():
    for e in gazetteer().entries:
        if e.wikidata:
            assert e.wikidata_source, e.id
        if e.type == "person":
            assert not e.wikidata, e.id
    assert "Q39464" not in {e.wikidata for e in gazetteer().entries}   # Pol Pot, not Kim Il-sung


# ------------------------------------------------------------------ alignment and federated query
def test_alignment_maps_to_the_properties_of_issue_6():
    g = rdflib.Graph().parse(ROOT / "ontology" / "wikidata-alignment.ttl")
    onto = rdflib.Graph().parse(ROOT / "ontology" / "treatykg.ttl")
    mentioned = {str(t) for triple in g for t in triple}
    for pid in ("P1891", "P585", "P1071", "P276", "P710", "P921", "P407", "P1476", "P953"):
        assert wd.WDT + pid in mentioned, pid
    for pid in ("P3831", "P1932"):
        assert wd.PQ + pid in mentioned, pid
    for pid in ("P248", "P854", "P813"):
        assert wd.PR + pid in mentioned, pid
    tkg = "https://w3id.org/treatykg/ontology#"
    for term in {t for t in mentioned if t.startswith(tkg)}:
        assert (rdflib.URIRef(term), None, None) in onto, term
    assert (None, rdflib.OWL.imports, None) not in onto or \
        not any("wikidata" in str(o) for o in onto.objects(None, rdflib.OWL.imports))
    assert not any("wikidata" in str(o) for o in g.objects(None, rdflib.OWL.imports))


def test_federated_query_parses_and_says_it_needs_the_network(sparql_url):
    text = (ROOT / "queries" / "wikidata-federated.rq").read_text(encoding="utf-8")
    assert "NEEDS THE NETWORK" in text.splitlines()[0]
    assert "SERVICE <https://query.wikidata.org/sparql>" in text
    from rdflib.plugins.sparql import prepareQuery
    prepareQuery(text)
    # run it, with the SERVICE pointed at the local fixture server, over converted data
    store = ox.Store()
    store.load(convert(extract(SEED), "nq", wikidata_triples=True), format=ox.RdfFormat.N_QUADS)
    local = text.replace("https://query.wikidata.org/sparql", sparql_url)
    try:
        rows = list(store.query(local))
    except (OSError, RuntimeError, SyntaxError) as exc:  # pragma: no cover - build without HTTP client
        pytest.skip(f"pyoxigraph cannot run SERVICE here: {exc}")
    got = {(r["state"].value, r["stateLabel"].value) for r in rows}
    assert got == {(wd.WD + "Q148", "People's Republic of China"),
                   (wd.WD + "Q423", "Democratic People's Republic of Korea")}


def test_wikidata_triples_still_conform_to_the_shapes(tmp_path):
    from treatykg.api import validate

    out = tmp_path / "seed.trig"
    out.write_bytes(convert(extract(SEED), "trig", wikidata_triples=True))
    assert validate(out).conforms


def test_reconcile_and_export_write_no_file_into_the_current_folder(fake_api, sparql_url, texts, tmp_path,
                                                                     run_main, monkeypatch):
    """Issue 18: both wrote wikidata-*.ttl/tsv into the current folder by default. Now the links and
    the commands go to standard output, and the review and decisions files only where asked."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    code, out, err = run_main("wikidata", "reconcile", texts, "--api-url", fake_api.url_for("/w/api.php"),
                              "--sparql-url", sparql_url, "--no-cache")
    assert code == 0, err
    assert "owl:sameAs" in out and "links on standard output" in err and "--review FILE" in err
    code, out, err = run_main("wikidata", "export", SEED, "--source-url", "https://example.org/x")
    assert code == 0, err
    assert out.startswith("CREATE") and "not listed (--review FILE)" in err
    assert list(cwd.iterdir()) == []
