"""One vocabulary: every term treatykg writes comes from the closed table of treatykg.namespaces,
the JSON-LD context agrees with the namespace table, and the document types are one table."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from treatykg import rdf
from treatykg.collection import DOC_TYPE_LABELS
from treatykg.iris import DOC_TYPE_CLASSES
from treatykg.lexicon import DOC_TYPE_WORDS, doc_types
from treatykg.model import DOC_TYPES, FIELDS
from treatykg.namespaces import JSONLD_PREFIXES, TERMS, TKG_URI, VOCABULARIES
from treatykg.resources import context_path, ontology_path
from treatykg.view import read_record

CORPUS = Path(__file__).resolve().parent / "corpus"


def test_a_typo_in_a_term_raises():
    assert TERMS.prov.Person.value == VOCABULARIES["prov"] + "Person"
    with pytest.raises(AttributeError, match="prov:Persn"):
        TERMS.prov.Persn  # noqa: B018
    with pytest.raises(KeyError, match="eli:passed_byy"):
        TERMS.term("eli:passed_byy")
    with pytest.raises(KeyError):
        TERMS.tkg["JointStatment"]
    with pytest.raises(AttributeError):
        TERMS.provv  # noqa: B018


def test_the_own_terms_of_the_table_are_those_the_ontology_defines():
    ontology = rdflib.Graph().parse(ontology_path())
    defined = {str(s) for s in ontology.subjects() if str(s).startswith(TKG_URI)}
    assert {t.value for t in TERMS.tkg} == defined

def test_every_term_of_the_table_is_in_a_known_vocabulary():
    for terms in TERMS:
        for t in terms:
            assert any(t.value.startswith(ns) for ns in VOCABULARIES.values()), t


def test_every_predicate_and_class_written_is_a_term_of_the_table():
    table = {t.value for terms in TERMS for t in terms}
    written: set[str] = set()
    for path in sorted(CORPUS.glob("*.txt"))[:6] + [CORPUS / "1958-02-19_cn-kp_joint-statement.txt"]:
        record, _ = read_record(path)
        for q in rdf.record_quads(record, evidence="full"):
            written.add(q.predicate.value)
            if q.predicate == TERMS.rdf.type:
                written.add(q.object.value)
    assert sorted(written - table) == []


def test_the_fields_name_terms_of_the_table():
    for f in FIELDS:
        if f.supports is not None:
            for value in ({"kind": "document"}, {"kind": "event"}):
                TERMS.term(f.predicate(value))  # raises for a term outside the table


def test_the_jsonld_context_agrees_with_the_namespace_table():
    context = json.loads(context_path().read_text(encoding="utf-8"))["@context"]
    assert list(context.items()) == [("@version", 1.1)] + [(p, VOCABULARIES[p]) for p in JSONLD_PREFIXES]


def test_the_document_types_are_one_table():
    table = doc_types()
    assert DOC_TYPES == tuple(t.value for t in table)
    assert DOC_TYPE_CLASSES == {t.value: t.cls for t in table}
    assert DOC_TYPE_LABELS == {t.cls: (t.value, t.en, t.zh) for t in table}
    assert {t for _, t in DOC_TYPE_WORDS} <= set(DOC_TYPES)
    ontology = rdflib.Graph().parse(ontology_path())
    label = rdflib.RDFS.label
    for t in table:
        cls = rdflib.URIRef(TKG_URI + t.cls)
        assert (cls, rdflib.RDF.type, rdflib.OWL.Class) in ontology, t.cls
        labels = {(str(lit), lit.language) for lit in ontology.objects(cls, label)}
        assert labels == {(t.en, "en"), (t.zh, "zh")}, t.cls
