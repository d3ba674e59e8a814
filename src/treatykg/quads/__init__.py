"""The quads of one record (what :func:`treatykg.rdf.record_quads` gives), one generator per
section of the record, around :data:`treatykg.model.FIELDS`:

* :mod:`.terms`: the terms and literals, and helpers the sections share;
* :mod:`.base`: the record's nodes, the graph being written, the helpers that describe a person,
  a state, an agent or a place, and the node table ``Field.node`` names;
* :mod:`.document`: the graph, the source, the work, the parties, the signing and signatures;
* :mod:`.events`: references, the visit, the talks, mentions, commitments;
* :mod:`.evidence`: the evidence graph and the provenance of curated and metadata facts.

The mapping itself is described in :mod:`treatykg.rdf`.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from .base import QuadsBase
from .document import DocumentSections
from .events import EventSections
from .evidence import EvidenceSections

__all__ = ["RecordQuads"]


class RecordQuads(DocumentSections, EventSections, EvidenceSections, QuadsBase):
    """The quads of one record in its named graphs, without duplicates: one method per section
    (:meth:`all` runs them in order); :meth:`node` the nodes the fields' evidence is about."""

    def all(self) -> Iterator[ox.Quad]:
        for section in (self.graph, self.source, self.work, self.parties, self.signing_section,
                        self.references, self.visit, self.talks, self.mentions, self.commitments,
                        self.provenance):
            yield from section()
        # The annotations' subjects ({doc}/evidence/{n}, …/target, …) are theirs alone and their
        # triples distinct, so none can repeat a quad: they are not looked up in ``seen``.
        yield from self.evidence()
