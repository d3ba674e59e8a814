"""The state and helpers shared by the sections of :class:`treatykg.quads.RecordQuads`, and the
node table that :data:`treatykg.model.FIELDS` names (``Field.node``, the subject of ``Field.supports``).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyoxigraph as ox

from ..model import Provenance, Record, field_of
from .terms import (_AGENT_CLASSES, _entity_of, _gazetteer, _normalise, _nth, _state_of_agent, _zh,
                    curated_graph_iri, document_iri, ENTITY_CLASSES, entity_iri,
                    evidence_graph_iri, EVIDENCE_MODES, graph_iri, metadata_graph_iri, person_iri,
                    RDF_TYPE, RDFS_LABEL, Resolver, T, text_iri)


class QuadsBase:
    """What every section shares: the record, its nodes, the graph being written, the quads
    already given (none twice), the nodes each field's evidence is about, and the helpers that
    describe a person, a state, an agent, a place."""

    def __init__(self, record: Record, base: str, generated_at, evidence: str = "compact"):
        if evidence not in EVIDENCE_MODES:
            raise ValueError(f"unknown evidence mode {evidence!r} (expected one of {', '.join(EVIDENCE_MODES)})")
        self.evidence_mode = evidence
        self.record = record
        self.base = base
        self.generated_at = generated_at
        self.doc_s = document_iri(record, base)
        self.doc = ox.NamedNode(self.doc_s)
        self.g = ox.NamedNode(graph_iri(self.doc_s))
        self.src = ox.NamedNode(f"{self.doc_s}/source")
        self.text = ox.NamedNode(text_iri(self.doc_s))
        self.evidence_graph = ox.NamedNode(evidence_graph_iri(self.doc_s))
        self.expr = ox.NamedNode(f"{self.doc_s}/expression/zh")
        self.signing = ox.NamedNode(f"{self.doc_s}/signing")
        self.visit_node = ox.NamedNode(f"{self.doc_s}/visit")
        self.resolve = Resolver(record, base)
        self.seen: set[ox.Quad] = set()
        self.described: set[tuple[str, str]] = set()  # (IRI, graph): described once per graph
        self.main = self.g
        self.graphs = {"curator": ox.NamedNode(curated_graph_iri(self.doc_s)),
                       "metadata": ox.NamedNode(metadata_graph_iri(self.doc_s))}
        self.used: dict[str, list[tuple[str, Provenance]]] = {}  # origin kind -> (path, provenance)
        # the nodes each field's evidence is about (filled by the sections)
        self.party_nodes: list[ox.NamedNode | None] = []
        self.signature_nodes: list[ox.NamedNode] = []
        self.person_nodes: list[ox.NamedNode | None] = []
        self.ref_nodes: list[ox.NamedNode] = []
        self.participation_nodes: list[ox.NamedNode] = []
        self.participant_persons: list[ox.NamedNode | None] = []
        self.mention_nodes: list[ox.NamedNode] = []
        self.commitment_nodes: list[ox.NamedNode] = []
        self.place_node: ox.NamedNode | None = None
        self.has_signing = bool(record.signed_date or record.signed_place or record.signatories)

    # -- helpers ---------------------------------------------------------------------------
    @contextmanager
    def at(self, path: str):
        """Statements made inside go to the graph of the fact at ``path``: the document graph for a
        fact read from the text, the curated graph for one a curator asserted, the metadata graph
        for one taken from database metadata."""
        entry = self.record.origin_entry(path)
        prev = self.g
        if entry is not None and entry[1].kind in self.graphs:
            self.g = self.graphs[entry[1].kind]
            if entry not in self.used.setdefault(entry[1].kind, []):
                self.used[entry[1].kind].append(entry)
        try:
            yield
        finally:
            self.g = prev

    def first(self, iri: str) -> bool:
        """Whether ``iri`` is described for the first time in the current graph (and mark it)."""
        key = (iri, self.g.value)
        if key in self.described:
            return False
        self.described.add(key)
        return True

    def q(self, s: ox.NamedNode, p: ox.NamedNode, o: Any) -> Iterator[ox.Quad]:
        quad = ox.Quad(s, p, o, self.g)
        if quad not in self.seen:
            self.seen.add(quad)
            yield quad

    def typ(self, s: ox.NamedNode, *classes: ox.NamedNode) -> Iterator[ox.Quad]:
        for c in classes:
            yield from self.q(s, RDF_TYPE, c)

    def person(self, name: str) -> Iterator[ox.Quad]:
        node = ox.NamedNode(person_iri(self.doc_s, name, self.record.signed_date, self.base))
        yield from self.typ(node, T.prov.Person, T.prov.Agent)
        yield from self.q(node, RDFS_LABEL, _zh(_normalise(name)))
        self.last = node

    def association(self, node: ox.NamedNode, cls: ox.NamedNode, activity: ox.NamedNode, role: ox.NamedNode,
                    name: str | None, title: str | None, persons: list[Any]) -> Iterator[ox.Quad]:
        """A qualified association (a signature, a talks participation): ``node``, a ``cls`` and a
        prov:Association, of ``activity`` in ``role``; the person ``name`` its prov:agent and
        associated with the activity; ``title`` the office held. The person, or None where
        there is no name, is appended to ``persons``."""
        yield from self.typ(node, cls, T.prov.Association)
        yield from self.q(activity, T.prov.qualifiedAssociation, node)
        yield from self.q(node, T.prov.hadRole, role)
        person = None
        if name and _normalise(name):
            yield from self.person(name)
            person = self.last
            yield from self.q(node, T.prov.agent, person)
            yield from self.q(activity, T.prov.wasAssociatedWith, person)
        if title and _normalise(title):
            yield from self.q(node, T.tkg.officeTitle, _zh(_normalise(title)))
        persons.append(person)

    def state(self, iri: str) -> Iterator[ox.Quad]:
        """A state of the gazetteer, described once per graph (types, labels, itself its state)."""
        if not self.first(iri):
            return
        node = ox.NamedNode(iri)
        entry = _entity_of(iri, self.base)
        yield from self.typ(node, *ENTITY_CLASSES["state"])
        if entry is not None:
            yield from self.q(node, RDFS_LABEL, _zh(entry.zh))
            if entry.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
        yield from self.q(node, T.tkg.ofState, node)

    def agent(self, iri: str, label: str | None) -> Iterator[ox.Quad]:
        """An agent (a party, an actor, a host): a state, an organisation or an organ of a state,
        described once per graph, linked to its state (tkg:ofState)."""
        if iri.startswith(f"{self.base}state/"):
            yield from self.state(iri)
            return
        node = ox.NamedNode(iri)
        if self.first(iri):
            yield from self.typ(node, *_AGENT_CLASSES)
            entry = _entity_of(iri, self.base)
            if entry is not None:
                yield from self.q(node, RDFS_LABEL, _zh(entry.zh))
                if entry.en:
                    yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
                if entry.within:
                    state = entity_iri(_gazetteer().by_id(entry.within), self.base)
                    yield from self.q(node, T.tkg.ofState, ox.NamedNode(state))
                    yield from self.state(state)
            elif label and _normalise(label):
                yield from self.q(node, RDFS_LABEL, _zh(_normalise(label)))
        state = _state_of_agent(iri, self.base)
        if state is not None:
            yield from self.q(node, T.tkg.ofState, ox.NamedNode(state))
            yield from self.state(state)

    def place(self, name: str, *within: str | None) -> Iterator[ox.Quad]:
        node = ox.NamedNode(self.resolve.place(name, *within))
        yield from self.typ(node, T.sem.Place, T.prov.Location)
        yield from self.q(node, RDFS_LABEL, _zh(_normalise(name)))
        self.last = node

    # -- evidence ------------------------------------------------------------------------------
    def node(self, name: str, index: int | None = None) -> ox.NamedNode | None:
        """The node called ``name`` in :data:`treatykg.model.FIELDS` (``Field.node``, the subject
        of ``Field.supports``), of item ``index`` for a list's: None where the graph has none.
        Read once the sections have run."""
        if name == "document":
            return self.doc
        if name == "signing":
            return self.signing if self.has_signing else None
        if name == "place":
            return self.place_node
        if name == "visit":
            return self.visit_node if self.record.visit is not None else None
        if name == "signatory":  # the person who signed, else the signature
            return _nth(self.person_nodes, index) or _nth(self.signature_nodes, index)
        if name == "participant":  # the person who took part, else the participation
            return _nth(self.participant_persons, index) or _nth(self.participation_nodes, index)
        table: dict[str, list[Any]] = {
            "party": self.party_nodes, "signature": self.signature_nodes, "reference": self.ref_nodes,
            "participation": self.participation_nodes, "mention": self.mention_nodes,
            "commitment": self.commitment_nodes}
        return _nth(table[name], index)

    def body_for(self, path: str) -> ox.NamedNode:
        """The node the evidence of the field at ``path`` is about (its ``Field.node``; the document
        where the graph has no such node)."""
        got = field_of(path)
        return (self.node(got[0].node, got[1]) if got is not None else None) or self.doc
