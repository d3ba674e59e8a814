"""The collection as a dataset a publisher can publish: its VoID + DCAT description, and its links
to Wikidata.

A build describes its collection (``OUT/void.ttl``, and the same statements in the store's
graph ``{base}graph/dataset`` and ``graphs/_collection/dataset.nq``, so that ``push`` sends
them with the graphs). The description says:

* what the dataset is: ``void:Dataset``, ``dcat:Dataset``; title, description, the data
  licence (``dcterms:license``; by default CC BY 4.0), the publisher where given,
  ``dcterms:conformsTo`` the treatykg ontology; ``void:uriSpace``, the vocabularies it uses;
* how to get it: a distribution of the graphs (one N-Quads file per document, media type as an
  IANA IRI) and one of the texts the evidence points into, at the download URL given (else
  relative to the build folder); the SPARQL endpoint where given (``void:sparqlEndpoint`` and
  a ``dcat:DataService``);
* what is in it: triples, documents, three example documents, one ``void:subset`` per document
  graph, class partitions (distinct instances) and property partitions (triples), and the
  linkset to Wikidata (``owl:sameAs`` from our states, organisations, places and persons to
  the Wikidata items the gazetteer verified), in the graph ``{base}graph/wikidata``;
* how it came about: ``prov:wasGeneratedBy`` the build, with the tool version and the time.
  The time is said here only, never in the document graphs, which stay byte-identical.

The settings come from a TOML file (``build --dataset FILE``, :class:`Settings`); every key is
optional.
"""
from __future__ import annotations

import heapq
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError
from .namespaces import VOCABULARIES as V

__all__ = ["Settings", "DATASET_NAME", "WIKIDATA_NAME", "dataset_graph", "wikidata_graph", "wikidata_links",
           "description"]

DATASET_NAME = "_collection/dataset"    # graphs/<this>.nq
WIKIDATA_NAME = "_collection/wikidata"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
_IANA = "https://www.iana.org/assignments/media-types/"
_ONTOLOGY = "https://w3id.org/treatykg/ontology"
_WIKIDATA = "http://www.wikidata.org/entity/"


def dataset_graph(base: str) -> str:
    return f"{base}graph/dataset"


def wikidata_graph(base: str) -> str:
    return f"{base}graph/wikidata"


@dataclass(frozen=True)
class Settings:
    """What a publisher says about the collection (all optional)."""

    title: str = "treatykg collection"
    description: str = "Bilateral treaty texts read by treatykg: one named graph of facts and one of evidence per document."
    licence: str = CC_BY            # an IRI
    publisher: str | None = None    # a name
    publisher_iri: str | None = None
    sparql_endpoint: str | None = None  # where the collection is served
    download: str | None = None     # the URL the build folder is published at (graphs/, texts/, void.ttl)

    @classmethod
    def load(cls, path: str | Path | None) -> "Settings":
        """Read a TOML file of these keys; None gives the defaults. Raises :class:`InputError`."""
        if path is None:
            return cls()
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("no such file", path=str(p)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the dataset settings: {exc}", path=str(p)) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML: {exc}", path=str(p)) from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})", path=str(p))
        bad = sorted(k for k, v in data.items() if not isinstance(v, str) or not v.strip())
        if bad:
            raise InputError(f"{bad[0]} must be a non-empty string", path=str(p))
        for key in ("licence", "publisher_iri", "sparql_endpoint", "download"):
            if key in data and not _is_iri(data[key]):
                raise InputError(f"{key} must be an absolute IRI (https://…), not {data[key]!r}", path=str(p))
        return cls(**data)


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return "://" in value


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(V[prefix] + local)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n("xsd", "integer"))


# ---------------------------------------------------------------- Wikidata links
def wikidata_links(store, base: str) -> list[ox.Quad]:
    """``<entity> owl:sameAs wd:Q…`` for every state, organisation, place, person and language of
    the collection (in ``store``) whose gazetteer entry has a verified Wikidata id."""
    from .gazetteer import default as gazetteer
    from .iris import entity_iri
    from .wikidata.triples import verified

    g = ox.NamedNode(wikidata_graph(base))
    same = _n("owl", "sameAs")
    out = []
    for entry in gazetteer().entries:
        qid = verified(entry)
        if qid is None:
            continue
        node = ox.NamedNode(entity_iri(entry, base))
        if next(iter(store.quads_for_pattern(node, None, None)), None) is not None:
            out.append(ox.Quad(node, same, ox.NamedNode(_WIKIDATA + qid), g))
    return sorted(set(out), key=str)


# ---------------------------------------------------------------- the description
def description(store, documents: Iterable[tuple[str, str, int]], base: str, settings: Settings,
                links: int, now: datetime | None = None, subsets: bool = True,
                partitions: list[tuple[Any, Any, Any]] | None = None) -> Iterator[ox.Quad]:
    """The VoID + DCAT statements of the collection (in the default graph), in Turtle order.

    ``documents`` gives (graph, document IRI, triples) of each document of the build,
    ``links`` the number of Wikidata links. ``subsets=False`` leaves out the statements about
    each document graph (its ``void:subset``: three statements a document), which grow with the
    collection. Streams: a collection of 20,000 documents has 80,000 subset statements.
    ``partitions``: the class and property partitions (:func:`partitions`) when the caller has
    them already (they are queried from the whole store)."""
    from .rdf import _natural, datetime_literal, quad_order

    dg = ox.DefaultGraph()
    ds = ox.NamedNode(f"{base}dataset")
    docs = [(g, d, t) for g, d, t in documents if g and d]  # (graph, document, triples): small tuples
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    rows = _about(ds, docs, base, settings, datetime_literal(now))
    rows += _distributions(ds, base, settings)
    for prefix in ("eli", "org", "prov", "sem", "oa", "dcterms", "skos", "cito", "tkg"):
        rows.append((ds, _n("void", "vocabulary"), ox.NamedNode(V[prefix])))
    for doc in sorted(d for _, d, _ in docs)[:3]:
        rows.append((ds, _n("void", "exampleResource"), ox.NamedNode(doc)))
    rows += partitions if partitions is not None else list(_partitions(store, ds, base))
    rows += _linkset(ds, base, links)

    subset_of = {g: (d, t) for g, d, t in docs} if subsets else {}
    del docs

    def links_() -> Iterator[ox.Quad]:  # <dataset> void:subset <graph>, in object order
        for g in sorted(subset_of, key=lambda g: _natural(str(ox.NamedNode(g)))):
            yield ox.Quad(ds, _n("void", "subset"), ox.NamedNode(g), dg)

    def subsets() -> Iterator[ox.Quad]:  # in subject order
        for g in sorted(subset_of, key=_natural):
            (doc, triples), sub = subset_of[g], ox.NamedNode(g)
            yield from sorted((ox.Quad(sub, _n("rdf", "type"), _n("void", "Dataset"), dg),
                               ox.Quad(sub, _n("void", "triples"), _int(triples), dg),
                               ox.Quad(sub, _n("dcterms", "subject"), ox.NamedNode(doc), dg)),
                              key=quad_order)

    head = sorted({ox.Quad(s, p, o, dg) for s, p, o in rows}, key=quad_order)
    return heapq.merge(head, links_(), subsets(), key=quad_order)


def _about(ds, docs: list[tuple[str, str, int]], base: str, settings: Settings, stamp) -> list[tuple[Any, Any, Any]]:
    """What the dataset is, its size, licence, publisher and the build that made it."""
    from .version import tool_version

    rows: list[tuple[Any, Any, Any]] = [
        (ds, _n("rdf", "type"), _n("void", "Dataset")),
        (ds, _n("rdf", "type"), _n("dcat", "Dataset")),
        (ds, _n("rdf", "type"), _n("prov", "Entity")),
        (ds, _n("dcterms", "title"), ox.Literal(settings.title, language="en")),
        (ds, _n("dcterms", "description"), ox.Literal(settings.description, language="en")),
        (ds, _n("dcterms", "license"), ox.NamedNode(settings.licence)),
        (ds, _n("dcterms", "conformsTo"), ox.NamedNode(_ONTOLOGY)),
        (ds, _n("dcterms", "modified"), stamp),
        (ds, _n("void", "triples"), _int(sum(t for _, _, t in docs))),
        (ds, _n("void", "documents"), _int(len(docs))),
        (ds, _n("void", "uriSpace"), ox.Literal(base)),
        (ds, _n("tkg", "toolVersion"), ox.Literal(tool_version())),
    ]
    build_activity = ox.NamedNode(f"{base}dataset/build")
    rows += [(ds, _n("prov", "wasGeneratedBy"), build_activity),
             (build_activity, _n("rdf", "type"), _n("prov", "Activity")),
             (build_activity, _n("prov", "endedAtTime"), stamp),
             (build_activity, _n("prov", "wasAssociatedWith"), ox.NamedNode(f"{base}software/treatykg")),
             (build_activity, _n("tkg", "toolVersion"), ox.Literal(tool_version()))]
    if settings.publisher or settings.publisher_iri:
        who = ox.NamedNode(settings.publisher_iri or f"{base}dataset/publisher")
        rows += [(ds, _n("dcterms", "publisher"), who), (who, _n("rdf", "type"), _n("prov", "Agent"))]
        if settings.publisher:
            rows.append((who, _n("rdfs", "label"), ox.Literal(settings.publisher)))
    return rows


def _distributions(ds, base: str, settings: Settings) -> list[tuple[Any, Any, Any]]:
    """The files of the collection (graphs, texts) and the SPARQL endpoint, if any."""
    where = settings.download or ""
    rows: list[tuple[Any, Any, Any]] = []
    for name, media, what in (("graphs", "application/n-quads", "one N-Quads file per document (graphs/<name>.nq)"),
                              ("texts", "text/plain", "each document's text, UTF-8, what its evidence points into "
                                                      "(texts/<name>.txt)")):
        dist = ox.NamedNode(f"{base}dataset/{name}")
        rows += [(ds, _n("dcat", "distribution"), dist), (dist, _n("rdf", "type"), _n("dcat", "Distribution")),
                 (dist, _n("dcat", "mediaType"), ox.NamedNode(_IANA + media)),
                 (dist, _n("dcterms", "license"), ox.NamedNode(settings.licence)),
                 (dist, _n("dcterms", "description"), ox.Literal(what, language="en"))]
        if where:
            rows.append((dist, _n("dcat", "accessURL"), ox.NamedNode(f"{where.rstrip('/')}/{name}/")))
    if settings.sparql_endpoint:
        service = ox.NamedNode(f"{base}dataset/sparql")
        endpoint = ox.NamedNode(settings.sparql_endpoint)
        rows += [(ds, _n("void", "sparqlEndpoint"), endpoint), (service, _n("rdf", "type"), _n("dcat", "DataService")),
                 (service, _n("dcat", "endpointURL"), endpoint), (service, _n("dcat", "servesDataset"), ds),
                 (service, _n("dcterms", "conformsTo"), ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))]
    return rows


def _linkset(ds, base: str, links: int) -> list[tuple[Any, Any, Any]]:
    """The links to Wikidata (graph/wikidata) as a VoID linkset, when there are any."""
    if not links:
        return []
    linkset = ox.NamedNode(f"{base}dataset/wikidata-links")
    return [(linkset, _n("rdf", "type"), _n("void", "Linkset")),
            (linkset, _n("void", "linkPredicate"), _n("owl", "sameAs")),
            (linkset, _n("void", "subjectsTarget"), ds),
            (linkset, _n("void", "objectsTarget"), ox.NamedNode("http://www.wikidata.org/entity/")),
            (linkset, _n("void", "triples"), _int(links)), (ds, _n("void", "subset"), linkset)]


def partitions(store, base: str) -> list[tuple[Any, Any, Any]]:
    """The class and property partitions of the collection in ``store`` (for :func:`description`)."""
    return list(_partitions(store, ox.NamedNode(f"{base}dataset"), base))


def _partitions(store, ds: ox.NamedNode, base: str) -> Iterator[tuple[Any, Any, Any]]:
    """Class partitions (distinct instances) and property partitions (triples over all graphs but
    the dataset's own description)."""
    from .iris import iri_segment

    own = str(ox.NamedNode(dataset_graph(base)))
    classes = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
                          f"FILTER(?g != {own}) }} GROUP BY ?c")
    for row in classes:
        c = row["c"]
        part = ox.NamedNode(f"{base}dataset/class/{iri_segment(c.value)}")
        yield ds, _n("void", "classPartition"), part
        yield part, _n("void", "class"), c
        yield part, _n("void", "entities"), _int(int(row["n"].value))
    props = store.query(f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {own}) }} GROUP BY ?p")
    for row in props:
        p = row["p"]
        part = ox.NamedNode(f"{base}dataset/property/{iri_segment(p.value)}")
        yield ds, _n("void", "propertyPartition"), part
        yield part, _n("void", "property"), p
        yield part, _n("void", "triples"), _int(int(row["n"].value))
