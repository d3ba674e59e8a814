"""The named graphs ``push`` publishes, read from files: each graph's IRI and its N-Triples lines.

Rules: a graph is the set of its triples, written by pyoxigraph's N-Triples serialiser, sorted and
distinct (the canonical form that the read-back check compares with, line by line); literals of
any length are read (:func:`treatykg.rdfio.read_quads`). Triples outside a named graph belong to
the one ``tkg:DocumentGraph`` they describe, or are an error; a graph named by a blank node, or
found in two files, is an error. A graph that says of itself ``<g> a tkg:EvidenceGraph`` is
marked, so that ``push --no-evidence`` can leave it out.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError, RDFError
from .rdfio import read_quads

__all__ = ["LocalGraph", "read_graphs", "nt_iri", "DOCUMENT_GRAPH", "EVIDENCE_GRAPH", "RDF_TYPE"]

DOCUMENT_GRAPH = "https://w3id.org/treatykg/ontology#DocumentGraph"
EVIDENCE_GRAPH = "https://w3id.org/treatykg/ontology#EvidenceGraph"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: the files push reads (their format: :meth:`pyoxigraph.RdfFormat.from_extension`)
_SUFFIXES = (".nq", ".trig", ".nt", ".ttl")
_RDF_TYPE = ox.NamedNode(RDF_TYPE)
_EVIDENCE_GRAPH = ox.NamedNode(EVIDENCE_GRAPH)


@dataclass
class LocalGraph:
    """One named graph read from the files: its IRI, its N-Triples lines (sorted, distinct)."""

    iri: str
    lines: list[bytes]
    sources: list[str]
    has_blank_nodes: bool = False
    #: the graph says of itself ``<g> a tkg:EvidenceGraph``
    evidence: bool = False
    #: triples outside a named graph (a .nt/.ttl file) that hold an evidence graph's
    #: statements: the evidence cannot be told apart from the facts
    mixed_evidence: bool = False

    @property
    def triples(self) -> int:
        return len(self.lines)

    @cached_property
    def nbytes(self) -> int:
        """The bytes of the lines, each with its line break."""
        return sum(map(len, self.lines)) + len(self.lines)


def nt_iri(iri: str) -> str:
    """An IRI in SPARQL/N-Triples syntax, written by pyoxigraph (which rejects invalid IRIs)."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise RDFError(f"not a valid IRI: {exc}") from None


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    if path.is_file():
        if path.suffix.lower() not in _SUFFIXES:
            raise InputError("push reads .nq, .trig, .nt or .ttl files, or a folder of .nq/.trig files",
                             path=str(path))
        return [path]
    found = [p for p in sorted(path.rglob("*"))
             if p.is_file() and p.suffix.lower() in (".nq", ".trig")
             and "store" not in p.relative_to(path).parts[:-1]]
    if not found:
        raise InputError("the folder holds no .nq or .trig file", path=str(path))
    return found


def read_graphs(path: str | Path) -> list[LocalGraph]:
    """The named graphs of a file (.nq, .trig, .nt, .ttl) or of every .nq/.trig file below a
    folder (a ``store`` folder skipped), sorted by IRI.

    Triples outside any named graph (all of a .nt or .ttl file) belong to the graph that
    describes itself as a ``tkg:DocumentGraph`` in them; without exactly one such graph they
    raise :class:`~treatykg.errors.RDFError`. A graph found in two files is an InputError.
    """
    graphs: dict[str, list[bytes]] = {}       # graph IRI -> its N-Triples lines (maybe repeated)
    bnodes: set[str] = set()                   # the graphs with a blank node
    sources: dict[str, list[str]] = {}
    mixed_in: set[str] = set()
    for file in _files(Path(path)):
        fmt = ox.RdfFormat.from_extension(file.suffix.lower()[1:])
        by_graph: dict[Any, list[ox.Quad]] = {}   # graph term -> quads (the hot loop: keep it lean)
        for quad in read_quads(file, fmt):          # literals of any length (treatykg.rdfio)
            bucket = by_graph.get(quad.graph_name)
            if bucket is None:
                bucket = by_graph[quad.graph_name] = []
            bucket.append(quad)
        here: dict[str, tuple[list[bytes], bool]] = {}
        default: list[ox.Quad] = []
        for g, quads in by_graph.items():
            if isinstance(g, ox.DefaultGraph):
                default = quads
            elif isinstance(g, ox.NamedNode):
                here[g.value] = _lines(quads, g)
            else:
                raise RDFError("a graph named by a blank node cannot be published", path=str(file))
        if default:
            names = {q.subject.value for q in default
                     if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode)
                     and q.object.value == DOCUMENT_GRAPH and isinstance(q.subject, ox.NamedNode)}
            if len(names) != 1:
                raise RDFError("triples outside a named graph, and no single tkg:DocumentGraph "
                               "among them to name it", path=str(file),
                               hint="convert to .nq or .trig, which keep the graph")
            mixed = any(q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode)
                        and q.object.value == EVIDENCE_GRAPH for q in default)
            name = names.pop()
            lines, has_bnodes = _lines(default, None)
            before = here.get(name, ([], False))
            here[name] = (before[0] + lines, before[1] or has_bnodes)
            if mixed:
                mixed_in.update(here)
        for iri, (lines, has_bnodes) in here.items():
            if iri in graphs:
                raise InputError(f"graph <{iri}> is also in {sources[iri][0]}; give one copy of each graph",
                                 path=str(file))
            graphs[iri] = lines
            sources[iri] = [str(file)]
            if has_bnodes:
                bnodes.add(iri)
    out = []
    for iri in sorted(graphs):
        lines = sorted(set(graphs.pop(iri)))
        evidence = f"{nt_iri(iri)} {_RDF_TYPE} {_EVIDENCE_GRAPH} .".encode("utf-8")
        out.append(LocalGraph(iri, lines, sources[iri], iri in bnodes, evidence in set(lines), iri in mixed_in))
    return out


def _lines(quads: list[ox.Quad], graph: ox.NamedNode | None) -> tuple[list[bytes], bool]:
    """The N-Triples lines of ``quads``, all in ``graph`` (None: the default graph), written by
    pyoxigraph, and whether one holds a blank node. Written as N-Quads, then the graph taken off
    the end of each line: in pyoxigraph's N-Quads a line break is only ever the end of a line
    (one in a literal is written ``\\n``), so `` <g> .`` followed by one is the end of a line."""
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    if graph is not None:
        data = data.replace(b" " + str(graph).encode("utf-8") + b" .\n", b" .\n")
    has_bnodes = b"_:" in data and any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
                                       for q in quads)
    lines = data.split(b"\n")
    lines.pop()   # after the last line break
    return lines, has_bnodes
