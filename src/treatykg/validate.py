"""Validate treatykg RDF against the SHACL shapes (``shapes/treatykg.ttl``).

``conforms`` means *no result of severity Violation*: warnings (and infos) are
reported but do not make the data fail. (pyshacl's own ``conforms`` flag is
false on any result; treatykg reads the severities itself.)

The shapes run once over the union of all graphs of the input (so a global
agent described in several document graphs is seen whole); each result is then
attributed to the document whose named graph states something about its focus
node (the graph's ``dcterms:subject``), so reports read per document.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import RDFError
from .namespaces import bind_prefixes, prefixes

__all__ = ["ValidationResult", "ValidationReport", "validate_dataset", "validate_quads", "validate_record",
           "validate_file", "load_shapes", "parse_file", "SEVERITY_ORDER"]

_SH = "http://www.w3.org/ns/shacl#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

_EXT_FORMATS = {
    ".ttl": "TURTLE", ".turtle": "TURTLE", ".trig": "TRIG", ".nt": "N_TRIPLES",
    ".nq": "N_QUADS", ".jsonld": "JSON_LD", ".json": "JSON_LD",
}


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result. Terms are given as N-Triples-like strings without angle brackets
    for IRIs (``https://...``) and as the lexical form for literals."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # "Violation" | "Warning" | "Info"
    shape: str | None
    document: str | None  # the document IRI (or graph IRI) the focus node belongs to


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Any = None  # the rdflib results graph from pyshacl

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Warning"]

    def by_document(self) -> dict[str, list[ValidationResult]]:
        out: dict[str, list[ValidationResult]] = {}
        for r in self.results:
            out.setdefault(r.document or "(no document)", []).append(r)
        return out

    def __str__(self) -> str:
        if not self.results:
            return "conforms: no violations, no warnings"
        nv, nw = len(self.violations), len(self.warnings)
        head = ("conforms" if self.conforms else "does not conform") + \
            f": {nv} violation{'s' * (nv != 1)}, {nw} warning{'s' * (nw != 1)}"
        lines = [head]
        for doc, results in sorted(self.by_document().items()):
            lines.append(f"\n{doc}")
            for r in results:
                lines.append(f"  {r.severity}: {r.message}")
                if r.path:
                    lines.append(f"    path:  {_short(r.path)}")
                lines.append(f"    focus: {_short(r.focus)}")
                if r.value is not None:
                    lines.append(f"    value: {_short(r.value)}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }

    def to_turtle(self) -> str:
        """The pyshacl results graph (a SHACL ValidationReport) as Turtle."""
        if self.graph is None:
            return ""
        bind_prefixes(self.graph)
        return self.graph.serialize(format="turtle")


def _short(iri: str) -> str:
    for p, ns in prefixes().items():
        if iri.startswith(ns) and p != "id":
            return f"{p}:{iri[len(ns):]}"
    return iri


# ---------------------------------------------------------------- shapes
@lru_cache(maxsize=4)
def _shapes_graph(path: str):
    from rdflib import Graph
    try:
        from .rdf import quads_to_dataset
        import pyoxigraph as ox
        quads = list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as exc:
        raise RDFError(f"broken shapes file: {_one_line(exc)}", path=path) from None
    g = Graph()
    ds = quads_to_dataset(quads)
    for t in ds.default_graph:
        g.add(t)
    bind_prefixes(g)
    return g


def load_shapes(path: str | Path | None = None):
    """The parsed shapes graph (rdflib Graph), cached; default: the packaged shapes."""
    if path is None:
        from .resources import shapes_path
        path = shapes_path()
    return _shapes_graph(str(Path(path).resolve()))


# ---------------------------------------------------------------- parsing
def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or exc.__class__.__name__


def parse_file(path: str | Path):
    """Parse an RDF file (format by extension: .ttl .trig .nt .nq .jsonld) into an rdflib Dataset.

    Parsing is done by pyoxigraph (fast, strict); JSON-LD contexts must be inline
    (nothing is fetched). Raises :class:`RDFError` naming the file on any failure.
    """
    import pyoxigraph as ox
    from .rdf import quads_to_dataset
    p = Path(path)
    fmt = _EXT_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise RDFError(f"unknown RDF file extension {p.suffix!r} (expected one of "
                       f"{', '.join(sorted(_EXT_FORMATS))})", path=str(p))
    if not p.is_file():
        raise RDFError("no such file", path=str(p))
    try:
        quads = list(ox.parse(path=str(p), format=getattr(ox.RdfFormat, fmt),
                              base_iri=p.resolve().as_uri()))
    except SyntaxError as exc:
        raise RDFError(f"cannot parse as {fmt.replace('_', '-').lower()}: {_one_line(exc)}",
                       path=str(p)) from None
    except (OSError, ValueError) as exc:
        raise RDFError(f"cannot read RDF: {_one_line(exc)}", path=str(p)) from None
    return quads_to_dataset(quads)


# ---------------------------------------------------------------- validation
@lru_cache(maxsize=256)
def _prepared_query(text: str, namespaces: tuple):
    """A SPARQL query parsed and translated once (pyshacl sends the same text for every focus node)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    return translateQuery(parseQuery(text), None, dict(namespaces))


@lru_cache(maxsize=1)
def _union_graph_class():
    """An rdflib Graph class whose string SPARQL queries are parsed once per process, not per call.

    pySHACL runs each SPARQL-based constraint once per focus node with the same query text
    (the focus node goes in ``initBindings``); rdflib would parse it with pyparsing every
    time (~15 ms a query, ~70% of a document's validation time). The prepared query is
    exactly what :meth:`rdflib.Graph.query` would build (same text, same namespaces, no
    base), and evaluating a prepared query does not change it.
    """
    from rdflib import Graph

    class _UnionGraph(Graph):
        def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
                  initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
            if isinstance(query_object, str) and processor == "sparql" and not kwargs:
                initNs = initNs or dict(self.namespaces())  # noqa: N806
                query_object = _prepared_query(query_object, tuple(sorted(initNs.items())))
            return super().query(query_object, processor, result, initNs, initBindings,
                                 use_store_provided, **kwargs)

    return _UnionGraph


def _term_str(term) -> str | None:
    if term is None:
        return None
    from rdflib import BNode, Literal
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _graph_documents(data) -> dict[Any, list[tuple[Any, str]]]:
    """subject term -> [(graph id, document label)] for every named graph of ``data``."""
    from rdflib import Dataset, URIRef
    from rdflib.namespace import DCTERMS
    index: dict[Any, list[tuple[Any, str]]] = {}
    if not isinstance(data, Dataset):
        return index
    for g in data.graphs():
        ident = g.identifier
        if ident == data.default_graph.identifier or len(g) == 0:
            continue
        subjects = list(g.objects(URIRef(str(ident)), DCTERMS.subject))
        label = str(subjects[0]) if subjects else str(ident)
        for s in set(g.subjects()):
            index.setdefault(s, []).append((ident, label))
    return index


def validate_dataset(data, *, shapes=None) -> ValidationReport:
    """Validate an rdflib ``Dataset`` (all graphs) or ``Graph`` against the shapes.

    ``shapes`` is an rdflib Graph or a path (default: the packaged shapes).
    Returns a :class:`ValidationReport`; ``conforms`` is true when no result is a Violation.
    """
    from rdflib import Dataset, Graph

    if isinstance(data, Dataset):
        union = _union_graph_class()()
        for ctx in data.graphs():
            for t in ctx:
                union.add(t)
        for t in data.default_graph:
            union.add(t)
    elif isinstance(data, Graph):
        union = data
    else:
        raise TypeError(f"expected an rdflib Dataset or Graph, got {type(data).__name__}")
    return _validate_union(union, _graph_documents(data), shapes)


def validate_quads(quads, *, shapes=None) -> ValidationReport:
    """Validate pyoxigraph quads (e.g. :func:`treatykg.rdf.record_quads`) against the shapes.

    The same report as ``validate_dataset(quads_to_dataset(quads))``, without building the
    rdflib Dataset and copying it into a union graph first (~10–15% of a document's
    validation time): the quads go straight into the union graph, and the index of which
    named graph (document) states something about which node is made on the way.
    """
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    import pyoxigraph as ox

    from .rdf import _to_rdflib_term, rdflib_triples

    union = _union_graph_class()()
    graphs: dict[str, tuple[Any, set, list]] = {}  # graph -> (identifier, subjects, dcterms:subject)
    for s, p, o, g in rdflib_triples(quads):
        union.add((s, p, o))
        if g is None or isinstance(g, ox.DefaultGraph):
            continue
        entry = graphs.get(g.value)
        if entry is None:
            ident = URIRef(g.value) if isinstance(g, ox.NamedNode) else _to_rdflib_term(g)
            entry = graphs[g.value] = (ident, set(), [])
        entry[1].add(s)
        if p == DCTERMS.subject and s == URIRef(str(entry[0])):
            entry[2].append(o)
    docs: dict[Any, list[tuple[Any, str]]] = {}
    for ident, subjects, labels in graphs.values():
        label = str(labels[0]) if labels else str(ident)
        for subject in subjects:
            docs.setdefault(subject, []).append((ident, label))
    return _validate_union(union, docs, shapes)


def _validate_union(union, docs: dict[Any, list[tuple[Any, str]]], shapes) -> ValidationReport:
    """Run the shapes over ``union`` (an rdflib Graph); attribute results with ``docs``."""
    from pyshacl import validate as shacl_validate
    from rdflib import URIRef
    from rdflib.namespace import RDF

    if shapes is None or isinstance(shapes, (str, Path)):
        shapes_graph = load_shapes(shapes)
    else:
        shapes_graph = shapes

    try:
        _conforms, results_graph, _text = shacl_validate(
            union, shacl_graph=shapes_graph, inference="none", abort_on_first=False,
            allow_infos=True, allow_warnings=True, advanced=False, meta_shacl=False,
            do_owl_imports=False)
    except Exception as exc:  # pyshacl raises its own error types on broken shapes
        raise RDFError(f"SHACL validation failed: {_one_line(exc)}") from exc

    # Fallback for flattened input (Turtle, N-Triples): documents named by their graph nodes,
    # and every node whose IRI extends a document IRI belongs to that document.
    tkg_dg = URIRef("https://w3id.org/treatykg/ontology#DocumentGraph")
    subj = URIRef("http://purl.org/dc/terms/subject")
    doc_iris = sorted({str(d) for g in union.subjects(RDF.type, tkg_dg)
                       for d in union.objects(g, subj)}, key=len, reverse=True)

    def owner(focus) -> str | None:
        owners = sorted(docs.get(focus, []), key=lambda x: str(x[0]))
        if owners:
            return owners[0][1]
        text = str(focus)
        for d in doc_iris:
            if text == d or text.startswith(d + "/"):
                return d
        return None

    sh = lambda local: URIRef(_SH + local)  # noqa: E731
    results: list[ValidationResult] = []
    for node in results_graph.subjects(RDF.type, sh("ValidationResult")):
        one = lambda p: results_graph.value(node, sh(p))  # noqa: E731
        focus = one("focusNode")
        severity = str(one("resultSeverity") or _SH + "Violation").rsplit("#", 1)[-1]
        messages = sorted(str(m) for m in results_graph.objects(node, sh("resultMessage")))
        path = one("resultPath")
        shape = one("sourceShape")
        if len(messages) > 1:  # pyshacl gives both the shape's and the constraint's message
            generic = {str(m) for m in shapes_graph.objects(shape, sh("message"))}
            messages = [m for m in messages if m not in generic] or messages
        results.append(ValidationResult(
            focus=_term_str(focus) or "",
            path=None if path is None or not isinstance(path, URIRef) else str(path),
            value=_term_str(one("value")),
            message=messages[0] if messages else "(no message)",
            severity=severity,
            shape=None if shape is None or not isinstance(shape, URIRef) else str(shape),
            document=owner(focus),
        ))
    results.sort(key=lambda r: (r.document or "", SEVERITY_ORDER.get(r.severity, 9),
                                r.focus, r.path or "", r.message, r.value or ""))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=results_graph)


def validate_record(record, *, shapes=None) -> ValidationReport:
    """Map a record to RDF (:func:`treatykg.rdf.record_quads`) and validate it."""
    from .rdf import record_quads
    return validate_quads(record_quads(record), shapes=shapes)


def validate_file(path: str | Path, *, shapes=None) -> ValidationReport:
    """Parse an RDF file by extension (see :func:`parse_file`) and validate it."""
    return validate_dataset(parse_file(path), shapes=shapes)

