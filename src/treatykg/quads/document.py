"""Sections of a record's quads: the graph itself, the source, the work (with the simple facts
:data:`treatykg.model.FIELDS` declares), the parties, the signing and each signature.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from .base import QuadsBase
from .terms import (_normalise, _SIMPLE_FIELDS, _url_or_literal, _zh, date_literal,
                    datetime_literal, DOC_TYPE_CLASSES, iso639_1, language_code, party_iri,
                    RDFS_LABEL, T, tool_version, XSD_INTEGER)


class DocumentSections(QuadsBase):
    """The graph, the source file and expression, the work, its parties, its signing and signatures."""

    # -- sections ----------------------------------------------------------------------------
    def graph(self) -> Iterator[ox.Quad]:
        g, generated_at = self.g, self.generated_at
        yield from self.typ(g, T.tkg.DocumentGraph, T.prov.Entity)
        yield from self.q(g, T.dcterms.subject, self.doc)
        yield from self.q(g, T.prov.wasDerivedFrom, self.src)
        yield from self.q(g, T.tkg.toolVersion, ox.Literal(tool_version()))
        # how the graph came about: one conversion of the source by treatykg at this version
        conversion, software = ox.NamedNode(f"{self.doc_s}/conversion"), ox.NamedNode(f"{self.base}software/treatykg")
        yield from self.q(g, T.prov.wasGeneratedBy, conversion)
        yield from self.typ(conversion, T.tkg.Conversion, T.prov.Activity)
        yield from self.q(conversion, T.prov.used, self.src)
        yield from self.q(conversion, T.prov.wasAssociatedWith, software)
        yield from self.q(conversion, T.tkg.toolVersion, ox.Literal(tool_version()))
        yield from self.typ(software, T.prov.SoftwareAgent, T.prov.Agent)
        yield from self.q(software, RDFS_LABEL, ox.Literal("treatykg", language="en"))
        if self.record.source_url:
            yield from self.q(g, T.prov.hadPrimarySource, _url_or_literal(self.record.source_url))
        if generated_at is not None:
            yield from self.q(g, T.prov.generatedAtTime, datetime_literal(generated_at))
        for w in self.record.warnings:
            yield from self.q(g, T.tkg.extractionWarning, ox.Literal(w))

    def source(self) -> Iterator[ox.Quad]:
        s, src, expr = self.record.source, self.src, self.expr
        yield from self.typ(src, T.tkg.SourceFile, T.eli.Format, T.prov.Entity)
        yield from self.q(src, T.tkg.fileName, ox.Literal(s.name))
        yield from self.q(src, T.tkg.sha256, ox.Literal(s.sha256))
        yield from self.q(src, T.tkg.encoding, ox.Literal(s.encoding))
        yield from self.q(src, T.tkg.byteSize, ox.Literal(str(s.size), datatype=XSD_INTEGER))
        yield from self.q(src, T.tkg.characterCount, ox.Literal(str(s.length), datatype=XSD_INTEGER))
        yield from self.q(src, T.eli.embodies, expr)
        yield from self.typ(expr, T.eli.LegalExpression)
        yield from self.q(expr, T.eli.realizes, self.doc)
        yield from self.q(expr, T.eli.is_embodied_by, src)
        yield from self.q(expr, T.dcterms.language, iso639_1("zh"))

    def work(self) -> Iterator[ox.Quad]:
        record, doc, expr = self.record, self.doc, self.expr
        with self.at("doc_type"):
            yield from self.typ(doc, T.tkg[DOC_TYPE_CLASSES[record.doc_type]], T.eli.LegalResource)
        yield from self.typ(doc, T.eli.LegalResource)
        yield from self.q(doc, T.eli.is_realized_by, expr)
        title = _normalise(record.title or "")
        if title:
            with self.at("title"):
                yield from self.q(doc, T.dcterms.title, _zh(title))
                yield from self.q(doc, RDFS_LABEL, _zh(title))
                yield from self.q(expr, T.eli.title, _zh(title))
            if record.title_span is not None and _normalise(record.title_span.exact) != title:
                yield from self.q(doc, T.tkg.originalTitle, _zh(record.title_span.exact))
        if record.signed_date and len(record.signed_date) == 10:
            with self.at("signed_date"):
                yield from self.q(doc, T.eli.date_document, date_literal(record.signed_date, "signed_date"))
        with self.at("articles"):
            yield from self.q(doc, T.tkg.articleCount, ox.Literal(str(int(record.articles)), datatype=XSD_INTEGER))
        with self.at("authentic_languages"):
            for lang in record.authentic_languages or []:
                if not _normalise(lang):
                    continue
                yield from self.q(doc, T.tkg.authenticLanguage, _zh(_normalise(lang)))
                code = language_code(lang)
                if code:
                    yield from self.q(doc, T.dcterms.language, iso639_1(code))
        for fld, write, predicate in _SIMPLE_FIELDS:  # the simple facts of the work (model.FIELDS)
            value = write(getattr(record, fld.path), fld.path)
            if value is not None:
                with self.at(fld.path):
                    yield from self.q(doc, predicate, value)
        if record.source_url:
            with self.at("source_url"):
                yield from self.q(doc, T.dcterms.source, _url_or_literal(record.source_url))

    def parties(self) -> Iterator[ox.Quad]:
        for i, p in enumerate(self.record.parties):
            if not _normalise(p.name):
                self.party_nodes.append(None)
                continue
            iri = party_iri(p, self.base)
            node = ox.NamedNode(iri)
            self.party_nodes.append(node)
            with self.at(f"parties[{i}]"):
                yield from self.q(self.doc, T.eli.passed_by, node)
                yield from self.agent(iri, p.name)
                if not iri.startswith(f"{self.base}state/"):
                    yield from self.q(node, RDFS_LABEL, _zh(_normalise(p.name)))

    def party_node(self, name: str) -> ox.NamedNode:
        """The node of the party printed ``name`` (a signatory's party): one of the record's, else
        an agent resolved from the name."""
        for p, node in zip(self.record.parties, self.party_nodes):
            if node is not None and _normalise(p.name) == _normalise(name):
                return node
        return ox.NamedNode(self.resolve.agent(name))

    def signing_section(self) -> Iterator[ox.Quad]:
        record, signing, doc = self.record, self.signing, self.doc
        if self.has_signing:
            yield from self.typ(signing, T.tkg.Signing, T.prov.Activity, T.sem.Event)
            yield from self.q(doc, T.prov.wasGeneratedBy, signing)
            title = _normalise(record.title or "")
            if title:
                yield from self.q(signing, RDFS_LABEL, _zh(f"{title}的签署"))
            if record.signed_date:
                with self.at("signed_date"):
                    yield from self.typ(signing, T.tkg.Signing)
                    yield from self.q(signing, T.dcterms.date, date_literal(record.signed_date, "signed_date"))
            if record.signed_place and _normalise(record.signed_place):
                with self.at("signed_place"):
                    yield from self.place(record.signed_place)
                    self.place_node = self.last
                    yield from self.q(signing, T.prov.atLocation, self.last)
        for i, sig in enumerate(record.signatories, start=1):
            with self.at(f"signatories[{i - 1}]"):
                yield from self.signature(i, sig)

    def signature(self, i: int, sig) -> Iterator[ox.Quad]:
        signing = self.signing
        node = ox.NamedNode(f"{self.doc_s}/signature/{i}")
        self.signature_nodes.append(node)
        yield from self.association(node, T.tkg.Signature, signing, T.tkg.signatoryRole, sig.name, sig.title,
                                    self.person_nodes)
        person = self.person_nodes[-1]
        yield from self.q(node, T.tkg.signatureOrder, ox.Literal(str(i), datatype=XSD_INTEGER))
        if sig.party and _normalise(sig.party):
            party = self.party_node(sig.party)
            yield from self.q(node, T.tkg.onBehalfOf, party)
            if person is not None:
                yield from self.q(person, T.prov.actedOnBehalfOf, party)
            yield from self.agent(party.value, sig.party)
