"""What a SPARQL query answers, whoever answered it: :class:`QueryResult` of :class:`Term`.

Rules: a result is the same object whether it came from the embedded store (:func:`term_of`
of pyoxigraph's terms) or from an endpoint's SPARQL 1.1 JSON results (:func:`parse_results`,
which checks every part: a malformed answer is an :class:`~treatykg.errors.EndpointError`
naming where it came from, never a ``KeyError``); triples are N-Triples lines, sorted.
:func:`json_term` reads a term of JSON results back into pyoxigraph exactly (any length,
datatype, language), for ``push``'s read-back check.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import EndpointError

__all__ = ["Term", "QueryResult", "json_term", "term_of", "parse_results", "to_json_text"]


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


def term_of(t) -> Term | None:
    """A :class:`Term` of a pyoxigraph term (None stays None; an RDF-star triple is a literal of its text)."""
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


def parse_results(data: Any, where: str) -> QueryResult:
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
    """The result as ``query --format json`` prints it (triples as a list of N-Triples lines)."""
    if result.triples is not None:
        return json.dumps({"triples": result.triples}, ensure_ascii=False, indent=1)
    return json.dumps(result.to_json(), ensure_ascii=False, indent=1)
