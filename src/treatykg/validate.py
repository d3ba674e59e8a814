"""Validate treatykg RDF against the SHACL shapes (``shapes/treatykg.ttl``).

``conforms`` means *no result of severity Violation*: warnings (and infos) are
reported but do not make the data fail. pySHACL is called with
``allow_warnings=True`` and ``allow_infos=True``, so its own ``sh:conforms`` is false
only when there is a Violation too; treatykg still decides from the severities of the
results it reads, the same rule for both engines.

The shapes run once over the union of all graphs of the input (so a global
agent described in several document graphs is seen whole); each result is then
attributed to the document whose named graph states something about its focus
node (the graph's ``dcterms:subject``), so reports read per document.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from collections.abc import Callable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import RDFError
from .namespaces import bind_prefixes, curie, prefixes

__all__ = ["ValidationResult", "ValidationReport", "validate_dataset", "validate_quads", "validate_record",
           "validate_file", "load_shapes", "parse_file", "parse_quads", "SEVERITY_ORDER", "ENGINES"]

_SH = "http://www.w3.org/ns/shacl#"
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}

#: the extensions validate reads (the format: :meth:`pyoxigraph.RdfFormat.from_extension`)
_EXTENSIONS = (".ttl", ".turtle", ".trig", ".nt", ".nq", ".jsonld", ".json")


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
    #: makes the results graph when it is first asked for (the fast engine's reports)
    graph_of: Callable[[], Any] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def graph(self) -> Any:
        """The SHACL results graph (rdflib): pySHACL's, or one written for the fast engine's
        results when first asked for (a build, which validates every document, never asks)."""
        return self.graph_of() if self.graph_of is not None else None

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
    return curie(iri, {p: ns for p, ns in prefixes().items() if p != "id"}) or iri


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


def parse_quads(path: str | Path) -> list:
    """Parse an RDF file (format by extension: .ttl .trig .nt .nq .jsonld) into pyoxigraph quads.

    Parsing is done by pyoxigraph (fast, strict); JSON-LD contexts must be inline
    (nothing is fetched). Raises :class:`RDFError` naming the file on any failure.
    """
    import pyoxigraph as ox
    p = Path(path)
    if p.suffix.lower() not in _EXTENSIONS:
        raise RDFError(f"unknown RDF file extension {p.suffix!r} (expected one of "
                       f"{', '.join(sorted(_EXTENSIONS))})", path=str(p))
    fmt = ox.RdfFormat.from_extension("ttl" if p.suffix.lower() == ".turtle" else p.suffix.lower()[1:])
    if not p.is_file():
        raise RDFError("no such file", path=str(p))
    from .errors import InputError
    from .rdfio import read_quads
    try:   # literals of any length: treatykg.rdfio
        return read_quads(p, fmt, base_iri=p.resolve().as_uri())
    except InputError as exc:
        raise RDFError(f"cannot read RDF: {exc.message}", path=str(p)) from None


def parse_file(path: str | Path):
    """:func:`parse_quads`, as an rdflib Dataset."""
    from .rdf import quads_to_dataset
    return quads_to_dataset(parse_quads(path))


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


def _graph_documents(data) -> dict[str, list[tuple[str, str]]]:
    """subject (as a string) -> [(graph, document label)] for every named graph of ``data``."""
    from rdflib import Dataset, URIRef
    from rdflib.namespace import DCTERMS
    index: dict[str, list[tuple[str, str]]] = {}
    if not isinstance(data, Dataset):
        return index
    for g in data.graphs():
        ident = g.identifier
        if ident == data.default_graph.identifier or len(g) == 0:
            continue
        subjects = list(g.objects(URIRef(str(ident)), DCTERMS.subject))
        label = str(subjects[0]) if subjects else str(ident)
        for s in set(g.subjects()):
            index.setdefault(_term_str(s) or "", []).append((_term_str(ident) or "", label))
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


ENGINES = ("auto", "fast", "pyshacl")


def validate_quads(quads, *, shapes=None, engine: str = "auto") -> ValidationReport:
    """Validate pyoxigraph quads (e.g. :func:`treatykg.rdf.record_quads`) against the shapes.

    ``engine``: ``"fast"`` runs the shapes compiled by :mod:`treatykg.shacl_fast` (an
    order of magnitude faster, same results); ``"pyshacl"`` runs pySHACL, the reference;
    ``"auto"`` (default) is ``fast`` when the shapes use only what it compiles, else
    ``pyshacl``; where the fast engine meets something it cannot evaluate in the data
    (:class:`treatykg.shacl_fast.Unsupported` raised while it runs), ``"auto"`` validates
    with pySHACL instead and gives exactly its result. ``"fast"`` with shapes or data it
    cannot handle raises :class:`RDFError`.
    """
    import pyoxigraph as ox

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    quads = quads if isinstance(quads, list) else list(quads)
    compiled = None if engine == "pyshacl" else _compiled(shapes, required=engine == "fast")

    if compiled is None:
        from .rdf import rdflib_triples
        union = _union_graph_class()()
        for s, p, o, _g in rdflib_triples(quads):
            union.add((s, p, o))
        return _validate_union(union, _quads_documents(quads), shapes)

    from . import shacl_fast
    try:
        raw = shacl_fast.run(compiled, quads)
    except shacl_fast.Unsupported as exc:  # met in the data, not the shapes: pySHACL decides
        if engine == "fast":
            raise RDFError(f"the fast SHACL engine cannot validate this data ({exc}); "
                           "use --engine pyshacl") from None
        return validate_quads(quads, shapes=shapes, engine="pyshacl")
    if not raw:  # the usual case: nothing to attribute to documents
        return ValidationReport(conforms=True, results=[], graph_of=lambda: _results_graph([], True))
    docs = _quads_documents(quads)
    subject_p = ox.NamedNode("http://purl.org/dc/terms/subject")
    results = [(_ox_str(r.focus), ValidationResult(
        focus=_ox_str(r.focus), path=r.path.value if isinstance(r.path, ox.NamedNode) else None,
        value=_ox_str(r.value), message=r.message or "(no message)",
        severity=r.severity.rsplit("#", 1)[-1],
        shape=None if not _is_iri(r.shape) else str(r.shape), document=None)) for r in raw]
    tkg_dg = ox.NamedNode("https://w3id.org/treatykg/ontology#DocumentGraph")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    typed = {q.subject for q in quads if q.predicate == rdf_type and q.object == tkg_dg}
    doc_iris = {q.object.value for q in quads
                if q.subject in typed and q.predicate == subject_p and isinstance(q.object, ox.NamedNode)}
    report = _report(results, docs, doc_iris)
    report.graph_of = lambda: _results_graph(raw, report.conforms)
    return report


def _quads_documents(quads) -> dict[str, list[tuple[str, str]]]:
    """subject (as a string) -> [(graph, document label)] for the named graphs of ``quads``."""
    import pyoxigraph as ox
    from rdflib.namespace import DCTERMS

    graphs: dict[Any, tuple[set, list]] = {}  # graph name -> (subjects, its dcterms:subject)
    subject_p = ox.NamedNode(str(DCTERMS.subject))
    for q in quads:
        g = getattr(q, "graph_name", None)
        if g is None or isinstance(g, ox.DefaultGraph):
            continue
        entry = graphs.get(g)
        if entry is None:
            entry = graphs[g] = (set(), [])
        entry[0].add(q.subject)
        if q.predicate == subject_p and q.subject == g:
            entry[1].append(q.object)
    docs: dict[str, list[tuple[str, str]]] = {}
    for g, (subjects, labels) in graphs.items():
        ident = _ox_str(g)
        label = labels[0].value if labels else ident
        for subject in subjects:
            docs.setdefault(_ox_str(subject), []).append((ident, label))
    return docs


def _is_iri(term) -> bool:
    from rdflib import URIRef
    return isinstance(term, URIRef)


def _ox_str(term) -> str | None:
    """A pyoxigraph term as :class:`ValidationResult` gives terms (as :func:`_term_str`)."""
    import pyoxigraph as ox
    if term is None or isinstance(term, ox.DefaultGraph):
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _compiled(shapes, *, required: bool):
    """The shapes compiled for the fast engine, or None where they use what it does not compile."""
    from . import shacl_fast
    if shapes is None or isinstance(shapes, (str, Path)):
        key: Any = str(Path(shapes).resolve()) if shapes is not None else None
        try:
            return _compiled_file(key)
        except shacl_fast.Unsupported as exc:
            if required:
                raise RDFError(f"the fast SHACL engine cannot run these shapes ({exc}); "
                               "use the pyshacl engine") from None
            return None
    try:
        return shacl_fast.compile_shapes(shapes)
    except shacl_fast.Unsupported as exc:
        if required:
            raise RDFError(f"the fast SHACL engine cannot run these shapes ({exc}); "
                           "use the pyshacl engine") from None
        return None


@lru_cache(maxsize=4)
def _compiled_file(path: str | None):
    from . import shacl_fast
    return shacl_fast.compile_shapes(load_shapes(path))


def _results_graph(raw, conforms: bool):
    """A SHACL validation report graph (as pySHACL writes one) for the fast engine's results."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF

    from .rdf import _to_rdflib_term

    sh = lambda local: URIRef(_SH + local)  # noqa: E731
    g = Graph()
    report = BNode()
    g.add((report, RDF.type, sh("ValidationReport")))
    g.add((report, sh("conforms"), Literal(conforms)))
    for r in raw:
        node = BNode()
        g.add((report, sh("result"), node))
        g.add((node, RDF.type, sh("ValidationResult")))
        g.add((node, sh("focusNode"), _to_rdflib_term(r.focus)))
        if r.path is not None:
            g.add((node, sh("resultPath"), _to_rdflib_term(r.path)))
        if r.value is not None:
            g.add((node, sh("value"), _to_rdflib_term(r.value)))
        if r.message:
            g.add((node, sh("resultMessage"), Literal(r.message)))
        g.add((node, sh("resultSeverity"), URIRef(r.severity)))
        g.add((node, sh("sourceShape"), r.shape))
        g.add((node, sh("sourceConstraintComponent"), URIRef(r.component)))
    return g


def _report(results: list[tuple[str, ValidationResult]], docs: dict[str, list[tuple[str, str]]],
            doc_iris: set[str]) -> ValidationReport:
    """Attribute each result to its document, sort, and decide conformance.

    ``docs``: focus node (as a string) -> [(graph, document label)] of the named graphs
    that state something about it; a node no named graph describes (flattened input:
    Turtle, N-Triples) belongs to the document whose IRI its own IRI extends.
    """
    from dataclasses import replace
    by_length = sorted(doc_iris, key=len, reverse=True)

    def owner(focus: str) -> str | None:
        owners = sorted(docs.get(focus, []))
        if owners:
            return owners[0][1]
        for d in by_length:
            if focus == d or focus.startswith(d + "/"):
                return d
        return None

    out = [replace(r, document=owner(key)) for key, r in results]
    out.sort(key=lambda r: (r.document or "", SEVERITY_ORDER.get(r.severity, 9),
                            r.focus, r.path or "", r.message, r.value or ""))
    conforms = not any(r.severity == "Violation" for r in out)
    return ValidationReport(conforms=conforms, results=out)


def _validate_union(union, docs: dict[str, list[tuple[str, str]]], shapes) -> ValidationReport:
    """Run pySHACL with the shapes over ``union`` (an rdflib Graph); attribute results with ``docs``."""
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
        hint = ("the data has a blank node where a value is compared; --engine fast reports it as a "
                "violation" if "BlankNode" in str(exc) else None)
        raise RDFError(f"SHACL validation failed: {_one_line(exc)}", hint=hint) from exc

    tkg_dg = URIRef("https://w3id.org/treatykg/ontology#DocumentGraph")
    subj = URIRef("http://purl.org/dc/terms/subject")
    doc_iris = {str(d) for g in union.subjects(RDF.type, tkg_dg) for d in union.objects(g, subj)}

    sh = lambda local: URIRef(_SH + local)  # noqa: E731
    results: list[tuple[str, ValidationResult]] = []
    for node in results_graph.subjects(RDF.type, sh("ValidationResult")):
        one = lambda p, node=node: results_graph.value(node, sh(p))  # noqa: E731
        focus = one("focusNode")
        severity = str(one("resultSeverity") or _SH + "Violation").rsplit("#", 1)[-1]
        messages = sorted(str(m) for m in results_graph.objects(node, sh("resultMessage")))
        path = one("resultPath")
        shape = one("sourceShape")
        if len(messages) > 1:  # pyshacl gives both the shape's and the constraint's message
            generic = {str(m) for m in shapes_graph.objects(shape, sh("message"))}
            messages = [m for m in messages if m not in generic] or messages
        results.append((_term_str(focus) or "", ValidationResult(
            focus=_term_str(focus) or "",
            path=None if path is None or not isinstance(path, URIRef) else str(path),
            value=_term_str(one("value")),
            message=messages[0] if messages else "(no message)",
            severity=severity,
            shape=None if shape is None or not isinstance(shape, URIRef) else str(shape),
            document=None,
        )))
    report = _report(results, docs, doc_iris)
    report.graph = results_graph
    return report


def validate_record(record, *, shapes=None, engine: str = "auto", evidence: str = "compact") -> ValidationReport:
    """Map a record to RDF (:func:`treatykg.rdf.record_quads`, with ``evidence``) and validate it."""
    from .rdf import record_quads
    return validate_quads(record_quads(record, evidence=evidence), shapes=shapes, engine=engine)


def validate_file(path: str | Path, *, shapes=None, engine: str = "auto") -> ValidationReport:
    """Parse an RDF file by extension (see :func:`parse_quads`) and validate it."""
    return validate_quads(parse_quads(path), shapes=shapes, engine=engine)

