"""Dereferencing the IRIs a build mints: what a request for one of them gets.

>>> from treatykg.deref import Minted
>>> minted = Minted("out")                                                          # doctest: +SKIP
>>> minted.resolve("/id/doc/t7679002ceb80f4a4", "text/turtle", describe).status     # doctest: +SKIP
200

**The path mapping.** An IRI ``{base}{rest}`` of the build (its base from ``OUT/manifest.json``,
by default ``https://w3id.org/treatykg/id/``) is served at ``/id/{rest}``, whatever the base:
``https://w3id.org/treatykg/id/doc/t7679002ceb80f4a4`` at ``http://127.0.0.1:7878/id/doc/t7679002ceb80f4a4``.
A persistent-identifier service forwards ``{base}{rest}`` to ``{served root}id/{rest}`` (one
rule: ``treatykg publish-config --target serve`` writes it), and everything else is answered
here. :func:`Minted.iri_of` and :func:`Minted.path_of` are the mapping.

**The answers** (:meth:`Minted.resolve`), by content negotiation on ``Accept`` (q-values; an
explicit type beats a wildcard; without a preference, Turtle):

* an IRI listed in ``OUT/aliases.tsv`` (the document's text was edited: :mod:`treatykg.aliases`),
  or one under it (``{old}/graph``), is **301** to the same path under the new IRI;
* a **document** ``{doc}``: its graphs, as the build wrote them (``OUT/graphs/<name>.nq``), in
  Turtle, TriG, N-Quads, N-Triples, JSON-LD (the local context) or RDF/XML — TriG, N-Quads and
  JSON-LD keep the graphs apart (facts, evidence, curated, metadata, validation), the others
  give their triples together; ``text/html`` is **303** to its page of the site
  (``/site/doc/<slug>.html``, written by ``treatykg site OUT``);
* one of its graphs (``{doc}/graph``, ``{doc}/evidence`` …): that graph alone;
* its text ``{doc}/text``: ``OUT/texts/<name>.txt`` as ``text/plain; charset=utf-8`` (an RDF
  type asks for the text's description instead: length, SHA-256);
* any other IRI under a document (``{doc}/signing``, ``{doc}/evidence/5``): what its graphs say
  about it; HTML is 303 to the document's page;
* any other IRI of the collection (``state/kp``, ``person/zhou-enlai``, ``graph/dataset``): what
  the collection says about it — the triples whose subject it is, in every graph, or the graph
  it names — read from the store by ``describe``; HTML is 303 to its page of the site where there
  is one (a state, a person; a party goes to its state's page), else to the query page with a
  query that lists the same triples;
* anything else is **404**; a request that accepts none of the types offered is **406**.

Negotiated answers say ``Vary: Accept``. Library code: nothing here prints or exits; the
caller (``treatykg serve``) sends the :class:`Answer`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox

from . import aliases as _aliases
from .iris import document_graphs

__all__ = ["Answer", "Minted", "negotiate", "RDF_TYPES", "site_page_name", "describe_query", "PREFIX"]

#: Where the IRIs of the collection are served: ``{base}{rest}`` at ``/id/{rest}``.
PREFIX = "/id/"
#: media type -> treatykg serialisation (:func:`treatykg.rdf.serialize_quads`, or ``rdfxml``).
RDF_TYPES: dict[str, str] = {
    "text/turtle": "turtle", "application/trig": "trig", "application/n-quads": "nq",
    "application/n-triples": "nt", "application/ld+json": "jsonld", "application/rdf+xml": "rdfxml",
}
_CONTENT_TYPES = {"turtle": "text/turtle; charset=utf-8", "trig": "application/trig; charset=utf-8",
                  "nq": "application/n-quads", "nt": "application/n-triples",
                  "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml"}
_HTML = ("text/html", "application/xhtml+xml")
_TEXT = "text/plain"
_OF_STATE = "https://w3id.org/treatykg/ontology#ofState"

#: ``describe(iri)`` -> (quads, whether ``iri`` names a graph): what the store says about ``iri``.
Describe = Callable[[str], "tuple[list[ox.Quad], bool]"]


@dataclass
class Answer:
    """An HTTP answer: status, body (or a ``file`` to send), content type, headers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    file: Path | None = None

    @classmethod
    def text(cls, status: int, message: str, **headers: str) -> "Answer":
        return cls(status, (message.rstrip("\n") + "\n").encode("utf-8"), headers=dict(headers))


# ---------------------------------------------------------------- content negotiation
def _ranges(accept: str | None) -> list[tuple[str, str, float]]:
    """(type, subtype, q) of each media range of an ``Accept`` header (RFC 9110 §12.5.1)."""
    out = []
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind = fields[0].lower()
        if "/" not in kind:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, _, sub = kind.partition("/")
        out.append((main, sub, q))
    return out or [("*", "*", 1.0)]


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offer (a media type) the client prefers: the highest q of the most specific range
    that matches it; ties go to the offer matched by a more specific range, then to the first
    offered. None when the client accepts none (q=0 everywhere)."""
    ranges = _ranges(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        main, _, sub = offer.partition("/")
        match: tuple[int, float] | None = None   # (specificity, q)
        for rmain, rsub, q in ranges:
            if rmain == main and rsub == sub:
                spec = 2
            elif rmain == main and rsub == "*":
                spec = 1
            elif rmain == "*" and rsub == "*":
                spec = 0
            else:
                continue
            if match is None or spec > match[0]:
                match = (spec, q)
        if match is None or match[1] <= 0:
            continue
        key = (match[1], match[0], -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


# ---------------------------------------------------------------- pages of the site
def site_page_name(iri: str, kind: str) -> str:
    """The file name (without ``.html``) the site gives the page of ``iri`` in folder ``kind``
    (the site's own rule, :func:`treatykg.collection.slug`)."""
    from .collection import slug

    return slug(iri, kind)


def describe_query(iri: str) -> str:
    """What the collection says about ``iri``: the graph it names, else the triples whose subject
    it is, in every graph (``?g ?s ?p ?o``; the IRI written by pyoxigraph)."""
    node = str(ox.NamedNode(iri))
    return ("SELECT ?g ?s ?p ?o WHERE {\n"
            f"  {{ GRAPH {node} {{ ?s ?p ?o }} BIND({node} AS ?g) }}\n"
            "  UNION\n"
            f"  {{ GRAPH ?g {{ {node} ?p ?o }} BIND({node} AS ?s)\n"
            f"    FILTER NOT EXISTS {{ GRAPH {node} {{ ?x ?y ?z }} }} }}\n"
            "}")


def _listing_query(iri: str, is_graph: bool) -> str:
    """The query the query page runs for an IRI that has no page of its own."""
    node = str(ox.NamedNode(iri))
    if is_graph:
        return f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}\nORDER BY ?s ?p ?o\nLIMIT 1000\n"
    return f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }}\nORDER BY ?p ?o ?g\n"


# ---------------------------------------------------------------- what a build minted
@dataclass(frozen=True)
class _Document:
    iri: str
    name: str       # graphs/<name>.nq, texts/<name>.txt


class Minted:
    """The IRIs of the build in ``out`` and where their representations are: the documents
    (``manifest.json``: IRI and name of each), the aliases (``aliases.tsv``), the site
    (``site/``, when ``treatykg site`` wrote it). Read once: ``treatykg serve`` holds the build
    folder's lock, so the build cannot change while it serves."""

    def __init__(self, out: str | Path):
        from .sparql import collection_base

        self.out = Path(out)
        self.base = collection_base(self.out)
        self.site = self.out / "site" if (self.out / "site" / "index.html").is_file() else None
        self.aliases = _aliases.load(self.out / _aliases.ALIASES_FILE)
        self.documents: dict[str, _Document] = {}
        try:
            manifest = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
            entries = manifest.get("documents", {})
        except (OSError, ValueError, AttributeError):
            entries = {}
        for entry in entries.values() if isinstance(entries, dict) else ():
            if not isinstance(entry, dict):
                continue
            iri, name = entry.get("document"), entry.get("name")
            if isinstance(iri, str) and isinstance(name, str) and self.graph_file(name).is_file():
                self.documents[iri] = _Document(iri, name)

    # -- the mapping -------------------------------------------------------------------
    def iri_of(self, path: str) -> str | None:
        """The IRI served at ``path`` (as requested: percent-encoded), or None outside ``/id/``.
        Percent-escapes are compared in upper case, and characters a minted IRI would encode
        are encoded, as the build mints them."""
        if not path.startswith(PREFIX):
            return None
        rest = re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), path[len(PREFIX):])
        return self.base + quote(rest, safe="/%-._~!$&'()*+,;=:@")

    def path_of(self, iri: str) -> str | None:
        """Where ``iri`` is served (``/id/…``), or None when it is not under the base."""
        return PREFIX + iri[len(self.base):] if iri.startswith(self.base) else None

    def graph_file(self, name: str) -> Path:
        return self.out / "graphs" / f"{name}.nq"

    def text_file(self, name: str) -> Path:
        return self.out / "texts" / f"{name}.txt"

    def _under(self, iri: str, table) -> tuple[str, str] | None:
        """(key, suffix) for the longest key of ``table`` that ``iri`` is, or is under (``key/…``)."""
        if iri in table:
            return iri, ""
        at = len(iri)
        while True:
            at = iri.rfind("/", len(self.base), at)
            if at < 0:
                return None
            if iri[:at] in table:
                return iri[:at], iri[at:]

    def page(self, iri: str, quads: list[ox.Quad] = ()) -> str | None:
        """The site's page of ``iri`` (``/site/…``) if the site has one: a document, a person, a
        state; a party (``tkg:ofState``) goes to its state's page."""
        if self.site is None:
            return None
        rest = iri[len(self.base):] if iri.startswith(self.base) else ""
        candidates = []
        if iri in self.documents:
            candidates.append(f"doc/{site_page_name(iri, 'doc')}.html")
        elif rest.startswith("person/"):
            candidates.append(f"person/{site_page_name(iri, 'person')}.html")
        elif rest.startswith("state/"):
            candidates.append(f"state/{site_page_name('/state/' + unquote(rest[len('state/'):]), 'state')}.html")
        for q in quads:
            if q.subject.value == iri and q.predicate.value == _OF_STATE and isinstance(q.object, ox.NamedNode):
                state = q.object.value
                if state != iri and state.startswith(self.base + "state/"):
                    candidates.append(f"state/{site_page_name('/state/' + unquote(state[len(self.base + 'state/'):]), 'state')}.html")
        for rel in candidates:
            if (self.site / rel).is_file():
                return "/site/" + rel
        return None

    # -- answering --------------------------------------------------------------------------
    def resolve(self, path: str, accept: str | None, describe: Describe) -> Answer:
        """The answer to ``GET path`` with ``Accept: accept`` (see the module doc)."""
        iri = self.iri_of(path)
        if iri is None:
            return Answer.text(404, f"not an IRI of this collection: they are served under {PREFIX}")
        try:
            ox.NamedNode(iri)
        except ValueError:
            return Answer.text(404, f"not an IRI: {path}")
        moved = self._under(iri, self.aliases)
        if moved is not None:
            old, suffix = moved
            new = self.aliases[old] + suffix
            where = self.path_of(new) or new
            return Answer.text(301, f"moved: <{iri}> is now <{new}>", Location=where)
        found = self._under(iri, self.documents)
        if found is not None:
            return self._document(self.documents[found[0]], iri, found[1], accept, describe)
        quads, is_graph = describe(iri)
        if not quads:
            return Answer.text(404, f"the collection says nothing about <{iri}>")
        offer = negotiate(accept, [*RDF_TYPES, *_HTML])
        if offer is None:
            return self._not_acceptable(list(RDF_TYPES) + ["text/html"])
        if offer in _HTML:
            page = self.page(iri, quads) or "/?" + urlencode({"query": _listing_query(iri, is_graph)})
            return self._see_other(page)
        return self._rdf(quads, offer)

    def _document(self, doc: _Document, iri: str, suffix: str, accept: str | None, describe: Describe) -> Answer:
        from .rdfio import read_quads

        page = self.page(doc.iri)
        graphs = set(document_graphs(doc.iri + "/graph"))
        if suffix == "/text":
            offer = negotiate(accept, [_TEXT, *RDF_TYPES, *_HTML])
            if offer == _TEXT:
                text = self.text_file(doc.name)
                if not text.is_file():
                    return Answer.text(404, f"the text of <{doc.iri}> is not published here (a build with "
                                            "--evidence none publishes no text)")
                return Answer(200, content_type="text/plain; charset=utf-8", file=text,
                              headers={"Vary": "Accept"})
        else:
            offer = negotiate(accept, [*RDF_TYPES, *_HTML])
        if offer is None:
            return self._not_acceptable(([_TEXT] if suffix == "/text" else []) + list(RDF_TYPES) + ["text/html"])
        if offer in _HTML and page is not None:
            return self._see_other(page)
        if suffix == "" or iri in graphs or suffix == "/text":
            quads = read_quads(self.graph_file(doc.name), ox.RdfFormat.N_QUADS)
            if iri in graphs:
                quads = [q for q in quads if q.graph_name.value == iri]
            elif suffix == "/text":
                quads = [q for q in quads if q.subject.value == iri]
            if not quads:
                return Answer.text(404, f"the collection says nothing about <{iri}>")
        else:
            quads, _ = describe(iri)
            if not quads:
                return Answer.text(404, f"the collection says nothing about <{iri}>")
        return self._rdf(quads, offer if offer in RDF_TYPES else "text/turtle")

    def _rdf(self, quads: list[ox.Quad], media_type: str) -> Answer:
        from .rdf import serialize_quads

        fmt = RDF_TYPES[media_type]
        if fmt in ("turtle", "nt", "rdfxml"):   # triples: the graphs' triples together, each once
            default = ox.DefaultGraph()
            quads = list({ox.Quad(q.subject, q.predicate, q.object, default) for q in quads})
        if fmt == "rdfxml":
            body = ox.serialize(sorted((q.triple for q in quads), key=str), format=ox.RdfFormat.RDF_XML)
        else:
            body = serialize_quads(quads, fmt, base=self.base)
        return Answer(200, body, _CONTENT_TYPES[fmt], headers={"Vary": "Accept"})

    @staticmethod
    def _see_other(where: str) -> Answer:
        return Answer.text(303, f"see {where}", Location=where, Vary="Accept")

    @staticmethod
    def _not_acceptable(offers: list[str]) -> Answer:
        return Answer.text(406, "not acceptable: this IRI is served as " + ", ".join(offers), Vary="Accept")
