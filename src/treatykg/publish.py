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
   every term exactly: datatype, language tag, any length) and compared with what was sent,
   triple by triple: each term is written by pyoxigraph's N-Triples serialiser, and the set of
   lines the endpoint returns must be the set of local lines (treatykg's graphs have no blank
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

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import email.utils
import hashlib
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from . import net
from .errors import EndpointError, InputError, RDFError
from .net import redact_url
from .rdfio import read_quads
from .sparql import json_term

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
DOCUMENT_GRAPH = "https://w3id.org/treatykg/ontology#DocumentGraph"
EVIDENCE_GRAPH = "https://w3id.org/treatykg/ontology#EvidenceGraph"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUFFIX_FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE,
}
_RDF_TYPE = ox.NamedNode(RDF_TYPE)
_EVIDENCE_GRAPH = ox.NamedNode(EVIDENCE_GRAPH)
_UPDATE_TYPE = "application/sparql-update; charset=utf-8"
_NT_TYPE = "application/n-triples"


class VerificationError(EndpointError):
    """After a push, a graph at the endpoint does not hold exactly its local triples.

    Exit code 7, like every endpoint failure. ``report`` is the :class:`PushReport`.
    """

    exit_code = 7

    def __init__(self, message: str, *, report: "PushReport", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.report = report


# ---------------------------------------------------------------- profiles
@dataclass(frozen=True)
class Profile:
    """Where a kind of store has its endpoints, relative to ``--endpoint``, and how it is written.

    ``replace``: ``update`` (one SPARQL Update request) or ``gsp`` (one Graph Store PUT) for a
    graph that fits in one batch. ``batches``: ``update`` or ``gsp`` for the batches of a larger
    graph into its temporary graph. ``atomic`` says, for the README, what the store guarantees.
    """

    name: str
    query: str | None
    update: str | None
    store: str | None
    replace: str
    batches: str
    auth_scheme: str
    batch_bytes: int
    atomic: str
    #: the most triples read back in one answer when a graph is verified
    read_rows: int = 50_000
    #: the most triples in one request (None: only ``batch_bytes`` bounds a request)
    batch_triples: int | None = None


PROFILES: dict[str, Profile] = {
    "oxigraph": Profile(
        "oxigraph", "/query", "/update", "/store", replace="update", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic: each update request runs in one transaction (tested: a request "
               "failing in its last operation changes nothing); a GSP PUT is not (the graph is "
               "cleared, then loaded), so replacing uses an update, batches use GSP"),
    "fuseki": Profile(
        "fuseki", "/query", "/update", "/data", replace="gsp", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic as documented by Fuseki (each request one write transaction on "
               "TDB/TDB2); not tested here"),
    "virtuoso": Profile(
        "virtuoso", "/sparql-auth", "/sparql-auth", "/sparql-graph-crud-auth", replace="update",
        batches="update", auth_scheme="digest", batch_bytes=64 * 1024,
        atomic="NOT atomic: Virtuoso 7 keeps the operations of a request that fails "
               "half-way (tested), and readers may see the graph between DROP and INSERT; "
               "the window is one request run inside the server, the count check reports a bad "
               "outcome (exit 7) and a re-run repairs it. Large INSERT DATA requests fail "
               "there (SP030), hence 64 KiB batches; no blank nodes in INSERT DATA (SP031)",
        read_rows=8_000,   # under ResultSetMaxRows (10,000 in the shipped virtuoso.ini)
        batch_triples=1_000),  # ~2,000 short triples make more than the 10,000 lines of SQL it allows (SP031)
    "graphdb": Profile(
        "graphdb", "", "/statements", "/rdf-graphs/service", replace="gsp", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic as documented by GraphDB (each request one RDF4J transaction); "
               "not tested here"),
    "generic": Profile(
        "generic", "", "", None, replace="update", batches="gsp",  # gsp only with --store-url
        auth_scheme="basic", batch_bytes=1024 * 1024,
        atomic="one update request; atomic where the store treats a request atomically, "
               "as SPARQL 1.1 Update says it SHOULD",
        read_rows=8_000),
}


# ---------------------------------------------------------------- credentials
class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``; the token never shows in a repr."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def resolve_auth(url: str, scheme: str = "basic", *, auth: Any = None,
                 environ: dict[str, str] | None = None) -> AuthBase | None:
    """The credentials for ``url``: ``auth`` if given (an AuthBase, or a (user, password) pair
    used with ``scheme``), else ``TREATYKG_TOKEN`` (Bearer), else ``TREATYKG_USER`` and
    ``TREATYKG_PASSWORD``, else a user and password in the URL, else ``~/.netrc`` (or the file
    named by ``NETRC``). ``scheme`` is ``basic`` or ``digest``. None when there are none.
    """
    env = os.environ if environ is None else environ

    def pair(user: str, password: str) -> AuthBase:
        return HTTPDigestAuth(user, password) if scheme == "digest" else HTTPBasicAuth(user, password)

    if isinstance(auth, AuthBase):
        return auth
    if isinstance(auth, tuple) and len(auth) == 2:
        return pair(*auth)
    if env.get("TREATYKG_TOKEN"):
        return BearerAuth(env["TREATYKG_TOKEN"])
    if env.get("TREATYKG_USER") and env.get("TREATYKG_PASSWORD") is not None:
        return pair(env["TREATYKG_USER"], env["TREATYKG_PASSWORD"])
    parts = urlsplit(url)
    if parts.username:
        from urllib.parse import unquote
        return pair(unquote(parts.username), unquote(parts.password or ""))
    found = _netrc_auth(url, env)
    if found:
        return pair(*found)
    return None


def _netrc_auth(url: str, env) -> tuple[str, str] | None:
    """(login, password) for the URL's host in ``$NETRC`` or ``~/.netrc``, or None."""
    import netrc

    path = Path(env.get("NETRC") or Path.home() / ".netrc").expanduser()
    host = urlsplit(url).hostname
    if not host or not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:   # its message may quote a secret: not shown
        raise InputError(f"the netrc file does not parse (line {exc.lineno})", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the netrc file: {exc.strerror}", path=str(path)) from None
    if not found:
        return None
    login, _account, password = found
    return login or "", password or ""


# ---------------------------------------------------------------- reading the graphs
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

    @property
    def nbytes(self) -> int:
        return sum(len(x) + 1 for x in self.lines)


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    if path.is_file():
        if path.suffix.lower() not in _SUFFIX_FORMATS:
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
    graphs: dict[str, set[ox.Triple]] = {}
    sources: dict[str, list[str]] = {}
    mixed_in: set[str] = set()
    for file in _files(Path(path)):
        fmt = _SUFFIX_FORMATS[file.suffix.lower()]
        by_graph: dict[Any, set[ox.Triple]] = {}   # graph term -> triples (the hot loop: keep it lean)
        for quad in read_quads(file, fmt):          # literals of any length (treatykg.rdfio)
            bucket = by_graph.get(quad.graph_name)
            if bucket is None:
                bucket = by_graph[quad.graph_name] = set()
            bucket.add(quad.triple)
        here: dict[str, set[ox.Triple]] = {}
        default: set[ox.Triple] = set()
        mixed = False
        for g, triples in by_graph.items():
            if isinstance(g, ox.DefaultGraph):
                default = triples
            elif isinstance(g, ox.NamedNode):
                here[g.value] = triples
            else:
                raise RDFError("a graph named by a blank node cannot be published", path=str(file))
        if default:
            names = {t.subject.value for t in default
                     if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
                     and t.object.value == DOCUMENT_GRAPH and isinstance(t.subject, ox.NamedNode)}
            if len(names) != 1:
                raise RDFError("triples outside a named graph, and no single tkg:DocumentGraph "
                               "among them to name it", path=str(file),
                               hint="convert to .nq or .trig, which keep the graph")
            mixed = any(t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
                        and t.object.value == EVIDENCE_GRAPH for t in default)
            here.setdefault(names.pop(), set()).update(default)
        for iri, triples in here.items():
            if iri in graphs:
                raise InputError(f"graph <{iri}> is also in {sources[iri][0]}; give one copy of each graph",
                                 path=str(file))
            graphs[iri] = triples
            sources[iri] = [str(file)]
            if mixed and default:
                mixed_in.add(iri)
    out = []
    for iri in sorted(graphs):
        triples = graphs[iri]
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        lines = sorted(x for x in data.split(b"\n") if x)
        bnodes = b"_:" in data and any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
                                       for t in triples)
        evidence = ox.Triple(ox.NamedNode(iri), _RDF_TYPE, _EVIDENCE_GRAPH) in triples
        out.append(LocalGraph(iri, lines, sources[iri], bnodes, evidence, iri in mixed_in))
    return out


# ---------------------------------------------------------------- reports
@dataclass
class RequestInfo:
    """One HTTP request, as sent or as it would be sent (``--dry-run``)."""

    method: str
    url: str
    what: str
    content_type: str | None = None
    nbytes: int = 0

    def __str__(self) -> str:
        body = f" ({self.content_type}, {self.nbytes} bytes)" if self.content_type else ""
        return f"{self.method} {self.url}{body}: {self.what}"

    def to_json(self) -> dict:
        return dict(method=self.method, url=self.url, what=self.what,
                    content_type=self.content_type, bytes=self.nbytes)


@dataclass
class GraphReport:
    """What happened to one graph: local and remote triple counts, the requests, and what the
    endpoint returned when the graph was read back (``same``: True when it is exactly the
    triples sent; ``difference``: one differing triple, or why the graph could not be read
    back whole, when it is not)."""

    graph: str
    sources: list[str]
    local_triples: int
    remote_triples: int | None = None
    strategy: str = ""
    requests: list[RequestInfo] = field(default_factory=list)
    same: bool | None = None
    difference: str | None = None

    @property
    def ok(self) -> bool:
        return self.remote_triples == self.local_triples and self.same is not False

    def to_json(self) -> dict:
        return dict(graph=self.graph, sources=self.sources, local_triples=self.local_triples,
                    remote_triples=self.remote_triples, same=self.same, difference=self.difference,
                    strategy=self.strategy, ok=self.ok, requests=[r.to_json() for r in self.requests])


def graph_line(g: GraphReport) -> str:
    """``ok       <graph>  local N  endpoint N`` (``MISMATCH`` when the counts or the triples
    differ, with one differing triple)."""
    state = "ok" if g.ok else "MISMATCH"
    line = f"{state:8s} {g.graph}  local {g.local_triples}  endpoint {g.remote_triples}"
    return line if g.ok or not g.difference else f"{line}  ({g.difference})"


@dataclass
class PushReport:
    """The result of :func:`push`: one :class:`GraphReport` per graph."""

    endpoint: str
    profile: str
    dry_run: bool
    graphs: list[GraphReport] = field(default_factory=list)
    seconds: float = 0.0
    requests_sent: int = 0
    bytes_sent: int = 0
    #: the evidence graphs left out (``evidence=False``), not sent
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dry_run or all(g.ok for g in self.graphs)

    @property
    def triples(self) -> int:
        return sum(g.local_triples for g in self.graphs)

    @property
    def mismatches(self) -> list[GraphReport]:
        return [] if self.dry_run else [g for g in self.graphs if not g.ok]

    def summary(self) -> str:
        """One line: how many graphs and triples went where, in how long (and how many evidence
        graphs were left out)."""
        left_out = (f"; {len(self.skipped)} evidence graph{'s' * (len(self.skipped) != 1)} left out "
                    "(--no-evidence)") if self.skipped else ""
        if self.dry_run:
            return "dry run: nothing sent" + left_out
        return (f"{len(self.graphs)} graph{'s' * (len(self.graphs) != 1)}, {self.triples} triples pushed to "
                f"{self.endpoint} ({self.profile}) and read back in {self.seconds:.2f} s, "
                f"{self.requests_sent} requests{left_out}")

    def __str__(self) -> str:
        lines = [self.summary()]
        for g in self.graphs:
            if self.dry_run:
                lines.append(f"{g.graph}  {g.local_triples} triples  [{g.strategy}]")
                lines.extend(f"    {r}" for r in g.requests)
            else:
                lines.append(graph_line(g))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return dict(endpoint=self.endpoint, profile=self.profile, dry_run=self.dry_run, ok=self.ok,
                    seconds=round(self.seconds, 3), requests_sent=self.requests_sent,
                    bytes_sent=self.bytes_sent, graphs=[g.to_json() for g in self.graphs],
                    skipped=list(self.skipped))


# ---------------------------------------------------------------- HTTP
def _first_lines(text: str, n: int = 3, width: int = 200) -> str:
    lines = [ln.strip()[:width] for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[:n])


def _text(response: requests.Response) -> str:
    """The answer's text: its declared charset, else UTF-8 (Virtuoso declares none on errors)."""
    charset = "charset=" in response.headers.get("Content-Type", "").lower() and response.encoding
    return response.content.decode(charset or "utf-8", errors="replace")


def _retry_after(response: requests.Response | None, attempt: int, backoff: float) -> float:
    delay = backoff * (2 ** attempt) * (1 + random.random() / 4)
    if response is not None:
        value = response.headers.get("Retry-After")
        if value:
            try:
                delay = float(value)
            except ValueError:
                try:
                    delay = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
                except (TypeError, ValueError, IndexError):
                    pass  # unreadable: keep the backoff
    return max(0.0, min(delay, 120.0))


class _Client:
    """requests with retries, timeouts, credentials and messages that never show a secret."""

    def __init__(self, scheme: str, auth: Any, timeout, retries: int, backoff: float,
                 on_request: Callable[[RequestInfo], None] | None):
        self.session = net.session(_user_agent())
        self._scheme = scheme
        self._auth_arg = auth
        self._auth: dict[str, AuthBase | None] = {}
        # seconds for a whole request (net.deadline), and at most for connecting
        self.connect, self.timeout = (timeout if isinstance(timeout, tuple) else (min(10.0, timeout), timeout))
        self.retries = retries
        self.backoff = backoff
        self.on_request = on_request
        self.sent = 0
        self.nbytes = 0
        self.secrets: list[str] = []

    def __repr__(self) -> str:
        return "_Client(***)"

    def auth_for(self, url: str) -> AuthBase | None:
        key = urlsplit(url).netloc
        if key not in self._auth:
            auth = resolve_auth(url, self._scheme, auth=self._auth_arg)
            self._auth[key] = auth
            self.secrets.extend(net.secrets_of(auth))
        return self._auth[key]

    def redact(self, text: str) -> str:
        """``text`` without the secrets in use (and their Base64), Authorization values or
        user information (:func:`treatykg.net.redact`)."""
        return net.redact(text, self.secrets)

    def send(self, info: RequestInfo, url: str, *, data: bytes | dict | None = None,
             params: dict | None = None, headers: dict | None = None,
             before_retry: Callable[[], bool] | None = None) -> requests.Response | None:
        """Send with retries. ``before_retry`` (for steps that must not be repeated blindly)
        runs before each retry: True means the step turned out done (None is returned)."""
        auth = self.auth_for(url)
        clean_url = redact_url(url)
        for attempt in range(self.retries + 1):
            if attempt and before_retry is not None and before_retry():
                return None
            if self.on_request is not None:
                self.on_request(info)
            problem: str
            response = None
            try:
                with net.deadline(self.timeout, connect=self.connect) as limit:
                    response = self.session.request(info.method, clean_url, data=data, params=params,
                                                    headers=headers, auth=auth, timeout=limit.timeout)
                self.sent += 1
                self.nbytes += len(data) if isinstance(data, bytes) else 0
            except requests.Timeout as exc:
                if isinstance(exc, requests.ConnectTimeout):
                    problem = "timed out connecting"
                else:
                    problem = f"timed out: no complete answer within {self.timeout:g} s"
            except requests.ConnectionError:
                problem = "connection failed (is the server running and the URL right?)"
            except requests.RequestException as exc:
                raise EndpointError(self.redact(f"{info.method} {info.url}: {type(exc).__name__}")) from None
            else:
                status = response.status_code
                if status < 400:
                    return response
                problem = f"HTTP {status} {response.reason or ''}".rstrip()
                body = _first_lines(_text(response))
                if body:
                    problem += f": {body}"
                if status != 429 and status < 500:
                    hint = {401: "check the credentials: TREATYKG_USER and TREATYKG_PASSWORD, TREATYKG_TOKEN "
                                 "or ~/.netrc (and --auth-scheme)",
                            403: "the user may lack the right to update this store"}.get(status)
                    raise EndpointError(self.redact(f"{info.method} {info.url}: {problem}"), hint=hint)
            if attempt == self.retries:
                raise EndpointError(self.redact(f"{info.method} {info.url}: {problem}"),
                                    hint=f"gave up after {self.retries + 1} attempts")
            time.sleep(_retry_after(response, attempt, self.backoff))
        raise AssertionError("unreachable")  # pragma: no cover


def _user_agent() -> str:
    from . import __version__
    return f"treatykg/{__version__} (+https://w3id.org/treatykg) python-requests/{requests.__version__}"


# ---------------------------------------------------------------- requests
def _iri(iri: str) -> str:
    """An IRI in SPARQL/N-Triples syntax, written by pyoxigraph (which rejects invalid IRIs)."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise RDFError(f"not a valid IRI: {exc}") from None


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


# ---------------------------------------------------------------- reading a graph back
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
    return f"SELECT ?s ?p ?o WHERE {{ GRAPH {_iri(iri)} {{ ?s ?p ?o }}{where} }}"


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


@dataclass
class _Endpoints:
    query: str
    update: str
    store: str | None


def _endpoints(profile: Profile, endpoint: str, query_url: str | None, update_url: str | None,
               store_url: str | None) -> _Endpoints:
    base = endpoint.rstrip("/")
    if profile.name == "generic":
        query = query_url or endpoint
        update = update_url or endpoint
        store = store_url
    else:
        query = query_url or base + (profile.query or "")
        update = update_url or base + (profile.update or "")
        store = store_url or (base + profile.store if profile.store is not None else None)
    for url in (endpoint, query, update, store):
        if url is not None:
            net.check_url(url)
    return _Endpoints(query, update, store)


def query_url(profile: Profile, endpoint: str) -> str:
    """The SPARQL query URL of ``endpoint`` read as ``profile`` reads it (the URL itself for
    ``generic``, the base URL plus the profile's query path otherwise)."""
    return _endpoints(profile, endpoint, None, None, None).query


class _Publisher:
    def __init__(self, client: _Client, urls: _Endpoints, profile: Profile, batch_bytes: int,
                 dry_run: bool):
        self.client = client
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

    def count(self, graph: str, report: GraphReport | None = None, what: str = "verify") -> int | None:
        q = _count_query(graph)
        info = RequestInfo("POST", redact_url(self.urls.query), f"{what}: count the triples of <{graph}>",
                           "application/x-www-form-urlencoded", len(q.encode("utf-8")))
        if report is not None:
            report.requests.append(info)
        if self.dry_run:
            return None
        r = self.client.send(info, self.urls.query, data={"query": q},
                             headers={"Accept": "application/sparql-results+json"})
        try:
            bindings = r.json()["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0
        except (ValueError, KeyError, IndexError, TypeError):
            raise EndpointError(f"POST {info.url}: the answer to a COUNT query is not SPARQL JSON results: "
                                f"{_first_lines(_text(r), 1, 120)!r}") from None

    # -- one graph -----------------------------------------------------------
    def publish(self, graph: LocalGraph) -> GraphReport:
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
        report.remote_triples = self.count(graph.iri, report)
        self.verify(graph, report)
        return report

    def verify(self, graph: LocalGraph, report: GraphReport) -> None:
        """Read the graph back (in subject ranges of at most ``read_rows`` triples) and compare it
        with what was sent: ``report.same`` and, when it differs, ``report.difference``."""
        ranges = [(None, None)] if graph.has_blank_nodes else subject_ranges(graph.lines, self.profile.read_rows)
        local = set(graph.lines)
        seen: set[bytes] = set()
        remote: list[bytes] = []      # every line read (blank node graphs only)
        extra: list[bytes] = []
        for i, (lo, hi) in enumerate(ranges):
            q = _read_query(graph.iri, lo, hi)
            part = f" (part {i + 1}/{len(ranges)})" if len(ranges) > 1 else ""
            info = RequestInfo("POST", redact_url(self.urls.query),
                               f"verify: read back the triples of <{graph.iri}>{part}",
                               "application/x-www-form-urlencoded", len(q.encode("utf-8")))
            report.requests.append(info)
            if self.dry_run:
                continue
            r = self.client.send(info, self.urls.query, data={"query": q},
                                 headers={"Accept": "application/sparql-results+json"})
            cut = r.headers.get("X-SPARQL-MaxRows")
            if cut:
                report.same = False
                report.difference = (f"could not read it back whole: the endpoint cut its answer at {cut} "
                                     "rows (X-SPARQL-MaxRows; raise Virtuoso's ResultSetMaxRows)")
                return
            try:
                bnodes: dict[str, ox.BlankNode] = {}
                triples = [ox.Triple(json_term(row["s"], bnodes), json_term(row["p"], bnodes),
                                     json_term(row["o"], bnodes))
                           for row in r.json()["results"]["bindings"]]
            except (ValueError, KeyError, TypeError) as exc:
                raise EndpointError(f"POST {info.url}: the answer to a SELECT query is not SPARQL JSON "
                                    f"results ({type(exc).__name__}): {_first_lines(_text(r), 1, 120)!r}") from None
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
            for line in data.split(b"\n"):
                if not line:
                    continue
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
        report.same = not extra and len(seen) == len(local)
        if not report.same:
            missing = [line for line in graph.lines if line not in seen]
            report.difference = _difference(missing, extra, report.remote_triples == graph.triples)

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
    client = _Client(auth_scheme or prof.auth_scheme, auth, timeout, retries, backoff, on_request)
    publisher = _Publisher(client, urls, prof, limit, dry_run)
    started = time.perf_counter()
    try:
        for graph in graphs:
            report.graphs.append(publisher.publish(graph))
            if on_graph is not None:
                on_graph(report.graphs[-1])
    except EndpointError as exc:
        exc.report = report  # type: ignore[attr-defined]
        raise
    finally:
        report.seconds = time.perf_counter() - started
        report.requests_sent = client.sent
        report.bytes_sent = client.nbytes
        client.session.close()
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

