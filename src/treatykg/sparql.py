"""SPARQL over a built collection: the embedded store, or any SPARQL 1.1 endpoint.

>>> from treatykg.sparql import named_query, query_store
>>> result = query_store("out", named_query("documents"), params={"partner": "kp"})  # doctest: +SKIP
>>> result.columns                                                                  # doctest: +SKIP
['document', 'date', 'type', 'title', 'parties']

Both paths return a :class:`QueryResult` (columns and rows of :class:`Term`, or a
boolean for ``ASK``, or triples for ``CONSTRUCT``/``DESCRIBE``), so the rendering does not
depend on where the answer came from. In the embedded store, and in ``treatykg serve``,
the default graph is the union of all document graphs: a query without ``GRAPH`` sees
everything; the named queries use ``GRAPH ?g`` and work on any endpoint. (Oxigraph's union
default graph gives a solution per graph that holds a triple, so an entity described in many
document graphs repeats rows of a query without ``GRAPH``: use ``DISTINCT``.)

Parameters
----------
A query declares its parameters in its header comment, one line each::

    # param NAME: TYPE — what it does

``NAME`` is a SPARQL variable name (letters, digits, ``_``) that the query uses as ``?NAME``;
``TYPE`` says how a value given on the command line becomes an RDF term (:data:`PARAMETER_TYPES`):

``state``
    a state's id (``kp``, ``nz``, ``suhh`` …: lowercase letters, digits and hyphens; given in
    capitals it is lowercased) → the IRI ``{base}state/{id}``
``person``
    a gazetteer id (``zhou-enlai``: lowercase letters, digits, hyphens) → ``{base}person/{id}``;
    a full ``http(s)://`` IRI (as ``signatories`` prints it) → that IRI; anything else is a
    name (``周恩来``, ``Zhou Enlai``) → a string the query matches against the person's labels
``year``
    four digits → an ``xsd:integer``; ``from``/``to`` compare it with the year of a date,
    whatever the date's precision
``string``
    any text → a plain string literal

:func:`bind_parameters` turns the given values into terms and puts them in a ``VALUES``
block at the start of the query's outermost ``WHERE`` group (terms serialised by pyoxigraph,
never pasted). A parameter that is not given is not in the block: its variable is unbound, and
the query is written so that an unbound parameter narrows nothing (``FILTER(!BOUND(?from) ||
…)``). The same text is sent to an endpoint and run in the embedded store. pyoxigraph's own
``substitutions=`` are not used: in pyoxigraph 0.5 they need the variable in the ``SELECT``
projection and ``BOUND()`` does not see them (``tests/test_queries.py`` keeps an eye on it).
``{base}`` is the build's base IRI (``manifest.json``), or ``--base``, else
:data:`~treatykg.namespaces.DEFAULT_BASE`.

Safety
------
* **No SERVICE unless asked.** Oxigraph (pyoxigraph and its server) runs a ``SERVICE <url>``
  by fetching the URL: a query could make this machine read any address it can reach.
  :func:`query_store` (and ``treatykg serve``) refuse a query that may hold ``SERVICE``
  (:func:`uses_service`) unless ``allow_service=True`` (``--allow-service``).
* **A time limit.** :func:`query_store` gives up after ``timeout`` seconds
  (:class:`QueryTimeout`). pyoxigraph cannot cancel a query it is evaluating: the evaluation
  runs in a background thread that stops at the next solution it produces, or, for a query
  that produces none until the end (``COUNT``, ``ORDER BY``), when it finishes or the
  process exits (``treatykg query`` exits at once).
* **Endpoints** (:func:`query_endpoint`): the same credentials as ``push``
  (:func:`treatykg.publish.resolve_auth`), a deadline for the whole request
  (:mod:`treatykg.net`), and every answer checked to be SPARQL results before it is used.

Where each part lives (this module is the front door and re-exports them):
:mod:`treatykg.sparql_text` (a query's form, SERVICE, parameters), :mod:`treatykg.sparql_results`
(:class:`QueryResult`, :class:`Term`, reading JSON results), :mod:`treatykg.sparql_endpoint`
(:func:`query_endpoint`).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

from .errors import EndpointError, InputError
from .namespaces import DEFAULT_BASE
from .sparql_endpoint import DEFAULT_QUERY_TIMEOUT, query_endpoint
from .sparql_results import QueryResult, Term, json_term, term_of, to_json_text
from .sparql_text import (PARAMETER_TYPES, Parameter, ParameterError, ServiceRefused, bind_parameters, query_description,
                          query_form, query_parameters, refuse_service, uses_service)

__all__ = ["Term", "QueryResult", "Parameter", "ParameterError", "PARAMETER_TYPES", "named_queries",
           "named_query", "query_parameters", "query_description", "bind_parameters", "query_form",
           "collection_base", "query_store", "query_endpoint", "uses_service", "ServiceRefused", "json_term",
           "QueryTimeout", "DEFAULT_QUERY_TIMEOUT", "refuse_service", "to_json_text", "DEFAULT_BASE"]


# ---------------------------------------------------------------- named queries
def named_queries() -> dict[str, Path]:
    """name -> file of every named query shipped in ``queries/``."""
    from .resources import queries_dir

    return {p.stem: p for p in sorted(queries_dir().glob("*.rq"))}


def named_query(name: str) -> str:
    """The text of the named query ``name``. Raises :class:`InputError` for an unknown name."""
    known = named_queries()
    if name not in known:
        raise InputError(f"no named query {name!r}", hint="known: " + ", ".join(known))
    return known[name].read_text(encoding="utf-8")



def collection_base(out: str | Path) -> str:
    """The base IRI build folder ``out`` was built with (its ``manifest.json``), else
    :data:`~treatykg.namespaces.DEFAULT_BASE`. ``out`` may be the store folder itself."""
    folder = Path(out)
    if not (folder / "manifest.json").exists() and (folder.parent / "manifest.json").exists():
        folder = folder.parent  # OUT/store
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest.get("documents", {}).values():
            base = entry.get("options", {}).get("base")
            if isinstance(base, str) and base:
                return base
    except (OSError, ValueError, AttributeError):
        pass
    return DEFAULT_BASE


# ---------------------------------------------------------------- embedded store
class QueryTimeout(EndpointError):
    """The query did not finish within its time limit (exit 7, like an endpoint's timeout)."""


def query_store(out: str | Path, query: str, *, params: Mapping[str, str] | None = None,
                base: str | None = None, allow_service: bool = False,
                timeout: float | None = DEFAULT_QUERY_TIMEOUT) -> QueryResult:
    """Run ``query`` on the embedded store of build folder ``out`` (opened read-only), with
    ``params`` bound (:func:`bind_parameters`; ``base`` defaults to the build's).

    A query that may call ``SERVICE`` raises :class:`ServiceRefused` unless ``allow_service``.
    After ``timeout`` seconds (None: no limit) it raises :class:`QueryTimeout`; the evaluation
    then stops at its next solution, or runs on in a background thread holding the store's
    shared lock until it ends (pyoxigraph cannot interrupt it; a process that exits ends it).

    Raises :class:`ParameterError` for a parameter the query does not take or a value of the
    wrong form, :class:`InputError` when there is no store, a build holds it, or the query is
    not valid SPARQL.
    """
    import threading

    if params:
        query = bind_parameters(query, params, base=base or collection_base(out))
    refuse_service(query, allow_service)
    if timeout is None:
        return _evaluate(out, query, threading.Event())
    outcome: dict[str, Any] = {}
    stop = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = _evaluate(out, query, stop)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="treatykg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        stop.set()
        raise QueryTimeout(f"the query did not finish within {timeout:g} s",
                           hint="narrow it, or give it more time with --timeout")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class _Stopped(Exception):
    pass


def _evaluate(out: str | Path, query: str, stop) -> QueryResult:
    import pyoxigraph as ox

    from .store import locked, open_read_only, store_dir

    def rows(items):
        for item in items:
            if stop.is_set():
                raise _Stopped
            yield item

    folder = store_dir(out)
    with locked(folder, exclusive=False):
        store = open_read_only(folder)
        try:
            answer = store.query(query, use_default_graph_as_union=True)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult(boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                columns = [v.value for v in answer.variables]
                return QueryResult(columns=columns, rows=[[term_of(sol[c]) for c in columns] for sol in rows(answer)])
            triples = list(rows(answer))
        except _Stopped:
            return QueryResult()
        except SyntaxError as exc:
            raise InputError(f"not a valid SPARQL query: {' '.join(str(exc).split())[:200]}") from None
        except OSError as exc:
            raise InputError(f"cannot read the store: {exc}", path=str(folder)) from None
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return QueryResult(triples=sorted(data.splitlines()))
