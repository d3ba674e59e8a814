"""Everything a statement says (issue: visits, talks, references, commitments, mentions),
each fact traced to its characters."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from treatykg.cli import main
from treatykg.extract import extract_bytes, extract_file
from treatykg.ingest import to_simplified
from treatykg.rdf import serialize

CORPUS = Path(__file__).parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
TEXTS = sorted(CORPUS.glob("*.txt"))
DISCLAIMER = "免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新。感谢您的理解和支持。\n\n"


@pytest.fixture(scope="module")
def seed():
    return extract_file(SEED).to_json(), json.loads(SEED.with_suffix(".gold.json").read_text(encoding="utf-8"))


def test_seed_talks_participants_match_the_gold_exactly(seed):
    got, gold = seed
    assert got["talks_participants"] == gold["talks_participants"]


def test_seed_visit_matches_the_gold_exactly(seed):
    got, gold = seed
    assert got["visit"] == gold["visit"]


def test_seed_commitments_have_the_gold_actors_and_deadlines(seed):
    got, gold = seed
    assert [(c["actor"], c["deadline"]) for c in got["commitments"]] == \
           [(c["actor"], c["deadline"]) for c in gold["commitments"]]
    assert got["commitments"][0]["action"] == gold["commitments"][0]["action"]


def test_seed_references_match_the_gold_labels_kinds_and_dates(seed):
    got, gold = seed
    assert {(r["label"], r["kind"], r["date"]) for r in got["referenced"]} == \
           {(r["label"], r["kind"], r["date"]) for r in gold["referenced"]}
    moscow = next(r for r in got["referenced"] if r["kind"] == "event" and r["date"] == "1957-11")
    assert moscow["place"] == "莫斯科"


def test_partial_dates_stay_partial(seed):
    got, _ = seed
    assert "1957-11" in {r["date"] for r in got["referenced"]}
    assert not any(r["date"] and r["date"].startswith("1957-11-") for r in got["referenced"])


def test_seed_mentions_cover_the_gold_states_organisations_and_persons(seed):
    got, gold = seed
    by_text = {(to_simplified(m["text"]), m["type"]) for m in got["mentions"]}
    for key, kind in (("mentioned_states", "state"), ("mentioned_organizations", "organization"),
                      ("mentioned_persons", "person")):
        for name in gold[key]:
            assert (name, kind) in by_text, (name, kind)


def test_mentions_keep_the_original_characters_and_offsets():
    record = extract_file(SEED)
    original = SEED.read_text(encoding="utf-8")
    for m in record.mentions:
        assert original[m.start:m.end] == m.text
    assert any(m.text == "朝鮮" and m.id == "kp" for m in record.mentions)
    dprk = next(m for m in record.mentions if m.id == "kp")
    assert dprk.wikidata == "Q423"  # verified in the gazetteer, with its source


def test_a_mention_counts_only_while_its_entity_existed():
    text = DISCLAIMER + "中华人民共和国和某国联合公报\n双方回顾了同苏联和南朝鲜的关系，对联合国的作用表示赞赏。\n{date}于北京\n"
    early = extract_bytes(text.format(date="1958年2月19日").encode(), name="a.txt")
    late = extract_bytes(text.format(date="1995年6月24日").encode(), name="b.txt")
    assert {"suhh", "kr"} <= {m.id for m in early.mentions}
    assert "suhh" not in {m.id for m in late.mentions}  # the Soviet Union was gone by 1995


def test_stance_where_the_text_says_so(seed):
    got, _ = seed
    assert next(r for r in got["referenced"] if r["label"] == "日内瓦协议")["stance"] == "supports"
    text = DISCLAIMER + "甲国和乙国联合声明\n双方强烈谴责东南亚条约，并且根据联合国宪章处理争端。\n1960年1月1日于北京\n"
    refs = {r.label: r.stance for r in extract_bytes(text.encode(), name="s.txt").referenced}
    assert refs.get("东南亚条约") == "condemns" and refs.get("联合国宪章") == "in_accordance_with"


def test_participants_of_an_unseen_statement():
    text = DISCLAIMER + ("中华人民共和国政府和越南民主共和国政府联合公报\n"
                         "越南民主共和国方面参加会谈的有：政府总理范文同、副总理兼外交部长阮维桢等。\n"
                         "1970年5月1日于北京\n")
    got = extract_bytes(text.encode(), name="vn.txt").to_json()["talks_participants"]
    assert got == [{"name": "范文同", "title": "政府总理", "side": "越南民主共和国"},
                   {"name": "阮维桢", "title": "副总理兼外交部长", "side": "越南民主共和国"}]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_every_rdf_evidence_annotation_reproduces_its_quote(path):
    """Walks every TextPositionSelector of the RDF: original[start:end] == the quote selector's exact."""
    original = path.read_bytes().decode("utf-8-sig")
    store = ox.Store()
    store.load(serialize(extract_file(path), "nq", evidence="full"), format=ox.RdfFormat.N_QUADS)
    rows = list(store.query("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?start ?end ?exact ?field WHERE { GRAPH ?g {
          ?a oa:hasTarget ?t ; <https://w3id.org/treatykg/ontology#field> ?field .
          ?t oa:hasSelector ?p , ?q .
          ?p oa:start ?start ; oa:end ?end . ?q oa:exact ?exact } }"""))
    assert len(rows) >= 10
    fields = {r["field"].value for r in rows}
    record = extract_file(path)
    assert {"title", "signed_date"} <= fields
    assert {f"signatories[{i}].name" for i, s in enumerate(record.signatories) if s.name} <= fields
    for r in rows:
        assert original[int(r["start"].value):int(r["end"].value)] == r["exact"].value


def test_seed_rdf_has_talks_participants_with_time_qualified_offices():
    store = ox.Store()
    store.load(serialize(extract_file(SEED), "nq"), format=ox.RdfFormat.N_QUADS)
    rows = {(r["name"].value, r["title"].value, r["date"].value) for r in store.query("""
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX tkg: <https://w3id.org/treatykg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name ?title ?date WHERE { GRAPH ?g {
          ?doc tkg:talks ?talks . ?talks <http://purl.org/dc/terms/date> ?date ;
               prov:qualifiedAssociation ?p . ?p prov:agent/rdfs:label ?name ; tkg:officeTitle ?title .
          FILTER(LANGMATCHES(LANG(?name), "zh")) } }""")}
    assert ("陈毅", "国务院副总理兼外交部长", "1958-02-19") in rows
    assert len(rows) == 10


@pytest.mark.parametrize("break_it, message, evidence", [
    (lambda s: s.replace('"1958-02-21"^^<http://www.w3.org/2001/XMLSchema#date>',
                         '"1958-02-01"^^<http://www.w3.org/2001/XMLSchema#date>'), "ends", "compact"),
    (lambda s: "\n".join(ln for ln in s.splitlines() if "ontology#actor>" not in ln) + "\n", "without an actor",
     "compact"),
    (lambda s: re.sub(r'(ns/oa#end> )"\d+"', r'\1"999999"', s, count=1), "past the end of the source text", "full"),
    (lambda s: re.sub(r'#char=(\d+),\d+>', r'#char=\1,999999>', s, count=1), "is not a span", "compact"),
    (lambda s: re.sub(r'#char=(\d+),(\d+)>', lambda m: f"#char={int(m[2]) + 1},{m[2]}>", s, count=1),
     "is not a span", "compact"),  # start after end
    (lambda s: re.sub(r'/text#char=', r'/txt#char=', s, count=1), "is not a span", "compact"),  # no such text
])
def test_shapes_catch_a_broken_visit_commitment_or_offset(tmp_path, capsys, break_it, message, evidence):
    good = serialize(extract_file(SEED), "nq", evidence=evidence).decode("utf-8")
    broken = break_it(good)
    assert broken != good
    path = tmp_path / "broken.nq"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(path)])
    assert exc.value.code == 1
    assert message in capsys.readouterr().out


def test_text_format_shows_participants_and_mentions_beside_their_quotes(capsys):
    main(["extract", str(SEED), "--format", "text", "--mentions"])   # mentions are counted without it
    out = capsys.readouterr().out
    assert re.search(r"talks_participants\[1\]\.title\s+国务院副总理兼外交部长\s+\[\d+:\d+\] «国务院副总理兼外交部长»", out)
    assert re.search(r"mentions\[\d+\]\s+大韩民国 \(state: kr Q884\)\s+\[\d+:\d+\] «南朝鮮»", out)
