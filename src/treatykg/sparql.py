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
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import EndpointError, InputError, TreatyKGError
from .namespaces import DEFAULT_BASE

__all__ = ["Term", "QueryResult", "Parameter", "ParameterError", "PARAMETER_TYPES", "named_queries",
           "named_query", "query_parameters", "query_description", "bind_parameters", "query_form",
           "collection_base", "query_store", "query_endpoint"]


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


# ---------------------------------------------------------------- parameters
class ParameterError(TreatyKGError):
    """A parameter the query does not take, or a value of the wrong form (a usage error)."""

    exit_code = 2


#: type -> what a value of that type becomes (for ``--describe`` and the docs).
PARAMETER_TYPES: dict[str, str] = {
    "state": "a state's id (kp, nz, gb, suhh …) -> <{base}state/{id}>",
    "person": "a gazetteer id (zhou-enlai) -> <{base}person/{id}>; a full http(s) IRI; "
              "else a name (周恩来, Zhou Enlai) matched against the person's labels",
    "year": "four digits (1970) -> xsd:integer, compared with the year of a date of any precision",
    "string": "any text -> a plain string literal",
}

_PARAM_LINE = re.compile(r"^#\s*param\s+(\S+?)\s*:\s*(\S+)\s*(?:[—–-]+\s*(.*?))?\s*$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares (``# param NAME: TYPE — description``)."""

    name: str
    type: str
    description: str = ""

    def term(self, value: str, base: str = DEFAULT_BASE):
        """``value`` as the pyoxigraph term of this parameter's type.

        Raises :class:`ParameterError` naming the parameter and the form it expects.
        """
        import pyoxigraph as ox

        def bad(expected: str) -> ParameterError:
            return ParameterError(f"{self.name}={value}: {expected}")

        if self.type == "string":
            return ox.Literal(value)
        text = value.strip()
        if self.type == "year":
            if not _YEAR.fullmatch(text):
                raise bad("a year is four digits (1970)")
            return ox.Literal(int(text))
        if self.type == "state":
            if not _ID.fullmatch(text.lower()):
                raise bad("a state id is letters, digits and hyphens (kp, nz, suhh)")
            return _iri(f"{base}state/{text.lower()}", bad)
        if self.type == "person":
            if _ID.fullmatch(text):
                return _iri(f"{base}person/{text}", bad)
            if re.match(r"https?://", text):
                return _iri(text, bad)
            if not text:
                raise bad("give a gazetteer id (zhou-enlai), a name (周恩来) or the person's IRI")
            return ox.Literal(text)
        raise ParameterError(f"parameter {self.name}: unknown type {self.type!r}")  # checked when declared


def _iri(value: str, bad):
    import pyoxigraph as ox

    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise bad(f"not a valid IRI ({exc})") from None


def query_parameters(text: str) -> list[Parameter]:
    """The parameters ``text`` declares in its header comment, in order.

    Raises :class:`InputError` for a declaration with a bad name or an unknown type, or a
    name declared twice (a broken query file, not a usage error).
    """
    out: list[Parameter] = []
    for line in _header(text):
        m = _PARAM_LINE.match(line)
        if not m:
            continue
        name, kind, description = m.group(1), m.group(2), m.group(3) or ""
        if not _NAME.fullmatch(name):
            raise InputError(f"parameter {name!r}: a name is letters, digits and _ (a SPARQL variable)")
        if kind not in PARAMETER_TYPES:
            raise InputError(f"parameter {name}: unknown type {kind!r}",
                             hint="known types: " + ", ".join(PARAMETER_TYPES))
        if any(p.name == name for p in out):
            raise InputError(f"parameter {name} is declared twice")
        out.append(Parameter(name, kind, description))
    return out


def query_description(text: str) -> str:
    """What the query answers: the first paragraph of its header comment (up to a line that
    is only ``#``), without the ``#`` marks and the ``param`` lines."""
    lines = []
    for line in _header(text):
        if line.strip() == "#":
            break
        if not _PARAM_LINE.match(line):
            lines.append(re.sub(r"^#\s?", "", line))
    return "\n".join(lines).strip("\n")


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.rstrip())
    return lines


def bind_parameters(text: str, values: Mapping[str, str], *, base: str = DEFAULT_BASE) -> str:
    """``text`` with the given parameter values bound: a ``VALUES`` block at the start of its
    outermost ``WHERE`` group, the terms serialised by pyoxigraph. No values: ``text`` unchanged.

    Raises :class:`ParameterError` for a parameter the query does not declare or a value of
    the wrong form, and :class:`InputError` when the query has no ``WHERE {`` to bind into.
    """
    declared = {p.name: p for p in query_parameters(text)}
    terms = []
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(declared) if declared else "none"
            raise ParameterError(f"unknown parameter {name!r} (this query takes: {known})")
        terms.append((name, declared[name].term(value, base)))
    if not terms:
        return text
    at = _where_brace(text)
    if at is None:
        raise InputError("a query with parameters needs an explicit `WHERE {` to bind them in")
    block = ("VALUES (" + " ".join(f"?{n}" for n, _ in terms) + ") { ("
             + " ".join(str(term) for _, term in terms) + ") }")
    return f"{text[:at + 1]}\n  {block}\n{text[at + 1:]}"


def _where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the outermost ``WHERE`` group (comments, strings and
    IRIs skipped), or None."""
    depth, seen_where = 0, False
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "word" and depth == 0 and m.group().upper() == "WHERE":
            seen_where = True
        elif kind == "open":
            if seen_where and depth == 0:
                return m.start()
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


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


def query_store(out: str | Path, query: str, *, params: Mapping[str, str] | None = None,
                base: str | None = None) -> QueryResult:
    """Run ``query`` on the embedded store of build folder ``out`` (opened read-only), with
    ``params`` bound (:func:`bind_parameters`; ``base`` defaults to the build's).

    Raises :class:`ParameterError` for a parameter the query does not take or a value of the
    wrong form, :class:`InputError` when there is no store, a build holds it, or the query is
    not valid SPARQL.
    """
    import pyoxigraph as ox

    from .store import locked, open_read_only, store_dir

    if params:
        query = bind_parameters(query, params, base=base or collection_base(out))
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


def query_endpoint(url: str, query: str, *, params: Mapping[str, str] | None = None,
                   base: str | None = None, timeout: float = 60.0) -> QueryResult:
    """Run ``query`` on the SPARQL 1.1 endpoint ``url`` (SPARQLWrapper, JSON results), with
    ``params`` bound as in :func:`query_store` (``base`` defaults to
    :data:`~treatykg.namespaces.DEFAULT_BASE`).

    Raises :class:`ParameterError` as :func:`query_store` does, and :class:`EndpointError`
    naming the method, the URL (without credentials), the HTTP status and the first line of
    the answer.
    """
    from urllib.error import HTTPError, URLError

    from SPARQLWrapper import JSON, N3, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if params:
        query = bind_parameters(query, params, base=base or DEFAULT_BASE)
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
