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
           "collection_base", "query_store", "query_endpoint", "uses_service", "ServiceRefused", "json_term",
           "QueryTimeout", "DEFAULT_QUERY_TIMEOUT"]

#: Seconds a query may take by default (``--timeout``), on the store and at an endpoint.
DEFAULT_QUERY_TIMEOUT = 60.0


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


# ---------------------------------------------------------------- SERVICE
class ServiceRefused(TreatyKGError):
    """The query may call ``SERVICE`` and remote calls were not allowed (a usage error: pass
    ``--allow-service`` if the query is to fetch remote data)."""

    exit_code = 2


_SCAN = re.compile(r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<escape>\\.)
""", re.X | re.S)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_DECLARED = re.compile(r"(?is)(?:\bPREFIX\s+[^\s:<>]*:|\bBASE)\s*$")
_BEFORE_KEYWORD = set(" \t\r\n{}.()[]<>\"'0123456789")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_:?$\-]*$")


def _keyword_like(text: str) -> bool:
    """Whether ``service`` occurs in ``text`` where Oxigraph's parser could read the keyword:
    at the start, or after a character that can end the token before a graph pattern
    (space, brace, dot, bracket, quote, ``>``, a digit), or right after ``true``/``false``
    (``?s ?p trueSERVICE <x> {}`` parses: keywords need no space around them)."""
    lowered = text.lower()
    at = lowered.find("service")
    while at >= 0:
        before = text[at - 1] if at else " "
        if before in _BEFORE_KEYWORD:
            return True
        if before.isascii() and before.isalpha():
            run = _NAME_CHARS.search(text, 0, at).group()
            if run.lower() in ("true", "false"):
                return True
        at = lowered.find("service", at + 1)
    return False


def _may_call_service(text: str) -> bool:
    if "service" not in text.lower():
        return False
    blanked = []
    done = 0
    ambiguous = False
    for m in _SCAN.finditer(text):
        if m.lastgroup == "iri":
            body = m.group()
            # "<" is also less-than: "FILTER(?a<?b)SERVICE?x#>" is an IRI to a scanner and an
            # operator, a keyword and a comment to the parser. An IRI that could hide
            # something (a '#' or a quote, which would start a comment or a string, or the
            # word where it could be the keyword) sends us to the conservative reading of the
            # whole text, unless it is the IRI of a PREFIX or BASE declaration.
            if (("#" in body or "'" in body or _keyword_like(body))
                    and not _DECLARED.search(text, 0, m.start())):
                ambiguous = True
                break
        blanked.append(text[done:m.start()])
        blanked.append(" " * (m.end() - m.start()))
        done = m.end()
    if ambiguous:
        return _keyword_like(text)
    blanked.append(text[done:])
    return _keyword_like("".join(blanked))


def uses_service(query: str) -> bool:
    """Whether ``query`` may call ``SERVICE``: ``True`` for every query that does, and for a few
    that do not (the word where the keyword could be, e.g. in a string after an IRI that holds a
    ``#``). Case-insensitive; keywords need no space around them (``SERVICESILENT``); checked on
    the text as written and with SPARQL's ``\\u`` escapes decoded.

    >>> uses_service('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * WHERE { ?s <http://example.org/service> ?o . FILTER(?o = "service") }')
    False
    """
    def decode(m: re.Match) -> str:
        value = int(m.group(1) or m.group(2), 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else m.group()

    return _may_call_service(query) or _may_call_service(_CODEPOINT.sub(decode, query))


def refuse_service(query: str, allow_service: bool, where: str = "--allow-service") -> None:
    """Raise :class:`ServiceRefused` when ``query`` may call SERVICE and that is not allowed."""
    if not allow_service and uses_service(query):
        raise ServiceRefused("the query may call SERVICE (a remote SPARQL endpoint), and remote calls are off: "
                             "they make this machine fetch any address the query names",
                             hint=f"pass {where} to allow them; if 'service' is only a word in a string, "
                                  "write it another way, e.g. CONCAT(\"serv\", \"ice\")")


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


def json_term(binding: Mapping[str, str], bnodes: dict | None = None):
    """The pyoxigraph term of a term of SPARQL 1.1 JSON results (Virtuoso's ``typed-literal``
    included): exact, whatever its length. A blank node label gives the same fresh blank node
    each time it recurs in ``bnodes``. Raises ``ValueError`` (or ``KeyError``) for what is not a term."""
    import pyoxigraph as ox

    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return (bnodes if bnodes is not None else {}).setdefault(value, ox.BlankNode())
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in binding:
            return ox.Literal(value, language=binding["xml:lang"])
        if "datatype" in binding:
            return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
        return ox.Literal(value)
    raise ValueError(f"unknown term type {kind!r}")


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
                return QueryResult(columns=columns, rows=[[_term(sol[c]) for c in columns] for sol in rows(answer)])
            triples = list(rows(answer))
        except _Stopped:
            return QueryResult()
        except SyntaxError as exc:
            raise InputError(f"not a valid SPARQL query: {' '.join(str(exc).split())[:200]}") from None
        except OSError as exc:
            raise InputError(f"cannot read the store: {exc}", path=str(folder)) from None
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        return QueryResult(triples=sorted(data.splitlines()))


# ---------------------------------------------------------------- endpoint
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
    from .publish import resolve_auth

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
    return _results(data, where)


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


def _results(data: Any, where: str) -> QueryResult:
    """SPARQL 1.1 JSON results, each part checked (a malformed answer is an EndpointError)."""
    def bad(what: str) -> EndpointError:
        return EndpointError(f"{where}: the answer is not SPARQL JSON results ({what})")

    if not isinstance(data, dict):
        raise bad("not a JSON object")
    if "boolean" in data:
        if not isinstance(data["boolean"], bool):
            raise bad("a boolean that is not true or false")
        return QueryResult(boolean=data["boolean"])
    head, results = data.get("head"), data.get("results")
    columns = head.get("vars", []) if isinstance(head, dict) else None
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise bad("no list of variables in head.vars")
    if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        raise bad("no list of bindings in results.bindings")
    rows = []
    for b in bindings:
        row = []
        for c in columns:
            t = b.get(c)
            if t is None:
                row.append(None)
                continue
            if isinstance(t, dict) and t.get("type") == "triple" and isinstance(t.get("value"), dict):
                row.append(Term(json.dumps(t["value"], ensure_ascii=False, sort_keys=True), "literal"))
                continue
            if not (isinstance(t, dict) and isinstance(t.get("value"), str)
                    and t.get("type") in ("uri", "literal", "typed-literal", "bnode")):
                raise bad(f"a value of ?{c} that is not an RDF term")
            kind = "literal" if t["type"] == "typed-literal" else t["type"]
            datatype, lang = t.get("datatype"), t.get("xml:lang")
            row.append(Term(t["value"], kind, datatype if isinstance(datatype, str) else None,
                            lang if isinstance(lang, str) else None))
        rows.append(row)
    return QueryResult(columns=columns, rows=rows)


def to_json_text(result: QueryResult) -> str:
    if result.triples is not None:
        return json.dumps({"triples": result.triples}, ensure_ascii=False, indent=1)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=1)
