"""The fast SHACL engine: shapes compiled once, evaluated over one document's quads.

pySHACL is the reference implementation, but it walks an rdflib graph term by term
(~70 ms for a 1 KB treaty; ~80% of a build worker's time). Most of what treatykg's
shapes ask is simple: which nodes are targets, how many values a property has, of
which datatype or node kind, in which range. This module compiles a shapes graph into
plain Python checks over an index of the quads, and runs the SHACL-SPARQL constraints
(``sh:sparql`` / ``sh:select``) in an in-memory Oxigraph store, all focus nodes of a
shape in one query. The results are the ones pySHACL gives (same focus, path, value,
message, severity and shape; ``tests/test_shacl_fast.py`` checks this on real and on
deliberately broken documents).

What is compiled (anything else makes :func:`compile_shapes` raise
:class:`Unsupported`, and :mod:`treatykg.validate` uses pySHACL instead):

* targets ``sh:targetClass`` (with ``rdfs:subClassOf`` in the data), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``; node shapes and property shapes whose
  ``sh:path`` is one IRI (no path expressions);
* ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind``, ``sh:class``,
  ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` (+ ``sh:flags``), ``sh:in``,
  ``sh:languageIn`` (as pySHACL reads it: a tag matches a range equal to it or to its first
  subtag, case-insensitively, or ``*``), ``sh:hasValue``, ``sh:lessThan``,
  ``sh:lessThanOrEquals``; ``sh:severity``, ``sh:deactivated``;
* ``sh:sparql`` SELECT constraints on node shapes, without ``sh:prefixes``, sub-queries,
  ``MINUS``/``VALUES``/``SERVICE``, a ``?failure`` variable or pre-bound variables other
  than ``$this``, and with ``$this`` only at the top level of the WHERE clause or in a
  ``FILTER [NOT] EXISTS`` or ``OPTIONAL`` group directly inside it. There, joining the
  query with the shape's focus nodes gives exactly what SHACL's pre-binding of
  ``$this`` gives, so one query serves every focus node;
* every shape that can report a result must have an ``sh:message`` (pySHACL's generic
  messages are not reproduced).

Value comparisons (ranges, ``sh:lessThan*``) use pySHACL's own literal comparison, and
datatypes are checked on rdflib literals as pySHACL does, so ill-typed values fail alike.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Iterable

import pyoxigraph as ox

__all__ = ["Unsupported", "CompiledShapes", "RawResult", "compile_shapes", "run"]

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode(_RDF + "type")
_SUBCLASS = ox.NamedNode(_RDFS + "subClassOf")

_COMPONENT = {  # sh: parameter -> constraint component (local names)
    "minCount": "MinCount", "maxCount": "MaxCount", "datatype": "Datatype", "nodeKind": "NodeKind",
    "class": "Class", "minInclusive": "MinInclusive", "maxInclusive": "MaxInclusive",
    "minExclusive": "MinExclusive", "maxExclusive": "MaxExclusive", "minLength": "MinLength",
    "maxLength": "MaxLength", "pattern": "Pattern", "in": "In", "languageIn": "LanguageIn",
    "hasValue": "HasValue", "lessThan": "LessThan", "lessThanOrEquals": "LessThanOrEquals", "sparql": "SPARQL",
}
_TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"}
_BOOKKEEPING = {"severity", "message", "deactivated", "name", "description", "order", "group",
                "property", "path", "flags", "defaultValue"} | _TARGETS
_NODE_ONLY = {"sparql"}
_PROPERTY_ONLY = {"minCount", "maxCount", "lessThan", "lessThanOrEquals"}


class Unsupported(Exception):
    """The shapes use something this engine does not compile (the message says what)."""


@dataclass(frozen=True)
class RawResult:
    """One validation result with pyoxigraph terms (``path``/``value`` may be None)."""

    focus: Any
    path: Any
    value: Any
    message: str
    severity: str  # IRI of sh:Violation / sh:Warning / sh:Info
    shape: Any  # the rdflib term of the source shape
    component: str  # IRI of the constraint component


@dataclass
class _Shape:
    node: Any  # rdflib term
    severity: str
    messages: tuple[str, ...]
    targets: list[tuple[str, Any]] = field(default_factory=list)
    path: ox.NamedNode | None = None
    checks: list[tuple[str, Any]] = field(default_factory=list)  # (parameter, compiled value)
    properties: list["_Shape"] = field(default_factory=list)
    # SPARQL constraints: (query up to its WHERE brace, the rest, messages, constraint node)
    sparql: list[tuple[str, str, tuple[str, ...], Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledShapes:
    shapes: tuple[_Shape, ...]


# ---------------------------------------------------------------- compiling
def _ox(term) -> Any:
    """An rdflib term (from the shapes graph) as a pyoxigraph term."""
    from rdflib import BNode, Literal, URIRef
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _XSD + "string")))
    raise Unsupported(f"unexpected term {term!r}")


def _local(pred) -> str | None:
    text = str(pred)
    return text[len(_SH):] if text.startswith(_SH) else None


def _one(g, node, pred, what: str):
    values = list(g.objects(node, pred))
    if len(values) != 1:
        raise Unsupported(f"{what} must have exactly one value")
    return values[0]


def compile_shapes(g) -> CompiledShapes:
    """Compile an rdflib shapes graph; raise :class:`Unsupported` naming the first feature it cannot."""
    from rdflib import RDF, Literal, URIRef
    from rdflib.collection import Collection

    sh = lambda local: URIRef(_SH + local)  # noqa: E731
    node_shapes = set(g.subjects(RDF.type, sh("NodeShape")))
    for t in _TARGETS:
        node_shapes |= {s for s in g.subjects(sh(t), None) if (s, sh("path"), None) not in g}
    property_shapes = set(g.subjects(RDF.type, sh("PropertyShape"))) | set(g.objects(None, sh("property")))
    property_shapes |= set(g.subjects(sh("path"), None))

    def compile_one(node, is_property: bool) -> _Shape:
        severity = list(g.objects(node, sh("severity")))
        messages = tuple(sorted(str(m) for m in g.objects(node, sh("message"))))
        shape = _Shape(node=node, severity=str(severity[0]) if severity else _SH + "Violation",
                       messages=messages)
        if is_property:
            path = _one(g, node, sh("path"), "sh:path")
            if not isinstance(path, URIRef):
                raise Unsupported("sh:path other than a single IRI")
            shape.path = ox.NamedNode(str(path))
        for pred, obj in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            local = _local(pred)
            if local is None or local in _BOOKKEEPING:
                continue
            if local not in _COMPONENT:
                raise Unsupported(f"sh:{local}")
            if local in _PROPERTY_ONLY and not is_property or local in _NODE_ONLY and is_property:
                raise Unsupported(f"sh:{local} on a {'property' if is_property else 'node'} shape")
            if local == "sparql":
                shape.sparql.append(_compile_sparql(g, obj, sh))
                continue
            if local in ("minCount", "maxCount", "minLength", "maxLength"):
                value: Any = int(obj)
            elif local == "in":
                value = frozenset(_ox(t) for t in Collection(g, obj))
            elif local == "languageIn":
                ranges = list(Collection(g, obj))
                if not all(isinstance(r, Literal) and isinstance(r.value, str) for r in ranges):
                    raise Unsupported("sh:languageIn with something other than strings")
                value = frozenset(str(r).lower() for r in ranges)
            elif local == "pattern":
                flags = str(next(iter(g.objects(node, sh("flags"))), "")).lower()
                if set(flags) - set("imsx"):
                    raise Unsupported(f"sh:flags {flags!r}")
                value = re.compile(str(obj), sum(getattr(re, f.upper()) for f in flags))
            elif local in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                if not isinstance(obj, Literal):
                    raise Unsupported(f"sh:{local} with a non-literal")
                value = obj
            elif local in ("datatype", "nodeKind"):
                value = str(obj)
            else:  # class, hasValue, lessThan, lessThanOrEquals
                value = _ox(obj)
            shape.checks.append((local, value))
        if not messages and (shape.checks or not all(m for _h, _b, m, _n in shape.sparql)):
            raise Unsupported("a shape without sh:message")
        for t in sorted(_TARGETS):
            for obj in g.objects(node, sh(t)):
                shape.targets.append((t, _ox(obj)))
        return shape

    compiled: list[_Shape] = []
    for node in sorted(node_shapes, key=str):
        if _deactivated(g, node, sh):
            continue
        shape = compile_one(node, is_property=False)
        for prop in sorted(g.objects(node, sh("property")), key=str):
            if not _deactivated(g, prop, sh):
                shape.properties.append(compile_one(prop, is_property=True))
        compiled.append(shape)
    for node in sorted(property_shapes, key=str):  # property shapes with targets of their own
        own_targets = any((node, sh(t), None) in g for t in _TARGETS)
        if own_targets and node not in node_shapes and not _deactivated(g, node, sh):
            compiled.append(compile_one(node, is_property=True))
    return CompiledShapes(tuple(compiled))


def _deactivated(g, node, sh) -> bool:
    return any(bool(v.toPython()) is True for v in g.objects(node, sh("deactivated")))


_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                      r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_IRIS = re.compile(r"<[^<>\"{}|^`\\\s]*>")


def _compile_sparql(g, node, sh) -> tuple[str, str, tuple[str, ...], Any]:
    """An ``sh:select`` turned into one query that binds ``?this`` to every focus node."""
    if (node, sh("prefixes"), None) in g:
        raise Unsupported("sh:prefixes in a SPARQL constraint")
    if (node, sh("ask"), None) in g:
        raise Unsupported("SPARQL ASK validators")
    text = str(_one(g, node, sh("select"), "sh:select"))
    messages = tuple(sorted(str(m) for m in g.objects(node, sh("message"))))
    # Analyse the query with string literals and IRIs blanked out (they may hold braces, $, keywords).
    masked = _IRIS.sub(lambda m: "<" + "x" * (len(m.group()) - 2) + ">",
                       _STRINGS.sub(lambda m: '"' + "x" * (len(m.group()) - 2) + '"', text))
    upper = masked.upper()
    for word in ("MINUS", "VALUES", "SERVICE"):
        if re.search(rf"\b{word}\b", upper):
            raise Unsupported(f"{word} in a SPARQL constraint")
    if len(re.findall(r"\bSELECT\b", upper)) != 1:
        raise Unsupported("a sub-query in a SPARQL constraint")
    if re.search(r"[?$]failure\b", masked):
        raise Unsupported("?failure in a SPARQL constraint")
    others = {v for v in re.findall(r"\$(\w+)", masked) if v != "this"}
    if others:
        raise Unsupported(f"pre-bound ${sorted(others)[0]} in a SPARQL constraint")
    start = masked.find("{")
    if start < 0:
        raise Unsupported("a SPARQL constraint without a WHERE clause")
    # Where does $this occur? depth 1 (top level), or in a FILTER [NOT] EXISTS / OPTIONAL
    # group opened at depth 1.
    depth, opened_by = 0, []
    for m in re.finditer(r"\{|\}|\$this\b", masked):
        token = m.group()
        if token == "{":
            before = upper[:m.start()].rstrip()
            kind = re.search(r"\b(EXISTS|OPTIONAL)$", before) if depth == 1 else None
            opened_by.append(kind.group(1) if kind else "group")
            depth += 1
        elif token == "}":
            depth -= 1
            opened_by.pop()
        elif depth > 1 and (opened_by[1] == "group" or opened_by[1] == "OPTIONAL" and depth > 2):
            # EXISTS substitutes the solution's bindings all the way down; OPTIONAL and plain
            # groups are evaluated on their own, where a join would not see $this.
            raise Unsupported("$this inside a nested group of a SPARQL constraint")
    # $this -> ?this, only where it is a variable (not inside a string): same length, same offsets
    for m in re.finditer(r"\$this\b", masked):
        text = text[:m.start()] + "?" + text[m.start() + 1:]
    head, where = text[:start], text[start + 1:]
    select = re.search(r"\bSELECT\b(\s+(?:DISTINCT|REDUCED)\b)?", head, re.IGNORECASE)
    projection = head[select.end():]
    if "*" not in projection and not re.search(r"\?this\b", projection):
        head = head[:select.end()] + " ?this" + projection  # SHACL pre-binding projects $this
    return head + "{ ", " " + where, messages, node


# ---------------------------------------------------------------- evaluating
class _Index:
    def __init__(self, quads: Iterable[Any]):
        self.quads = quads if isinstance(quads, list) else list(quads)
        self.spo: dict[Any, dict[Any, list[Any]]] = {}
        self.by_pred: dict[Any, list[tuple[Any, Any]]] = {}
        self.graphs: set[Any] = set()
        spo, by_pred = self.spo, self.by_pred
        seen: set[tuple[Any, Any, Any]] = set()
        self._twice = False  # some triple is in two graphs
        graphs = self.graphs
        for q in self.quads:  # the hot loop of the engine: no allocation that a lookup can spare
            s, p, o = q.subject, q.predicate, q.object
            graphs.add(getattr(q, "graph_name", None))
            triple = (s, p, o)
            if triple in seen:  # the same triple in another graph: the union has it once
                self._twice = True
                continue
            seen.add(triple)
            po = spo.get(s)
            if po is None:
                spo[s] = {p: [o]}
            else:
                objects = po.get(p)
                if objects is None:
                    po[p] = [o]
                else:
                    objects.append(o)
            pairs = by_pred.get(p)
            if pairs is None:
                by_pred[p] = [(s, o)]
            else:
                pairs.append((s, o))
        self._subclasses: dict[Any, set[Any]] | None = None
        self._instances: dict[Any, list[Any]] | None = None
        self._store: ox.Store | None = None
        self._graph: Any = None

    def query(self, text: str):
        """Run SPARQL over the union of the quads (as one set of triples)."""
        if self._store is None:
            self._store = ox.Store()
            if not self._twice:  # no triple in two graphs (a document and its evidence): load as is
                self._store.extend(q if isinstance(q, ox.Quad) else ox.Quad(*q) for q in self.quads)
                self._graph = None  # the union of the graphs, which are all the store holds
            else:  # the union holds each triple once: one copy in the default graph
                self._store.extend(ox.Quad(s, p, o, ox.DefaultGraph())
                                   for s, po in self.spo.items() for p, objects in po.items()
                                   for o in objects)
                self._graph = ox.DefaultGraph()
        if self._graph is None:
            return self._store.query(text, use_default_graph_as_union=True)
        return self._store.query(text, default_graph=self._graph)

    def values(self, s, p) -> list[Any]:
        return self.spo.get(s, {}).get(p, [])

    def subclasses(self, c) -> set[Any]:
        """``c`` and every class under it by rdfs:subClassOf in the data."""
        if self._subclasses is None:
            self._subclasses = {}
            for sub, sup in self.by_pred.get(_SUBCLASS, []):
                self._subclasses.setdefault(sup, set()).add(sub)
        out, todo = {c}, [c]
        while todo:
            for sub in self._subclasses.get(todo.pop(), ()):
                if sub not in out:
                    out.add(sub)
                    todo.append(sub)
        return out

    def instances(self, c) -> list[Any]:
        if self._instances is None:
            self._instances = {}
            for s, o in self.by_pred.get(_RDF_TYPE, []):
                self._instances.setdefault(o, []).append(s)
        found: list[Any] = []
        for cls in sorted(self.subclasses(c), key=str):
            found.extend(self._instances.get(cls, ()))
        return found

    def is_instance(self, node, c) -> bool:
        classes = self.subclasses(c)
        return any(t in classes for t in self.values(node, _RDF_TYPE))


def _focus_nodes(shape: _Shape, index: _Index) -> list[Any]:
    seen: dict[Any, None] = {}
    for kind, term in shape.targets:
        if kind == "targetClass":
            found: Iterable[Any] = index.instances(term)
        elif kind == "targetNode":
            found = [term]
        elif kind == "targetSubjectsOf":
            found = [s for s, _o in index.by_pred.get(term, [])]
        else:
            found = [o for _s, o in index.by_pred.get(term, [])]
        for node in found:
            seen.setdefault(node, None)
    return list(seen)


def _focus_pattern(shape: _Shape) -> str:
    """The SPARQL group that binds ?this to the shape's focus nodes (terms serialised by pyoxigraph)."""
    branches = []
    for kind, term in shape.targets:
        if kind == "targetClass":
            branches.append(f"{{ ?this {_RDF_TYPE}/{_SUBCLASS}* {term} }}")
        elif kind == "targetNode":
            branches.append(f"{{ BIND ({term} AS ?this) }}")
        elif kind == "targetSubjectsOf":
            branches.append(f"{{ ?this {term} ?tkgFocusObject }}")
        else:
            branches.append(f"{{ ?tkgFocusSubject {term} ?this }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


_rdflib_cache: dict[Any, Any] = {}


def _rdflib(term):
    r = _rdflib_cache.get(term)
    if r is None:
        from .rdf import _to_rdflib_term
        if len(_rdflib_cache) > 100_000:
            _rdflib_cache.clear()
        r = _rdflib_cache[term] = _to_rdflib_term(term)
    return r


def _datatype_ok(v, rule: str) -> bool:
    """pySHACL's DatatypeConstraintComponent on one value (on the rdflib literal, as pySHACL sees it)."""
    if not isinstance(v, ox.Literal):
        return False
    from datetime import datetime, time
    from decimal import Decimal
    lit = _rdflib(v)
    datatype = str(lit.datatype) if lit.datatype is not None else None
    if datatype == rule:
        if getattr(lit, "ill_typed", None) is True:
            return False
    elif rule == _RDFS + "Literal":
        return True
    elif rule == _RDFS + "Datatype" and datatype:
        return True
    elif datatype is None and lit.language is None and rule == _XSD + "string":
        pass
    elif rule == _RDF + "langString" and lit.language:
        pass
    else:
        return False
    expected = {_XSD + "string": (str, bytes), _RDF + "langString": (str, bytes), _XSD + "integer": int,
                _XSD + "float": float, _XSD + "decimal": Decimal, _XSD + "boolean": bool,
                _XSD + "date": date, _XSD + "time": time, _XSD + "dateTime": datetime}.get(rule)
    return expected is None or isinstance(lit.value, expected)


_NODE_KINDS = {
    "IRI": (ox.NamedNode,), "BlankNode": (ox.BlankNode,), "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.NamedNode, ox.BlankNode), "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


@lru_cache(maxsize=1)
def _compare_literal():
    from pyshacl.rdfutil.compare import compare_literal
    return compare_literal


def _plain_order(a, b) -> int | None:
    """The order of two rdflib literals whose values are both integers or both dates, as
    pySHACL's compare_literal gives it (their values' order); None for any other pair, which
    pySHACL compares (importing pySHACL only then: a worker's start is shorter)."""
    x, y = a.value, b.value
    kind = type(x)
    if kind is not type(y) or kind not in (int, date):  # exact: not bool, not datetime
        return None
    return (x > y) - (x < y)


@lru_cache(maxsize=65536)
def _range_ok(v, bound, kind: str) -> bool:
    """pySHACL's value range components: compare_literal, strings only with strings."""
    if not isinstance(v, ox.Literal):
        return False
    lit = _rdflib(v)
    if isinstance(lit.value, str) != isinstance(bound.value, str):
        return False
    cmp = _plain_order(lit, bound)
    if cmp is None:
        try:
            cmp = _compare_literal()(lit, bound)
        except (TypeError, NotImplementedError):
            return False
    return {"minInclusive": cmp >= 0, "maxInclusive": cmp <= 0,
            "minExclusive": cmp > 0, "maxExclusive": cmp < 0}[kind]


@lru_cache(maxsize=65536)
def _pair_ok(v, other, strict: bool) -> bool:
    """pySHACL's sh:lessThan / sh:lessThanOrEquals on one pair of values. A blank node is never
    less than anything (SHACL: the comparison is not true, so a result), where pySHACL stops
    with an error."""
    if isinstance(v, ox.BlankNode) or isinstance(other, ox.BlankNode):
        return False

    def plain(t):
        if isinstance(t, ox.NamedNode):
            return t.value, True
        lit = _rdflib(t)
        return (lit.value, True) if isinstance(lit.value, str) else (lit, False)
    a, a_str = plain(v)
    b, b_str = plain(other)
    if a_str != b_str:
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError:
        return False


def _check_values(shape: _Shape, focus, values: list[Any], index: _Index, out: list[RawResult]) -> None:
    def report(param: str, value=None):
        out.append(RawResult(focus, shape.path, value, shape.messages[0] if shape.messages else "",
                             shape.severity, shape.node, f"{_SH}{_COMPONENT[param]}ConstraintComponent"))

    for param, arg in shape.checks:
        if param == "minCount":
            if len(values) < arg:
                report(param)
        elif param == "maxCount":
            if len(values) > arg:
                report(param)
        elif param == "hasValue":
            if arg not in values:
                report(param)
        elif param in ("lessThan", "lessThanOrEquals"):
            for v in values:
                for other in index.values(focus, arg):
                    if not _pair_ok(v, other, strict=param == "lessThan"):
                        report(param, v)
        else:
            for v in values:
                if param == "datatype":
                    ok = _datatype_ok(v, arg)
                elif param == "nodeKind":
                    ok = isinstance(v, _NODE_KINDS[arg[len(_SH):]])
                elif param == "class":
                    ok = not isinstance(v, ox.Literal) and index.is_instance(v, arg)
                elif param in ("minLength", "maxLength"):
                    n = len(v.value) if not isinstance(v, ox.BlankNode) else None
                    ok = n is not None and (n >= arg if param == "minLength" else n <= arg)
                elif param == "pattern":
                    ok = not isinstance(v, ox.BlankNode) and arg.search(v.value) is not None
                elif param == "in":
                    ok = v in arg
                elif param == "languageIn":
                    lang = v.language.lower() if isinstance(v, ox.Literal) and v.language else ""
                    ok = bool(lang) and ("*" in arg or lang in arg or lang.split("-")[0] in arg)
                else:
                    ok = _range_ok(v, arg, param)
                if not ok:
                    report(param, v)


def _format(message: str, bindings: dict[str, Any]) -> str:
    for var, val in bindings.items():
        message = re.sub("{[?$]%s}" % var, str(val.value).replace("\\", r"\\"), message)
    return message


def _run_sparql(shape: _Shape, index: _Index, out: list[RawResult], focus_nodes: list[Any] | None = None) -> None:
    if focus_nodes and all(isinstance(n, (ox.NamedNode, ox.Literal)) for n in focus_nodes):
        # the focus nodes the index found, given to the query (pyoxigraph writes each term):
        # the query need not find them again through rdf:type/rdfs:subClassOf*
        focus = "{ VALUES ?this { " + " ".join(str(n) for n in focus_nodes) + " } }"
    else:
        focus = _focus_pattern(shape)
    for head, body, messages, _node in shape.sparql:
        solutions = index.query(head + focus + body)
        names = [v.value for v in solutions.variables]
        seen = set()
        for row in solutions:
            bound = {name: row[name] for name in names if row[name] is not None}
            key = tuple(sorted(bound.items(), key=lambda kv: kv[0]))
            if key in seen:
                continue
            seen.add(key)
            this = bound.get("this")
            texts = [_format(m, bound) for m in messages] or list(shape.messages)
            out.append(RawResult(this, bound.get("path"), bound.get("value", this),
                                 sorted(texts)[0] if texts else "", shape.severity, shape.node,
                                 _SH + "SPARQLConstraintComponent"))


def run(compiled: CompiledShapes, quads: Iterable[Any]) -> list[RawResult]:
    """Validate ``quads`` (their union: graph names are ignored) against ``compiled``."""
    index = _Index(quads)
    out: list[RawResult] = []
    for shape in compiled.shapes:
        focus_nodes = _focus_nodes(shape, index)
        if not focus_nodes:
            continue
        for focus in focus_nodes:
            if shape.path is None:
                _check_values(shape, focus, [focus], index, out)
            else:
                _check_values(shape, focus, index.values(focus, shape.path), index, out)
            for prop in shape.properties:
                _check_values(prop, focus, index.values(focus, prop.path), index, out)
        if shape.sparql:
            _run_sparql(shape, index, out, focus_nodes)
    return out
