"""The record's fields are declared once (treatykg.model.FIELDS): every reader agrees with it."""
from __future__ import annotations

from pathlib import Path

import pytest

from treatykg import rdf
from treatykg.model import FIELDS, field_of
from treatykg.namespaces import prefixes
from treatykg.view import KINDS, read_record, record_facts

CORPUS = Path(__file__).resolve().parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))
NODES = {"document", "signing", "place", "visit", "signatory", "participant", "party", "signature",
         "reference", "participation", "mention", "commitment"}


def test_every_field_is_declared_well():
    paths = [f.path for f in FIELDS]
    assert len(paths) == len(set(paths))
    for f in FIELDS:
        assert f.kind in KINDS, f.path
        assert f.node in NODES, f.path
        if f.supports is not None:
            assert f.supports[0] in NODES, f.path
            for value in ({"kind": "document"}, {"kind": "event"}):
                assert f.predicate(value).split(":", 1)[0] in prefixes(), f.path
        if f.literal is not None:
            assert not f.many and f.sub is None and f.supports[0] == "document", f.path


@pytest.mark.parametrize("path", [p for p in TEXTS if p.stem.startswith(("1958", "003", "012", "013"))],
                         ids=lambda p: p.stem[:4])
def test_every_evidence_path_is_a_declared_field_and_its_statement_is_in_the_graph(path):
    record, _ = read_record(path)
    for p in record.evidence():
        assert field_of(p) is not None, p
    graph = rdf.RecordQuads(record, rdf.DEFAULT_BASE, None, evidence="full")
    quads = {(q.subject.value, q.predicate.value) for q in graph.all()}
    for fact in record_facts(record):
        if fact.subject is not None:
            assert (fact.subject, fact.predicate) in quads
    # each field with evidence and a statement finds it (the view never looks in the wrong place)
    found = {f.field for f in record_facts(record) if f.subject}
    for f, p, _, _ in record.fields():
        if f.supports is not None and p in record.evidence() and graph.node(f.supports[0], field_of(p)[1]):
            assert p in found, p


def test_a_simple_field_of_the_work_is_written_from_its_declaration():
    record, _ = read_record(CORPUS / "012_cn_ye_mfa_mou_1995.txt")
    nq = rdf.serialize(record, "nq").decode()
    for f in FIELDS:
        if f.literal is not None and getattr(record, f.path) not in (None, ""):
            prefix, local = f.predicate().split(":", 1)
            assert f"<{prefixes()[prefix]}{local}>" in nq, f.path
