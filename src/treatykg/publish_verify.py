"""The read-back check of ``push``: a graph at the endpoint holds exactly the triples sent.

Rules: the graph is read back with ``SELECT ?s ?p ?o`` (SPARQL JSON results, which carry every
term exactly: datatype, language tag, any length; on Oxigraph SPARQL TSV results, whose rows
write each term in Turtle syntax, mostly as N-Triples does), each term written by pyoxigraph's
N-Triples serialiser, and the set of lines must be the set of local lines; a graph with blank
nodes is compared by isomorphism (rdflib). A TSV row that is byte for byte a local line (its
separators tabs) is that line, unparsed; any other row is parsed and written again
(:func:`tsv_lines`). A large graph is read in ranges of subjects, each holding at
most ``read_rows`` local triples (:func:`subject_ranges`), the first and last ranges open, so
every triple at the endpoint lands in one range. An answer cut short (``X-SPARQL-MaxRows``) is a
difference, never a short read taken as the graph. A difference is said with one triple: one
sent and what the endpoint holds instead, or one missing, or one not sent (:func:`_difference`).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import pyoxigraph as ox
import requests

from . import net
from .errors import EndpointError
from .publish_graphs import LocalGraph, nt_iri
from .publish_http import Client, answer_text, first_lines
from .publish_report import GraphReport, RequestInfo
from .rdfio import is_buffer_error
from .sparql_results import json_term

__all__ = ["ReadBack", "subject_ranges"]


class ReadBack:
    """Reads graphs back from the SPARQL query endpoint ``url`` and compares them with the local
    ones (nothing is sent when ``dry_run``: the requests are listed)."""

    def __init__(self, client: Client, url: str, read_rows: int, dry_run: bool, read_format: str = "json"):
        self.client = client
        self.url = url
        self.read_rows = read_rows
        self.read_format = read_format
        self.dry_run = dry_run

    def verify(self, graph: LocalGraph, report: GraphReport) -> None:
        """Read the graph back (in subject ranges of at most ``read_rows`` triples) and compare it
        with what was sent: ``report.same`` and, when it differs, ``report.difference``."""
        ranges = [(None, None)] if graph.has_blank_nodes else subject_ranges(graph.lines, self.read_rows)
        local = set(graph.lines)
        seen: set[bytes] = set()
        remote: list[bytes] = []      # every line read (blank node graphs only)
        extra: list[bytes] = []
        for i, (lo, hi) in enumerate(ranges):
            part = f" (part {i + 1}/{len(ranges)})" if len(ranges) > 1 else ""
            try:
                lines = self._read(graph, lo, hi, part, report)
            except _CutShort as cut:
                report.same = False
                report.difference = (f"could not read it back whole: the endpoint cut its answer at {cut} "
                                     "rows (X-SPARQL-MaxRows; raise Virtuoso's ResultSetMaxRows)")
                return
            for line in lines:
                if graph.has_blank_nodes:
                    remote.append(line)
                elif line in local:
                    seen.add(line)
                else:
                    extra.append(line)
        if self.dry_run:
            return
        if graph.has_blank_nodes:
            report.same = _isomorphic(graph.lines, remote)
            if not report.same:
                report.difference = (f"not the graph sent: {len(set(remote))} triples read back, not isomorphic "
                                     "to the local graph (blank nodes compared by structure)")
            return
        _compare(graph, report, seen, extra)

    def verify_many(self, graphs: list[LocalGraph], reports: list[GraphReport]) -> None:
        """Read several graphs without blank nodes (together at most ``read_rows`` triples) back in
        one query and compare each with what was sent; each report's ``remote_triples`` is the
        number of triples read back for it."""
        q = _read_many_query([g.iri for g in graphs])
        info = RequestInfo("POST", net.redact_url(self.url),
                           f"verify: read back the triples of {len(graphs)} graphs, <{graphs[0].iri}> …",
                           "application/x-www-form-urlencoded", len(q.encode("utf-8")))
        for report in reports:
            report.requests.append(info)
        if self.dry_run:
            return
        try:
            answer = self._select(info, q, graphs)
        except _CutShort as cut:
            for report in reports:
                report.same = False
                report.difference = (f"could not read it back whole: the endpoint cut its answer at {cut} "
                                     "rows (X-SPARQL-MaxRows; raise Virtuoso's ResultSetMaxRows)")
            return
        for graph, report in zip(graphs, reports):
            lines = set(answer.get(graph.iri, ()))
            local = set(graph.lines)
            report.remote_triples = len(lines)
            _compare(graph, report, lines & local, sorted(lines - local))

    def _select(self, info: RequestInfo, q: str, graphs: list[LocalGraph]) -> dict[str | None, list[bytes]]:
        """The triples of the answer to ``q`` (``?s ?p ?o``, and ``?g`` when the query has it) as
        N-Triples lines written by pyoxigraph, by the IRI ``?g`` is bound to (None without ``?g``).
        ``graphs``: the local graphs the query reads (their lines make reading a TSV answer cheap,
        :func:`tsv_lines`). Asks for the profile's answer format (``read_format``) and reads the
        one the endpoint sends, by its Content-Type. Raises :class:`_CutShort` for an answer the
        endpoint cut, :class:`~treatykg.errors.EndpointError` for one that is not results."""
        accept = _ACCEPT[self.read_format]
        r = self._post(info, q, accept)
        if r.headers.get("Content-Type", "").lower().startswith(_TSV):
            try:
                return tsv_lines(r.content, graphs)
            except _Unreadable:   # a term pyoxigraph's TSV parser cannot hold: ask again, as JSON
                r = self._post(info, q, _ACCEPT["json"])
            except (SyntaxError, ValueError, TypeError, KeyError) as exc:
                raise EndpointError(f"POST {info.url}: the answer to a SELECT query is not SPARQL TSV "
                                    f"results ({type(exc).__name__}): "
                                    f"{first_lines(answer_text(r), 1, 120)!r}") from None
        return _json_lines(info, r)

    def _post(self, info: RequestInfo, q: str, accept: str) -> requests.Response:
        r = self.client.send(info, self.url, data={"query": q}, headers={"Accept": accept})
        if r is None:   # (only a step with before_retry has no answer)
            raise AssertionError("a query without an answer")
        cut = r.headers.get("X-SPARQL-MaxRows")
        if cut:
            raise _CutShort(cut)
        return r

    def _read(self, graph: LocalGraph, lo: str | None, hi: str | None, part: str,
              report: GraphReport) -> list[bytes]:
        """The N-Triples lines the endpoint holds in ``graph`` with subjects in ``[lo, hi)``
        (none in a dry run, the request only listed). Raises :class:`_CutShort` for an answer
        the endpoint cut, :class:`~treatykg.errors.EndpointError` for one that is not results."""
        q = _read_query(graph.iri, lo, hi)
        info = RequestInfo("POST", net.redact_url(self.url),
                           f"verify: read back the triples of <{graph.iri}>{part}",
                           "application/x-www-form-urlencoded", len(q.encode("utf-8")))
        report.requests.append(info)
        if self.dry_run:
            return []
        return [line for lines in self._select(info, q, [graph]).values() for line in lines]


_TSV = "text/tab-separated-values"
#: the Accept header of a read-back query, by the profile's ``read_format``
_ACCEPT = {"json": "application/sparql-results+json",
           "tsv": f"{_TSV}, application/sparql-results+json;q=0.5"}
_TSV_HEADERS = (b"?g\t?s\t?p\t?o", b"?s\t?p\t?o")


class _Unreadable(Exception):
    """A TSV answer pyoxigraph's parser cannot read whole (a term over its 16 MiB buffer)."""


def tsv_key(line: bytes) -> bytes:
    """An N-Triples line ``s p o .`` as the row ``s\tp\to`` a SPARQL TSV answer has for it when the
    endpoint writes each term as N-Triples does. The first two spaces are the separators: a
    subject and a predicate written by pyoxigraph (an IRI, a blank node) hold no space."""
    return line[:-2].replace(b" ", b"\t", 2)


def tsv_lines(data: bytes, graphs: list[LocalGraph]) -> dict[str | None, list[bytes]]:
    """The triples of a SPARQL TSV answer (``?g ?s ?p ?o`` or ``?s ?p ?o``) as N-Triples lines
    written by pyoxigraph, by graph IRI (None without ``?g``).

    Cheap where it can be, exact everywhere: a row that is, byte for byte, a local line's
    :func:`tsv_key` (and, with ``?g``, the graph's IRI as N-Triples writes it) is that line: the
    key has exactly two tabs, at the places of the row's two separators (a TSV term holds no
    tab), so each term of the row is written exactly as a term of the line, and a TSV term
    written as in N-Triples means what it means there. Every other row (a term written another
    way: Oxigraph writes ``"7"^^xsd:integer`` as ``7``, and control characters unescaped; a
    triple not sent) is read by pyoxigraph's TSV parser and written again by its N-Triples
    serialiser. Raises :class:`_Unreadable` when the parser cannot hold a term of it, and
    ``SyntaxError``/``ValueError`` for an answer that is not TSV results."""
    rows = data.split(b"\n")
    header = rows[0].rstrip(b"\r")
    out: dict[str | None, list[bytes]] = {}
    rest: list[bytes] = []
    if header == _TSV_HEADERS[0]:
        keyed = {nt_iri(g.iri).encode("utf-8"): (g.iri, {tsv_key(line): line for line in g.lines}) for g in graphs}
        for row in rows[1:]:
            name, _, key = row.partition(b"\t")
            known = keyed.get(name)
            line = known[1].get(key) if known is not None else None
            if known is None or line is None:
                rest.append(row)
            else:
                out.setdefault(known[0], []).append(line)
    elif header == _TSV_HEADERS[1]:
        keys = {tsv_key(line): line for g in graphs for line in g.lines}
        found = out.setdefault(None, [])
        for row in rows[1:]:
            line = keys.get(row)
            if line is None:
                rest.append(row)
            else:
                found.append(line)
    else:
        rest = rows[1:]
    rest = [row for row in rest if row]
    if not rest:
        return out
    has_graph = b"?g" in header.split(b"\t")
    by_graph: dict[str | None, list[ox.Triple]] = {}
    try:
        solutions = ox.parse_query_results(header + b"\n" + b"\n".join(rest) + b"\n",
                                           format=ox.QueryResultsFormat.TSV)
        if not isinstance(solutions, ox.QuerySolutions):
            raise ValueError("not the answer to a SELECT query")
        for sol in solutions:
            g = sol["g"] if has_graph else None
            by_graph.setdefault(g.value if g is not None else None, []).append(
                ox.Triple(sol["s"], sol["p"], sol["o"]))
    except MemoryError as exc:
        if not is_buffer_error(exc):
            raise
        raise _Unreadable() from None
    for g, triples in by_graph.items():
        written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        out.setdefault(g, []).extend(line for line in written.split(b"\n") if line)
    return out


def _json_lines(info: RequestInfo, r: requests.Response) -> dict[str | None, list[bytes]]:
    """The triples of a SPARQL JSON answer, as :func:`tsv_lines` gives them. Read by pyoxigraph's
    SPARQL JSON results parser, or, where it refuses one (older forms such as ``typed-literal``),
    term by term (:func:`treatykg.sparql_results.json_term`)."""
    rows: list[tuple[str | None, ox.Triple]] | None = None
    try:
        solutions = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
        rows = [(g.value if (g := sol["g"]) is not None else None, ox.Triple(sol["s"], sol["p"], sol["o"]))
                for sol in solutions]
    except (SyntaxError, ValueError, TypeError, KeyError, MemoryError):
        pass  # (MemoryError: a term longer than the parser's 16 MiB buffer, a huge literal)
    if rows is None:
        try:
            bnodes: dict[str, ox.BlankNode] = {}
            rows = [(row["g"]["value"] if "g" in row else None,
                     ox.Triple(json_term(row["s"], bnodes), json_term(row["p"], bnodes),
                               json_term(row["o"], bnodes)))
                    for row in r.json()["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise EndpointError(f"POST {info.url}: the answer to a SELECT query is not SPARQL JSON "
                                f"results ({type(exc).__name__}): {first_lines(answer_text(r), 1, 120)!r}") from None
    by_graph: dict[str | None, list[ox.Triple]] = {}
    for g, triple in rows:
        by_graph.setdefault(g, []).append(triple)
    out: dict[str | None, list[bytes]] = {}
    for g, triples in by_graph.items():
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        out[g] = [line for line in data.split(b"\n") if line]
    return out


def _compare(graph: LocalGraph, report: GraphReport, seen: set[bytes], extra: list[bytes]) -> None:
    """``report.same`` (every local line ``seen`` at the endpoint, nothing ``extra``) and, when
    not, ``report.difference``."""
    report.same = not extra and len(seen) == len(set(graph.lines))
    if not report.same:
        missing = [line for line in graph.lines if line not in seen]
        report.difference = _difference(missing, extra, report.remote_triples == graph.triples)


class _CutShort(Exception):
    """The endpoint cut its answer at this many rows (``X-SPARQL-MaxRows``)."""


def subject_ranges(lines: list[bytes], limit: int) -> list[tuple[str | None, str | None]]:
    """Ranges ``[lo, hi)`` of subject IRIs (code point order, as SPARQL compares strings), each
    holding at most ``limit`` of the N-Triples ``lines`` (a subject with more is a range of its
    own). Together they cover every string: the first has no lower bound (None), the last no
    upper bound, so a triple the endpoint holds lands in exactly one range whatever its subject.
    """
    per_subject: dict[bytes, int] = {}
    for line in lines:
        subject = line[1:line.index(b"> ")] if line.startswith(b"<") else line.split(b" ", 1)[0]
        per_subject[subject] = per_subject.get(subject, 0) + 1
    starts: list[str | None] = []
    size = 0
    for subject in sorted(per_subject):  # UTF-8 bytes sort in code point order
        n = per_subject[subject]
        if size and size + n > limit:
            starts.append(subject.decode("utf-8"))
            size = 0
        size += n
    bounds: list[str | None] = [None, *starts, None]
    return list(zip(bounds[:-1], bounds[1:]))


def _read_query(iri: str, lo: str | None, hi: str | None) -> str:
    """``SELECT ?s ?p ?o`` of graph ``iri``, subjects in ``[lo, hi)`` (bounds written by pyoxigraph)."""
    cond = ([f"STR(?s) >= {ox.Literal(lo)}"] if lo is not None else []) + \
           ([f"STR(?s) < {ox.Literal(hi)}"] if hi is not None else [])
    where = f" FILTER({' && '.join(cond)})" if cond else ""
    return f"SELECT ?s ?p ?o WHERE {{ GRAPH {nt_iri(iri)} {{ ?s ?p ?o }}{where} }}"


def _read_many_query(iris: list[str]) -> str:
    """``SELECT ?g ?s ?p ?o`` of the graphs ``iris`` (written by pyoxigraph)."""
    return ("SELECT ?g ?s ?p ?o WHERE { VALUES ?g { " + " ".join(nt_iri(i) for i in iris)
            + " } GRAPH ?g { ?s ?p ?o } }")


def _shown(line: bytes, width: int = 300) -> str:
    text = line.decode("utf-8", errors="replace")
    return text if len(text) <= width else text[:width] + f"… ({len(text)} characters)"


def _predicate_end(line: bytes) -> int:
    """Where the object of an N-Triples line starts (0 if the line does not read as one)."""
    try:
        return line.index(b" ", line.index(b" ") + 1) + 1
    except ValueError:
        return 0


def _difference(missing: list[bytes], extra: list[bytes], counted_same: bool) -> str:
    """One differing triple, in words: a triple sent and what the endpoint holds instead (same
    subject and predicate) where there is one, else a triple missing or one not sent."""
    counts = f"{len(missing)} triple{'s' * (len(missing) != 1)} sent not at the endpoint, {len(extra)} there not sent"
    if missing:
        first = min(missing)
        key = first[:_predicate_end(first)]
        instead = sorted(x for x in extra if key and x.startswith(key))
        if instead:
            return f"{counts}; sent {_shown(first)} but the endpoint holds {_shown(instead[0])}"
        hint = (" (the count matched: the endpoint may have cut its answer short)"
                if counted_same and not extra else "")
        return f"{counts}; missing at the endpoint: {_shown(first)}{hint}"
    return f"{counts}; at the endpoint, not sent: {_shown(min(extra))}"


def _isomorphic(local: list[bytes], remote: list[bytes]) -> bool:
    """Whether two sets of N-Triples lines with blank nodes are the same graph (rdflib)."""
    import rdflib
    from rdflib.compare import isomorphic

    a, b = rdflib.Graph(), rdflib.Graph()
    a.parse(data=b"\n".join(local).decode("utf-8"), format="nt")
    b.parse(data=b"\n".join(remote).decode("utf-8"), format="nt")
    return isomorphic(a, b)
