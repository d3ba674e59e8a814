"""The ontology says true things under inference, and says every thing the code writes.

A reasoner (RDFS, OWL-RL) reads the domains, ranges and subclasses of `ontology/treatykg.ttl`
and adds what they imply; the data must still conform, and nothing may become inconsistent
(the ten talks participants of the 1958 statement once became signatures without a party,
because tkg:officeTitle had the domain tkg:Signature).
"""
from __future__ import annotations

import re
from pathlib import Path

import owlrl
import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from treatykg import rdf
from treatykg.api import extract
from treatykg.namespaces import TERMS
from treatykg.resources import ontology_path, shapes_path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted((Path(__file__).parent / "corpus").glob("*.txt"))
TKG = "https://w3id.org/treatykg/ontology#"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_path())


def _graph(path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in rdf.to_dataset(extract(path)).quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_every_reference_text_conforms_under_rdfs_inference_with_the_ontology(path, ontology):
    shapes = rdflib.Graph().parse(shapes_path())
    _, report, _ = pyshacl.validate(_graph(path), shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                    allow_warnings=True)
    violations = [str(report.value(r, SH.resultMessage)) for r in report.subjects(RDF.type, SH.ValidationResult)
                  if report.value(r, SH.resultSeverity) == SH.Violation]
    assert violations == []


@pytest.mark.parametrize("path", TEXTS[:4] + TEXTS[-1:], ids=lambda p: p.stem)
def test_the_owl_rl_closure_has_nothing_in_owl_nothing(path, ontology):
    g = _graph(path) + ontology
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    assert list(g.subjects(RDF.type, OWL.Nothing)) == []
    # nothing the data names as a cited document becomes a legal act by inference
    eli_legal = rdflib.URIRef("http://data.europa.eu/eli/ontology#LegalResource")
    cited = set(g.subjects(RDF.type, rdflib.URIRef(TKG + "CitedDocument")))
    assert not any((c, RDF.type, eli_legal) in g for c in cited if "/instrument/" in str(c) or "/cited/" in str(c))


def _terms_written() -> set[str]:
    found: set[str] = set()
    files = list((ROOT / "src" / "treatykg").rglob("*.py")) + list((ROOT / "queries").glob("*.rq")) \
        + [ROOT / "shapes" / "treatykg.ttl"]
    for f in files:
        text = f.read_text(encoding="utf-8")
        found |= {TKG + m for m in re.findall(r'_tkg\("(\w+)"\)', text)}
        found |= {TKG + m for m in re.findall(r"\btkg:(\w+)", text)}
        found |= {TKG + m for m in re.findall(r"treatykg/ontology#(\w+)", text)}
    found |= {t.value for t in TERMS.tkg}  # the closed table every quad's term comes from
    return found


def test_every_term_the_code_queries_and_shapes_use_is_defined(ontology):
    defined = {str(s) for s in ontology.subjects() if str(s).startswith(TKG)}
    assert sorted(t[len(TKG):] for t in _terms_written() - defined) == []


def test_every_own_term_is_labelled_and_explained_in_english_and_chinese(ontology):
    problems = []
    for s in sorted({s for s in ontology.subjects() if str(s).startswith(TKG)}):
        name = str(s)[len(TKG):]
        if {lit.language for lit in ontology.objects(s, RDFS.label)} != {"en", "zh"}:
            problems.append(f"{name}: rdfs:label in en and zh")
        if {lit.language for lit in ontology.objects(s, RDFS.comment)} != {"en", "zh"}:
            problems.append(f"{name}: rdfs:comment in en and zh")
        kinds = set(ontology.objects(s, RDF.type))
        if kinds & {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}:
            if not list(ontology.objects(s, RDFS.domain)):
                problems.append(f"{name}: rdfs:domain")
            if not list(ontology.objects(s, RDFS.range)):
                problems.append(f"{name}: rdfs:range")
    assert problems == []
