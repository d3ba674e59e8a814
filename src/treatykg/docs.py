"""Documentation generated from the ontology and the shapes, so that it cannot drift from them.

:func:`write_docs` writes two self-contained HTML pages (``make docs`` -> ``docs/``):

``ontology.html``
    from ``ontology/treatykg.ttl``: the ontology's metadata; every class, object property,
    datatype property and individual it defines, with its English and Chinese labels and
    comments, super-classes and super-properties, domain and range; and the vocabularies
    it reuses (every namespace its terms point to, with the terms used from each).
``shapes.html``
    from ``shapes/treatykg.ttl``: one row per shape — target, path, severity, message and
    constraint parameters; property shapes listed under the node shapes that use them.

What each page shows is read here (rdflib; pyLODE is not used) and written by the templates
``templates/docs/ontology.html`` and ``templates/docs/shapes.html`` (autoescaped, see
:mod:`treatykg.templating`), with the styles of ``static/page.css`` and ``static/docs.css``.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from .namespaces import VOCABULARIES, curie
from .templating import render

__all__ = ["ontology_html", "shapes_html", "write_docs"]


def _graph(path: Path):
    from rdflib import Graph

    from .errors import RDFError

    g = Graph()
    try:
        g.parse(str(path), format="turtle")
    except Exception as exc:  # rdflib raises many kinds
        raise RDFError(f"cannot parse: {' '.join(str(exc).split())[:200]}", path=str(path)) from None
    return g


def _qname(iri: str) -> str:
    return curie(iri, {**VOCABULARIES, "tkgsh": "https://w3id.org/treatykg/shapes#"}) or f"<{iri}>"


def _lit(g, s, p, lang: str) -> list[str]:
    return sorted(str(o) for o in g.objects(s, p) if getattr(o, "language", None) == lang)


def _term_link(iri: str, own: str) -> tuple[str, str]:
    """(href, prefixed name) of a term: its section on the page for our own terms."""
    return (f"#{iri[len(own):]}" if iri.startswith(own) else iri), _qname(iri)


# ---------------------------------------------------------------- the ontology
def _term(g, s, own: str) -> dict[str, Any]:
    """One term of the ontology: local name, IRI, labels, and its rows (links or text)."""
    from rdflib import RDF, RDFS, URIRef
    from rdflib.namespace import SKOS

    rows: list[dict[str, Any]] = []
    for p, en, zh in ((RDF.type, "type", "类型"), (RDFS.subClassOf, "subclass of", "父类"),
                      (RDFS.subPropertyOf, "subproperty of", "父属性"), (RDFS.domain, "domain", "定义域"),
                      (RDFS.range, "range", "值域")):
        vals = sorted(str(o) for o in g.objects(s, p) if isinstance(o, URIRef))
        if vals:
            rows.append({"en": en, "zh": zh, "links": [_term_link(v, own) for v in vals]})
    for lang, en, zh in (("en", "comment (en)", "英文说明"), ("zh", "comment (zh)", "中文说明")):
        for c in _lit(g, s, RDFS.comment, lang):
            rows.append({"en": en, "zh": zh, "links": None, "text": c, "lang": lang})
    used_by = sorted({str(x) for x in g.subjects(RDFS.domain, s)} | {str(x) for x in g.subjects(RDFS.range, s)})
    if used_by:
        rows.append({"en": "used with", "zh": "相关属性", "links": [_term_link(v, own) for v in used_by]})
    return {"local": str(s)[len(own):], "iri": str(s), "rows": rows,
            "en": ", ".join(_lit(g, s, RDFS.label, "en") or _lit(g, s, SKOS.prefLabel, "en")),
            "zh": ", ".join(_lit(g, s, RDFS.label, "zh") or _lit(g, s, SKOS.prefLabel, "zh"))}


def _sections(g, own: str) -> tuple[list[dict[str, Any]], int]:
    """The ontology's terms by group (classes, properties …, individuals), and how many."""
    from rdflib import OWL, RDF, URIRef

    groups = [("classes", "Classes", "类", [OWL.Class]),
              ("object-properties", "Object properties", "对象属性", [OWL.ObjectProperty]),
              ("datatype-properties", "Datatype properties", "数据属性", [OWL.DatatypeProperty]),
              ("annotation-properties", "Annotation properties", "注释属性", [OWL.AnnotationProperty])]
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(own)}
    placed: set = set()
    sections = []
    for key, en, zh, types in groups:
        members = sorted((s for s in terms if any((s, RDF.type, t) in g for t in types)), key=str)
        placed.update(members)
        if members:
            sections.append((key, en, zh, members))
    rest = sorted(terms - placed, key=str)
    if rest:
        sections.append(("individuals", "Individuals (roles, stances, motivations)", "个体（角色、立场、动机）", rest))
    return [{"key": key, "en": en, "zh": zh, "terms": [_term(g, m, own) for m in members]}
            for key, en, zh, members in sections], len(terms)


def _vocabularies(g, own: str) -> list[dict[str, Any]]:
    """Reused vocabularies: every outside namespace a triple of the ontology points to."""
    from rdflib import URIRef

    reused: dict[str, set[str]] = defaultdict(set)
    for _s, p, o in g:
        for t in (p, o):
            if isinstance(t, URIRef) and not str(t).startswith(own):
                q = _qname(str(t))
                if not q.startswith("<"):
                    reused[q.split(":", 1)[0]].add(str(t))
    reused.pop("rdf", None)
    return [{"prefix": pfx, "namespace": VOCABULARIES[pfx], "terms": [_qname(t) for t in sorted(reused[pfx])]}
            for pfx in VOCABULARIES if pfx in reused]


def _ontology_meta(g, onto, own: str) -> tuple[list[dict[str, Any]], str, str]:
    """The rows of the ontology's metadata (version, licence, namespace, descriptions) and its
    English and Chinese titles."""
    from rdflib import OWL, RDFS
    from rdflib.namespace import DCTERMS

    if onto is None:
        return [], "treatykg ontology", ""
    meta: list[dict[str, Any]] = []
    for p, en, zh in ((OWL.versionInfo, "version", "版本"), (DCTERMS.license, "licence", "许可")):
        for o in g.objects(onto, p):
            meta.append({"en": en, "zh": zh, "text": str(o), "lang": None, "namespace": False})
    meta.append({"en": "namespace", "zh": "命名空间", "text": own, "lang": None, "namespace": True})
    for lang in ("en", "zh"):
        for c in _lit(g, onto, RDFS.comment, lang):
            meta.append({"en": "description", "zh": "说明", "text": c, "lang": lang, "namespace": False})
    return meta, ", ".join(_lit(g, onto, RDFS.label, "en")) or "treatykg ontology", ", ".join(_lit(g, onto, RDFS.label, "zh"))


def ontology_html(path: Path | None = None) -> str:
    """The ontology documentation page (HTML) of ``path`` (default: the packaged ontology)."""
    from rdflib import OWL, RDF

    from .resources import ontology_path

    path = Path(path) if path else ontology_path()
    g = _graph(path)
    own = VOCABULARIES["tkg"]
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    sections, n_terms = _sections(g, own)
    meta, title_en, title_zh = _ontology_meta(g, onto, own)
    return render("docs/ontology.html", title=f"{title_en} · {title_zh}", style="docs.css", script=None,
                  title_en=title_en, title_zh=title_zh, file_name=path.name, n_terms=n_terms, meta=meta,
                  sections=sections, vocabularies=_vocabularies(g, own))


# ---------------------------------------------------------------- the shapes
_SH = "http://www.w3.org/ns/shacl#"
_PARAMS = ("path", "minCount", "maxCount", "datatype", "nodeKind", "class", "minInclusive", "maxInclusive",
           "lessThanOrEquals", "pattern", "in", "languageIn", "hasValue", "minLength", "maxLength")


def _shown(g, o) -> tuple[str, Any]:
    """A value as the shapes table shows it: ``("code", text)``, ``("list", [shown, …])`` (an
    RDF list) or ``("text", "[…]")`` (another blank node)."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection as RDFList

    if isinstance(o, URIRef):
        return "code", _qname(str(o))
    if isinstance(o, BNode):
        try:
            items = list(RDFList(g, o))
        except Exception:
            items = []
        if items:
            return "list", [_shown(g, i) for i in items]
        return "text", "[…]"
    if o.datatype is not None and str(o.datatype).endswith(("#integer", "#boolean", "#decimal")):
        return "code", str(o)
    return "code", o.n3(g.namespace_manager)


def _shape_row(g, s, *, sub: bool, via: str = "") -> dict[str, Any]:
    """One row of the shapes table: a node shape, or a property shape (``sub``: under the node
    shape named in ``via``)."""
    from rdflib import URIRef

    def sh(local: str) -> URIRef:
        return URIRef(_SH + local)

    sev = next(iter(g.objects(s, sh("severity"))), None)
    sev_local = str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation (default)"
    msgs = [str(m) for m in g.objects(s, sh("message"))]
    for c in g.objects(s, sh("sparql")):
        msgs += [str(m) for m in g.objects(c, sh("message")) if str(m) not in msgs]
    path_ = next(iter(g.objects(s, sh("path"))), None)
    targets = []
    for local, en in (("targetClass", "class"), ("targetSubjectsOf", "subjects of"),
                      ("targetObjectsOf", "objects of"), ("targetNode", "node")):
        vals = sorted(g.objects(s, sh(local)), key=str)
        if vals:
            targets.append((en, [_shown(g, v) for v in vals]))
    params = [(local, _shown(g, o)) for local in _PARAMS[1:] for o in g.objects(s, sh(local))]
    params += [("sparql", _shown(g, c) if isinstance(c, URIRef) else ("text", "SELECT …"))
               for c in g.objects(s, sh("sparql"))]
    return {"sub": sub, "id": _qname(str(s)).split(":")[-1] if isinstance(s, URIRef) else "",
            "name": _shown(g, s) if isinstance(s, URIRef) else ("text", "[property]"),
            "targets": targets, "via": via, "path": _shown(g, path_) if path_ is not None else None,
            "severity": sev_local, "severity_class": sev_local.split()[0], "messages": msgs, "params": params}


def shapes_html(path: Path | None = None) -> str:
    """The shapes table page (HTML) of ``path`` (default: the packaged shapes)."""
    from rdflib import RDF, URIRef

    from .resources import shapes_path

    path = Path(path) if path else shapes_path()
    g = _graph(path)
    node_shapes = sorted(set(g.subjects(RDF.type, URIRef(_SH + "NodeShape"))), key=str)
    prop_shapes = set(g.subjects(RDF.type, URIRef(_SH + "PropertyShape"))) | set(g.objects(None, URIRef(_SH + "property")))
    rows = []
    done = set()
    for s in node_shapes:
        rows.append(_shape_row(g, s, sub=False))
        for p in sorted(g.objects(s, URIRef(_SH + "property")), key=str):
            rows.append(_shape_row(g, p, sub=True, via=f"via {_qname(str(s))}"))
            done.add(p)
    for p in sorted(prop_shapes - done, key=str):
        rows.append(_shape_row(g, p, sub=False))
    return render("docs/shapes.html", title="treatykg SHACL shapes · 约束形状", style="docs.css", script=None,
                  file_name=path.name, n_shapes=len(node_shapes) + len(prop_shapes), rows=rows)


def write_docs(out_dir: str | Path, *, ontology: Path | None = None, shapes: Path | None = None) -> list[Path]:
    """Write ``ontology.html`` and ``shapes.html`` into ``out_dir`` (created if missing), atomically."""
    from .errors import OutputError
    from .output import write_atomic

    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror or exc}", path=str(out)) from None
    written = []
    for name, text in (("ontology.html", ontology_html(ontology)), ("shapes.html", shapes_html(shapes))):
        write_atomic(out / name, text.encode("utf-8"))
        try:
            (out / name).chmod(0o644)
        except OSError:
            pass
        written.append(out / name)
    return written
