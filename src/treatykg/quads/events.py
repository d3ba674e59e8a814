"""Sections of a record's quads: the documents and events it refers to, the visit that
occasioned it, the talks and their participants, the entities it mentions, its commitments.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..errors import RDFError
from ..model import Reference
from .base import QuadsBase
from .terms import (_gazetteer, _id_of, _normalise, _state_of_agent, _zh, date_literal,
                    ENTITY_CLASSES, entity_iri, instrument_of, iri_segment, RDFS_LABEL,
                    reference_iri, STANCES, T)


class EventSections(QuadsBase):
    """What the document refers to and tells of: references, the visit, the talks, mentions, commitments."""

    def references(self) -> Iterator[ox.Quad]:
        for i, ref in enumerate(self.record.referenced, start=1):
            if ref.kind not in ("document", "event"):
                raise RDFError(f"referenced[{i - 1}].kind: unknown value {ref.kind!r} (expected 'document' or 'event')")
            with self.at(f"referenced[{i - 1}]"):
                yield from self.reference(i, ref)

    def reference(self, i: int, ref: Reference) -> Iterator[ox.Quad]:
        doc = self.doc
        node = ox.NamedNode(reference_iri(ref, self.base))
        self.ref_nodes.append(node)
        inst = instrument_of(ref)
        if ref.kind == "document":
            yield from self.typ(node, T.tkg.CitedDocument)
            yield from self.q(doc, T.eli.cites, node)
        else:
            yield from self.typ(node, T.sem.Event)
            yield from self.q(doc, T.tkg.refersToEvent, node)
        label = _normalise(ref.label)
        if inst is not None:
            yield from self.q(node, RDFS_LABEL, _zh(inst.zh))
            if inst.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(inst.en, language="en"))
            if label and label != inst.zh:
                yield from self.q(node, T.skos.altLabel, _zh(label))
            if inst.date:
                yield from self.q(node, T.dcterms.date, date_literal(inst.date, f"instrument {inst.id}"))
        else:
            if label:
                yield from self.q(node, RDFS_LABEL, _zh(label))
            if ref.date:
                yield from self.q(node, T.dcterms.date, date_literal(ref.date, f"referenced[{i - 1}].date"))
        if ref.place and _normalise(ref.place):
            yield from self.place(ref.place)
            yield from self.q(node, T.prov.atLocation, self.last)
        if ref.stance:
            if ref.stance not in STANCES:
                raise RDFError(f"referenced[{i - 1}].stance: unknown value {ref.stance!r}")
            yield from self.q(doc, T.cito[STANCES[ref.stance]], node)

    def visit(self) -> Iterator[ox.Quad]:
        if self.record.visit is None:
            return
        with self.at("visit"):
            yield from self.visit_facts()

    def visit_facts(self) -> Iterator[ox.Quad]:
        v, visit, doc = self.record.visit, self.visit_node, self.doc
        yield from self.typ(visit, T.tkg.Visit, T.sem.Event)
        yield from self.q(doc, T.tkg.occasion, visit)
        if v.delegation and _normalise(v.delegation):
            yield from self.q(visit, T.tkg.delegation, _zh(_normalise(v.delegation)))
            yield from self.q(visit, RDFS_LABEL, _zh(_normalise(v.delegation)))
        if v.led_by and _normalise(v.led_by):
            yield from self.person(v.led_by)
            yield from self.q(visit, T.tkg.ledBy, self.last)
        host_state = None
        if v.host and _normalise(v.host):
            host = self.resolve.agent(v.host)
            yield from self.agent(host, v.host)
            yield from self.q(visit, T.tkg.host, ox.NamedNode(host))
            host_state = _state_of_agent(host, self.base)
        if v.start:
            yield from self.q(visit, T.sem.hasBeginTimeStamp, date_literal(v.start, "visit.start"))
        if v.end:
            yield from self.q(visit, T.sem.hasEndTimeStamp, date_literal(v.end, "visit.end"))
        within = _id_of(host_state, self.base, "state")
        for name in v.places_visited:
            if _normalise(name):
                yield from self.place(name, within)
                yield from self.q(visit, T.prov.atLocation, self.last)

    def talks(self) -> Iterator[ox.Quad]:
        record, doc = self.record, self.doc
        talks = ox.NamedNode(f"{self.doc_s}/talks")
        participants = record.talks_participants or []
        if participants:
            yield from self.typ(talks, T.tkg.Talks, T.prov.Activity, T.sem.Event)
            yield from self.q(doc, T.tkg.talks, talks)
            if record.signed_date:
                yield from self.q(talks, T.dcterms.date, date_literal(record.signed_date, "signed_date"))
        for i, p in enumerate(participants, start=1):
            with self.at(f"talks_participants[{i - 1}]"):
                yield from self.participant(i, p, talks)

    def participant(self, i: int, p, talks: ox.NamedNode) -> Iterator[ox.Quad]:
        node = ox.NamedNode(f"{self.doc_s}/participant/{i}")
        self.participation_nodes.append(node)
        yield from self.association(node, T.tkg.Participation, talks, T.tkg.talksParticipantRole, p.name, p.title,
                                    self.participant_persons)
        if p.side and _normalise(p.side):
            side = self.resolve.state_iri(p.side) or self.resolve.agent(p.side)
            yield from self.agent(side, p.side)
            yield from self.q(node, T.tkg.side, ox.NamedNode(side))

    def mentions(self) -> Iterator[ox.Quad]:
        gaz = _gazetteer()
        nodes: dict[tuple[str, str], ox.NamedNode] = {}  # a dense text names the same few entities again and again
        for m in self.record.mentions or []:
            entry = gaz.by_id(m.id)
            node = nodes.get((m.id, m.type))
            if node is None:
                node = nodes[(m.id, m.type)] = ox.NamedNode(
                    entity_iri(entry, self.base) if entry else f"{self.base}{m.type}/{iri_segment(m.id)}")
            self.mention_nodes.append(node)
            yield from self.q(self.doc, T.tkg.mentions, node)
            if not self.first(node.value):
                continue
            yield from self.typ(node, *ENTITY_CLASSES.get(m.type, ()))
            yield from self.q(node, RDFS_LABEL, _zh(m.label or _normalise(m.text)))
            if entry is not None and entry.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
            if m.type == "state":
                yield from self.q(node, T.tkg.ofState, node)

    def commitments(self) -> Iterator[ox.Quad]:
        for i, c in enumerate(self.record.commitments or [], start=1):
            with self.at(f"commitments[{i - 1}]"):
                yield from self.commitment(i, c)

    def commitment(self, i: int, c) -> Iterator[ox.Quad]:
        node = ox.NamedNode(f"{self.doc_s}/commitment/{i}")
        self.commitment_nodes.append(node)
        yield from self.typ(node, T.tkg.Commitment)
        yield from self.q(self.doc, T.tkg.commitment, node)
        if c.actor and _normalise(c.actor):
            for actor in self.actors(c.actor):
                yield from self.agent(actor, c.actor)
                yield from self.q(node, T.tkg.actor, ox.NamedNode(actor))
        if c.action and _normalise(c.action):
            yield from self.q(node, T.tkg.action, _zh(_normalise(c.action)))
            yield from self.q(node, RDFS_LABEL, _zh(_normalise(c.action)))
        if c.deadline:
            yield from self.q(node, T.tkg.deadline, date_literal(c.deadline, f"commitments[{i - 1}].deadline"))

    def actors(self, actor: str) -> list[str]:
        """The agents who act: both parties for 双方, else the one the text names."""
        if _normalise(actor) in ("双方", "两国", "两国政府", "缔约双方"):
            return [n.value for n in self.party_nodes if n is not None]
        return [self.resolve.agent(actor)]
