"""Every namespace, prefix and term treatykg uses, in one place.

Import the namespace objects from here (``from .namespaces import ELI, TKG``)
and use :func:`prefixes` wherever RDF is written, so that every output
(Turtle, TriG, JSON-LD, an rdflib graph) shows the same readable prefixes and
never an invented ``ns1:``.

:data:`TERMS` holds every term treatykg writes, as pyoxigraph ``NamedNode`` constants of a
closed table (:data:`TERM_NAMES`): ``TERMS.prov.Person``, ``TERMS.tkg.Signing``,
``TERMS.term("eli:passed_by")``. A term not in the table raises (``TERMS.prov.Persn`` is an
``AttributeError``), like rdflib's ``DefinedNamespace`` with ``_fail``: a typo cannot write a
term nobody defined: the ``tkg:`` terms are those the ontology defines.
``ontology/context.jsonld`` (the JSON-LD context) holds :data:`JSONLD_PREFIXES` with the IRIs
of :data:`VOCABULARIES` (a test checks it).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from urllib.parse import unquote

import pyoxigraph as ox
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

#: The prefixes of the JSON-LD context (``ontology/context.jsonld``), in this order: those the
#: data uses (``vann:`` and ``sh:`` are the ontology's and the shapes' alone).
JSONLD_PREFIXES: tuple[str, ...] = tuple(p for p in VOCABULARIES if p not in ("vann", "sh"))

#: The media type of a text (``dcterms:format`` of a document's text).
TEXT_PLAIN = "http://www.iana.org/assignments/media-types/text/plain"

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


# ---------------------------------------------------------------- the terms treatykg writes
#: prefix -> the local names of the terms treatykg writes in that vocabulary (a closed table:
#: :data:`TERMS`). ``tkg:`` is not listed: its terms are those ``ontology/treatykg.ttl`` defines
#: (:func:`ontology_terms`), so that a term the ontology does not define cannot be written.
TERM_NAMES: dict[str, str] = {
    "eli": """Format LegalExpression LegalResource cites date_document embodies first_date_entry_in_force
              is_embodied_by is_realized_by passed_by realizes title""",
    "org": "Organization",
    "prov": """Activity Agent Association Entity Location Person SoftwareAgent actedOnBehalfOf agent
               atLocation generated generatedAtTime hadPrimarySource hadRole qualifiedAssociation used
               wasAssociatedWith wasAttributedTo wasDerivedFrom wasGeneratedBy""",
    "sem": "Event Place hasBeginTimeStamp hasEndTimeStamp",
    "dcterms": "LinguisticSystem date format language source subject title",
    "skos": "altLabel",
    "oa": """Annotation SpecificResource TextPositionSelector TextQuoteSelector end exact hasBody
             hasSelector hasSource hasTarget motivatedBy prefix start suffix""",
    "cito": "citesAsAuthority disagreesWith supports",
    "rdf": "type",
    "rdfs": "comment label",
    "xsd": "date dateTime gYear gYearMonth integer string",
}


class Terms:
    """The terms of one vocabulary treatykg writes, as pyoxigraph NamedNodes: ``TERMS.prov.Person``,
    or ``TERMS.prov["Person"]`` for a name held in a variable. Closed: a name not in
    :data:`TERM_NAMES` raises ``AttributeError`` (``KeyError`` by ``[]``)."""

    def __init__(self, prefix: str, names: list[str]):
        self._prefix = prefix
        self._nodes = {n: ox.NamedNode(VOCABULARIES[prefix] + n) for n in names}

    def __getattr__(self, name: str) -> ox.NamedNode:
        try:
            return self.__dict__["_nodes"][name]
        except KeyError:
            raise AttributeError(f"{self.__dict__.get('_prefix')}:{name} is not a term treatykg writes "
                                 "(add it to treatykg.namespaces.TERM_NAMES and the ontology)") from None

    def __getitem__(self, name: str) -> ox.NamedNode:
        try:
            return self._nodes[name]
        except KeyError:
            raise KeyError(f"{self._prefix}:{name} is not a term treatykg writes "
                           "(add it to treatykg.namespaces.TERM_NAMES and the ontology)") from None

    def __contains__(self, name: object) -> bool:
        return name in self._nodes

    def __iter__(self) -> Iterator[ox.NamedNode]:
        return iter(self._nodes.values())


class Vocabularies:
    """:class:`Terms` per prefix (``TERMS.tkg``); closed like them."""

    def __init__(self, table: dict[str, list[str]]):
        self._terms = {p: Terms(p, names) for p, names in table.items()}

    def __getattr__(self, prefix: str) -> Terms:
        try:
            return self.__dict__["_terms"][prefix]
        except KeyError:
            raise AttributeError(f"{prefix}: is not a vocabulary treatykg writes terms of") from None

    def term(self, curie: str) -> ox.NamedNode:
        """``"eli:passed_by"`` -> its NamedNode; a CURIE outside the table raises ``KeyError``."""
        prefix, _, local = curie.partition(":")
        if prefix not in self._terms:
            raise KeyError(f"{curie}: {prefix}: is not a vocabulary treatykg writes terms of")
        return self._terms[prefix][local]

    def __iter__(self) -> Iterator[Terms]:
        return iter(self._terms.values())


def ontology_terms() -> list[str]:
    """The local names of the terms ``ontology/treatykg.ttl`` defines (each statement ``tkg:… a …``
    statement; a test checks that an RDF parser finds the same)."""
    from .resources import ontology_path

    return re.findall(r"^tkg:(\w+)\s+a\s", ontology_path().read_text(encoding="utf-8"), re.M)


def _term_table() -> dict[str, list[str]]:
    return {"tkg": ontology_terms(), **{p: names.split() for p, names in TERM_NAMES.items()}}


#: Every term treatykg writes (see :class:`Terms`).
TERMS = Vocabularies(_term_table())


def iso639_1(code: str) -> ox.NamedNode:
    """The IRI of an ISO 639-1 language code (``zh``): codes are data (``data/lexicon/languages.tsv``),
    not terms of a closed table."""
    return ox.NamedNode(VOCABULARIES["iso6391"] + code)
