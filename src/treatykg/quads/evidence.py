"""Sections of a record's quads: its evidence graph (see :data:`treatykg.quads.terms.EVIDENCE_MODES`)
and the provenance of the facts a curator or database metadata gave.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ..model import Span
from ..namespaces import TEXT_PLAIN
from .base import QuadsBase
from .terms import (_head, _url_or_literal, date_literal, iri_segment, RDF_TYPE, RDFS_LABEL, T,
                    XSD_INTEGER)


# The terms of an evidence annotation, made once (a long text has ~10k annotations).
_OA_ANNOTATION = T.oa.Annotation
_OA_END = T.oa.end
_OA_EXACT = T.oa.exact
_OA_HAS_BODY = T.oa.hasBody
_OA_HAS_SELECTOR = T.oa.hasSelector
_OA_HAS_SOURCE = T.oa.hasSource
_OA_HAS_TARGET = T.oa.hasTarget
_OA_MOTIVATED_BY = T.oa.motivatedBy
_OA_PREFIX = T.oa.prefix
_OA_SPECIFIC_RESOURCE = T.oa.SpecificResource
_OA_START = T.oa.start
_OA_SUFFIX = T.oa.suffix
_OA_TEXT_POSITION_SELECTOR = T.oa.TextPositionSelector
_OA_TEXT_QUOTE_SELECTOR = T.oa.TextQuoteSelector
_TKG_EVIDENCING = T.tkg.evidencing
_TKG_FIELD = T.tkg.field
_TKG_TEXT = T.tkg.Text
_TKG_EVIDENCE_GRAPH = T.tkg.EvidenceGraph
_DCTERMS_SUBJECT = T.dcterms.subject
_TKG_CHARACTER_COUNT = T.tkg.characterCount
_TKG_SHA256 = T.tkg.sha256
_PROV_ENTITY = T.prov.Entity
_PROV_DERIVED_FROM = T.prov.wasDerivedFrom
_DCTERMS_FORMAT = T.dcterms.format
_TEXT_PLAIN = ox.NamedNode(TEXT_PLAIN)


def _annotation(iri: str, body: ox.NamedNode, path: str, span: Span,
                src: ox.NamedNode) -> list[tuple[ox.NamedNode, ox.NamedNode, Any]]:
    """The triples of one full evidence annotation, in order (a plain list: a long text has ~10k
    annotations, and a generator per triple was a third of its conversion time): a specific
    resource of the text ``src`` with a position and a quote selector."""
    ann = ox.NamedNode(iri)
    target = ox.NamedNode(f"{iri}/target")
    pos = ox.NamedNode(f"{iri}/position")
    quote_sel = ox.NamedNode(f"{iri}/quote")
    return [
        (ann, RDF_TYPE, _OA_ANNOTATION),
        (ann, _OA_MOTIVATED_BY, _TKG_EVIDENCING),
        (ann, _OA_HAS_BODY, body),
        (ann, _TKG_FIELD, ox.Literal(path)),
        (ann, _OA_HAS_TARGET, target),
        (target, RDF_TYPE, _OA_SPECIFIC_RESOURCE),
        (target, _OA_HAS_SOURCE, src),
        (target, _OA_HAS_SELECTOR, pos),
        (target, _OA_HAS_SELECTOR, quote_sel),
        (pos, RDF_TYPE, _OA_TEXT_POSITION_SELECTOR),
        # xsd:integer, not the xsd:nonNegativeInteger of the Web Annotation vocabulary: stores
        # (Oxigraph, and so every endpoint fed from it) keep a nonNegativeInteger as an integer,
        # and data read back must be the data written; the shapes ask for >= 0. A negative
        # offset (an extractor bug) is written as is and the shapes report it.
        (pos, _OA_START, ox.Literal(str(span.start), datatype=XSD_INTEGER)),
        (pos, _OA_END, ox.Literal(str(span.end), datatype=XSD_INTEGER)),
        (quote_sel, RDF_TYPE, _OA_TEXT_QUOTE_SELECTOR),
        (quote_sel, _OA_EXACT, ox.Literal(span.exact)),
        (quote_sel, _OA_PREFIX, ox.Literal(span.prefix)),
        (quote_sel, _OA_SUFFIX, ox.Literal(span.suffix)),
    ]



class EvidenceSections(QuadsBase):
    """The evidence graph (one annotation per fact read from the text) and the curated and
    metadata graphs' descriptions of themselves."""

    def evidence(self) -> list[ox.Quad]:
        """The evidence graph: the text, and an annotation per fact read from it (see
        :data:`EVIDENCE_MODES`). Compact: one annotation per fact (a body and a field), whose
        targets are the spans it was read from as ``{text}#char=START,END``; a mention is one
        fact per entity named, with a target per place it is named."""
        if self.evidence_mode == "none":
            return []
        g, text, s = self.evidence_graph, self.text, self.record.source
        out = [ox.Quad(g, RDF_TYPE, _TKG_EVIDENCE_GRAPH, g), ox.Quad(g, RDF_TYPE, _PROV_ENTITY, g),
               ox.Quad(g, _DCTERMS_SUBJECT, self.doc, g),
               ox.Quad(text, RDF_TYPE, _TKG_TEXT, g), ox.Quad(text, RDF_TYPE, _PROV_ENTITY, g),
               ox.Quad(text, _DCTERMS_FORMAT, _TEXT_PLAIN, g),
               ox.Quad(text, _TKG_CHARACTER_COUNT, ox.Literal(str(s.length), datatype=XSD_INTEGER), g),
               ox.Quad(text, _PROV_DERIVED_FROM, self.src, g)]
        if s.text_sha256:
            out.append(ox.Quad(text, _TKG_SHA256, ox.Literal(s.text_sha256), g))
        if self.evidence_mode == "full":
            n = 0
            for path, spans in self.record.evidence().items():
                for span in spans:
                    n += 1
                    out.extend(ox.Quad(a, b, c, g) for a, b, c in
                               _annotation(f"{self.doc_s}/evidence/{n}", self.body_for(path), path, span, text))
            return out
        groups: dict[tuple[str, str], tuple[ox.NamedNode, dict[tuple[int, int], None]]] = {}
        for path, spans in self.record.evidence().items():
            body = self.body_for(path)
            fld = "mentions" if path.startswith("mentions[") else path
            _, targets = groups.setdefault((body.value, fld), (body, {}))
            for span in spans:
                targets[(span.start, span.end)] = None
        prefix = f"{text.value}#char="
        for n, ((_, fld), (body, targets)) in enumerate(groups.items(), start=1):
            ann = ox.NamedNode(f"{self.doc_s}/evidence/{n}")
            out += [ox.Quad(ann, RDF_TYPE, _OA_ANNOTATION, g), ox.Quad(ann, _OA_HAS_BODY, body, g),
                    ox.Quad(ann, _TKG_FIELD, ox.Literal(fld), g)]
            out += [ox.Quad(ann, _OA_HAS_TARGET, ox.NamedNode(f"{prefix}{a},{b}"), g) for a, b in targets]
        return out

    def provenance(self) -> Iterator[ox.Quad]:
        """The curated and metadata graphs describe themselves: what they are about, who asserted
        their facts and when (one tkg:Correction activity per corrected field), where they come from."""
        for kind, entries in self.used.items():
            g = self.graphs[kind]
            self.g = g
            yield from self.typ(g, T.tkg.CurationGraph if kind == "curator" else T.tkg.MetadataGraph, T.prov.Entity)
            yield from self.q(g, T.dcterms.subject, self.doc)
            done: dict[str, ox.NamedNode] = {}
            for path, prov in entries:
                key = _head(path)
                if kind == "metadata":
                    if prov.source:
                        yield from self.q(g, T.prov.wasDerivedFrom, _url_or_literal(prov.source))
                    continue
                curator = ox.NamedNode(f"{self.base}curator/{iri_segment(prov.agent or 'unknown')}")
                yield from self.typ(curator, T.prov.Person, T.prov.Agent)
                yield from self.q(curator, RDFS_LABEL, ox.Literal(prov.agent or "unknown"))
                yield from self.q(g, T.prov.wasAttributedTo, curator)
                if (path, prov) in done:
                    continue
                act = ox.NamedNode(f"{self.doc_s}/correction/{len(done) + 1}")
                done[(path, prov)] = act
                yield from self.typ(act, T.tkg.Correction, T.prov.Activity)
                yield from self.q(act, T.tkg.field, ox.Literal(path))
                yield from self.q(act, T.prov.wasAssociatedWith, curator)
                yield from self.q(act, T.prov.generated, g)
                if prov.date:
                    yield from self.q(act, T.dcterms.date, date_literal(prov.date[:10], "correction date"))
                if prov.note:
                    yield from self.q(act, T.rdfs.comment, ox.Literal(prov.note))
                for fld, value, by in self.record.rejected:
                    if by == prov and fld == key:
                        yield from self.q(act, T.tkg.rejectedValue,
                                          ox.Literal(json.dumps(value, ensure_ascii=False, sort_keys=True)))
        self.g = self.main
