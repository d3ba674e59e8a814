"""SPARQL over HTTP: a query sent to any SPARQL 1.1 query endpoint (``query --endpoint``).

Rules: the protocol's POST with a form, asking for JSON results (N-Triples, Turtle or RDF/XML
for CONSTRUCT and DESCRIBE); the same credentials as ``push``
(:func:`treatykg.publish_profiles.resolve_auth`), a deadline for the whole request
(:func:`treatykg.net.deadline`), every answer checked to be SPARQL results or RDF before it is
used (a web page, an error page or malformed JSON is an :class:`~treatykg.errors.EndpointError`,
exit 7), and no secret in a message (:func:`treatykg.net.redact`).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

from typing import Any, Mapping

from .errors import EndpointError
from .namespaces import DEFAULT_BASE
from .sparql_results import QueryResult, parse_results
from .sparql_text import bind_parameters, query_form

__all__ = ["query_endpoint", "DEFAULT_QUERY_TIMEOUT"]

#: Seconds a query may take by default (``--timeout``), on the store and at an endpoint.
DEFAULT_QUERY_TIMEOUT = 60.0

_RESULTS_JSON = "application/sparql-results+json"
_GRAPH_TYPES = {  # content type -> how pyoxigraph reads it
    "application/n-triples": "N_TRIPLES", "text/plain": "N_TRIPLES", "text/turtle": "TURTLE",
    "application/x-turtle": "TURTLE", "application/rdf+xml": "RDF_XML", "application/n-quads": "N_QUADS",
    "application/trig": "TRIG", "application/ld+json": "JSON_LD",
}


def query_endpoint(url: str, query: str, *, params: Mapping[str, str] | None = None,
                   base: str | None = None, timeout: float = DEFAULT_QUERY_TIMEOUT, auth: Any = None,
                   auth_scheme: str = "basic") -> QueryResult:
    """Run ``query`` on the SPARQL 1.1 query endpoint ``url`` (the protocol's POST with a form,
    JSON results; N-Triples, Turtle or RDF/XML for CONSTRUCT and DESCRIBE), with ``params``
    bound as in :func:`query_store` (``base`` defaults to :data:`~treatykg.namespaces.DEFAULT_BASE`).

    Credentials as for ``push`` (:func:`treatykg.publish.resolve_auth`: ``auth``, else
    ``TREATYKG_TOKEN``, ``TREATYKG_USER``/``TREATYKG_PASSWORD``, the URL's user, ``~/.netrc``);
    ``timeout`` bounds the whole request (:func:`treatykg.net.deadline`).

    Raises :class:`ParameterError` as :func:`query_store` does, and :class:`EndpointError`
    naming the method, the URL (without credentials), the HTTP status and the first line of
    the answer (secrets taken out), also for an answer that is not SPARQL results.
    """
    import requests

    from . import __version__, net
    from .publish_profiles import resolve_auth

    if params:
        query = bind_parameters(query, params, base=base or DEFAULT_BASE)
    net.check_url(url, "endpoint URL")
    clean = net.redact_url(url)
    where = f"POST {clean}"
    form = query_form(query)
    graph = form in ("CONSTRUCT", "DESCRIBE")
    accept = ("application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5" if graph
              else f"{_RESULTS_JSON}, application/json;q=0.5")
    credentials = resolve_auth(url, auth_scheme, auth=auth)
    secrets = net.secrets_of(credentials)
    session = net.session(f"treatykg/{__version__} (+https://w3id.org/treatykg)")
    try:
        with net.deadline(timeout) as limit:
            r = session.post(clean, data={"query": query}, auth=credentials, timeout=limit.timeout,
                             headers={"Accept": accept})
    except requests.Timeout:
        raise EndpointError(f"{where}: timed out: no complete answer within {timeout:g} s",
                            hint="try again, or give it more time with --timeout") from None
    except requests.ConnectionError:
        raise EndpointError(f"{where}: connection failed (is the server running and the URL right?)") from None
    except requests.RequestException as exc:
        raise EndpointError(f"{where}: {type(exc).__name__}") from None
    finally:
        session.close()
    ctype = r.headers.get("Content-Type", "").split(";")[0].strip().lower()
    text = r.content.decode(r.encoding or "utf-8", errors="replace") if r.content else ""
    first = net.redact(" ".join(text.strip().split("\n")[0].split())[:200], secrets)
    if r.status_code >= 400:
        hint = {401: "check the credentials: TREATYKG_USER and TREATYKG_PASSWORD, TREATYKG_TOKEN or ~/.netrc",
                404: "is this the query URL? An Oxigraph server's is http://host:7878/query, or pass the "
                     "server's base URL with --profile oxigraph"}.get(r.status_code)
        reason = net.redact(r.reason or "", secrets)
        raise EndpointError(f"{where}: HTTP {r.status_code} {reason}".rstrip() + (f": {first}" if first else ""),
                            hint=hint)
    if ctype in ("text/html", "application/xhtml+xml"):
        raise EndpointError(f"{where}: the answer is a web page, not SPARQL results",
                            hint="is this the query URL? An Oxigraph server's is http://host:7878/query, "
                                 "or pass the server's base URL with --profile oxigraph")
    if graph:
        return _graph_answer(r.content, ctype, where)
    try:
        data = r.json()
    except ValueError:
        raise EndpointError(f"{where}: the answer is not SPARQL JSON results ({ctype or 'no content type'}: "
                            f"{first[:80]!r})") from None
    return parse_results(data, where)


def _graph_answer(content: bytes, ctype: str, where: str) -> QueryResult:
    import pyoxigraph as ox

    fmt = getattr(ox.RdfFormat, _GRAPH_TYPES.get(ctype, "N_TRIPLES"))
    try:
        triples = [q.triple for q in ox.parse(content, format=fmt)]
    except (SyntaxError, ValueError, MemoryError) as exc:
        raise EndpointError(f"{where}: the answer is not RDF ({ctype or 'no content type'}): "
                            f"{' '.join(str(exc).split())[:120]}") from None
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return QueryResult(triples=sorted(text.splitlines()))
