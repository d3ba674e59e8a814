"""References resolved across a collection: which document of the collection cites which.

Each document graph already gives every cited document one IRI across the collection
(:func:`treatykg.iris.reference_iri`). After a build, a reference whose normalised name is
the normalised title of a document of the collection — and whose date, when the text prints
one, agrees with that document's signing date — is linked to it, in one named graph of the
collection, ``{base}graph/citations``:

    <citing document> eli:cites <cited document> .
    <the reference's node> owl:sameAs <cited document> .

A reference that fits several documents (two texts of the same title and no date to tell
them apart) links to none of them: a wrong link is worse than none.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from .iris import reference_iri, reference_key
from .model import Record
from .namespaces import VOCABULARIES

#: The graph file of the links, below the build's graphs/ folder (an input whose graph file would
#: have this name is refused by the build).
CITATIONS_NAME = "_collection/citations"


def citations_graph(base: str) -> str:
    return f"{base}graph/citations"


def document_keys(record: Record, base: str) -> dict[str, Any]:
    """What the collection pass needs of one document: its title key and date, and for every
    cited document its node, name key and date (plain JSON, kept in the build's manifest)."""
    refs = []
    for ref in record.referenced:
        if ref.kind == "document" and ref.label:
            refs.append([reference_iri(ref, base), reference_key(ref.label), ref.date])
    return {"title": reference_key(record.title or ""), "date": record.signed_date, "refs": refs}


def _agrees(ref_date: str | None, doc_date: str | None) -> bool:
    if not ref_date:
        return True
    return bool(doc_date) and (doc_date.startswith(ref_date) or ref_date.startswith(doc_date))


def links(documents: Iterable[tuple[str, dict[str, Any]]], base: str) -> Iterator[ox.Quad]:
    """The citation links between ``documents`` ((document IRI, keys) pairs), sorted."""
    docs = list(documents)
    by_title: dict[str, list[tuple[str, str | None]]] = {}
    for iri, keys in docs:
        if keys.get("title"):
            by_title.setdefault(keys["title"], []).append((iri, keys.get("date")))
    g = ox.NamedNode(citations_graph(base))
    cites = ox.NamedNode(VOCABULARIES["eli"] + "cites")
    same = ox.NamedNode(VOCABULARIES["owl"] + "sameAs")
    out: set[ox.Quad] = set()
    for iri, keys in docs:
        for node, key, date in keys.get("refs") or []:
            fits = [d for d, d_date in by_title.get(key, []) if d != iri and _agrees(date, d_date)]
            if len(fits) == 1:
                out.add(ox.Quad(ox.NamedNode(iri), cites, ox.NamedNode(fits[0]), g))
                out.add(ox.Quad(ox.NamedNode(node), same, ox.NamedNode(fits[0]), g))
    yield from sorted(out, key=lambda q: (q.subject.value, q.predicate.value, q.object.value))
