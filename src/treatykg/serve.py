"""A local, read-only SPARQL 1.1 endpoint over a built collection, with its query page and site.

:func:`start` runs the Oxigraph server (``oxigraph serve-read-only --location OUT/store
--union-default-graph --timeout-s N``, the ``oxigraph`` package from PyPI) on a free port of
127.0.0.1 that only this process uses, and in front of it, on the address and port asked
for, a small HTTP server of ours (:class:`Server`) that answers:

``/``
    the query page (``static/query.html``): the named queries as examples, the treatykg
    prefixes, a results table, a link to the site;
``/query``
    the SPARQL 1.1 query endpoint (GET or POST, as the protocol says), passed on to Oxigraph
    once checked;
``/site/``
    the build's static site (``OUT/site``), when there is one;
``/id/…``
    the IRIs the build minted, dereferenced: ``{base}{rest}`` (the build's base, by default
    ``https://w3id.org/treatykg/id/``) is served at ``/id/{rest}``, by content negotiation —
    RDF (Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML) of a document's graphs or of what
    the collection says about an entity, ``text/html`` a 303 to its page of the site, a
    document's ``…/text`` its text, an alias a 301 to the IRI it moved to
    (:mod:`treatykg.deref` has the rules).

Why a server in front of Oxigraph's:

* **No SERVICE unless asked.** Oxigraph runs ``SERVICE <url>`` by fetching the URL, so any
  client could make this machine read any address it reaches (with ``--public``, internal
  ones). A query that may call SERVICE (:func:`treatykg.sparql.uses_service`) is answered
  400 unless the server was started with ``allow_service=True`` (``--allow-service``).
* **A time limit.** Oxigraph's ``--timeout-s`` asks it to cancel a query that runs longer
  (default 60 s), but it checks seldom: a three-way cross join over the reference corpus ran
  16 s past a 2 s limit, and a larger one would run for hours. So the front server gives
  Oxigraph the limit plus :data:`GRACE` seconds to produce a complete answer; after that it
  kills the Oxigraph process and starts another over the same store (other queries running
  at that moment get HTTP 502), and answers 503. A query never holds a CPU much longer than
  the limit. A client that leaves does not stop its query sooner: Oxigraph notices only when
  it next writes, which a ``COUNT`` or ``ORDER BY`` does at the end; the limit bounds it.
  An answer cancelled by Oxigraph before its first 16 MiB are out is a 503 saying so; a
  longer one is streamed, and cut where the limit struck.
* **One meaning per address.** The front server binds the port itself: a port that another
  program holds is an error at once (:class:`~treatykg.errors.EndpointError`, "in use"),
  never another SPARQL server's answers taken for ours; ``::1`` and other IPv6 addresses
  work.
* Only loopback addresses (``127.0.0.1``, ``::1``, ``localhost``) unless ``public=True``: the
  endpoint has no authentication. Queries larger than 1 MiB are refused (413), and at most
  32 are served at once (503 beyond).

The store is opened read-only, and the server holds the shared lock of the build folder for
its whole life (see :mod:`treatykg.store`): ``treatykg build`` refuses to write the store
while it runs. The default graph is the union of the document graphs, as in
``treatykg query``.

This module is the front server (the page, the routes, the checks, passing queries on);
:mod:`treatykg.serve_oxigraph` has the Oxigraph process behind it and :class:`Server`, the
running endpoint (re-exported here).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import ipaddress
import json
import os
import ipaddress
import json
import os
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .deref import PREFIX, Minted
from .errors import EndpointError, InputError
from .serve_oxigraph import (DEFAULT_TIMEOUT, MAX_CONCURRENT, Server, Starter, free_port, oxigraph_executable,
                             start_oxigraph, wait_ready)

__all__ = ["Server", "start", "is_loopback", "oxigraph_executable", "free_port", "DEFAULT_TIMEOUT",
           "MAX_QUERY_BYTES"]

#: Seconds past the time limit before a query's Oxigraph process is replaced.
GRACE = 5.0
#: The largest query accepted (bytes).
MAX_QUERY_BYTES = 1024 * 1024
#: An answer is held back (and a cancelled one turned into an error) up to this size.
HOLD_BYTES = 16 * 1024 * 1024
_CANCELLED = b"The SPARQL operation has been cancelled"
_STATIC = Path(__file__).resolve().parent / "static"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False



# ---------------------------------------------------------------- the page
def _page(out: Path, *, timeout: float, allow_service: bool, site: bool) -> bytes:
    """The query page, with its data (prefixes, examples) as JSON in a script element."""
    from .namespaces import prefixes
    from .sparql import collection_base, named_queries, query_description, uses_service

    known = dict(prefixes())
    known["id"] = collection_base(out)
    wanted = ["id", "tkg", "eli", "dcterms", "org", "prov", "skos", "rdfs", "rdf", "xsd", "oa", "cito", "wd", "wdt"]
    shown = {p: known[p] for p in wanted if p in known}
    head = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in shown.items())
    examples = [{"name": "your own query (the treatykg prefixes)", "service": False,
                 "description": "Every document with its title; edit freely.",
                 "query": f"{head}\n\nSELECT DISTINCT ?document ?title WHERE {{\n  GRAPH ?g {{ ?document "
                          "a eli:LegalResource ; eli:title ?title }\n}\nORDER BY ?document\nLIMIT 50\n"}]
    for name, path in named_queries().items():
        text = path.read_text(encoding="utf-8")
        examples.append({"name": name, "query": text, "service": uses_service(text),
                         "description": " ".join(query_description(text).split())})
    data = {"endpoint": "query", "site": "site/" if site else None, "timeout": timeout,
            "allowService": allow_service, "prefixes": known, "examples": examples}
    # JSON inside <script>: "<" escaped, so that no value can close the element
    blob = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    template = (_STATIC / "query.html").read_text(encoding="utf-8")
    return template.replace("{{DATA}}", blob).encode("utf-8")


# ---------------------------------------------------------------- the front server
class _FrontServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple, family: int, handler, *, app: "Server"):
        self.address_family = family
        self.app = app
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:  # a client that left: nothing to print
        pass


class _Handler(SimpleHTTPRequestHandler):
    """The query page, ``/query`` (checked, then passed to Oxigraph) and ``/site/``."""

    server: _FrontServer
    protocol_version = "HTTP/1.1"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml; charset=utf-8",
                      ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

    def log_message(self, *args) -> None:  # library code never prints
        pass

    # -- plumbing ------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except OSError:  # the client left
                self.close_connection = True

    def _text(self, status: int, message: str) -> None:
        self._send(status, (message.rstrip("\n") + "\n").encode("utf-8"))

    # -- routes ----------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        app = self.server.app
        if path == "/" or path == "/index.html":
            return self._send(200, app.page, "text/html; charset=utf-8",
                              {"Content-Security-Policy": "default-src 'self'; style-src 'self'; "
                                                          "script-src 'self'; connect-src 'self'"})
        if path == "/favicon.ico":
            return self._send(204, b"")
        if path in ("/query.js", "/query.css"):
            body = (_STATIC / path.lstrip("/")).read_bytes()
            return self._send(200, body, self.extensions_map[Path(path).suffix])
        if path == "/query":
            return self._query()
        if path.startswith(PREFIX):
            return self._resource(path)
        if path == "/site" and app.site_dir is not None:
            return self._send(301, b"", headers={"Location": "/site/"})
        if path.startswith("/site/") and app.site_dir is not None:
            self.path = self.path[len("/site"):]
            self.directory = str(app.site_dir)
            return super().do_GET()
        return self._text(404, "not here: the query page is /, the SPARQL endpoint /query, the collection's "
                          f"IRIs {PREFIX}…" + (", the site /site/" if app.site_dir is not None else ""))

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        if urlsplit(self.path).path == "/query":
            return self._query()
        return self._text(405 if urlsplit(self.path).path in ("/update", "/store") else 404,
                          "read-only: this server answers SPARQL queries at /query, nothing else")

    do_PUT = do_DELETE = do_PATCH = do_POST

    # -- the collection's IRIs ---------------------------------------------------------
    def _resource(self, path: str) -> None:
        """``/id/…``: what :meth:`treatykg.deref.Minted.resolve` answers; the store asked through
        Oxigraph, under the same limits as a query."""
        from .errors import TreatyKGError

        app = self.server.app
        if not app.slots.acquire(blocking=False):
            return self._text(503, f"busy: {MAX_CONCURRENT} queries are running; try again")
        try:
            answer = app.minted.resolve(path, self.headers.get("Accept"), self._describe)
        except _Unavailable as exc:
            self.close_connection = True
            return self._text(exc.status, str(exc))
        except TreatyKGError as exc:
            return self._text(500, f"cannot read this build: {exc}")
        finally:
            app.slots.release()
        if answer.file is not None:
            try:
                body = answer.file.read_bytes()
            except OSError:
                return self._text(404, "the file is gone")
        else:
            body = answer.body
        self._send(answer.status, body, answer.content_type, answer.headers)

    def _describe(self, iri: str) -> tuple[list, bool]:
        """What the store says about ``iri`` (:func:`treatykg.deref.describe_query`), read from
        Oxigraph as SPARQL JSON results; (quads, whether ``iri`` names a graph)."""
        import pyoxigraph as ox
        import requests

        from . import net
        from .deref import describe_query
        from .sparql import json_term

        app = self.server.app
        url, generation = app.oxigraph_url, app.generation
        try:
            with net.deadline(app.timeout + GRACE) as limit:
                r = app.upstream.post(url, data={"query": describe_query(iri)}, timeout=limit.timeout,
                                      headers={"Accept": "application/sparql-results+json"})
                rows = r.json()["results"]["bindings"] if r.status_code == 200 else None
        except requests.Timeout:
            app.replace_oxigraph(generation)
            raise _Unavailable(503, f"the store did not answer within {app.timeout:g} s (serve --timeout)") from None
        except (requests.RequestException, ValueError, KeyError, TypeError):
            raise _Unavailable(502, "the Oxigraph server behind this endpoint did not answer") from None
        if rows is None:
            raise _Unavailable(502, f"the Oxigraph server answered HTTP {r.status_code}")
        node = ox.NamedNode(iri)
        bnodes: dict = {}
        quads = [ox.Quad(json_term(b["s"], bnodes), json_term(b["p"], bnodes), json_term(b["o"], bnodes),
                         json_term(b["g"], bnodes)) for b in rows]
        return quads, any(q.graph_name == node for q in quads)

    # -- the SPARQL endpoint ---------------------------------------------------------
    def _query_request(self) -> tuple[str, list[tuple[str, str]]] | None:
        """(query, graph parameters) of a SPARQL protocol request, or None once answered."""
        url = urlsplit(self.path)
        fields = parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST":
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_QUERY_BYTES:
                self.close_connection = True
                self._text(413, f"a query of at most {MAX_QUERY_BYTES} bytes, with a Content-Length")
                return None
            body = self.rfile.read(length)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                    fields.setdefault(k, []).extend(v)
            elif ctype == "application/sparql-query":
                fields.setdefault("query", []).append(body.decode("utf-8", "replace"))
            else:
                self._text(415, "send the query as application/x-www-form-urlencoded (query=…) or "
                                "application/sparql-query")
                return None
        queries = fields.get("query", [])
        if len(queries) != 1:
            self._text(400, "give exactly one query (the query parameter)")
            return None
        if len(queries[0].encode("utf-8")) > MAX_QUERY_BYTES:
            self._text(413, f"a query of at most {MAX_QUERY_BYTES} bytes")
            return None
        graphs = [(k, v) for k in ("default-graph-uri", "named-graph-uri") for v in fields.get(k, [])]
        return queries[0], graphs

    def _query(self) -> None:
        from .sparql import uses_service

        app = self.server.app
        request = self._query_request()
        if request is None:
            return
        query, graphs = request
        if not app.allow_service and uses_service(query):
            return self._text(400, "refused: the query may call SERVICE (a remote endpoint), and this server "
                                   "was started without --allow-service. If 'service' is only a word in a "
                                   "string, write it another way, e.g. CONCAT(\"serv\", \"ice\").")
        if not app.slots.acquire(blocking=False):
            return self._text(503, f"busy: {MAX_CONCURRENT} queries are running; try again")
        try:
            self._forward(query, graphs)
        finally:
            app.slots.release()

    def _forward(self, query: str, graphs: list[tuple[str, str]]) -> None:
        """Pass the checked query to Oxigraph (always as a POST form: exactly the text checked)."""
        import requests

        from . import net

        app = self.server.app
        accept = self.headers.get("Accept") or "application/sparql-results+json"
        url, generation = app.oxigraph_url, app.generation
        try:  # 1. until the whole answer, or its first HOLD_BYTES, is here: the time limit + GRACE
            with net.deadline(app.timeout + GRACE) as limit:
                r = app.upstream.post(url, data=[("query", query), *graphs], stream=True,
                                      headers={"Accept": accept}, timeout=limit.timeout)
                held = bytearray()
                chunks = r.iter_content(64 * 1024)
                whole = True
                for chunk in chunks:
                    held += chunk
                    if len(held) > HOLD_BYTES:
                        whole = False
                        break
        except requests.RequestException as exc:
            self.close_connection = True
            if isinstance(exc, requests.Timeout):
                app.replace_oxigraph(generation)
                return self._text(503, f"the query did not finish within {app.timeout:g} s (serve --timeout); "
                                       "it was stopped")
            if app.generation != generation or app.process.poll() is not None:
                return self._text(502, "the Oxigraph server behind this endpoint stopped (another query "
                                       "ran past the time limit); try again")
            return self._text(502, "the Oxigraph server behind this endpoint did not answer")
        if whole:
            if r.status_code == 200 and held.rstrip().endswith(_CANCELLED):
                return self._text(503, f"the query did not finish within {app.timeout:g} s (serve --timeout)")
            return self._send(r.status_code, bytes(held), r.headers.get("Content-Type", "text/plain"))
        # 2. too long to hold: streamed as it comes (Oxigraph's own limit ends it), the end of
        # the answer marked by closing the connection
        self.close_connection = True
        try:
            self.send_response(r.status_code)
            self.send_header("Content-Type", r.headers.get("Content-Type", "application/octet-stream"))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(held)
            for chunk in chunks:
                self.wfile.write(chunk)
        except (OSError, requests.RequestException):
            pass  # the client left, or Oxigraph stopped: the answer is cut where it stopped
        finally:
            r.close()


class _Unavailable(Exception):
    """The store could not answer a request for an IRI: ``status`` (502, 503) and why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _bind(host: str, port: int, app: Server) -> _FrontServer:
    """The front server on ``host``:``port``; a port in use is an EndpointError saying so."""
    import errno

    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"cannot serve on {host}: {exc.strerror or exc}") from None
    family, _, _, _, address = sorted(infos, key=lambda i: i[0] != socket.AF_INET)[0]
    try:
        return _FrontServer(address[:2], family, _Handler, app=app)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise EndpointError(f"port {port} on {host} is in use by another program",
                                hint="stop it, or pass another --port; 0 picks a free one") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise EndpointError(f"cannot serve on {host}: no such address on this machine") from None
        raise EndpointError(f"cannot serve on {host} port {port}: {exc.strerror or exc}") from None


def start(out: str | Path, *, port: int = 7878, host: str = "127.0.0.1", public: bool = False,
          timeout: float = DEFAULT_TIMEOUT, allow_service: bool = False,
          ready_timeout: float = 60.0) -> Server:
    """Start the endpoint over the store of build folder ``out`` and return once it answers.

    ``port=0`` picks a free port. ``timeout``: seconds a query may run. ``allow_service``: let
    queries call SERVICE (remote endpoints). Raises :class:`InputError` (no store, a build is
    running, a non-loopback ``host`` without ``public``) or :class:`EndpointError` (the port is
    in use, the server cannot be started or does not answer).
    """
    from . import net
    from .store import acquire, store_dir

    if not public and not is_loopback(host):
        raise InputError(f"refusing to serve on {host}: not a loopback address and the endpoint has "
                         "no authentication", hint="pass --public to allow it")
    out = Path(out)
    folder = store_dir(out)
    site = out / "site"
    site_dir = site if (site / "index.html").is_file() else None
    oxigraph_executable()
    fd = acquire(folder, exclusive=False)  # held by us and by each Oxigraph process we start
    starter = Starter()
    try:
        proc, inner_port, log = starter.call(start_oxigraph, folder, fd, timeout)
    except BaseException:
        starter.close()
        os.close(fd)
        raise
    server = Server(proc, host, port, log, timeout=timeout, allow_service=allow_service, site_dir=site_dir,
                    oxigraph_url=f"http://127.0.0.1:{inner_port}/query", upstream=net.session("treatykg-serve"),
                    folder=folder, lock_fd=fd, starter=starter)
    try:
        server.minted = Minted(out)
        server.page = _page(out, timeout=timeout, allow_service=allow_service, site=site_dir is not None)
        server.httpd = _bind(host, port, server)
        server.port = server.httpd.server_address[1]
        threading.Thread(target=server.httpd.serve_forever, name="treatykg-serve", daemon=True).start()
        wait_ready(server, ready_timeout)
    except BaseException:
        server.stop()
        raise
    return server
