"""Sections of a record's quads: its evidence graph (see :data:`treatykg.quads.terms.EVIDENCE_MODES`)
and the provenance of the facts a curator or database metadata gave.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ..model import Span
from .terms import (RDFS_LABEL, RDF_TYPE, XSD_INTEGER, _head, _n, _tkg, _url_or_literal,
                    date_literal, iri_segment)


# The terms of an evidence annotation, made once (a long text has ~10k annotations).
_OA_ANNOTATION = _n("oa", "Annotation")
_OA_END = _n("oa", "end")
_OA_EXACT = _n("oa", "exact")
_OA_HAS_BODY = _n("oa", "hasBody")
_OA_HAS_SELECTOR = _n("oa", "hasSelector")
_OA_HAS_SOURCE = _n("oa", "hasSource")
_OA_HAS_TARGET = _n("oa", "hasTarget")
_OA_MOTIVATED_BY = _n("oa", "motivatedBy")
_OA_PREFIX = _n("oa", "prefix")
_OA_SPECIFIC_RESOURCE = _n("oa", "SpecificResource")
_OA_START = _n("oa", "start")
_OA_SUFFIX = _n("oa", "suffix")
_OA_TEXT_POSITION_SELECTOR = _n("oa", "TextPositionSelector")
_OA_TEXT_QUOTE_SELECTOR = _n("oa", "TextQuoteSelector")
_TKG_EVIDENCING = _tkg("evidencing")
_TKG_FIELD = _tkg("field")
_TKG_TEXT = _tkg("Text")
_TKG_EVIDENCE_GRAPH = _tkg("EvidenceGraph")
_DCTERMS_SUBJECT = _n("dcterms", "subject")
_TKG_CHARACTER_COUNT = _tkg("characterCount")
_TKG_SHA256 = _tkg("sha256")
_PROV_ENTITY = _n("prov", "Entity")
_PROV_DERIVED_FROM = _n("prov", "wasDerivedFrom")
_DCTERMS_FORMAT = _n("dcterms", "format")
_TEXT_PLAIN = ox.NamedNode("http://www.iana.org/assignments/media-types/text/plain")


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



class EvidenceSections:
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
            yield from self.typ(g, _tkg("CurationGraph" if kind == "curator" else "MetadataGraph"), _n("prov", "Entity"))
            yield from self.q(g, _n("dcterms", "subject"), self.doc)
            done: dict[str, ox.NamedNode] = {}
            for path, prov in entries:
                key = _head(path)
                if kind == "metadata":
                    if prov.source:
                        yield from self.q(g, _n("prov", "wasDerivedFrom"), _url_or_literal(prov.source))
                    continue
                curator = ox.NamedNode(f"{self.base}curator/{iri_segment(prov.agent or 'unknown')}")
                yield from self.typ(curator, _n("prov", "Person"), _n("prov", "Agent"))
                yield from self.q(curator, RDFS_LABEL, ox.Literal(prov.agent or "unknown"))
                yield from self.q(g, _n("prov", "wasAttributedTo"), curator)
                if (path, prov) in done:
                    continue
                act = ox.NamedNode(f"{self.doc_s}/correction/{len(done) + 1}")
                done[(path, prov)] = act
                yield from self.typ(act, _tkg("Correction"), _n("prov", "Activity"))
                yield from self.q(act, _tkg("field"), ox.Literal(path))
                yield from self.q(act, _n("prov", "wasAssociatedWith"), curator)
                yield from self.q(act, _n("prov", "generated"), g)
                if prov.date:
                    yield from self.q(act, _n("dcterms", "date"), date_literal(prov.date[:10], "correction date"))
                if prov.note:
                    yield from self.q(act, _n("rdfs", "comment"), ox.Literal(prov.note))
                for fld, value, by in self.record.rejected:
                    if by == prov and fld == key:
                        yield from self.q(act, _tkg("rejectedValue"),
                                          ox.Literal(json.dumps(value, ensure_ascii=False, sort_keys=True)))
        self.g = self.main
