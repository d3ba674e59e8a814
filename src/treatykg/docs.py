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

Only rdflib is needed (pyLODE is not used).
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .namespaces import VOCABULARIES
from .view import bi, escape, page

__all__ = ["ontology_html", "shapes_html", "write_docs"]

_DOC_STYLE = """
main{max-width:72rem}
section.term{border-top:1px solid var(--line);padding:.6rem 0}
section.term h3{margin:.2rem 0;font-size:1.05rem}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem .8rem;margin:.3rem 0}
dt{color:var(--muted)}
dd{margin:0}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88rem}
nav.toc a{margin-right:.6rem;white-space:nowrap;display:inline-block}
td.sev-Violation{color:#b91c1c;font-weight:600}
td.sev-Warning{color:#92400e;font-weight:600}
tr.sub td:first-child{padding-left:1.6rem}
"""


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
    best = ("", "")
    for p, ns in list(VOCABULARIES.items()) + [("tkgsh", "https://w3id.org/treatykg/shapes#")]:
        if iri.startswith(ns) and len(ns) > len(best[1]):
            best = (p, ns)
    return f"{best[0]}:{iri[len(best[1]):]}" if best[1] else f"<{iri}>"


def _lit(g, s, p, lang: str) -> list[str]:
    return sorted(str(o) for o in g.objects(s, p) if getattr(o, "language", None) == lang)


def _term_link(iri: str, own: str) -> str:
    q = _qname(iri)
    if iri.startswith(own):
        return f'<a href="#{escape(iri[len(own):])}"><code>{escape(q)}</code></a>'
    return f'<a href="{escape(iri)}"><code>{escape(q)}</code></a>'


def ontology_html(path: Path | None = None) -> str:
    """The ontology documentation page (HTML) of ``path`` (default: the packaged ontology)."""
    from rdflib import OWL, RDF, RDFS, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    from .resources import ontology_path

    path = Path(path) if path else ontology_path()
    g = _graph(path)
    own = VOCABULARIES["tkg"]
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)

    groups = [("classes", "Classes", "类", [OWL.Class]),
              ("object-properties", "Object properties", "对象属性", [OWL.ObjectProperty]),
              ("datatype-properties", "Datatype properties", "数据属性", [OWL.DatatypeProperty]),
              ("annotation-properties", "Annotation properties", "注释属性", [OWL.AnnotationProperty])]
    terms = {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(own)}
    placed: set = set()
    sections = []
    toc = []
    for key, en, zh, types in groups:
        members = sorted((s for s in terms if any((s, RDF.type, t) in g for t in types)), key=str)
        placed.update(members)
        if members:
            sections.append((key, en, zh, members))
    rest = sorted(terms - placed, key=str)
    if rest:
        sections.append(("individuals", "Individuals (roles, stances, motivations)", "个体（角色、立场、动机）", rest))

    def term_html(s) -> str:
        local = str(s)[len(own):]
        rows = []
        for p, en, zh in ((RDF.type, "type", "类型"), (RDFS.subClassOf, "subclass of", "父类"),
                          (RDFS.subPropertyOf, "subproperty of", "父属性"), (RDFS.domain, "domain", "定义域"),
                          (RDFS.range, "range", "值域")):
            vals = sorted(str(o) for o in g.objects(s, p) if isinstance(o, URIRef))
            if vals:
                rows.append(f"<dt>{bi(en, zh)}</dt><dd>{', '.join(_term_link(v, own) for v in vals)}</dd>")
        for lang, en, zh in (("en", "comment (en)", "英文说明"), ("zh", "comment (zh)", "中文说明")):
            for c in _lit(g, s, RDFS.comment, lang):
                rows.append(f'<dt>{bi(en, zh)}</dt><dd lang="{lang}">{escape(c)}</dd>')
        used_by = sorted({str(x) for x in g.subjects(RDFS.domain, s)} | {str(x) for x in g.subjects(RDFS.range, s)})
        if used_by:
            rows.append(f"<dt>{bi('used with', '相关属性')}</dt><dd>{', '.join(_term_link(v, own) for v in used_by)}</dd>")
        en_l = ", ".join(_lit(g, s, RDFS.label, "en") or _lit(g, s, SKOS.prefLabel, "en"))
        zh_l = ", ".join(_lit(g, s, RDFS.label, "zh") or _lit(g, s, SKOS.prefLabel, "zh"))
        return (f'<section class="term" id="{escape(local)}"><h3><code>tkg:{escape(local)}</code> — '
                f'<span lang="en">{escape(en_l)}</span> <span lang="zh" class="zh">{escape(zh_l)}</span></h3>'
                f'<div class="meta iri">{escape(str(s))}</div><dl>{"".join(rows)}</dl></section>')

    body_parts = []
    for key, en, zh, members in sections:
        toc.append(f'<a href="#{key}">{bi(en, zh)}</a>')
        body_parts.append(f'<h2 id="{key}">{bi(en, zh)} ({len(members)})</h2>'
                          + '<p class="meta">' + " ".join(
                              f'<a href="#{escape(str(m)[len(own):])}"><code>tkg:{escape(str(m)[len(own):])}</code></a>'
                              for m in members) + "</p>"
                          + "".join(term_html(m) for m in members))

    # reused vocabularies: every outside namespace a triple of the ontology points to
    reused: dict[str, set[str]] = defaultdict(set)
    for s, p, o in g:
        for t in (p, o):
            if isinstance(t, URIRef) and not str(t).startswith(own):
                q = _qname(str(t))
                if not q.startswith("<"):
                    reused[q.split(":", 1)[0]].add(str(t))
    reused.pop("rdf", None)
    vocab_rows = "".join(
        f'<tr><td><code>{escape(pfx)}:</code></td><td class="iri"><a href="{escape(VOCABULARIES[pfx])}">{escape(VOCABULARIES[pfx])}</a></td>'
        f'<td>{", ".join("<code>" + escape(_qname(t)) + "</code>" for t in sorted(reused[pfx]))}</td></tr>'
        for pfx in VOCABULARIES if pfx in reused)
    toc.append(f'<a href="#reused">{bi("Reused vocabularies", "复用的词汇表")}</a>')

    meta = []
    if onto is not None:
        for p, en, zh in ((OWL.versionInfo, "version", "版本"), (DCTERMS.license, "licence", "许可")):
            for o in g.objects(onto, p):
                meta.append(f"<dt>{bi(en, zh)}</dt><dd>{escape(str(o))}</dd>")
        meta.append(f"<dt>{bi('namespace', '命名空间')}</dt><dd><code>{escape(own)}</code> (<code>tkg:</code>)</dd>")
        for lang in ("en", "zh"):
            for c in _lit(g, onto, RDFS.comment, lang):
                meta.append(f'<dt>{bi("description", "说明")}</dt><dd lang="{lang}">{escape(c)}</dd>')
        title_en = ", ".join(_lit(g, onto, RDFS.label, "en")) or "treatykg ontology"
        title_zh = ", ".join(_lit(g, onto, RDFS.label, "zh"))
    else:
        title_en, title_zh = "treatykg ontology", ""
    body = (f'<header class="top"><nav><a href="shapes.html">{bi("Shapes", "约束形状")}</a></nav>'
            f"<h1>{bi(title_en, title_zh)}</h1>"
            f'<div class="meta">{bi("Generated from", "生成自")} <code>{escape(path.name)}</code> · {len(terms)} terms</div></header>'
            f'<main><dl>{"".join(meta)}</dl><nav class="toc">{" ".join(toc)}</nav>'
            + "".join(body_parts)
            + f'<h2 id="reused">{bi("Reused vocabularies", "复用的词汇表")}</h2>'
            + f'<table><thead><tr><th>{bi("Prefix", "前缀")}</th><th>{bi("Namespace", "命名空间")}</th>'
            + f'<th>{bi("Terms used", "使用的术语")}</th></tr></thead><tbody>{vocab_rows}</tbody></table></main>')
    return page(f"{title_en} · {title_zh}", body, style=_DOC_STYLE)


_SH = "http://www.w3.org/ns/shacl#"
_PARAMS = ("path", "minCount", "maxCount", "datatype", "nodeKind", "class", "minInclusive", "maxInclusive",
           "lessThanOrEquals", "pattern", "in", "hasValue", "minLength", "maxLength")


def shapes_html(path: Path | None = None) -> str:
    """The shapes table page (HTML) of ``path`` (default: the packaged shapes)."""
    from rdflib import RDF, BNode, URIRef
    from rdflib.collection import Collection as RDFList

    from .resources import shapes_path

    path = Path(path) if path else shapes_path()
    g = _graph(path)

    def sh(local: str) -> URIRef:
        return URIRef(_SH + local)

    def show(o) -> str:
        if isinstance(o, URIRef):
            return f"<code>{escape(_qname(str(o)))}</code>"
        if isinstance(o, BNode):
            try:
                items = list(RDFList(g, o))
            except Exception:
                items = []
            if items:
                return "(" + " ".join(show(i) for i in items) + ")"
            return "[…]"
        if o.datatype is not None and str(o.datatype).endswith(("#integer", "#boolean", "#decimal")):
            return f"<code>{escape(str(o))}</code>"
        return f"<code>{escape(o.n3(g.namespace_manager))}</code>"

    node_shapes = sorted(set(g.subjects(RDF.type, sh("NodeShape"))), key=str)
    prop_shapes = set(g.subjects(RDF.type, sh("PropertyShape"))) | set(g.objects(None, sh("property")))

    def targets(s) -> str:
        out = []
        for local, en in (("targetClass", "class"), ("targetSubjectsOf", "subjects of"),
                          ("targetObjectsOf", "objects of"), ("targetNode", "node")):
            vals = sorted(g.objects(s, sh(local)), key=str)
            if vals:
                out.append(f"{en} " + ", ".join(show(v) for v in vals))
        return "; ".join(out)

    def params(s) -> str:
        out = []
        for local in _PARAMS[1:]:
            for o in g.objects(s, sh(local)):
                out.append(f"<code>sh:{local}</code> {show(o)}")
        for c in g.objects(s, sh("sparql")):
            out.append(f"<code>sh:sparql</code> {show(c) if isinstance(c, URIRef) else 'SELECT …'}")
        return "<br>".join(out)

    def row(s, *, sub: bool, via: str = "") -> str:
        sev = next(iter(g.objects(s, sh("severity"))), None)
        sev_local = str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation (default)"
        msgs = [str(m) for m in g.objects(s, sh("message"))]
        for c in g.objects(s, sh("sparql")):
            msgs += [str(m) for m in g.objects(c, sh("message")) if str(m) not in msgs]
        path_ = next(iter(g.objects(s, sh("path"))), None)
        name = show(s) if isinstance(s, URIRef) else "[property]"
        return (f'<tr class="{"sub" if sub else ""}" id="{escape(_qname(str(s)).split(":")[-1]) if isinstance(s, URIRef) else ""}">'
                f"<td>{name}</td><td>{targets(s) or escape(via)}</td><td>{show(path_) if path_ is not None else ''}</td>"
                f'<td class="sev-{escape(sev_local.split()[0])}">{escape(sev_local)}</td>'
                f"<td>{'<br>'.join(escape(m) for m in msgs)}</td><td>{params(s)}</td></tr>")

    rows = []
    done = set()
    for s in node_shapes:
        rows.append(row(s, sub=False))
        for p in sorted(g.objects(s, sh("property")), key=str):
            rows.append(row(p, sub=True, via=f"via {_qname(str(s))}"))
            done.add(p)
    for p in sorted(prop_shapes - done, key=str):
        rows.append(row(p, sub=False))
    n = len(node_shapes) + len(prop_shapes)
    body = (f'<header class="top"><nav><a href="ontology.html">{bi("Ontology", "本体")}</a></nav>'
            f'<h1>{bi("treatykg SHACL shapes", "treatykg SHACL 约束形状")}</h1>'
            f'<div class="meta">{bi("Generated from", "生成自")} <code>{escape(path.name)}</code> · {n} shapes · '
            + bi("The data conforms when there is no Violation; warnings alone conform.",
                 "无 Violation 即视为符合；仅有 Warning 仍视为符合。") + "</div></header>"
            f'<main><table id="shapes"><thead><tr><th>{bi("Shape", "形状")}</th><th>{bi("Target", "目标")}</th>'
            f'<th>{bi("Path", "路径")}</th><th>{bi("Severity", "严重性")}</th><th>{bi("Message", "消息")}</th>'
            f'<th>{bi("Constraints", "约束")}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></main>')
    return page("treatykg SHACL shapes · 约束形状", body, style=_DOC_STYLE)


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
