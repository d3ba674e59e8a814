"""SPARQL over a built collection: the embedded store, or any SPARQL 1.1 endpoint.

>>> from treatykg.sparql import named_query, query_store
>>> result = query_store("out", named_query("signatories"))       # doctest: +SKIP
>>> result.columns                                                # doctest: +SKIP
['document', 'date', 'name', 'title', 'party']

Both paths return a :class:`QueryResult` (columns and rows of :class:`Term`, or a
boolean for ``ASK``, or triples for ``CONSTRUCT``/``DESCRIBE``), so the rendering does not
depend on where the answer came from. In the embedded store, and in ``treatykg serve``,
the default graph is the union of all document graphs: a query without ``GRAPH`` sees
everything; the named queries use ``GRAPH ?g`` and work on any endpoint.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import EndpointError, InputError

__all__ = ["Term", "QueryResult", "named_queries", "named_query", "query_form", "query_store",
           "query_endpoint"]


@dataclass(frozen=True)
class Term:
    """An RDF term of a result: ``kind`` is ``uri``, ``literal`` or ``bnode`` (SPARQL JSON's ``type``)."""

    value: str
    kind: str = "literal"
    datatype: str | None = None
    lang: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype and self.datatype != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = self.datatype
        return out


@dataclass
class QueryResult:
    """``columns`` + ``rows`` (SELECT), ``boolean`` (ASK) or ``triples`` (CONSTRUCT, DESCRIBE:
    N-Triples lines)."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[str] | None = None

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of plain values (``None`` where unbound)."""
        return [{c: (t.value if t is not None else None) for c, t in zip(self.columns, row)} for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        """The SPARQL 1.1 Query Results JSON format."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        return {"head": {"vars": list(self.columns)},
                "results": {"bindings": [{c: t.to_json() for c, t in zip(self.columns, row) if t is not None}
                                         for row in self.rows]}}

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV: a header, then the values (empty where unbound)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        if self.boolean is not None:
            w.writerow(["boolean"])
            w.writerow(["true" if self.boolean else "false"])
        else:
            w.writerow(self.columns)
            for row in self.rows:
                w.writerow(["" if t is None else t.value for t in row])
        return buf.getvalue()


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


# ---------------------------------------------------------------- reading query text
#: Tokens of a SPARQL text, enough to find keywords and braces outside comments, strings and IRIs.
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>(?:"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[?$]?[A-Za-z_][\w.:-]*)
  | (?P<open>\{) | (?P<close>\})
  | (?P<other>.)
""", re.X | re.S)


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the first of these keywords outside
    comments, strings and IRIs; None when there is none (an update, or not SPARQL)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word" and m.group().upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return m.group().upper()
    return None


# ---------------------------------------------------------------- embedded store
def _term(t) -> Term | None:
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return Term(t.value, "uri")
    if isinstance(t, ox.BlankNode):
        return Term(t.value, "bnode")
    if isinstance(t, ox.Literal):
        return Term(t.value, "literal", t.datatype.value if t.datatype else None, t.language)
    return Term(str(t), "literal")  # RDF-star triple terms


def query_store(out: str | Path, query: str) -> QueryResult:
    """Run ``query`` on the embedded store of build folder ``out`` (opened read-only).

    Raises :class:`InputError` when there is no store, a build holds it, or the query is
    not valid SPARQL.
    """
    import pyoxigraph as ox

    from .store import locked, open_read_only, store_dir

    folder = store_dir(out)
    with locked(folder, exclusive=False):
        store = open_read_only(folder)
        try:
            answer = store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"not a valid SPARQL query: {' '.join(str(exc).split())[:200]}") from None
        except OSError as exc:
            raise InputError(f"cannot read the store: {exc}", path=str(folder)) from None
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            columns = [v.value for v in answer.variables]
            rows = [[_term(sol[c]) for c in columns] for sol in answer]
            return QueryResult(columns=columns, rows=rows)
        triples = list(answer)
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return QueryResult(triples=sorted(data.splitlines()))


# ---------------------------------------------------------------- endpoint
def _redact(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc=host)
    return urlunsplit(parts)


def query_endpoint(url: str, query: str, *, timeout: float = 60.0) -> QueryResult:
    """Run ``query`` on the SPARQL 1.1 endpoint ``url`` (SPARQLWrapper, JSON results).

    Raises :class:`EndpointError` naming the method, the URL (without credentials), the
    HTTP status and the first line of the answer.
    """
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import JSON, N3, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sw = SPARQLWrapper(url, agent="treatykg (https://w3id.org/treatykg)")
    sw.setQuery(query)
    # SPARQLWrapper finds the query form with regular expressions that leave every other line
    # of a comment block in place, so a comment saying "described" or "adds" made a SELECT a
    # DESCRIBE or an ADD (RDFLib/sparqlwrapper#211, #232): tell it what the query is.
    sw.queryType = query_form(query) or sw.queryType
    kind = sw.queryType
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    sw.setReturnFormat(N3 if graph else JSON)
    sw.setTimeout(int(timeout))
    where = f"GET {_redact(url)}"
    try:
        answer = sw.query()
        data = answer.convert()
    except HTTPError as exc:
        body = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise EndpointError(f"{where}: HTTP {exc.code}" + (f": {body[0][:200]}" if body else "")) from None
    except SPARQLWrapperException as exc:
        first = " ".join(str(exc).split())[:300]
        raise EndpointError(f"{where}: {first}") from None
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"{where}: cannot connect: {reason}") from None
    except ValueError as exc:
        raise EndpointError(f"{where}: the answer is not SPARQL results: {exc}") from None
    if graph:
        import pyoxigraph as ox

        raw = data.serialize(format="nt") if hasattr(data, "serialize") else data
        raw = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        triples = list(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return QueryResult(triples=sorted(text.splitlines()))
    if not isinstance(data, dict):
        raise EndpointError(f"{where}: the answer is not SPARQL JSON results")
    if "boolean" in data:
        return QueryResult(boolean=bool(data["boolean"]))
    columns = list(data.get("head", {}).get("vars", []))
    rows = []
    for b in data.get("results", {}).get("bindings", []):
        row = []
        for c in columns:
            t = b.get(c)
            row.append(None if t is None else Term(
                t["value"], "literal" if t["type"] == "typed-literal" else t["type"],
                t.get("datatype"), t.get("xml:lang")))
        rows.append(row)
    return QueryResult(columns=columns, rows=rows)


def to_json_text(result: QueryResult) -> str:
    if result.triples is not None:
        return json.dumps({"triples": result.triples}, ensure_ascii=False, indent=1)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=1)
