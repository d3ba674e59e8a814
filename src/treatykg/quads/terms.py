"""The terms and literals the quads of a record are made of, and the helpers the sections share.

Part of :mod:`treatykg.quads` (the quads of one record, :mod:`treatykg.rdf` the public face).
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

# the sections import these from here
from ..iris import (DOC_TYPE_CLASSES, Resolver, _gazetteer, check_date as _check_date, curated_graph_iri,  # noqa: F401
                    document_iri, entity_iri, evidence_graph_iri, graph_iri, instrument_of, iri_segment,  # noqa: F401
                    metadata_graph_iri, normalise as _normalise, party_iri, reference_iri, text_iri)  # noqa: F401
from ..model import FIELDS, Field
from ..namespaces import DEFAULT_BASE, TERMS as T, iso639_1  # noqa: F401
from ..version import tool_version  # noqa: F401

# ---------------------------------------------------------------- vocabulary (treatykg.namespaces.TERMS)
RDF_TYPE = T.rdf.type
RDFS_LABEL = T.rdfs.label
XSD_DATE = T.xsd.date
XSD_GYEAR = T.xsd.gYear
XSD_GYEARMONTH = T.xsd.gYearMonth
XSD_INTEGER = T.xsd.integer
XSD_DATETIME = T.xsd.dateTime


def person_iri(doc: str, name: str, date: str | None = None, base: str = DEFAULT_BASE) -> str:
    """A person named in document ``doc`` dated ``date``: the rule of :mod:`treatykg.identity`
    (gazetteer id valid at the date, else name + decade; undated: ``{doc}/person/{name}``)."""
    from ..identity import person_iri as _identity_person_iri
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


# ---------------------------------------------------------------- quads
#: The stance a document takes towards what it refers to: record value -> CiTO property (local name)
#: (Citation Typing Ontology), stated from the citing document to the cited one.
STANCES = {"supports": "supports", "condemns": "disagreesWith", "in_accordance_with": "citesAsAuthority"}

#: Classes of the gazetteer's entity types.
ENTITY_CLASSES: dict[str, tuple[ox.NamedNode, ...]] = {
    "state": (T.tkg.State, T.org.Organization, T.prov.Agent),
    "organization": (T.org.Organization, T.prov.Agent),
    "person": (T.prov.Person, T.prov.Agent),
    "place": (T.sem.Place, T.prov.Location),
    "language": (T.dcterms.LinguisticSystem,),
}
_AGENT_CLASSES = (T.org.Organization, T.prov.Agent)


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def language_code(name: str) -> str | None:
    """The ISO 639-1 code of a language as printed (中文 -> zh), from ``data/lexicon/languages.tsv``."""
    from ..lexicon import language

    lang = language(_normalise(name))
    return lang.iso639_1 if lang is not None else None


#: How much evidence a graph carries: ``compact`` (one annotation per fact, its targets RFC 5147
#: fragments of the document's text), ``full`` (Web Annotation selectors: position and quote with
#: prefix and suffix, per span) or ``none`` (facts only).
EVIDENCE_MODES = ("compact", "full", "none")



def _nth(nodes: list, index: int | None):
    """``nodes[index]``, or None where there is no such item."""
    return nodes[index] if index is not None and 0 <= index < len(nodes) else None


def _zh_stripped(value: str | None, path: str) -> ox.Literal | None:
    return _zh(value.strip()) if value and value.strip() else None


def _date_or_none(value: str | None, path: str) -> ox.Literal | None:
    return date_literal(value, path) if value else None


def _integer_or_none(value: int | None, path: str) -> ox.Literal | None:
    return None if value is None else ox.Literal(str(int(value)), datatype=XSD_INTEGER)


#: Field.literal -> how the value of a simple fact of the work is written (None: not written).
_LITERALS: dict[str, Callable[[Any, str], ox.Literal | None]] = {
    "zh": _zh_stripped, "date": _date_or_none, "integer": _integer_or_none}


def _simple_fields() -> tuple[tuple[Field, Callable[[Any, str], ox.Literal | None], ox.NamedNode], ...]:
    """(field, how its literal is written, its predicate) of each simple fact of the work."""
    out = []
    for f in FIELDS:
        predicate = f.predicate()
        if f.literal is not None and predicate is not None:
            out.append((f, _LITERALS[f.literal], T.term(predicate)))
    return tuple(out)


_SIMPLE_FIELDS = _simple_fields()


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


