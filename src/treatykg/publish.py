"""Publish named graphs to a SPARQL endpoint: atomic, idempotent, authenticated, verified.

>>> from treatykg.publish import push
>>> report = push("out/graphs", "http://localhost:7878", profile="oxigraph")   # doctest: +SKIP
>>> report.ok, [g.remote_triples for g in report.graphs]                       # doctest: +SKIP

What :func:`push` does, for every named graph found under ``path``:

1. **Replace the graph in one step, atomic where the store makes it so** (see each
   :class:`Profile`'s ``atomic``: Oxigraph yes, Virtuoso no). A graph that fits in
   ``batch_bytes`` (and the profile's ``batch_triples``: Virtuoso turns each triple into lines
   of SQL and refuses more than 10,000 lines, SP031) goes in one request: a SPARQL 1.1 Update ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g>
   { … } }`` (sent as ``application/sparql-update``), or, for stores that run each Graph
   Store Protocol request in one transaction (Fuseki, GraphDB), a GSP ``PUT``. A larger
   graph goes in size-bounded batches into a temporary graph ``<urn:treatykg:tmp:…>``
   (a fixed name per graph, so a re-run clears what a failed run left); the temporary
   graph is counted and, only when complete, moved into place with ``MOVE GRAPH <tmp>
   TO <g>`` in one update request. The old graph stays untouched until that request.

   Small graphs travel together: consecutive graphs that each fit one request, without blank
   nodes, on a store replaced by updates, go several to a request while their bytes fit
   ``batch_bytes`` and their triples the profile's ``batch_triples`` and ``read_rows``. Of
   such a group, the graphs the endpoint does not hold yet (one query: ``FILTER NOT EXISTS``)
   are created by one Graph Store ``POST`` of N-Quads where the profile loads batches by the
   Graph Store Protocol (Oxigraph: its loader, the fastest way in; there is nothing to
   replace, so nothing for atomicity to protect, and the read-back below checks them); the
   others are replaced by one update, ``DROP SILENT GRAPH`` each then one ``INSERT DATA``
   (one transaction on Oxigraph: every graph of it replaced at once). The group is read back
   in one query (``VALUES ?g``) and each graph compared on its own. On Oxigraph (the
   profile's ``overlap``) a group is read back, in a thread of its own, while the next group
   is sent: the client compares while the store loads (two requests at once, one writing and
   one reading other graphs; the push fails when either does).

   ``MOVE`` is sent without ``SILENT`` and is never blindly retried: on Oxigraph and
   Virtuoso a ``MOVE`` whose source graph is missing *empties the target*, so a retried
   ``MOVE`` after a lost response would destroy the graph just published. Before a retry
   the temporary graph is counted again (complete: retry; empty and the target complete:
   done; anything else: fail).
2. **Data never becomes code.** Every IRI and literal of a request is written by
   pyoxigraph's N-Triples serialiser (``str(NamedNode)``, ``pyoxigraph.serialize``);
   nothing read from a file is pasted into a query by hand.
3. **Verify the content, not only the count.** Each graph's triples are counted at the
   endpoint (``SELECT (COUNT(*) AS ?n) WHERE { GRAPH <g> { ?s ?p ?o } }``), then read back
   (``SELECT ?s ?p ?o WHERE { GRAPH <g> { ?s ?p ?o } }``, SPARQL JSON results, which carry
   every term exactly: datatype, language tag, any length; on Oxigraph TSV results, cheaper to
   write and to read, see :func:`treatykg.publish_verify.tsv_lines`) and compared with what was
   sent, triple by triple: each term is written by pyoxigraph's N-Triples serialiser, and the
   set of lines the endpoint returns must be the set of local lines (treatykg's graphs have no blank
   nodes, so this is the canonical form; a graph with blank nodes is compared by
   isomorphism, with rdflib). A large graph is read in pages of at most the profile's
   ``read_rows`` triples, each page a range of subjects (``FILTER(STR(?s) >= "…" && STR(?s) <
   "…")``, the bounds taken from the local subjects, the first and last ranges open), so no
   answer is larger than a store returns whole (Virtuoso cuts answers at ``ResultSetMaxRows``,
   10,000 by default, and says so in ``X-SPARQL-MaxRows``: such an answer is a failure, never
   a short read taken as the graph). A store that rewrites a literal (Oxigraph keeps an
   ``xsd:nonNegativeInteger`` as an ``xsd:integer``) fails the check. Any difference raises
   :class:`VerificationError` (exit code 7) once every graph has been pushed, naming the
   graph and one differing triple; the report is attached.
4. **Retry** on connection errors, timeouts, HTTP 429 and 5xx, with exponential backoff
   honouring ``Retry-After``. Errors (:class:`~treatykg.errors.EndpointError`, exit 7)
   name the method, the URL without credentials, the HTTP status and the first lines of
   the server's answer.
5. **Leave the evidence out when asked** (``evidence=False``, ``push --no-evidence``): a
   graph that says of itself ``<g> a tkg:EvidenceGraph`` is not sent (nor deleted at the
   endpoint: a copy pushed earlier stays as it was); the report lists the graphs left out.
6. **Authenticate** with Basic, Digest or Bearer credentials from ``TREATYKG_TOKEN``,
   ``TREATYKG_USER``/``TREATYKG_PASSWORD``, credentials in the endpoint URL, or
   ``~/.netrc`` (``NETRC`` names another file). Secrets never appear in a message, a
   report or a ``repr``.

Where each part lives (this module is the front door and the transport, and re-exports the
names callers import): :mod:`treatykg.publish_profiles` (the stores' profiles, endpoint URLs,
credentials), :mod:`treatykg.publish_graphs` (the graphs read from the files),
:mod:`treatykg.publish_http` (sending, retrying, error messages), :mod:`treatykg.publish_verify`
(the read-back check of point 3), :mod:`treatykg.publish_report` (the result objects).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import hashlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable

import requests

from .errors import EndpointError, InputError
from .net import redact_url
from .publish_graphs import EVIDENCE_GRAPH, LocalGraph, nt_iri as _iri, read_graphs
from .publish_http import _retry_after  # noqa: F401  (tests import it from here)
from .publish_http import Client, answer_text, first_lines
from .publish_profiles import PROFILES, BearerAuth, Endpoints, Profile, endpoints as _endpoints, query_url, resolve_auth
from .publish_report import GraphReport, PushReport, RequestInfo, graph_line
from .publish_verify import ReadBack, subject_ranges

__all__ = [
    "PROFILES", "Profile", "PushReport", "GraphReport", "RequestInfo", "VerificationError",
    "push", "read_graphs", "resolve_auth", "redact_url", "BearerAuth", "graph_line", "query_url",
    "subject_ranges", "EVIDENCE_GRAPH",
]

DEFAULT_TIMEOUT = (10.0, 300.0)
DEFAULT_RETRIES = 4
TMP_PREFIX = "urn:treatykg:tmp:"
#: A batch holding a line longer than this goes as a SPARQL update, not a Graph Store request
#: (Oxigraph parses N-Triples with a 16 MiB buffer per token; a SPARQL update is parsed whole).
GSP_LINE_LIMIT = 8 * 1024 * 1024
_UPDATE_TYPE = "application/sparql-update; charset=utf-8"
_NT_TYPE = "application/n-triples"
_NQ_TYPE = "application/n-quads"


class VerificationError(EndpointError):
    """After a push, a graph at the endpoint does not hold exactly its local triples.

    Exit code 7, like every endpoint failure. ``report`` is the :class:`PushReport`.
    """

    exit_code = 7

    def __init__(self, message: str, *, report: "PushReport", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.report = report



# ---------------------------------------------------------------- requests
def tmp_graph(iri: str) -> str:
    """The temporary graph of ``iri``: a fixed name, so a re-run clears a failed run's leftovers."""
    return TMP_PREFIX + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:32]


def _count_query(iri: str) -> str:
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(iri)} {{ ?s ?p ?o }} }}"


def _insert(iri: str, lines: Iterable[bytes], *, drop_first: bool, blank_nodes: bool = False) -> bytes:
    """``[DROP SILENT GRAPH <g> ;] INSERT DATA { GRAPH <g> { …lines… } }``. With blank nodes,
    ``INSERT { … } WHERE {}`` instead: the same triples (one fresh node per label), and
    accepted by Virtuoso, which refuses blank nodes in INSERT DATA (SP031)."""
    g = _iri(iri).encode("utf-8")
    head = (b"DROP SILENT GRAPH " + g + b" ;\n") if drop_first else b""
    verb, tail = (b"INSERT", b"\n} } WHERE {}\n") if blank_nodes else (b"INSERT DATA", b"\n} }\n")
    return head + verb + b" { GRAPH " + g + b" {\n" + b"\n".join(lines) + tail


def _quads(graph: LocalGraph) -> bytes:
    """The graph's N-Triples lines (``s p o .``, as pyoxigraph writes them) as N-Quads."""
    tail = b" " + _iri(graph.iri).encode("utf-8") + b" .\n"
    return b"".join(line[:-2] + tail for line in graph.lines)


def _insert_many(graphs: list[LocalGraph]) -> bytes:
    """``DROP SILENT GRAPH <g1> ; … ; INSERT DATA { GRAPH <g1> { … } GRAPH <g2> { … } … }``: several
    small graphs replaced by one request (one transaction on Oxigraph)."""
    names = [_iri(g.iri).encode("utf-8") for g in graphs]
    drops = b"".join(b"DROP SILENT GRAPH " + n + b" ;\n" for n in names)
    data = b"".join(b"GRAPH " + n + b" {\n" + b"\n".join(g.lines) + b"\n}\n" for n, g in zip(names, graphs))
    return drops + b"INSERT DATA {\n" + data + b"}\n"


def _batches(lines: list[bytes], limit: int, max_lines: int | None = None) -> list[list[bytes]]:
    out: list[list[bytes]] = [[]]
    size = 0
    for line in lines:
        if out[-1] and (size + len(line) + 1 > limit or (max_lines is not None and len(out[-1]) >= max_lines)):
            out.append([])
            size = 0
        out[-1].append(line)
        size += len(line) + 1
    return out



class _Publisher:
    """Sends one graph after another: replaced in one request, or in batches and a MOVE (see the
    module doc), then counted and read back (:class:`treatykg.publish_verify.ReadBack`)."""

    def __init__(self, client: Client, reader: Client, urls: Endpoints, profile: Profile, batch_bytes: int,
                 dry_run: bool):
        self.client = client
        self.read_back = ReadBack(reader, urls.query, profile.read_rows, dry_run, profile.read_format)
        self.urls = urls
        self.profile = profile
        self.batch_bytes = batch_bytes
        self.dry_run = dry_run

    # -- primitive requests -------------------------------------------------
    def _go(self, report: GraphReport, info: RequestInfo, url: str, **kw) -> requests.Response | None:
        report.requests.append(info)
        if self.dry_run:
            return None
        return self.client.send(info, url, **kw)

    def update(self, report: GraphReport, body: bytes, what: str, **kw) -> None:
        info = RequestInfo("POST", redact_url(self.urls.update), what, _UPDATE_TYPE, len(body))
        self._go(report, info, self.urls.update, data=body, headers={"Content-Type": _UPDATE_TYPE}, **kw)

    def gsp(self, report: GraphReport, method: str, graph: str, lines: list[bytes], what: str) -> None:
        body = b"\n".join(lines) + b"\n"
        shown = f"{redact_url(self.urls.store)}?graph={graph}"
        info = RequestInfo(method, shown, what, _NT_TYPE, len(body))
        self._go(report, info, self.urls.store, data=body, params={"graph": graph},
                 headers={"Content-Type": _NT_TYPE})

    def count(self, graph: str, report: GraphReport | None = None, what: str = "verify",
              client: Client | None = None) -> int | None:
        client = client or self.client
        q = _count_query(graph)
        info = RequestInfo("POST", redact_url(self.urls.query), f"{what}: count the triples of <{graph}>",
                           "application/x-www-form-urlencoded", len(q.encode("utf-8")))
        if report is not None:
            report.requests.append(info)
        if self.dry_run:
            return None
        r = client.send(info, self.urls.query, data={"query": q},
                        headers={"Accept": "application/sparql-results+json"})
        try:
            bindings = r.json()["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0
        except (ValueError, KeyError, IndexError, TypeError):
            raise EndpointError(f"POST {info.url}: the answer to a COUNT query is not SPARQL JSON results: "
                                f"{first_lines(answer_text(r), 1, 120)!r}") from None

    # -- small graphs together -------------------------------------------------
    def groupable(self, graph: LocalGraph) -> bool:
        """Whether ``graph`` may share its replacing request with others: a graph replaced by an
        update (not a GSP PUT), without blank nodes (scoped to a request), that fits in one
        request and in one read-back answer."""
        return (self.profile.replace == "update" and not graph.has_blank_nodes
                and graph.nbytes <= self.batch_bytes and graph.triples <= self.read_back.read_rows
                and (self.profile.batch_triples is None or graph.triples <= self.profile.batch_triples))

    def groups(self, graphs: list[LocalGraph]) -> Iterable[list[LocalGraph]]:
        """The graphs in order, consecutive groupable ones together while their bytes fit
        ``batch_bytes`` and their triples the profile's ``batch_triples`` and ``read_rows``."""
        group: list[LocalGraph] = []
        nbytes = triples = 0
        cap = min(self.read_back.read_rows, self.profile.batch_triples or self.read_back.read_rows)
        for graph in graphs:
            if not self.groupable(graph):
                if group:
                    yield group
                    group, nbytes, triples = [], 0, 0
                yield [graph]
                continue
            if group and (nbytes + graph.nbytes > self.batch_bytes or triples + graph.triples > cap):
                yield group
                group, nbytes, triples = [], 0, 0
            group.append(graph)
            nbytes += graph.nbytes
            triples += graph.triples
        if group:
            yield group

    def publish_all(self, graphs: list[LocalGraph], done: Callable[[GraphReport], None]) -> None:
        """Send every graph and read each back (:meth:`send`, :meth:`check`), group after group,
        ``done`` called with each graph's report in order. Where the profile allows it
        (``overlap``), a group is read back in a thread while the next one is sent: the client
        compares while the store loads. One group at most waits to be read back; a failure
        raises once the group being read back is done."""
        overlap = self.profile.overlap and not self.dry_run
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="treatykg-read-back") as reader:
            pending: Future[list[GraphReport]] | None = None
            try:
                for group in self.groups(graphs):
                    reports = self.send(group)
                    if pending is not None:
                        _each(pending.result(), done)
                        pending = None
                    if overlap:
                        pending = reader.submit(self.check, group, reports)
                    else:
                        _each(self.check(group, reports), done)
                if pending is not None:
                    _each(pending.result(), done)
                    pending = None
            except BaseException:
                if pending is not None and pending.exception() is None:   # (waits for it)
                    _each(pending.result(), done)   # in the partial report; the first failure is raised
                raise

    def send(self, graphs: list[LocalGraph]) -> list[GraphReport]:
        """Put ``graphs`` (one of :meth:`groups`) at the endpoint; their reports, to :meth:`check`.

        A group of several: two requests for all of them. Graphs the endpoint does not hold yet go
        in one Graph Store POST of N-Quads (where the profile loads batches by the Graph Store
        Protocol: nothing to replace, so the store's own loader, the fastest way in); the others
        are replaced in one update (``DROP SILENT GRAPH`` each, one ``INSERT DATA``). One graph
        alone: :meth:`send_one`."""
        if len(graphs) == 1:
            return [self.send_one(graphs[0])]
        reports = {g.iri: GraphReport(g.iri, g.sources, g.triples) for g in graphs}
        absent = self.absent(graphs, reports)
        new = [g for g in graphs if g.iri in absent]
        if new:
            self._together(new, reports, "create", "POST", self.urls.store or "", _NQ_TYPE,
                           b"".join(_quads(g) for g in new),
                           "by one Graph Store POST (it was not at the endpoint)")
        old = [g for g in graphs if g.iri not in absent]
        if old:
            self._together(old, reports, "replace", "POST", self.urls.update, _UPDATE_TYPE, _insert_many(old),
                           "in one update: DROP SILENT GRAPH + INSERT DATA")
        return [reports[g.iri] for g in graphs]

    def check(self, graphs: list[LocalGraph], reports: list[GraphReport]) -> list[GraphReport]:
        """Read ``graphs`` back, as :meth:`send` left them, and compare each with what was sent
        (one graph alone: counted, then read in subject ranges; several: read in one query)."""
        if len(graphs) == 1:
            reports[0].remote_triples = self.count(graphs[0].iri, reports[0], client=self.read_back.client)
            self.read_back.verify(graphs[0], reports[0])
        else:
            self.read_back.verify_many(graphs, reports)
        return reports

    def _together(self, graphs: list[LocalGraph], reports: dict[str, GraphReport], verb: str, method: str,
                  url: str, media_type: str, body: bytes, how: str) -> None:
        """One request for ``graphs``: listed in each graph's report (nothing sent in a dry run)."""
        info = RequestInfo(method, redact_url(url), f"{verb} {len(graphs)} graphs "
                           f"({sum(g.triples for g in graphs)} triples), <{graphs[0].iri}> …", media_type, len(body))
        for g in graphs:
            reports[g.iri].strategy = f"with {len(graphs) - 1} other graphs {how}"
            reports[g.iri].requests.append(info)
        if not self.dry_run:
            self.client.send(info, url, data=body, headers={"Content-Type": media_type})

    def absent(self, graphs: list[LocalGraph], reports: dict[str, GraphReport]) -> set[str]:
        """The IRIs of ``graphs`` the endpoint holds no triple of (one query), when the profile
        loads by the Graph Store Protocol; none in a dry run (nothing is asked)."""
        if self.dry_run or self.profile.batches != "gsp" or self.urls.store is None:
            return set()
        if any(len(line) > GSP_LINE_LIMIT for g in graphs for line in g.lines):
            return set()
        q = ("SELECT ?g WHERE { VALUES ?g { " + " ".join(_iri(g.iri) for g in graphs)
             + " } FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        info = RequestInfo("POST", redact_url(self.urls.query), f"which of {len(graphs)} graphs are new",
                           "application/x-www-form-urlencoded", len(q.encode("utf-8")))
        for report in reports.values():
            report.requests.append(info)
        r = self.client.send(info, self.urls.query, data={"query": q},
                             headers={"Accept": "application/sparql-results+json"})
        if r is None:  # (only a step with before_retry has no answer): replace them all
            return set()
        try:
            return {row["g"]["value"] for row in r.json()["results"]["bindings"]}
        except (ValueError, KeyError, TypeError):
            raise EndpointError(f"POST {info.url}: the answer to a SELECT query is not SPARQL JSON results: "
                                f"{first_lines(answer_text(r), 1, 120)!r}") from None

    # -- one graph -----------------------------------------------------------
    def send_one(self, graph: LocalGraph) -> GraphReport:
        """Replace ``graph`` alone: in one request, or in batches into its temporary graph and a
        ``MOVE`` (see the module doc)."""
        report = GraphReport(graph.iri, graph.sources, graph.triples)
        # A Graph Store request is parsed as N-Triples, line by line: Oxigraph's parser holds at most
        # 16 MiB of one line, so a graph with a longer one goes as a SPARQL update (parsed whole).
        long_line = any(len(line) > GSP_LINE_LIMIT for line in graph.lines)
        use_gsp_batches = self.profile.batches == "gsp" and self.urls.store is not None
        use_gsp_put = self.profile.replace == "gsp" and self.urls.store is not None and not long_line
        fits = graph.nbytes <= self.batch_bytes and (self.profile.batch_triples is None
                                                     or graph.triples <= self.profile.batch_triples)
        if fits or graph.has_blank_nodes:
            # blank nodes are scoped to one request: such a graph is never split.
            if use_gsp_put:
                report.strategy = "one Graph Store PUT"
                self.gsp(report, "PUT", graph.iri, graph.lines, f"replace <{graph.iri}>")
            else:
                report.strategy = "one update: DROP SILENT GRAPH + INSERT DATA"
                self.update(report, _insert(graph.iri, graph.lines, drop_first=True,
                                            blank_nodes=graph.has_blank_nodes),
                            f"replace <{graph.iri}> ({graph.triples} triples)")
        else:
            self._publish_batched(graph, report, use_gsp_batches)
        return report

    def _publish_batched(self, graph: LocalGraph, report: GraphReport, use_gsp: bool) -> None:
        tmp = tmp_graph(graph.iri)
        batches = _batches(graph.lines, self.batch_bytes, self.profile.batch_triples)
        report.strategy = (f"{len(batches)} batches into <{tmp}> by "
                           f"{'Graph Store PUT/POST' if use_gsp else 'INSERT DATA'}, then MOVE")
        for i, lines in enumerate(batches):
            what = f"batch {i + 1}/{len(batches)} ({len(lines)} triples) into the temporary graph"
            if use_gsp and not any(len(line) > GSP_LINE_LIMIT for line in lines):
                self.gsp(report, "PUT" if i == 0 else "POST", tmp, lines, what)
            else:
                self.update(report, _insert(tmp, lines, drop_first=i == 0), what)
        got = self.count(tmp, report, "check the temporary graph is complete")
        if got is not None and got != graph.triples:
            raise EndpointError(f"the temporary graph <{tmp}> holds {got} triples, not {graph.triples}; "
                                f"<{graph.iri}> was left as it was", hint="run the push again")

        def moved_already() -> bool:
            left = self.count(tmp, None, "before retrying MOVE")
            if left == graph.triples:
                return False
            if left == 0 and self.count(graph.iri, None, "before retrying MOVE") == graph.triples:
                return True
            raise EndpointError(f"MOVE of <{tmp}> to <{graph.iri}> failed half-way ({left} triples left "
                                "in the temporary graph)", hint="run the push again")

        body = f"MOVE GRAPH {_iri(tmp)} TO {_iri(graph.iri)}\n".encode("utf-8")
        self.update(report, body, f"move the temporary graph into place as <{graph.iri}>",
                    before_retry=moved_already)


def _each(reports: list[GraphReport], done: Callable[[GraphReport], None]) -> None:
    for report in reports:
        done(report)


# ---------------------------------------------------------------- the front door
def push(path: str | Path, endpoint: str, *, profile: str, query_url: str | None = None,
         update_url: str | None = None, store_url: str | None = None, dry_run: bool = False,
         auth: Any = None, auth_scheme: str | None = None,
         timeout: float | tuple[float, float] = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
         backoff: float = 0.5, batch_bytes: int | None = None, evidence: bool = True,
         on_request: Callable[[RequestInfo], None] | None = None,
         on_graph: Callable[[GraphReport], None] | None = None) -> PushReport:
    """Publish every named graph under ``path`` to ``endpoint``, each replaced in one step (atomic
    where the store allows it: see :data:`PROFILES`), and verify that each holds exactly the
    triples sent (read back and compared, see the module doc).

    ``path``: a .nq/.trig/.nt/.ttl file, or a folder (every .nq/.trig below it, a ``store`` folder
    skipped). ``profile``: a key of :data:`PROFILES`; ``query_url``/``update_url``/``store_url``
    override its endpoints. ``auth``: an ``requests`` AuthBase or a (user, password) pair; by
    default credentials come from the environment or ``~/.netrc`` (see :func:`resolve_auth`);
    ``auth_scheme`` (``basic``/``digest``) overrides the profile's. ``timeout``: seconds, or
    (connect, read). ``batch_bytes``: the largest body of one batch (default: the profile's).
    ``evidence=False`` leaves out the graphs that say they are a ``tkg:EvidenceGraph`` (listed
    in ``report.skipped``; a .nt/.ttl file whose evidence shares the document graph is an
    InputError then). ``on_request`` is called before every HTTP request, ``on_graph`` after
    every graph.

    Raises :class:`~treatykg.errors.InputError` / :class:`~treatykg.errors.RDFError` for the
    input, :class:`~treatykg.errors.EndpointError` when the endpoint fails (the partial report
    is ``exc.report``), :class:`VerificationError` when a graph read back is not the graph sent.
    """
    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r} (expected one of {', '.join(PROFILES)})")
    prof = PROFILES[profile]
    if retries < 0:
        raise InputError("retries must be 0 or more")
    limit = batch_bytes or prof.batch_bytes
    if limit < 1:
        raise InputError("batch_bytes must be positive")
    urls = _endpoints(prof, endpoint, query_url, update_url, store_url)
    graphs = read_graphs(path)
    report = PushReport(redact_url(endpoint), profile, dry_run)
    if not evidence:
        mixed = [g for g in graphs if g.mixed_evidence]
        if mixed:
            raise InputError("the evidence is in the document graph here (a file without named graphs): "
                             "it cannot be left out", path=mixed[0].sources[0],
                             hint="push the .nq or .trig file of the document, which keeps the evidence "
                                  "in a graph of its own")
        report.skipped = [g.iri for g in graphs if g.evidence]
        graphs = [g for g in graphs if not g.evidence]
    client, reader = (Client(auth_scheme or prof.auth_scheme, auth, timeout, retries, backoff, on_request)
                      for _ in range(2))   # one sends, the other reads back (maybe in a thread of its own)
    publisher = _Publisher(client, reader, urls, prof, limit, dry_run)

    def done(graph: GraphReport) -> None:
        report.graphs.append(graph)
        if on_graph is not None:
            on_graph(graph)

    started = time.perf_counter()
    try:
        publisher.publish_all(graphs, done)
    except EndpointError as exc:
        exc.report = report  # type: ignore[attr-defined]
        raise
    finally:
        report.seconds = time.perf_counter() - started
        report.requests_sent = client.sent + reader.sent
        report.bytes_sent = client.nbytes + reader.nbytes
        client.session.close()
        reader.session.close()
    bad = report.mismatches
    if bad:
        first = bad[0]
        what = first.difference or (f"{first.remote_triples} triples at the endpoint, "
                                    f"{first.local_triples} locally")
        more = f" (and {len(bad) - 1} more: see the lines above)" if len(bad) > 1 else ""
        raise VerificationError(f"{len(bad)} of {len(report.graphs)} graphs differ after the push: "
                                f"<{first.graph}>: {what}{more}", report=report,
                                hint="a store that rewrites literals (write the types it keeps), or another "
                                     "writer; run the push again, then compare the graphs")
    return report

