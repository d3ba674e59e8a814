"""Every namespace and prefix treatykg uses, in one place.

Import the namespace objects from here (``from .namespaces import ELI, TKG``)
and use :func:`prefixes` wherever RDF is written, so that every output
(Turtle, TriG, JSON-LD, an rdflib graph) shows the same readable prefixes and
never an invented ``ns1:``.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import unquote

from rdflib import Namespace

#: Our own ontology (classes and properties no existing vocabulary offers).
TKG_URI = "https://w3id.org/treatykg/ontology#"
#: Default base of the data IRIs (documents, agents, places ...).
DEFAULT_BASE = "https://w3id.org/treatykg/id/"

#: prefix -> namespace IRI, in the order they are written.
VOCABULARIES: dict[str, str] = {
    "tkg": TKG_URI,
    "eli": "http://data.europa.eu/eli/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oa": "http://www.w3.org/ns/oa#",
    "cito": "http://purl.org/spar/cito/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vann": "http://purl.org/vocab/vann/",
    "sh": "http://www.w3.org/ns/shacl#",
    "iso6391": "http://id.loc.gov/vocabulary/iso639-1/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}

TKG = Namespace(TKG_URI)
ELI = Namespace(VOCABULARIES["eli"])
ORG = Namespace(VOCABULARIES["org"])
PROV = Namespace(VOCABULARIES["prov"])
TIME = Namespace(VOCABULARIES["time"])
SEM = Namespace(VOCABULARIES["sem"])
DCTERMS = Namespace(VOCABULARIES["dcterms"])
SKOS = Namespace(VOCABULARIES["skos"])
OA = Namespace(VOCABULARIES["oa"])
VOID = Namespace(VOCABULARIES["void"])
DCAT = Namespace(VOCABULARIES["dcat"])
RDF = Namespace(VOCABULARIES["rdf"])
RDFS = Namespace(VOCABULARIES["rdfs"])
OWL = Namespace(VOCABULARIES["owl"])
XSD = Namespace(VOCABULARIES["xsd"])
VANN = Namespace(VOCABULARIES["vann"])
SH = Namespace(VOCABULARIES["sh"])
ISO639_1 = Namespace(VOCABULARIES["iso6391"])


def prefixes(base: str | None = None) -> dict[str, str]:
    """The prefix map used for every output: vocabularies, plus the data base.

    ``base`` (default :data:`DEFAULT_BASE`) is bound to ``id:`` when given
    explicitly or by default; serialisers that support a base IRI (Turtle,
    TriG) use the base itself instead, which reads better.
    """
    out = dict(VOCABULARIES)
    out["id"] = base or DEFAULT_BASE
    return out


def curie(iri: str, table: Mapping[str, str] | None = None, *, decode: bool = False,
          needs_local: bool = False) -> str | None:
    """``prefix:local`` of ``iri`` by the longest namespace of ``table`` (prefix -> namespace,
    default :func:`prefixes`) that it starts with; None when there is none. ``decode``:
    the local part percent-decoded (for reading, never for RDF); ``needs_local``: a namespace
    IRI itself is not shortened to ``prefix:``.

    >>> curie("http://www.w3.org/ns/prov#Person"), curie("https://example.org/x")
    ('prov:Person', None)
    """
    best, namespace = "", ""
    for prefix, ns in (prefixes() if table is None else table).items():
        if iri.startswith(ns) and len(ns) > len(namespace) and not (needs_local and len(iri) == len(ns)):
            best, namespace = prefix, ns
    if not namespace:
        return None
    local = iri[len(namespace):]
    return f"{best}:{unquote(local) if decode else local}"


def bind_prefixes(graph, base: str | None = None) -> None:
    """Bind :func:`prefixes` on an rdflib Graph or Dataset (replacing rdflib's defaults)."""
    for prefix, uri in prefixes(base).items():
        graph.bind(prefix, uri, override=True, replace=True)
