"""The RDF mapping: what a user of the output would check."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st

from treatykg.iris import text_key
from treaty_fixtures import DPRK, ORIGINAL, PRC, TITLE, joint_statement_1958  # noqa: I001

from treatykg import rdf
from treatykg.errors import RDFError
from treatykg.namespaces import DEFAULT_BASE, TKG_URI, prefixes
from treatykg.resources import context_path, ontology_path, resource_path, shapes_path

OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PARSE_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
                 "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
                 "jsonld": ox.RdfFormat.JSON_LD}


@pytest.fixture()
def record():
    return joint_statement_1958()


@pytest.fixture()
def store(record):
    return rdf.to_store(record)


def doc_iri(record) -> str:
    return rdf.document_iri(record)


def select(store: ox.Store, query: str) -> list[tuple]:
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes().items())
    return [tuple(sol) for sol in store.query(head + query, use_default_graph_as_union=True)]


# ---------------------------------------------------------------- IRIs

def test_document_iri_is_the_key_of_its_text(record):
    assert doc_iri(record) == f"{DEFAULT_BASE}doc/{text_key(ORIGINAL)}"
    assert re.fullmatch(r"t[0-9a-f]{16}", text_key(ORIGINAL))


def test_document_iri_stays_whatever_is_read_from_the_text(record):
    """Persistence: a misread date, title, type or party fixed (by a better reader or by a curator)
    does not move the document's IRI."""
    before = doc_iri(record)
    record.signed_date, record.title, record.doc_type = "1957-02-19", "另一个标题", "treaty"
    record.parties = record.parties[:1]
    assert doc_iri(record) == before


@pytest.mark.parametrize("variant", [
    lambda t: t.replace("\n", "\r\n"),                # other line ends
    lambda t: t.replace("中华", "中 华").replace("。", "。 \n"),  # stray spaces and breaks
    lambda t: "\ufeff" + t.replace("，", "\u200b，"),  # a byte-order mark, invisible characters
    lambda t: t.replace("1", "１"),                     # full-width digits (NFKC folds them)
])
def test_the_same_text_exported_differently_is_one_document(variant):
    assert text_key(variant(ORIGINAL)) == text_key(ORIGINAL)


def test_another_text_is_another_document():
    assert text_key(ORIGINAL.replace("十九日", "二十日")) != text_key(ORIGINAL)


def test_a_record_without_a_text_key_is_named_by_its_source_checksum(record):
    record.source = dataclasses.replace(record.source, key="")
    assert doc_iri(record) == f"{DEFAULT_BASE}doc/s{record.source.sha256[:16]}"


def test_agents_are_global_persons_are_document_scoped(record):
    other = joint_statement_1958()
    other.title = "中华人民共和国政府和朝鲜民主主义人民共和国政府联合公报"
    other.doc_type = "joint_communique"
    other.source = dataclasses.replace(other.source, key=text_key("another text"))
    a = {q.object.value for q in rdf.record_quads(record) if q.predicate.value.endswith("passed_by")}
    b = {q.object.value for q in rdf.record_quads(other) if q.predicate.value.endswith("passed_by")}
    # parties are global, readable and minted from the gazetteer's state id and the organ
    assert a == b == {DEFAULT_BASE + "agent/cn-government", DEFAULT_BASE + "agent/kp-government"}
    # a party no gazetteer state stands behind is minted from its printed name
    assert rdf.agent_iri("乌托邦政府") == DEFAULT_BASE + "agent/" + "%E4%B9%8C%E6%89%98%E9%82%A6%E6%94%BF%E5%BA%9C"
    assert rdf.person_iri(doc_iri(record), "周恩来") != rdf.person_iri(doc_iri(other), "周恩来")
    assert rdf.person_iri(doc_iri(record), "周恩来").startswith(doc_iri(record) + "/person/")


def test_no_blank_nodes_anywhere(record):
    for quad in rdf.record_quads(record):
        for term in (quad.subject, quad.object, quad.graph_name):
            assert not isinstance(term, ox.BlankNode), quad
    assert "_:" not in rdf.serialize(record, "nq").decode()


@pytest.mark.parametrize("evidence", ["compact", "full", "none"])
def test_facts_and_evidence_each_in_their_graph(record, evidence):
    """The facts in {doc}/graph, the annotations and the text in {doc}/evidence (none: no evidence graph)."""
    quads = list(rdf.record_quads(record, evidence=evidence))
    doc = doc_iri(record)
    facts, ev = ox.NamedNode(doc + "/graph"), ox.NamedNode(doc + "/evidence")
    assert {q.graph_name for q in quads} == ({facts} if evidence == "none" else {facts, ev})
    oa = "http://www.w3.org/ns/oa#"
    in_evidence = {q.subject.value for q in quads if q.graph_name == ev}
    assert all(s.startswith((doc + "/evidence", doc + "/text")) for s in in_evidence)
    assert not any(q.predicate.value.startswith(oa) or q.object.value.startswith(oa)
                   for q in quads if q.graph_name == facts)


@pytest.mark.parametrize("name", ["平壤", "a b/c?d#e", "..", ".", "x" * 500, "中" * 300,
                                  "\u200b\ud7ff\U0001f600", "%41", 'quote"<>{}|\\^`'])
def test_minted_iris_are_valid_and_bounded(name):
    seg = rdf.iri_segment(name)
    assert re.fullmatch(r"[A-Za-z0-9_~%-]+", seg)
    assert len(seg) <= 130
    ox.NamedNode(rdf.place_iri(name))  # pyoxigraph rejects invalid IRIs
    assert rdf.iri_segment(name) == seg


def test_long_names_stay_distinct():
    assert rdf.iri_segment("中" * 300 + "甲") != rdf.iri_segment("中" * 300 + "乙")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_any_text_gives_a_valid_iri(name):
    ox.NamedNode(rdf.agent_iri(name))
    rdflib.URIRef(rdf.agent_iri(name))
    assert len(rdf.iri_segment(name)) <= 130


def test_empty_name_is_refused():
    with pytest.raises(RDFError):
        rdf.iri_segment("  ")


# ---------------------------------------------------------------- serialisation

@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nq", "jsonld"])
def test_output_parses_back_with_the_same_triples(record, fmt):
    data = rdf.serialize(record, fmt)
    parsed = list(ox.parse(data, format=PARSE_FORMATS[fmt]))
    expected = {q.triple for q in rdf.record_quads(record)}
    assert {q.triple for q in parsed} == expected
    # and rdflib reads it too
    ds = rdflib.Dataset()
    ds.parse(data=data.decode("utf-8"), format={"turtle": "turtle", "trig": "trig", "nt": "nt",
                                                 "nq": "nquads", "jsonld": "json-ld"}[fmt])
    assert sum(len(g) for g in ds.graphs()) == len(expected)


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nq", "jsonld"])
def test_same_record_gives_byte_identical_output(fmt):
    assert rdf.serialize(joint_statement_1958(), fmt) == rdf.serialize(joint_statement_1958(), fmt)


def test_nquads_lines_are_sorted(record):
    lines = rdf.serialize(record, "nq").decode().splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_generated_at_only_when_asked(record):
    assert b"generatedAtTime" not in rdf.serialize(record, "nq")
    data = rdf.serialize(record, "nq", generated_at="2026-01-02T03:04:05+00:00")
    assert b'"2026-01-02T03:04:05+00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in data


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_has_readable_prefixes_only(record, fmt):
    text = rdf.serialize(record, fmt).decode()
    assert "ns1:" not in text and not re.search(r"\bns\d+:", text)
    assert "@prefix eli: <http://data.europa.eu/eli/ontology#> ." in text
    assert f"@prefix tkg: <{TKG_URI}> ." in text
    assert text.startswith(f"@base <{DEFAULT_BASE}> .")


def test_rdflib_dataset_has_prefixes_bound(record):
    ds = rdf.to_dataset(record)
    text = ds.serialize(format="trig")
    assert "ns1:" not in text and "eli:" in text and "prov:" in text


def test_unknown_format_is_refused(record):
    with pytest.raises(ValueError):
        rdf.serialize(record, "rdfxml-please")


def test_jsonld_works_offline_with_the_local_context(record, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    data = rdf.serialize(record, "jsonld")
    doc = json.loads(data)
    context = json.loads(context_path().read_text(encoding="utf-8"))["@context"]
    assert doc["@context"] == context  # inline: a reader needs no network either
    ds = rdflib.Dataset()
    ds.parse(data=data.decode(), format="json-ld")
    assert sum(len(g) for g in ds.graphs()) == len(set(rdf.record_quads(record)))


# ---------------------------------------------------------------- content

def test_the_core_facts(store, record):
    d = doc_iri(record)
    rows = select(store, f"""
        SELECT ?title ?date ?place ?n WHERE {{
          <{d}> a tkg:JointStatement, eli:LegalResource ; dcterms:title ?title ;
                eli:date_document ?date ; tkg:articleCount ?n ;
                prov:wasGeneratedBy/prov:atLocation/rdfs:label ?place .
        }}""")
    assert rows == [(ox.Literal(TITLE, language="zh"), ox.Literal("1958-02-19", datatype=ox.NamedNode(XSD + "date")),
                     ox.Literal("平壤", language="zh"), ox.Literal("0", datatype=ox.NamedNode(XSD + "integer")))]
    parties = {r[0].value for r in select(store, f"SELECT ?l WHERE {{ <{d}> eli:passed_by/rdfs:label ?l }}")}
    assert parties == {PRC, DPRK}


def test_signatories_with_office_and_party(store, record):
    d = doc_iri(record)
    rows = select(store, f"""
        SELECT ?name ?office ?party WHERE {{
          <{d}> prov:wasGeneratedBy ?signing .
          ?signing prov:qualifiedAssociation ?sig .
          ?sig a tkg:Signature ; prov:hadRole tkg:signatoryRole ; prov:agent/rdfs:label ?name ;
               tkg:officeTitle ?office ; tkg:onBehalfOf/rdfs:label ?party .
        }} ORDER BY ?name""")
    got = {(n.value, o.value, p.value) for n, o, p in rows}
    assert got == {("周恩来", "中华人民共和国国务院总理", PRC), ("金日成", "朝鲜民主主义人民共和国内阁首相", DPRK)}
    assert all(n.language == "zh" and o.language == "zh" for n, o, _ in rows)


def test_partial_dates_keep_their_precision(store, record):
    d = doc_iri(record)
    rows = dict((lab.value, date) for lab, date in select(store, f"""
        SELECT ?l ?d WHERE {{ {{ <{d}> eli:cites ?r }} UNION {{ <{d}> tkg:refersToEvent ?r }}
                             ?r rdfs:label ?l ; dcterms:date ?d }}"""))
    assert rows["各国共产党和工人党代表会议的宣言"] == ox.Literal("1957-11", datatype=ox.NamedNode(XSD + "gYearMonth"))
    assert rows["朝鲜民主主义人民共和国政府的声明"] == ox.Literal("1958-02-05", datatype=ox.NamedNode(XSD + "date"))
    assert rows["各国共产党和工人党代表会议"] == ox.Literal("1957", datatype=ox.NamedNode(XSD + "gYear"))


def test_event_reference_is_a_sem_event_with_place(store, record):
    rows = select(store, f"""SELECT ?p WHERE {{ <{doc_iri(record)}> tkg:refersToEvent ?e .
                              ?e a sem:Event ; prov:atLocation/rdfs:label ?p }}""")
    assert [r[0].value for r in rows] == ["莫斯科"]


def test_original_title_when_printed_form_differs(store, record):
    rows = select(store, f"SELECT ?t WHERE {{ <{doc_iri(record)}> tkg:originalTitle ?t }}")
    assert [r[0].value for r in rows] == [record.title_span.exact]


def test_languages_are_mapped_to_iso_639_1(store, record):
    rows = select(store, f"SELECT ?l WHERE {{ <{doc_iri(record)}> dcterms:language ?l }}")
    assert {r[0].value for r in rows} == {"http://id.loc.gov/vocabulary/iso639-1/zh",
                                          "http://id.loc.gov/vocabulary/iso639-1/ko"}
    assert {r[0].value for r in select(store, f"SELECT ?l WHERE {{ <{doc_iri(record)}> tkg:authenticLanguage ?l }}")} \
        == {"中文", "朝鲜文"}


def test_graph_provenance(store, record):
    g = doc_iri(record) + "/graph"
    rows = select(store, f"""SELECT ?sha ?name ?v WHERE {{ <{g}> prov:wasDerivedFrom ?src ; tkg:toolVersion ?v .
                              ?src tkg:sha256 ?sha ; tkg:fileName ?name }}""")
    assert len(rows) == 1
    sha, name, version = rows[0]
    assert sha.value == record.source.sha256 and name.value == record.source.name and version.value


def test_every_annotation_reproduces_its_quote_full_evidence(record):
    store = rdf.to_store(record, evidence="full")
    rows = select(store, """
        SELECT ?field ?start ?end ?exact ?prefix ?suffix WHERE {
          ?a a oa:Annotation ; tkg:field ?field ; oa:hasTarget ?t .
          ?t oa:hasSource ?src ; oa:hasSelector ?pos, ?quote .
          ?src a tkg:Text .
          ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
          ?quote a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
        }""")
    assert len(rows) == sum(len(v) for v in record.evidence().values()) == 14
    for field, start, end, exact, prefix, suffix in rows:
        s, e = int(start.value), int(end.value)
        assert ORIGINAL[s:e] == exact.value, field.value
        assert ORIGINAL[:s].endswith(prefix.value) and ORIGINAL[e:].startswith(suffix.value)
    fields = {r[0].value for r in rows}
    assert {"title", "parties[0]", "signatories[1].name", "referenced[0].date"} <= fields


def test_every_compact_target_is_a_span_of_the_text_giving_the_quote(store, record):
    """Compact evidence: one annotation per fact, its targets <{doc}/text#char=START,END>; the
    text's START:END is what the record read for the field."""
    rows = select(store, """
        SELECT ?a ?field ?t ?length WHERE {
          ?a a oa:Annotation ; tkg:field ?field ; oa:hasTarget ?t .
          ?text a tkg:Text ; tkg:characterCount ?length .
        }""")
    text = doc_iri(record) + "/text"
    assert int(rows[0][3].value) == len(ORIGINAL)
    want = {(p, (sp.start, sp.end)) for p, spans in record.evidence().items() for sp in spans}
    got = set()
    for _, field, target, _ in rows:
        iri, _, span = target.value.partition("#char=")
        assert iri == text
        start, end = map(int, span.split(","))
        got.add((field.value, (start, end)))
    assert got == want  # the 14 spans, none lost
    assert len({r[0] for r in rows}) == len(record.evidence())  # one annotation per fact


def test_annotation_bodies_are_the_supported_resources(store, record):
    rows = dict((f.value, b.value) for f, b in select(
        store, "SELECT ?f ?b WHERE { ?a a oa:Annotation ; tkg:field ?f ; oa:hasBody ?b }"))
    d = doc_iri(record)
    assert rows["title"] == d
    assert rows["parties[1]"] == rdf.party_iri(record.parties[1]) == "https://w3id.org/treatykg/id/agent/kp-government"
    assert rows["signatories[0].name"] == rdf.person_iri(d, "周恩来", record.signed_date)
    assert rows["signatories[0].title"] == d + "/signature/1"
    assert rows["signed_place"] == rdf.place_iri("平壤")
    assert rows["referenced[1].label"] == rdf.reference_iri(record.referenced[1])


def test_hostile_title_round_trips_as_a_literal(record):
    hostile = '"} ; DROP ALL ; INSERT DATA {…} #>'
    record.title = hostile
    record.title_span = None
    for fmt in ("turtle", "trig", "nt", "nq", "jsonld"):
        data = rdf.serialize(record, fmt)
        quads = list(ox.parse(data, format=PARSE_FORMATS[fmt]))
        titles = [q.object for q in quads if q.predicate.value == "http://purl.org/dc/terms/title"]
        assert titles == [ox.Literal(hostile, language="zh")], fmt
    store = rdf.to_store(record)
    assert len(store) == len(set(rdf.record_quads(record)))
    rows = select(store, "SELECT ?t WHERE { ?d dcterms:title ?t }")
    assert [r[0].value for r in rows] == [hostile]


def test_malformed_values_raise_rdf_error(record):
    record.signed_date = "1958-2-19"
    with pytest.raises(RDFError, match="signed_date"):
        list(rdf.record_quads(record))
    record.signed_date = "1958-02-30"
    with pytest.raises(RDFError, match="calendar"):
        list(rdf.record_quads(record))
    record.signed_date = "1958-02-19"
    record.doc_type = "decree"
    with pytest.raises(RDFError, match="doc_type"):
        list(rdf.record_quads(record))


def test_to_store_adds_to_an_existing_store(record):
    store = ox.Store()
    other = joint_statement_1958()
    other.title = "另一个文件"
    other.source = dataclasses.replace(other.source, key=text_key("another text"))
    rdf.to_store(record, store)
    rdf.to_store(other, store)
    assert len([g for g in store.named_graphs() if g.value.endswith("/graph")]) == 2


# ---------------------------------------------------------------- ontology & resources

def test_resources_are_found():
    for path in (ontology_path(), shapes_path(), context_path(), resource_path("ontology", "treatykg.ttl")):
        assert path.is_file()


def test_every_tkg_term_emitted_is_defined_in_english_and_chinese(record):
    onto = rdflib.Graph().parse(ontology_path(), format="turtle")
    used = set()
    for q in rdf.record_quads(record):
        for t in (q.subject, q.predicate, q.object):
            if isinstance(t, ox.NamedNode) and t.value.startswith(TKG_URI):
                used.add(t.value)
    for cls in rdf.DOC_TYPE_CLASSES.values():
        used.add(TKG_URI + cls)
    assert used
    for iri in sorted(used):
        term = rdflib.URIRef(iri)
        for prop in (rdflib.RDFS.label, rdflib.RDFS.comment):
            langs = {o.language for o in onto.objects(term, prop)}
            assert {"en", "zh"} <= langs, (iri, prop)


def test_doc_type_classes_are_legal_resources():
    onto = rdflib.Graph().parse(ontology_path(), format="turtle")
    eli = rdflib.URIRef("http://data.europa.eu/eli/ontology#LegalResource")
    for cls in rdf.DOC_TYPE_CLASSES.values():
        assert (rdflib.URIRef(TKG_URI + cls), rdflib.RDFS.subClassOf, eli) in onto


def with_visit_and_commitment():
    from treatykg.model import Commitment, Visit
    rec = joint_statement_1958()
    rec.visit = Visit(delegation="中华人民共和国政府代表团", led_by="国务院总理周恩来", host="朝鲜民主主义人民共和国政府",
                      start="1958-02-14", end="1958-02", places_visited=["平壤", "咸兴"])
    rec.commitments = [Commitment(actor="双方", action="撤出中国人民志愿军", deadline="1958-12-31")]
    return rec


def test_visit_and_commitments():
    rec = with_visit_and_commitment()
    store = rdf.to_store(rec)
    d = doc_iri(rec)
    rows = select(store, f"""SELECT ?b ?e WHERE {{ <{d}> tkg:occasion ?v . ?v a sem:Event ;
                               sem:hasBeginTimeStamp ?b ; sem:hasEndTimeStamp ?e }}""")
    assert rows == [(ox.Literal("1958-02-14", datatype=ox.NamedNode(XSD + "date")),
                     ox.Literal("1958-02", datatype=ox.NamedNode(XSD + "gYearMonth")))]
    places = {r[0].value for r in select(store, f"SELECT ?p WHERE {{ <{d}/visit> prov:atLocation/rdfs:label ?p }}")}
    assert places == {"平壤", "咸兴"}
    rows = select(store, f"SELECT ?a ?x WHERE {{ <{d}> tkg:commitment ?c . ?c tkg:actor ?a ; tkg:action ?x ; tkg:deadline ?dl }}")
    # 双方: both parties act, each the agent the graph already has
    assert sorted((a.value, x.value) for a, x in rows) == [
        ("https://w3id.org/treatykg/id/agent/cn-government", "撤出中国人民志愿军"),
        ("https://w3id.org/treatykg/id/agent/kp-government", "撤出中国人民志愿军")]


def test_visit_and_commitment_terms_are_defined():
    onto = rdflib.Graph().parse(ontology_path(), format="turtle")
    for q in rdf.record_quads(with_visit_and_commitment()):
        for t in (q.predicate, q.object):
            if isinstance(t, ox.NamedNode) and t.value.startswith(TKG_URI):
                langs = {o.language for o in onto.objects(rdflib.URIRef(t.value), rdflib.RDFS.comment)}
                assert {"en", "zh"} <= langs, t


def test_byte_identical_across_processes():
    """Different hash seeds (set order) must not change a byte."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    here = Path(__file__).resolve().parent
    code = ("import sys, hashlib; sys.path[:0] = [%r, %r]\n"
            "from treaty_fixtures import joint_statement_1958\n"
            "from treatykg import rdf\n"
            "r = joint_statement_1958()\n"
            "print(' '.join(hashlib.sha256(rdf.serialize(r, f)).hexdigest() for f in rdf.FORMATS))"
            % (str(here), str(here.parent / "src")))
    outs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                capture_output=True, text=True).stdout)
    assert len(outs) == 1
