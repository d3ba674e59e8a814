"""Record -> RDF: one core generator of quads, and thin wrappers around it.

The mapping (see ``ontology/treatykg.ttl`` for every term):

* the agreement as a work ``<{base}doc/{date}-{type}-{hash}>`` is an
  ``eli:LegalResource`` and an instance of its doc-type class
  (``tkg:JointStatement`` ...), with ``dcterms:title``/``rdfs:label`` (@zh, the
  normalised form; ``tkg:originalTitle`` when the printed form differs),
  ``eli:date_document`` (``xsd:date``, full dates only), ``eli:passed_by`` its
  parties, ``eli:cites`` the documents it cites, ``tkg:refersToEvent`` the
  events it names, ``tkg:articleCount``, ``tkg:authenticLanguage`` (as printed)
  with ``dcterms:language`` (ISO 639-1, where known) and
  ``tkg:entryIntoForceClause``;
* the Chinese text is an ``eli:LegalExpression`` ``<{doc}/expression/zh>``
  (``eli:realizes`` the work, carries ``eli:title``, ELI's domain for it) embodied
  by the source file ``<{doc}/source>`` (``eli:Format``, ``prov:Entity``);
* the signing is a ``tkg:Signing`` (a ``prov:Activity`` and ``sem:Event``)
  ``<{doc}/signing>`` that generated the work (``prov:wasGeneratedBy``), at a
  place (``prov:atLocation``), on a date (``dcterms:date``, as precise as the
  text); each signature is a qualified association ``<{doc}/signature/{n}>``
  (``prov:agent`` the person, ``prov:hadRole tkg:signatoryRole``,
  ``tkg:onBehalfOf`` the party, ``tkg:officeTitle`` as printed);
* the visit that occasioned the document, when the text tells of one, is a
  ``tkg:Visit`` ``<{doc}/visit>`` (``tkg:occasion``; SEM begin/end time stamps,
  places visited); what the document decides is one ``tkg:Commitment``
  ``<{doc}/commitment/{n}>`` each (``tkg:commitment``: actor, action, deadline);
* the evidence of every fact read from the text lies in the document's evidence graph
  ``<{doc}/evidence>``: the text ``<{doc}/text>`` (``tkg:Text``: the original, decoded, whose
  code points the offsets count; its length and SHA-256) and one W3C Web Annotation
  ``<{doc}/evidence/{n}>`` per fact (``oa:hasBody`` the node the fact is about, ``tkg:field``
  the record field). By default (``evidence="compact"``) its targets are RFC 5147 fragments
  ``<{doc}/text#char=START,END>``; ``evidence="full"`` gives one annotation per span with a
  specific resource of the text and its ``oa:TextPositionSelector`` + ``oa:TextQuoteSelector``
  (prefix, suffix); ``evidence="none"`` writes no evidence graph;
* the facts lie in one named graph per document, ``<{doc}/graph>``, which
  describes itself (``prov:wasDerivedFrom`` the source, ``tkg:toolVersion``,
  ``prov:generatedAtTime`` only when ``generated_at`` is given so that the
  default output is byte-identical from run to run).

No blank nodes are produced. IRIs minted from text percent-encode everything
outside unreserved ASCII and are bounded in length (a hash suffix keeps long
names distinct).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from .errors import RDFError
from contextlib import contextmanager

from .model import DOC_TYPES, FIELDS, Provenance, Record, Reference, Span, field_of
from .namespaces import DEFAULT_BASE, VOCABULARIES, bind_prefixes, prefixes

__all__ = [
    "DEFAULT_BASE", "FORMATS", "DOC_TYPE_CLASSES", "language_code", "party_iri", "reference_iri",
    "document_iri", "agent_iri", "place_iri", "person_iri", "graph_iri", "iri_segment",
    "date_literal", "record_quads", "EVIDENCE_MODES", "records_quads", "to_dataset", "to_store",
    "serialize", "serialize_quads", "quads_to_dataset", "tool_version", "RecordQuads",
]

# ---------------------------------------------------------------- vocabulary
_V = VOCABULARIES


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_V[prefix] + local)


RDF_TYPE = _n("rdf", "type")
RDFS_LABEL = _n("rdfs", "label")
XSD_DATE = _n("xsd", "date")
XSD_GYEAR = _n("xsd", "gYear")
XSD_GYEARMONTH = _n("xsd", "gYearMonth")
XSD_INTEGER = _n("xsd", "integer")
XSD_DATETIME = _n("xsd", "dateTime")


def _tkg(local: str) -> ox.NamedNode:
    return _n("tkg", local)


FORMATS = ("turtle", "trig", "nt", "nq", "jsonld")
_FORMAT_ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "trig": "trig",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "nq": "nq", "nquads": "nq", "n-quads": "nq",
    "jsonld": "jsonld", "json-ld": "jsonld",
}

# ---------------------------------------------------------------- IRIs (minted in treatykg.iris)
from .iris import (DOC_TYPE_CLASSES, Resolver, agent_iri, check_base as _check_base, check_date as _check_date,  # noqa: E402
                   curated_graph_iri, document_iri, evidence_graph_iri, metadata_graph_iri, text_iri,
                   entity_iri, graph_iri, instrument_of, iri_segment, normalise as _normalise, party_iri,
                   place_iri, reference_iri, _gazetteer)

def person_iri(doc: str, name: str, date: str | None = None, base: str = DEFAULT_BASE) -> str:
    """A person named in document ``doc`` dated ``date``: the rule of :mod:`treatykg.identity`
    (gazetteer id valid at the date, else name + decade; undated: ``{doc}/person/{name}``)."""
    from .identity import person_iri as _identity_person_iri
    return _identity_person_iri(name, doc=doc, date=date, base=base)


def datetime_literal(value: _dt.datetime | str) -> ox.Literal:
    """An ``xsd:dateTime`` in the canonical form a store keeps (UTC as ``Z``: Oxigraph turns
    ``+00:00`` into ``Z``, and data read back must be the data written)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None and value.utcoffset() == _dt.timedelta(0):
            value = value.replace(tzinfo=None).isoformat() + "Z"
        else:
            value = value.isoformat()
    return ox.Literal(str(value), datatype=XSD_DATETIME)


def date_literal(value: str, field: str = "date") -> ox.Literal:
    """``YYYY`` -> xsd:gYear, ``YYYY-MM`` -> xsd:gYearMonth, ``YYYY-MM-DD`` -> xsd:date (never padded)."""
    _check_date(value, field)
    dtype = {4: XSD_GYEAR, 7: XSD_GYEARMONTH, 10: XSD_DATE}[len(value)]
    return ox.Literal(value, datatype=dtype)


from .version import tool_version  # noqa: E402  (re-exported: the version every graph records)


# ---------------------------------------------------------------- quads
#: The stance a document takes towards what it refers to: record value -> CiTO property
#: (Citation Typing Ontology), stated from the citing document to the cited one.
STANCES = {"supports": "supports", "condemns": "disagreesWith", "in_accordance_with": "citesAsAuthority"}

#: Classes of the gazetteer's entity types (prefix, local name).
ENTITY_CLASSES = {
    "state": (("tkg", "State"), ("org", "Organization"), ("prov", "Agent")),
    "organization": (("org", "Organization"), ("prov", "Agent")),
    "person": (("prov", "Person"), ("prov", "Agent")),
    "place": (("sem", "Place"), ("prov", "Location")),
    "language": (("dcterms", "LinguisticSystem"),),
}
_AGENT_CLASSES = (("org", "Organization"), ("prov", "Agent"))


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def language_code(name: str) -> str | None:
    """The ISO 639-1 code of a language as printed (中文 -> zh), from ``data/lexicon/languages.tsv``."""
    from .lexicon import language

    lang = language(_normalise(name))
    return lang.iso639_1 if lang is not None else None


#: How much evidence a graph carries: ``compact`` (one annotation per fact, its targets RFC 5147
#: fragments of the document's text), ``full`` (Web Annotation selectors: position and quote with
#: prefix and suffix, per span) or ``none`` (facts only).
EVIDENCE_MODES = ("compact", "full", "none")


class RecordQuads:
    """The quads of one record in its named graphs, without duplicates: one method per section."""

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
        yield from self.typ(node, _n("prov", "Person"), _n("prov", "Agent"))
        yield from self.q(node, RDFS_LABEL, _zh(_normalise(name)))
        self.last = node

    def state(self, iri: str) -> Iterator[ox.Quad]:
        """A state of the gazetteer, described once per graph (types, labels, itself its state)."""
        if not self.first(iri):
            return
        node = ox.NamedNode(iri)
        entry = _entity_of(iri, self.base)
        yield from self.typ(node, *(_n(p, l) for p, l in ENTITY_CLASSES["state"]))
        if entry is not None:
            yield from self.q(node, RDFS_LABEL, _zh(entry.zh))
            if entry.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
        yield from self.q(node, _tkg("ofState"), node)

    def agent(self, iri: str, label: str | None) -> Iterator[ox.Quad]:
        """An agent (a party, an actor, a host): a state, an organisation or an organ of a state,
        described once per graph, linked to its state (tkg:ofState)."""
        if iri.startswith(f"{self.base}state/"):
            yield from self.state(iri)
            return
        node = ox.NamedNode(iri)
        if self.first(iri):
            yield from self.typ(node, *(_n(p, l) for p, l in _AGENT_CLASSES))
            entry = _entity_of(iri, self.base)
            if entry is not None:
                yield from self.q(node, RDFS_LABEL, _zh(entry.zh))
                if entry.en:
                    yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
                if entry.within:
                    state = entity_iri(_gazetteer().by_id(entry.within), self.base)
                    yield from self.q(node, _tkg("ofState"), ox.NamedNode(state))
                    yield from self.state(state)
            elif label and _normalise(label):
                yield from self.q(node, RDFS_LABEL, _zh(_normalise(label)))
        state = _state_of_agent(iri, self.base)
        if state is not None:
            yield from self.q(node, _tkg("ofState"), ox.NamedNode(state))
            yield from self.state(state)

    def place(self, name: str, *within: str | None) -> Iterator[ox.Quad]:
        node = ox.NamedNode(self.resolve.place(name, *within))
        yield from self.typ(node, _n("sem", "Place"), _n("prov", "Location"))
        yield from self.q(node, RDFS_LABEL, _zh(_normalise(name)))
        self.last = node

    # -- sections ----------------------------------------------------------------------------
    def graph(self) -> Iterator[ox.Quad]:
        g, generated_at = self.g, self.generated_at
        yield from self.typ(g, _tkg("DocumentGraph"), _n("prov", "Entity"))
        yield from self.q(g, _n("dcterms", "subject"), self.doc)
        yield from self.q(g, _n("prov", "wasDerivedFrom"), self.src)
        yield from self.q(g, _tkg("toolVersion"), ox.Literal(tool_version()))
        # how the graph came about: one conversion of the source by treatykg at this version
        conversion, software = ox.NamedNode(f"{self.doc_s}/conversion"), ox.NamedNode(f"{self.base}software/treatykg")
        yield from self.q(g, _n("prov", "wasGeneratedBy"), conversion)
        yield from self.typ(conversion, _tkg("Conversion"), _n("prov", "Activity"))
        yield from self.q(conversion, _n("prov", "used"), self.src)
        yield from self.q(conversion, _n("prov", "wasAssociatedWith"), software)
        yield from self.q(conversion, _tkg("toolVersion"), ox.Literal(tool_version()))
        yield from self.typ(software, _n("prov", "SoftwareAgent"), _n("prov", "Agent"))
        yield from self.q(software, RDFS_LABEL, ox.Literal("treatykg", language="en"))
        if self.record.source_url:
            yield from self.q(g, _n("prov", "hadPrimarySource"), _url_or_literal(self.record.source_url))
        if generated_at is not None:
            yield from self.q(g, _n("prov", "generatedAtTime"), datetime_literal(generated_at))
        for w in self.record.warnings:
            yield from self.q(g, _tkg("extractionWarning"), ox.Literal(w))

    def source(self) -> Iterator[ox.Quad]:
        s, src, expr = self.record.source, self.src, self.expr
        yield from self.typ(src, _tkg("SourceFile"), _n("eli", "Format"), _n("prov", "Entity"))
        yield from self.q(src, _tkg("fileName"), ox.Literal(s.name))
        yield from self.q(src, _tkg("sha256"), ox.Literal(s.sha256))
        yield from self.q(src, _tkg("encoding"), ox.Literal(s.encoding))
        yield from self.q(src, _tkg("byteSize"), ox.Literal(str(s.size), datatype=XSD_INTEGER))
        yield from self.q(src, _tkg("characterCount"), ox.Literal(str(s.length), datatype=XSD_INTEGER))
        yield from self.q(src, _n("eli", "embodies"), expr)
        yield from self.typ(expr, _n("eli", "LegalExpression"))
        yield from self.q(expr, _n("eli", "realizes"), self.doc)
        yield from self.q(expr, _n("eli", "is_embodied_by"), src)
        yield from self.q(expr, _n("dcterms", "language"), _n("iso6391", "zh"))

    def work(self) -> Iterator[ox.Quad]:
        record, doc, expr = self.record, self.doc, self.expr
        with self.at("doc_type"):
            yield from self.typ(doc, _tkg(DOC_TYPE_CLASSES[record.doc_type]), _n("eli", "LegalResource"))
        yield from self.typ(doc, _n("eli", "LegalResource"))
        yield from self.q(doc, _n("eli", "is_realized_by"), expr)
        title = _normalise(record.title or "")
        if title:
            with self.at("title"):
                yield from self.q(doc, _n("dcterms", "title"), _zh(title))
                yield from self.q(doc, RDFS_LABEL, _zh(title))
                yield from self.q(expr, _n("eli", "title"), _zh(title))
            if record.title_span is not None and _normalise(record.title_span.exact) != title:
                yield from self.q(doc, _tkg("originalTitle"), _zh(record.title_span.exact))
        if record.signed_date and len(record.signed_date) == 10:
            with self.at("signed_date"):
                yield from self.q(doc, _n("eli", "date_document"), date_literal(record.signed_date, "signed_date"))
        with self.at("articles"):
            yield from self.q(doc, _tkg("articleCount"), ox.Literal(str(int(record.articles)), datatype=XSD_INTEGER))
        with self.at("authentic_languages"):
            for lang in record.authentic_languages or []:
                if not _normalise(lang):
                    continue
                yield from self.q(doc, _tkg("authenticLanguage"), _zh(_normalise(lang)))
                code = language_code(lang)
                if code:
                    yield from self.q(doc, _n("dcterms", "language"), _n("iso6391", code))
        for fld in _SIMPLE_FIELDS:  # the simple facts of the work, as model.FIELDS declares them
            value = _LITERALS[fld.literal](getattr(record, fld.path), fld.path)
            if value is not None:
                with self.at(fld.path):
                    yield from self.q(doc, _curie(fld.predicate()), value)
        if record.source_url:
            with self.at("source_url"):
                yield from self.q(doc, _n("dcterms", "source"), _url_or_literal(record.source_url))

    def parties(self) -> Iterator[ox.Quad]:
        for i, p in enumerate(self.record.parties):
            if not _normalise(p.name):
                self.party_nodes.append(None)
                continue
            iri = party_iri(p, self.base)
            node = ox.NamedNode(iri)
            self.party_nodes.append(node)
            with self.at(f"parties[{i}]"):
                yield from self.q(self.doc, _n("eli", "passed_by"), node)
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
            yield from self.typ(signing, _tkg("Signing"), _n("prov", "Activity"), _n("sem", "Event"))
            yield from self.q(doc, _n("prov", "wasGeneratedBy"), signing)
            title = _normalise(record.title or "")
            if title:
                yield from self.q(signing, RDFS_LABEL, _zh(f"{title}的签署"))
            if record.signed_date:
                with self.at("signed_date"):
                    yield from self.typ(signing, _tkg("Signing"))
                    yield from self.q(signing, _n("dcterms", "date"), date_literal(record.signed_date, "signed_date"))
            if record.signed_place and _normalise(record.signed_place):
                with self.at("signed_place"):
                    yield from self.place(record.signed_place)
                    self.place_node = self.last
                    yield from self.q(signing, _n("prov", "atLocation"), self.last)
        for i, sig in enumerate(record.signatories, start=1):
            with self.at(f"signatories[{i - 1}]"):
                yield from self.signature(i, sig)

    def signature(self, i: int, sig) -> Iterator[ox.Quad]:
        signing = self.signing
        node = ox.NamedNode(f"{self.doc_s}/signature/{i}")
        self.signature_nodes.append(node)
        yield from self.typ(node, _tkg("Signature"), _n("prov", "Association"))
        yield from self.q(signing, _n("prov", "qualifiedAssociation"), node)
        yield from self.q(node, _n("prov", "hadRole"), _tkg("signatoryRole"))
        yield from self.q(node, _tkg("signatureOrder"), ox.Literal(str(i), datatype=XSD_INTEGER))
        person = None
        if sig.name and _normalise(sig.name):
            yield from self.person(sig.name)
            person = self.last
            yield from self.q(node, _n("prov", "agent"), person)
            yield from self.q(signing, _n("prov", "wasAssociatedWith"), person)
        self.person_nodes.append(person)
        if sig.title and _normalise(sig.title):
            yield from self.q(node, _tkg("officeTitle"), _zh(_normalise(sig.title)))
        if sig.party and _normalise(sig.party):
            party = self.party_node(sig.party)
            yield from self.q(node, _tkg("onBehalfOf"), party)
            if person is not None:
                yield from self.q(person, _n("prov", "actedOnBehalfOf"), party)
            yield from self.agent(party.value, sig.party)

    def references(self) -> Iterator[ox.Quad]:
        doc = self.doc
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
            yield from self.typ(node, _tkg("CitedDocument"))
            yield from self.q(doc, _n("eli", "cites"), node)
        else:
            yield from self.typ(node, _n("sem", "Event"))
            yield from self.q(doc, _tkg("refersToEvent"), node)
        label = _normalise(ref.label)
        if inst is not None:
            yield from self.q(node, RDFS_LABEL, _zh(inst.zh))
            if inst.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(inst.en, language="en"))
            if label and label != inst.zh:
                yield from self.q(node, _n("skos", "altLabel"), _zh(label))
            if inst.date:
                yield from self.q(node, _n("dcterms", "date"), date_literal(inst.date, f"instrument {inst.id}"))
        else:
            if label:
                yield from self.q(node, RDFS_LABEL, _zh(label))
            if ref.date:
                yield from self.q(node, _n("dcterms", "date"), date_literal(ref.date, f"referenced[{i - 1}].date"))
        if ref.place and _normalise(ref.place):
            yield from self.place(ref.place)
            yield from self.q(node, _n("prov", "atLocation"), self.last)
        if ref.stance:
            if ref.stance not in STANCES:
                raise RDFError(f"referenced[{i - 1}].stance: unknown value {ref.stance!r}")
            yield from self.q(doc, _n("cito", STANCES[ref.stance]), node)

    def visit(self) -> Iterator[ox.Quad]:
        if self.record.visit is None:
            return
        with self.at("visit"):
            yield from self.visit_facts()

    def visit_facts(self) -> Iterator[ox.Quad]:
        v, visit, doc = self.record.visit, self.visit_node, self.doc
        yield from self.typ(visit, _tkg("Visit"), _n("sem", "Event"))
        yield from self.q(doc, _tkg("occasion"), visit)
        if v.delegation and _normalise(v.delegation):
            yield from self.q(visit, _tkg("delegation"), _zh(_normalise(v.delegation)))
            yield from self.q(visit, RDFS_LABEL, _zh(_normalise(v.delegation)))
        if v.led_by and _normalise(v.led_by):
            yield from self.person(v.led_by)
            yield from self.q(visit, _tkg("ledBy"), self.last)
        host_state = None
        if v.host and _normalise(v.host):
            host = self.resolve.agent(v.host)
            yield from self.agent(host, v.host)
            yield from self.q(visit, _tkg("host"), ox.NamedNode(host))
            host_state = _state_of_agent(host, self.base)
        if v.start:
            yield from self.q(visit, _n("sem", "hasBeginTimeStamp"), date_literal(v.start, "visit.start"))
        if v.end:
            yield from self.q(visit, _n("sem", "hasEndTimeStamp"), date_literal(v.end, "visit.end"))
        within = _id_of(host_state, self.base, "state")
        for name in v.places_visited:
            if _normalise(name):
                yield from self.place(name, within)
                yield from self.q(visit, _n("prov", "atLocation"), self.last)

    def talks(self) -> Iterator[ox.Quad]:
        record, doc = self.record, self.doc
        talks = ox.NamedNode(f"{self.doc_s}/talks")
        participants = record.talks_participants or []
        if participants:
            yield from self.typ(talks, _tkg("Talks"), _n("prov", "Activity"), _n("sem", "Event"))
            yield from self.q(doc, _tkg("talks"), talks)
            if record.signed_date:
                yield from self.q(talks, _n("dcterms", "date"), date_literal(record.signed_date, "signed_date"))
        for i, p in enumerate(participants, start=1):
            with self.at(f"talks_participants[{i - 1}]"):
                yield from self.participant(i, p, talks)

    def participant(self, i: int, p, talks: ox.NamedNode) -> Iterator[ox.Quad]:
        node = ox.NamedNode(f"{self.doc_s}/participant/{i}")
        self.participation_nodes.append(node)
        yield from self.typ(node, _tkg("Participation"), _n("prov", "Association"))
        yield from self.q(talks, _n("prov", "qualifiedAssociation"), node)
        yield from self.q(node, _n("prov", "hadRole"), _tkg("talksParticipantRole"))
        person = None
        if _normalise(p.name):
            yield from self.person(p.name)
            person = self.last
            yield from self.q(node, _n("prov", "agent"), person)
            yield from self.q(talks, _n("prov", "wasAssociatedWith"), person)
        self.participant_persons.append(person)
        if p.title and _normalise(p.title):
            yield from self.q(node, _tkg("officeTitle"), _zh(_normalise(p.title)))
        if p.side and _normalise(p.side):
            side = self.resolve.state_iri(p.side) or self.resolve.agent(p.side)
            yield from self.agent(side, p.side)
            yield from self.q(node, _tkg("side"), ox.NamedNode(side))

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
            yield from self.q(self.doc, _tkg("mentions"), node)
            if not self.first(node.value):
                continue
            yield from self.typ(node, *(_n(pfx, local) for pfx, local in ENTITY_CLASSES.get(m.type, ())))
            yield from self.q(node, RDFS_LABEL, _zh(m.label or _normalise(m.text)))
            if entry is not None and entry.en:
                yield from self.q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))
            if m.type == "state":
                yield from self.q(node, _tkg("ofState"), node)

    def commitments(self) -> Iterator[ox.Quad]:
        for i, c in enumerate(self.record.commitments or [], start=1):
            with self.at(f"commitments[{i - 1}]"):
                yield from self.commitment(i, c)

    def commitment(self, i: int, c) -> Iterator[ox.Quad]:
        node = ox.NamedNode(f"{self.doc_s}/commitment/{i}")
        self.commitment_nodes.append(node)
        yield from self.typ(node, _tkg("Commitment"))
        yield from self.q(self.doc, _tkg("commitment"), node)
        if c.actor and _normalise(c.actor):
            for actor in self.actors(c.actor):
                yield from self.agent(actor, c.actor)
                yield from self.q(node, _tkg("actor"), ox.NamedNode(actor))
        if c.action and _normalise(c.action):
            yield from self.q(node, _tkg("action"), _zh(_normalise(c.action)))
            yield from self.q(node, RDFS_LABEL, _zh(_normalise(c.action)))
        if c.deadline:
            yield from self.q(node, _tkg("deadline"), date_literal(c.deadline, f"commitments[{i - 1}].deadline"))

    def actors(self, actor: str) -> list[str]:
        """The agents who act: both parties for 双方, else the one the text names."""
        if _normalise(actor) in ("双方", "两国", "两国政府", "缔约双方"):
            return [n.value for n in self.party_nodes if n is not None]
        return [self.resolve.agent(actor)]

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
        nodes = {"party": self.party_nodes, "signature": self.signature_nodes, "reference": self.ref_nodes,
                 "participation": self.participation_nodes, "mention": self.mention_nodes,
                 "commitment": self.commitment_nodes}[name]
        return _nth(nodes, index)

    def body_for(self, path: str) -> ox.NamedNode:
        """The node the evidence of the field at ``path`` is about (its ``Field.node``; the document
        where the graph has no such node)."""
        got = field_of(path)
        return (self.node(got[0].node, got[1]) if got is not None else None) or self.doc

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

    def all(self) -> Iterator[ox.Quad]:
        for section in (self.graph, self.source, self.work, self.parties, self.signing_section,
                        self.references, self.visit, self.talks, self.mentions, self.commitments,
                        self.provenance):
            yield from section()
        # The annotations' subjects ({doc}/evidence/{n}, …/target, …) are theirs alone and their
        # triples distinct, so none can repeat a quad: they are not looked up in ``seen``.
        yield from self.evidence()


def _nth(nodes: list, index: int | None):
    """``nodes[index]``, or None where there is no such item."""
    return nodes[index] if index is not None and 0 <= index < len(nodes) else None


def _curie(curie: str) -> ox.NamedNode:
    """``prefix:local`` -> its NamedNode."""
    prefix, local = curie.split(":", 1)
    return _n(prefix, local)


def _zh_stripped(value: str | None, path: str) -> ox.Literal | None:
    return _zh(value.strip()) if value and value.strip() else None


def _date_or_none(value: str | None, path: str) -> ox.Literal | None:
    return date_literal(value, path) if value else None


def _integer_or_none(value: int | None, path: str) -> ox.Literal | None:
    return None if value is None else ox.Literal(str(int(value)), datatype=XSD_INTEGER)


#: Field.literal -> how the value of a simple fact of the work is written (None: not written).
_LITERALS = {"zh": _zh_stripped, "date": _date_or_none, "integer": _integer_or_none}
_SIMPLE_FIELDS = tuple(f for f in FIELDS if f.literal is not None)


def _head(path: str) -> str:
    """``parties[2]`` -> ``parties``; ``visit.host`` -> ``visit``."""
    return re.split(r"[\[.]", path, maxsplit=1)[0]


def _url_or_literal(value: str):
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        try:
            return ox.NamedNode(value)
        except ValueError:
            pass
    return ox.Literal(value)


def _entity_of(iri: str, base: str):
    """The gazetteer entry an entity IRI ({base}{type}/{id}) names, or None."""
    for kind in ("state", "organization", "place"):
        ident = _id_of(iri, base, kind)
        if ident is not None:
            return _gazetteer().by_id(ident)
    return None


def _id_of(iri: str | None, base: str, kind: str) -> str | None:
    from urllib.parse import unquote

    prefix = f"{base}{kind}/"
    return unquote(iri[len(prefix):]) if iri and iri.startswith(prefix) else None


def _state_of_agent(iri: str, base: str) -> str | None:
    """The state an agent IRI is or acts for: a state itself, an organ ``agent/{state}-{organ}``, or an
    organisation within a state (a SAR government)."""
    if iri.startswith(f"{base}state/"):
        return iri
    entry = _entity_of(iri, base)
    if entry is not None:
        if entry.within:
            within = _gazetteer().by_id(entry.within)
            return entity_iri(within, base) if within is not None else None
        return None
    if iri.startswith(f"{base}agent/"):
        head = iri[len(f"{base}agent/"):].split("-", 1)[0]
        state = _gazetteer().by_id(head)
        if state is not None and state.type == "state" and "-" in iri[len(f"{base}agent/"):]:
            return entity_iri(state, base)
    return None


def record_quads(record: Record, *, base: str = DEFAULT_BASE,
                 generated_at: _dt.datetime | str | None = None, evidence: str = "compact") -> Iterator[ox.Quad]:
    """The quads of one record, without duplicates: its facts in the named graph ``<{doc}/graph>``
    (and ``/curated``, ``/metadata`` for facts a curator or database metadata gave), its
    evidence in ``<{doc}/evidence>`` as ``evidence`` says (:data:`EVIDENCE_MODES`).

    ``generated_at`` (a datetime or an ISO 8601 string) adds
    ``prov:generatedAtTime`` to the graph node; leave it ``None`` for
    byte-identical output across runs. Raises :class:`RDFError` on values that
    cannot be mapped (unknown doc_type, malformed date, invalid base), ``ValueError`` for an
    unknown evidence mode.
    """
    yield from RecordQuads(record, base, generated_at, evidence).all()


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


def records_quads(records: Iterable[Record], *, base: str = DEFAULT_BASE,
                  generated_at: _dt.datetime | str | None = None) -> Iterator[ox.Quad]:
    """The quads of several records, one named graph each."""
    for record in records:
        yield from record_quads(record, base=base, generated_at=generated_at)


# ---------------------------------------------------------------- containers
def _to_rdflib_term(term: Any):
    from rdflib import BNode, Literal, URIRef
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _V["xsd"] + "string":
            return Literal(term.value)
        # lexical form kept as is (ill-typed values, e.g. a negative offset, survive)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise RDFError(f"unsupported RDF term: {term!r}")


def rdflib_triples(quads: Iterable[ox.Quad | ox.Triple]) -> Iterator[tuple[Any, Any, Any, Any]]:
    """``(s, p, o, graph_name)`` with s, p, o as rdflib terms and ``graph_name`` the pyoxigraph
    graph name (``None`` for a triple). Each distinct term is converted once: a document
    repeats the same few hundred terms thousands of times."""
    memo: dict[Any, Any] = {}
    for quad in quads:
        spo = []
        for t in (quad.subject, quad.predicate, quad.object):
            r = memo.get(t)
            if r is None:
                r = memo[t] = _to_rdflib_term(t)
            spo.append(r)
        yield spo[0], spo[1], spo[2], getattr(quad, "graph_name", None)


def quads_to_dataset(quads: Iterable[ox.Quad | ox.Triple], base: str | None = None):
    """An rdflib Dataset holding ``quads`` (triples go to the default graph), prefixes bound."""
    from rdflib import Dataset, URIRef
    ds = Dataset()
    bind_prefixes(ds, base)
    graphs: dict[str, Any] = {}
    for s, p, o, gname in rdflib_triples(quads):
        if gname is None or isinstance(gname, ox.DefaultGraph):
            ds.default_graph.add((s, p, o))
            continue
        key = gname.value
        if key not in graphs:
            graphs[key] = ds.graph(URIRef(key) if isinstance(gname, ox.NamedNode)
                                   else _to_rdflib_term(gname))
        graphs[key].add((s, p, o))
    return ds


def to_dataset(record: Record, *, base: str = DEFAULT_BASE,
               generated_at: _dt.datetime | str | None = None, evidence: str = "compact"):
    """The record as an ``rdflib.Dataset`` (its named graphs), treatykg prefixes bound."""
    return quads_to_dataset(record_quads(record, base=base, generated_at=generated_at, evidence=evidence), base)


def to_store(record: Record, store: ox.Store | None = None, *, base: str = DEFAULT_BASE,
             generated_at: _dt.datetime | str | None = None, evidence: str = "compact") -> ox.Store:
    """Add the record's quads to ``store`` (a new in-memory pyoxigraph Store when None) and return it."""
    if store is None:
        store = ox.Store()
    store.extend(list(record_quads(record, base=base, generated_at=generated_at, evidence=evidence)))
    return store


# ---------------------------------------------------------------- serialisation
_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=1 << 16)
def _natural(text: str) -> tuple:
    """``.../evidence/2`` before ``.../evidence/10`` (str and int parts alternate, so they compare).

    Cached: a document's quads repeat the same few thousand terms."""
    return tuple(int(t) if i % 2 else t for i, t in enumerate(_DIGITS.split(text)))


def quad_order(quad: ox.Quad) -> tuple:
    """The sort key of the Turtle/TriG statement order (numbers in IRIs and literals
    compare as numbers)."""
    g = quad.graph_name
    return (() if isinstance(g, ox.DefaultGraph) else _natural(g.value), _natural(quad.subject.value),
            quad.predicate != RDF_TYPE, str(quad.predicate), _natural(str(quad.object)))


#: In pyoxigraph's Turtle: a string literal (it escapes every quote and line end inside one), or
#: an IRI reference relative to the root (</x>) or to the scheme (<//host/x>).
_TURTLE_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|<(//|/)(?!/)')


def _absolute_outside_base(text: str, base: str) -> str:
    """Write IRIs that lie outside the base in full: pyoxigraph relativises every IRI of the
    base's scheme (``<//creativecommons.org/…>``, ``</treatykg/ontology>`` against
    ``https://w3id.org/treatykg/id/``), which is correct but reads as if they were ours.
    Literals are left alone (a quoted ``"</b>"`` stays as it is)."""
    scheme, _, rest = base.partition("://")
    root = f"{scheme}://{rest.split('/', 1)[0]}"

    def fix(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)  # a literal
        return f"<{scheme}://" if m.group(1) == "//" else f"<{root}/"
    return _TURTLE_TOKENS.sub(fix, text)


def _with_header(body: bytes, base: str, vocab: dict[str, str]) -> bytes:
    """Replace pyoxigraph's directive lines (unordered, and relativised against the base)
    by a fixed header: ``@base`` then the prefixes that are used, in :data:`VOCABULARIES` order."""
    lines = body.decode("utf-8").split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("@prefix ") or lines[i].startswith("@base ")):
        i += 1
    rest = _absolute_outside_base("\n".join(lines[i:]), base)
    header = [f"@base <{base}> ."]
    header += [f"@prefix {p}: <{iri}> ." for p, iri in vocab.items()
               if re.search(rf"(?<![\w.:-]){re.escape(p)}:", rest)]
    return ("\n".join(header) + "\n\n" + rest).encode("utf-8")


def _jsonld_context() -> dict[str, Any]:
    from .resources import context_path
    try:
        data = json.loads(context_path().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RDFError(f"cannot read the JSON-LD context: {exc}") from exc
    return data["@context"] if isinstance(data, dict) and "@context" in data else data


def _canonical_json(value: Any) -> Any:
    """Sort the arrays of a JSON-LD document (they are sets: treatykg writes no @list)."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _canonical_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def serialize_quads(quads: Iterable[ox.Quad], fmt: str, *, base: str = DEFAULT_BASE,
                    in_order: bool = False) -> bytes:
    """Serialise quads deterministically: ``turtle`` (graphs dropped), ``trig``, ``nt`` (graphs
    dropped), ``nq`` or ``jsonld`` (with the local context, no network access).

    N-Triples/N-Quads lines are sorted; Turtle/TriG statements are sorted by
    graph, subject, then ``rdf:type`` first, predicate and object (:func:`quad_order`);
    JSON-LD keys and arrays are sorted. ``in_order=True`` (Turtle and TriG) promises
    that ``quads`` are distinct and already in that order: they are then streamed to
    the serialiser, never held together. Raises ``ValueError`` for an unknown format.
    """
    key = _FORMAT_ALIASES.get(fmt.lower())
    if key is None:
        raise ValueError(f"unknown RDF format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if key in ("nt", "nq"):
        # The lines are deduplicated and sorted, which is canonical and far cheaper than
        # sorting terms. Equal quads give equal lines, so the quads need no set of their own;
        # UTF-8 bytes sort in code point order, so sorting bytes (no decode, no encode) gives
        # the order of the text. Split on "\n" only: a literal may hold U+2028 or U+0085,
        # which N-Quads writes as is and str.splitlines() would cut.
        quads = quads if isinstance(quads, list) else list(quads)
        if key == "nt":
            data = ox.serialize([qd.triple for qd in quads], format=ox.RdfFormat.N_TRIPLES)
        else:
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        lines = sorted(set(data.split(b"\n")) - {b""})
        return b"\n".join(lines) + b"\n" if lines else b""
    if not (in_order and key in ("turtle", "trig")):
        quads = sorted(set(quads), key=quad_order)
    vocab = {k: v for k, v in prefixes(base).items() if k != "id"}
    if key == "turtle":
        return _with_header(ox.serialize((qd.triple for qd in quads), format=ox.RdfFormat.TURTLE,
                                         prefixes=vocab, base_iri=base), base, vocab)
    if key == "trig":
        return _with_header(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=vocab,
                                         base_iri=base), base, vocab)
    # JSON-LD: rdflib with the local context (a dict, so nothing is fetched).
    ds = quads_to_dataset(quads, base)
    text = ds.serialize(format="json-ld", context=_jsonld_context(), auto_compact=True)
    doc = _canonical_json(json.loads(text))
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def serialize(record: Record, fmt: str, *, base: str = DEFAULT_BASE,
              generated_at: _dt.datetime | str | None = None, evidence: str = "compact") -> bytes:
    """One record as bytes in ``fmt`` (turtle | trig | nt | nq | jsonld); same record -> same bytes."""
    return serialize_quads(record_quads(record, base=base, generated_at=generated_at, evidence=evidence),
                           fmt, base=base)
