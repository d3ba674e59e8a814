"""Record -> RDF: one core generator of quads, and thin wrappers around it.

The mapping (see ``ontology/treatykg.ttl`` for every term):

* the agreement as a work ``<{base}doc/{date}-{type}-{hash}>`` is an
  ``eli:LegalResource`` and an instance of its doc-type class
  (``tkg:JointStatement`` ...), with ``dcterms:title``/``rdfs:label`` (@zh, the
  normalised form; ``tkg:originalTitle`` when the printed form differs),
  ``eli:date_document`` (``xsd:date``, full dates only), ``eli:passed_by`` its
  parties, ``eli:cites`` the documents it cites, ``tkg:refersToEvent`` the
  events it names, ``tkg:articleCount``, ``tkg:authenticLanguage`` (as printed)
  with ``dcterms:language`` (ISO 639-1, where known), and the simple facts
  :data:`treatykg.model.FIELDS` declares with a ``Field.literal``
  (``tkg:entryIntoForceClause``, ``eli:first_date_entry_in_force``,
  ``tkg:validityMonths`` …), written from the declaration alone;
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

The quads are made by :class:`treatykg.quads.RecordQuads`, one generator per section of the
record around :data:`treatykg.model.FIELDS` (which says, per field, the node its evidence is
about and the statement it supports); serialisation is :mod:`treatykg.serialization`'s. This
module is their public face: every name it exported before the split is still here.

No blank nodes are produced. IRIs minted from text percent-encode everything
outside unreserved ASCII and are bounded in length (a hash suffix keeps long
names distinct).
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from .errors import RDFError
from .iris import (DOC_TYPE_CLASSES, agent_iri, check_base as _check_base, document_iri,  # noqa: F401
                   entity_iri, graph_iri, iri_segment, party_iri, place_iri, reference_iri)
from .model import Record
from .namespaces import DEFAULT_BASE, VOCABULARIES, bind_prefixes
from .quads import RecordQuads
from .quads.terms import (ENTITY_CLASSES, EVIDENCE_MODES, RDF_TYPE, RDFS_LABEL, STANCES,  # noqa: F401
                          XSD_DATE, XSD_DATETIME, XSD_GYEAR, XSD_GYEARMONTH, XSD_INTEGER, date_literal,
                          datetime_literal, language_code, person_iri, tool_version)
from .serialization import (FORMATS, _FORMAT_ALIASES, _natural, quad_order,  # noqa: F401
                            serialize_quads)

__all__ = [
    "DEFAULT_BASE", "FORMATS", "DOC_TYPE_CLASSES", "language_code", "party_iri", "reference_iri",
    "document_iri", "agent_iri", "place_iri", "person_iri", "graph_iri", "iri_segment",
    "date_literal", "record_quads", "EVIDENCE_MODES", "records_quads", "to_dataset", "to_store",
    "serialize", "serialize_quads", "quads_to_dataset", "tool_version", "RecordQuads",
]

_V = VOCABULARIES


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


def serialize(record: Record, fmt: str, *, base: str = DEFAULT_BASE,
              generated_at: _dt.datetime | str | None = None, evidence: str = "compact") -> bytes:
    """One record as bytes in ``fmt`` (turtle | trig | nt | nq | jsonld); same record -> same bytes."""
    return serialize_quads(record_quads(record, base=base, generated_at=generated_at, evidence=evidence),
                           fmt, base=base)

