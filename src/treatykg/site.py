"""A static site for a collection build: ``OUT/site/``.

:func:`build_site` reads the build folder ``OUT`` (``treatykg build DIR --out OUT``) and
writes:

``index.html``
    the documents in a table (date, type, title, parties, place) sortable by clicking a
    column header (the headers are buttons: keyboard usable), the two pictures, and the
    lists of states and persons.
``doc/<name>.html``
    one page per document: the annotated text of :func:`treatykg.view.render_document`
    when the original text is at hand (the ``texts`` mapping or ``src_dir``) and its SHA-256
    is the one the graph records; otherwise a page listing the facts of the graph with their
    quotes and offsets, without the text.
``person/<name>.html``, ``state/<name>.html``
    who signed or took part in talks, for which side, in which document, with the office
    printed beside the name at the document's date (``tkg:officeTitle`` of each
    ``tkg:Signature`` / ``tkg:Participation``): offices are held by date, not forever.
    A party (``eli:passed_by``, e.g. 中华人民共和国政府) belongs to the gazetteer state whose
    name begins it at the document's date; a party no state name begins has its own page.
``timeline.svg``, ``partners.svg``
    documents per year by type, and the partner states (every state party but the PRC)
    by number of documents: bar charts written here, with a ``<title>`` tooltip per bar;
    also inlined in ``index.html``.

Every link is relative, so the site works from the file system and over HTTP. Every file
is written atomically and only when its bytes change; pages of documents no longer in the
build are removed. An annotated document page is not even rendered again when nothing it
is made from changed: ``OUT/.site-pages.json`` keeps, per page, a SHA-256 of its inputs
(treatykg's code and gazetteer, the text's path and SHA-256, the document IRI, the base,
the page's links) and of the page written, and a page is skipped only when both match.

Where the data comes from: ``OUT/store`` opened read-only under the shared lock of
:mod:`treatykg.store` (``build`` turns its own lock shared to call :func:`build_site`);
when the store is absent or a build holds it exclusively, ``OUT/graphs/*.nq`` loaded into
memory. What is held for the whole site is a summary per document (title, date, parties,
signatories); the evidence annotations a facts page lists are read one document graph at
a time, while the document pages are written. The lock is held until then; the build's
store itself is closed once the summary is read and opened again only if a page needs
annotations (:class:`_StoreForPages`).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError
from .namespaces import DEFAULT_BASE, VOCABULARIES
from .store import open_read_only, release_freed_memory
from .view import bi, escape, page, readable_iri, render_document

__all__ = ["build_site", "load_collection", "load_annotations", "Collection", "timeline_svg", "partners_svg",
           "DOC_TYPE_LABELS", "PAGE_CACHE"]

SITE_DIR = "site"
#: In the build folder, beside ``site/`` (not in it: it is no page to publish): for each
#: annotated document page, a key of its inputs and the SHA-256 of the page.
PAGE_CACHE = ".site-pages.json"

#: doc-type class local name -> (doc_type, English, Chinese), in the ontology's order.
DOC_TYPE_LABELS: dict[str, tuple[str, str, str]] = {
    "JointStatement": ("joint_statement", "joint statement", "联合声明"),
    "JointCommunique": ("joint_communique", "joint communiqué", "联合公报"),
    "JointDeclaration": ("joint_declaration", "joint declaration", "联合宣言"),
    "Treaty": ("treaty", "treaty", "条约"),
    "Agreement": ("agreement", "agreement", "协定"),
    "Protocol": ("protocol", "protocol", "议定书"),
    "ExchangeOfNotes": ("exchange_of_notes", "exchange of notes", "换文"),
    "Memorandum": ("memorandum", "memorandum", "备忘录"),
    "OtherDocument": ("other", "other document", "其他文件"),
}
_TYPE_COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#6b7280"]
HOME_STATE = "cn"  # the gazetteer id of the state whose partners the partner picture counts

_PFX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in VOCABULARIES.items()) + "\n"


# ---------------------------------------------------------------- the collection
@dataclass
class State:
    key: str           # gazetteer id, or "agent-<hash>" for a party no state name begins
    zh: str
    en: str = ""
    iri: str = ""
    wikidata: str | None = None
    slug: str = ""
    agents: set[str] = field(default_factory=set)  # party IRIs that belong to this state


@dataclass(slots=True)
class Document:
    graph: str
    iri: str
    type_local: str
    title: str = ""
    date: str = ""
    place: str = ""
    place_iri: str = ""
    file_name: str = ""
    sha256: str = ""
    parties: list[tuple[str, str]] = field(default_factory=list)  # (agent IRI, label)
    slug: str = ""


@dataclass(slots=True)
class Role:
    """A person's part in one document: a signature or a talks participation."""

    person: str
    document: str
    role: str                 # "signatory" | "participant"
    office: str = ""
    agent: str = ""           # party signed for, or the side in the talks (IRI)
    agent_label: str = ""


@dataclass(slots=True)
class Person:
    iri: str
    zh: str = ""
    en: str = ""
    slug: str = ""


@dataclass
class Collection:
    base: str
    documents: dict[str, Document] = field(default_factory=dict)      # by document IRI
    persons: dict[str, Person] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    states: dict[str, State] = field(default_factory=dict)            # by key
    state_of_agent: dict[str, str] = field(default_factory=dict)      # agent/side IRI -> state key


def _v(term) -> str:
    """A term's value, interned: the same IRI or label in thousands of rows is one string."""
    return "" if term is None else sys.intern(term.value)


def _query(store, q: str):
    """The solutions of ``q``, one at a time (never all of them in a list)."""
    return store.query(_PFX + q)


def _open_source(out: Path):
    """(store, description): the build's store read-only, else its graphs in memory."""
    import pyoxigraph as ox

    from .store import STORE_DIR, acquire

    if (out / STORE_DIR).is_dir():
        try:
            fd = acquire(out, exclusive=False)
        except (InputError, OutputError):
            fd = None
        if fd is not None:
            try:
                store = open_read_only(out)
                return store, fd
            except InputError:
                os.close(fd)
    if not (out / "graphs").is_dir():
        raise InputError("no build here: neither a readable store/ nor graphs/", path=str(out),
                         hint="run treatykg build DIR --out OUT first")
    graphs = sorted((out / "graphs").rglob("*.nq"))  # none: an empty collection, an empty site
    store = ox.Store()
    for p in graphs:
        try:
            store.load(path=str(p), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as exc:
            from .errors import RDFError
            raise RDFError(f"cannot read the graph: {' '.join(str(exc).split())[:200]}", path=str(p)) from None
    return store, None


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """SHA-256 over every treatykg module, the gazetteer and the Python and Unicode versions:
    what an annotated page depends on besides its text, its IRIs and its links."""
    import sys
    import unicodedata

    from .resources import resource_path

    h = hashlib.sha256(f"{sys.version_info[:2]} {unicodedata.unidata_version}\0".encode())
    pkg = Path(__file__).resolve().parent
    files = sorted(p for p in pkg.rglob("*.py") if "__pycache__" not in p.parts)
    for f in files + [resource_path("data", "gazetteer.tsv")]:
        name = f.relative_to(pkg).as_posix() if f.is_relative_to(pkg) else f.name
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _slug(iri: str, kind: str) -> str:
    last = iri.rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,100}", last) and f"/{kind}/" in iri:
        return last
    return f"x-{hashlib.sha1(iri.encode('utf-8')).hexdigest()[:12]}"


def _gazetteer_state(label: str, date: str | None, names: list) -> Any:
    for name, entry in names:
        if label.startswith(name) and entry.valid_at(date or None):
            return entry
    return None


def load_collection(store, base: str | None = None) -> Collection:
    """Everything the site shows, read from ``store`` (any pyoxigraph Store of document graphs)."""
    from .gazetteer import default as gazetteer
    from .ingest import to_simplified

    tkg = VOCABULARIES["tkg"]
    types = " ".join(f"tkg:{k}" for k in DOC_TYPE_LABELS)
    rows = _query(store, f"""
SELECT ?g ?doc ?type ?title ?date ?place ?placeLabel ?file ?sha WHERE {{
  GRAPH ?g {{
    ?g a tkg:DocumentGraph ; dcterms:subject ?doc ; prov:wasDerivedFrom ?src .
    ?doc a ?type . VALUES ?type {{ {types} }}
    OPTIONAL {{ ?src tkg:fileName ?file }} OPTIONAL {{ ?src tkg:sha256 ?sha }}
    OPTIONAL {{ ?doc dcterms:title ?title }}
    OPTIONAL {{ ?doc prov:wasGeneratedBy ?s .
      OPTIONAL {{ ?s dcterms:date ?date }}
      OPTIONAL {{ ?s prov:atLocation ?place . OPTIONAL {{ ?place rdfs:label ?placeLabel FILTER(LANG(?placeLabel) = "zh") }} }} }}
  }} }}""")
    docs: dict[str, Document] = {}
    for r in rows:
        iri = _v(r["doc"])
        if iri in docs:
            continue
        docs[iri] = Document(graph=_v(r["g"]), iri=iri, type_local=_v(r["type"])[len(tkg):],
                             title=_v(r["title"]), date=_v(r["date"]), place=_v(r["placeLabel"]),
                             place_iri=_v(r["place"]), file_name=_v(r["file"]), sha256=_v(r["sha"]),
                             slug=_slug(iri, "doc"))
    if base is None:
        any_doc = next(iter(docs), "")
        base = any_doc[: any_doc.rfind("doc/")] if "doc/" in any_doc else DEFAULT_BASE
    col = Collection(base=base, documents=docs)
    seen_roles: set[tuple[str, ...]] = set()  # membership of col.roles (a list, in store order)
    for r in _query(store, """
SELECT ?doc ?party ?label WHERE { GRAPH ?g { ?g dcterms:subject ?doc . ?doc eli:passed_by ?party .
  OPTIONAL { ?party rdfs:label ?label FILTER(LANG(?label) = "zh") } } } ORDER BY ?doc ?label"""):
        d = docs.get(_v(r["doc"]))
        if d is not None:
            party = (_v(r["party"]), _v(r["label"]) or readable_iri(_v(r["party"]), base))
            if party not in d.parties:
                d.parties.append(party)

    for role, cls, agent_p in (("signatory", "Signature", "tkg:onBehalfOf"), ("participant", "Participation", "tkg:side")):
        for r in _query(store, f"""
SELECT ?doc ?person ?zh ?en ?office ?agent ?agentLabel WHERE {{ GRAPH ?g {{
  ?g dcterms:subject ?doc . ?n a tkg:{cls} ; prov:agent ?person .
  OPTIONAL {{ ?person rdfs:label ?zh FILTER(LANG(?zh) = "zh") }}
  OPTIONAL {{ ?person rdfs:label ?en FILTER(LANG(?en) = "en") }}
  OPTIONAL {{ ?n tkg:officeTitle ?office }}
  OPTIONAL {{ ?n {agent_p} ?agent . OPTIONAL {{ ?agent rdfs:label ?agentLabel FILTER(LANG(?agentLabel) = "zh") }} }}
}} }}"""):
            if _v(r["doc"]) not in docs:
                continue
            pid = _v(r["person"])
            p = col.persons.setdefault(pid, Person(iri=pid, slug=_slug(pid, "person")))
            p.zh = p.zh or _v(r["zh"])
            p.en = p.en or _v(r["en"])
            item = Role(person=pid, document=_v(r["doc"]), role=role, office=_v(r["office"]),
                        agent=_v(r["agent"]), agent_label=_v(r["agentLabel"]))
            key = (item.person, item.document, item.role, item.office, item.agent, item.agent_label)
            if key not in seen_roles:
                seen_roles.add(key)
                col.roles.append(item)

    # states: gazetteer entities, and parties no state name begins
    gaz = gazetteer()
    names = [(to_simplified(n), e) for n, e in gaz.names() if e.type == "state"]
    by_id = {e.id: e for e in gaz.entries}

    def state_for_entry(entry) -> str:
        if entry.id not in col.states:
            from .rdf import entity_iri
            col.states[entry.id] = State(key=entry.id, zh=entry.zh, en=entry.en, iri=entity_iri(entry, base),
                                         wikidata=entry.wikidata, slug=_slug(f"/state/{entry.id}", "state"))
        return entry.id

    def resolve(agent: str, label: str, date: str) -> str:
        if agent in col.state_of_agent:
            return col.state_of_agent[agent]
        entry = None
        if agent.startswith(f"{base}state/"):
            from urllib.parse import unquote
            entry = by_id.get(unquote(agent[len(f"{base}state/"):]))
        if entry is None and label:
            entry = _gazetteer_state(label, date, names)
        if entry is not None:
            key = state_for_entry(entry)
        else:
            key = f"agent-{hashlib.sha1(agent.encode('utf-8')).hexdigest()[:12]}"
            col.states.setdefault(key, State(key=key, zh=label or readable_iri(agent, base), iri=agent, slug=key))
        col.states[key].agents.add(agent)
        col.state_of_agent[agent] = key
        return key

    for d in docs.values():
        for agent, label in d.parties:
            resolve(agent, label, d.date)
    for r in col.roles:
        if r.agent:
            resolve(r.agent, r.agent_label, docs[r.document].date)

    return col


def load_annotations(store, graph: str, text: str | None = None) -> list[dict[str, Any]]:
    """The evidence annotations of the document whose graph is ``graph`` in ``store``: dicts with
    ``field``, ``start``, ``end``, ``exact`` (the quote), ``body`` (IRI) and ``label``,
    ordered by position (then by every other key, so the order never depends on the store).

    Full evidence carries its quotes; compact evidence (``<{doc}/text#char=START,END>``) takes
    them from ``text``, the document's text (the quote is empty without it). Read one document
    at a time, when a page needs them: a collection's annotations together are far larger than
    the rest of it.
    """
    import pyoxigraph as ox

    from .iris import evidence_graph_iri

    doc = graph[: -len("/graph")] if graph.endswith("/graph") else graph
    facts, evidence = str(ox.NamedNode(graph)), str(ox.NamedNode(evidence_graph_iri(doc)))
    anns = []
    for r in _query(store, f"""
SELECT ?field ?target ?start ?end ?exact ?body ?bodyLabel WHERE {{
  GRAPH {evidence} {{
    ?a a oa:Annotation ; oa:hasBody ?body ; tkg:field ?field ; oa:hasTarget ?target .
    OPTIONAL {{ ?target oa:hasSelector ?pos , ?q . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
                ?q a oa:TextQuoteSelector ; oa:exact ?exact }} }}
  OPTIONAL {{ GRAPH {facts} {{ ?body rdfs:label ?bodyLabel FILTER(LANG(?bodyLabel) = "zh") }} }} }}"""):
        start, end, exact = _v(r["start"]), _v(r["end"]), _v(r["exact"])
        if not start:
            m = _FRAGMENT.search(_v(r["target"]))
            if m is None:
                continue
            start, end = m.group(1), m.group(2)
            exact = text[int(start):int(end)] if text is not None else ""
        anns.append({"field": _v(r["field"]), "start": int(start or 0), "end": int(end or 0), "exact": exact,
                     "body": _v(r["body"]), "label": _v(r["bodyLabel"])})
    anns.sort(key=lambda a: (a["start"], -a["end"], a["field"], a["exact"], a["body"], a["label"]))
    return anns


_FRAGMENT = re.compile(r"#char=(\d+),(\d+)$")


# ---------------------------------------------------------------- pictures
def _svg_text(x: float, y: float, text: str, **attrs: Any) -> str:
    extra = " ".join(f'{k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:g}" y="{y:g}" {extra}>{escape(text)}</text>'


_SVG_FONT = 'font-family="system-ui, \'Noto Sans CJK SC\', \'Noto Sans\', sans-serif" font-size="12"'


def timeline_svg(col: Collection) -> str:
    """Documents per year, stacked by type: an SVG bar chart with a tooltip per bar."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for d in col.documents.values():
        if re.match(r"^\d{4}", d.date):
            counts[int(d.date[:4])][d.type_local] += 1
    present = [t for t in DOC_TYPE_LABELS if any(c[t] for c in counts.values())]
    colour = {t: _TYPE_COLOURS[i % len(_TYPE_COLOURS)] for i, t in enumerate(DOC_TYPE_LABELS)}
    title = "Documents per year, by type · 各年文件数（按类型）"
    if not counts:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60" role="img" {_SVG_FONT}>'
                f'<title>{escape(title)}</title>{_svg_text(10, 35, "No dated documents · 无日期明确的文件")}</svg>\n')
    y0, y1 = min(counts), max(counts)
    years = list(range(y0, y1 + 1))
    top = max(sum(c.values()) for c in counts.values())
    bw = max(6, min(28, 760 // max(1, len(years))))
    left, plot_h, top_pad = 44, 180, 34
    legend_h = 22 * ((len(present) + 2) // 3)
    width = left + bw * len(years) + 20
    width = max(width, left + 3 * 230)
    height = top_pad + plot_h + 40 + legend_h
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="timeline-title" {_SVG_FONT}>',
             f'<title id="timeline-title">{escape(title)}</title>',
             _svg_text(left, 20, title, font_size="14", font_weight="600")]
    step = 1 if top <= 10 else max(1, round(top / 5))
    for t in range(0, top + 1, step):
        y = top_pad + plot_h - plot_h * t / top
        parts.append(f'<line x1="{left}" x2="{left + bw * len(years)}" y1="{y:g}" y2="{y:g}" stroke="#e5e7eb"/>')
        parts.append(_svg_text(left - 6, y + 4, str(t), text_anchor="end", fill="#6b7280"))
    label_every = 1 if len(years) <= 16 else 5
    for i, year in enumerate(years):
        x = left + i * bw
        acc = 0
        for t in present:
            n = counts[year][t]
            if not n:
                continue
            h = plot_h * n / top
            y = top_pad + plot_h - plot_h * (acc + n) / top
            en, zh = DOC_TYPE_LABELS[t][1:]
            parts.append(f'<rect class="bar" x="{x + 1}" y="{y:g}" width="{bw - 2}" height="{h:g}" fill="{colour[t]}">'
                         f'<title>{year}: {n} {escape(en)} · {escape(zh)}</title></rect>')
            acc += n
        if year % label_every == 0 or label_every == 1 and True:
            if label_every == 1 or year % label_every == 0:
                parts.append(_svg_text(x + bw / 2, top_pad + plot_h + 16, str(year), text_anchor="middle",
                                       fill="#374151", font_size="11" if bw >= 26 else "10",
                                       **({"transform": f"rotate(-45 {x + bw / 2:g} {top_pad + plot_h + 16})"} if bw < 30 else {})))
    parts.append(f'<line x1="{left}" x2="{left + bw * len(years)}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}" stroke="#374151"/>')
    ly = top_pad + plot_h + 44
    for i, t in enumerate(present):
        lx = left + (i % 3) * 230
        yy = ly + 22 * (i // 3)
        en, zh = DOC_TYPE_LABELS[t][1:]
        parts.append(f'<rect x="{lx}" y="{yy - 10}" width="12" height="12" fill="{colour[t]}"/>')
        parts.append(_svg_text(lx + 16, yy, f"{en} {zh}", fill="#374151"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _partner_counts(col: Collection) -> list[tuple[State, int]]:
    counts: Counter = Counter()
    for d in col.documents.values():
        keys = {col.state_of_agent.get(a) for a, _ in d.parties} - {None, HOME_STATE}
        for k in keys:
            counts[k] += 1
    return sorted(((col.states[k], n) for k, n in counts.items()), key=lambda sn: (-sn[1], sn[0].zh))


def _fit(text: str, width: float) -> str:
    """``text`` cut (with …) to about ``width`` pixels at 12px: wide (CJK) characters count 12, others 7."""
    used, out = 0.0, []
    for ch in text:
        used += 12 if ord(ch) > 0x2E80 else 7
        if used > width:
            return "".join(out).rstrip() + "…"
        out.append(ch)
    return text


def partners_svg(col: Collection) -> str:
    """Partner states by number of documents: a horizontal SVG bar chart, a tooltip per bar."""
    rows = _partner_counts(col)
    title = "Partner states, by number of documents · 缔约对方（按文件数）"
    label_w, bar_w, row_h, top_pad = 420, 320, 24, 34
    width = label_w + bar_w + 60
    height = top_pad + row_h * max(1, len(rows)) + 16
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="partners-title" {_SVG_FONT}>',
             f'<title id="partners-title">{escape(title)}</title>',
             _svg_text(10, 20, title, font_size="14", font_weight="600")]
    if not rows:
        parts.append(_svg_text(10, top_pad + 16, "No partner states · 无缔约对方"))
    top = max((n for _, n in rows), default=1)
    for i, (s, n) in enumerate(rows):
        y = top_pad + i * row_h
        name = f"{s.zh} {s.en}".strip()
        parts.append(_svg_text(label_w - 8, y + 16, _fit(name, label_w - 16), text_anchor="end", fill="#111827"))
        w = max(2, bar_w * n / top)
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:g}" height="{row_h - 8}" fill="#2563eb">'
                     f'<title>{escape(name)}: {n} document{"s" if n != 1 else ""} · {n} 份文件</title></rect>')
        parts.append(_svg_text(label_w + w + 6, y + 16, str(n), fill="#374151"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- pages
_SORT_SCRIPT = r"""
(function(){
  "use strict";
  var table = document.getElementById("documents");
  if (!table) return;
  var heads = table.querySelectorAll("thead th");
  Array.prototype.forEach.call(heads, function(th, col){
    var b = th.querySelector("button");
    if (!b) return;
    b.addEventListener("click", function(){
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(heads, function(h){ h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function(a, b){
        var x = a.cells[col].getAttribute("data-sort") || a.cells[col].textContent;
        var y = b.cells[col].getAttribute("data-sort") || b.cells[col].textContent;
        var c = x < y ? -1 : x > y ? 1 : 0;
        return dir === "ascending" ? c : -c;
      });
      rows.forEach(function(r){ body.appendChild(r); });
      var status = document.getElementById("sort-status");
      if (status) status.textContent = "Sorted by " + b.textContent.trim() + ", " + dir + ".";
    });
  });
})();
"""


def _type_label(local: str) -> str:
    _, en, zh = DOC_TYPE_LABELS.get(local, ("", local, ""))
    return bi(en, zh)


def _nav(prefix: str) -> str:
    return (f'<a href="{prefix}index.html">{bi("All documents", "全部文件")}</a>'
            f'<a href="{prefix}index.html#pictures">{bi("Pictures", "图表")}</a>'
            f'<a href="{prefix}index.html#states">{bi("States", "国家")}</a>'
            f'<a href="{prefix}index.html#persons">{bi("Persons", "人物")}</a>')


def _header(prefix: str, title_html: str, meta: str = "") -> str:
    return (f'<header class="top"><nav>{_nav(prefix)}</nav><h1>{title_html}</h1>'
            + (f'<div class="meta">{meta}</div>' if meta else "") + "</header>")


#: below this many pages to render, rendering in this process is faster than starting workers
_PARALLEL_PAGES = 64
#: documents whose pages are planned and rendered together (bounds the memory of the pages in flight)
_PAGES_AT_ONCE = 512


def _render_annotated(job: tuple) -> tuple[str | None, str | None]:
    """(annotated page, None), or (None, why not) — in a worker process or this one.
    ``job``: the text's path, the document IRI, the base, the links, the navigation, and the
    document's curation in the build (its metadata row and corrections: the page marks the
    facts they assert)."""
    from . import rdf
    from .view import read_record

    path, iri, base, links, nav = job[:5]
    curation = job[5] if len(job) > 5 else None
    try:
        record, text = read_record(Path(path))
        if curation:
            from .build import curate

            record, _, _ = curate(record, curation, Path(path).name)
        same = rdf.document_iri(record, base) == iri
    except Exception as exc:  # a text that no longer extracts: fall back to the facts
        return None, f"the text no longer extracts ({type(exc).__name__}) · 原文无法抽取"
    if not same:
        return None, "the text gives another document now · 原文现对应另一文件"
    return render_document(record, text, base=base, links=links, nav=nav), None


class _StoreForPages:
    """The store that the pages of documents without their text read annotations from.

    The build's store is closed as soon as the collection is read: RocksDB keeps the index
    and filter blocks of every table file a query has read in memory, which grows with the
    store (~160 MiB at 20,000 documents), and most pages are rendered from their texts
    without it. It is opened again, read-only under the lock :func:`build_site` holds,
    when the first page that needs it comes. A store in memory (``graphs/*.nq`` loaded)
    is kept as it is."""

    def __init__(self, out: Path, store=None):
        self.out, self._store = out, store

    def get(self):
        if self._store is None:
            self._store = open_read_only(self.out)
        return self._store


class _Site:
    def __init__(self, out: Path, col: Collection, texts: dict[str, Path], store: _StoreForPages | None = None):
        self.root = out / SITE_DIR
        self.out = out
        self.col = col
        self.texts = texts
        self.curations = _curations_from(out)
        self.store = store  # for the annotations of facts pages; None: pages without them
        self.cache_path = out / PAGE_CACHE
        try:
            old = json.loads(self.cache_path.read_text(encoding="utf-8"))
            self.old_pages: dict[str, list[str]] = old if isinstance(old, dict) else {}
        except (OSError, ValueError):
            self.old_pages = {}
        self.pages: dict[str, list[str]] = {}  # what PAGE_CACHE will hold
        self.written: set[Path] = set()
        self.roles_of_person: dict[str, list[Role]] = defaultdict(list)
        self.roles_of_state: dict[str, list[Role]] = defaultdict(list)
        self.roles_of_doc: dict[str, list[Role]] = defaultdict(list)
        for r in col.roles:
            self.roles_of_person[r.person].append(r)
            self.roles_of_doc[r.document].append(r)
            if r.agent in col.state_of_agent:
                self.roles_of_state[col.state_of_agent[r.agent]].append(r)
        # an agent may be printed differently in different documents (中华人民共和国政府 and
        # 中华人民共和国中央人民政府 are one government): one label, the same whatever the order
        # the store returns the documents in
        every: dict[str, set[str]] = defaultdict(set)
        for d in col.documents.values():
            for a, label in d.parties:
                every[a].add(label)
        for r in col.roles:
            if r.agent_label:
                every[r.agent].add(r.agent_label)
        self.labels = {a: min(ls) for a, ls in every.items()}
        self.state_by_iri = {s.iri: s for s in col.states.values()}
        self._docs_of_state: dict[str, list[Document]] | None = None

    # links, relative to a page one folder down (doc/, person/, state/)
    def link(self, iri: str) -> str | None:
        col = self.col
        if iri in col.documents:
            return f"../doc/{col.documents[iri].slug}.html"
        if iri in col.persons:
            return f"../person/{col.persons[iri].slug}.html"
        if iri in col.state_of_agent:
            return f"../state/{col.states[col.state_of_agent[iri]].slug}.html"
        if iri in self.state_by_iri:
            return f"../state/{self.state_by_iri[iri].slug}.html"
        return None

    def a(self, iri: str, text: str, *, up: bool = True, lang: str | None = "zh") -> str:
        href = self.link(iri)
        if href is None:
            return f'<span{f" lang={chr(34)}{lang}{chr(34)}" if lang else ""}>{escape(text)}</span>'
        if not up:
            href = href[3:]
        return f'<a href="{escape(href)}"{f" lang={chr(34)}{lang}{chr(34)}" if lang else ""}>{escape(text)}</a>'

    def save_page_cache(self) -> None:
        from .output import write_atomic

        data = json.dumps(self.pages, sort_keys=True, indent=0).encode("utf-8")
        try:
            if self.cache_path.read_bytes() == data:
                return
        except OSError:
            pass
        write_atomic(self.cache_path, data)

    def write(self, rel: str, text: str) -> Path:
        from .output import write_atomic

        path = self.root / rel
        data = text.encode("utf-8")
        self.written.add(path)
        try:
            if path.is_file() and path.read_bytes() == data:
                return path  # unchanged: not rewritten (a build with nothing new rewrites nothing)
        except OSError:
            pass
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder: {exc.strerror or exc}", path=str(path.parent)) from None
        write_atomic(path, data)
        try:
            os.chmod(path, 0o644)  # a page is for everyone to read (mkstemp makes 0600)
        except OSError:
            pass
        self.written.add(path)
        return path

    def sorted_docs(self) -> list[Document]:
        return sorted(self.col.documents.values(), key=lambda d: (d.date or "9999", d.title, d.iri))

    def docs_of_state(self) -> dict[str, list[Document]]:
        """State key -> the documents it is a party to, in index order (sorted once, not per state)."""
        if self._docs_of_state is None:
            self._docs_of_state = defaultdict(list)
            for d in self.sorted_docs():
                for key in dict.fromkeys(self.col.state_of_agent.get(a) for a, _ in d.parties):
                    if key is not None:
                        self._docs_of_state[key].append(d)
        return self._docs_of_state

    # -- index ---------------------------------------------------------------------
    def review_section(self) -> str:
        """The documents a curator should look at (the build's review.tsv): kept without conforming,
        warnings, stale corrections, disagreements with the database metadata."""
        path = self.out / "review.tsv"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()[1:]
        except OSError:
            return ""
        by_doc: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        files: dict[str, str] = {}
        for line in lines:
            cells = (line.split("\t") + [""] * 5)[:5]
            file, kind, fld, detail, doc = cells
            by_doc[doc or file].append((kind, fld, detail))
            files[doc or file] = file
        if not by_doc:
            return ""
        items = []
        for key in sorted(by_doc, key=lambda k: files[k]):
            d = self.col.documents.get(key)
            label = escape(files[key])
            link = f'<a href="doc/{escape(d.slug)}.html">{label}</a>' if d is not None else label
            kinds = ", ".join(f"{k} ×{n}" if n > 1 else k
                              for k, n in sorted(Counter(k for k, _, _ in by_doc[key]).items()))
            details = "".join(f'<li><span class="meta">{escape(k)}{" · " + escape(f) if f else ""}</span> '
                              f'{escape(t)}</li>' for k, f, t in by_doc[key])
            items.append(f'<li class="review-item" data-kinds="{escape(kinds)}">{link} '
                         f'<span class="meta">({escape(kinds)})</span><ul>{details}</ul></li>')
        return (f'<h2 id="review">{bi("To review", "待审核")}</h2>'
                f'<p class="meta">{bi("What a curator should look at; `treatykg review OUT` prints the same with corrections to start from.", "需编者查看的内容；`treatykg review OUT` 列出同样内容并附可编辑的更正条目。")}</p>'
                f'<ul id="review-list">{"".join(items)}</ul>')

    def index(self, timeline: str, partners: str) -> str:
        col = self.col
        rows = []
        for d in self.sorted_docs():
            parties = "、".join(self.a(a, label, up=False) for a, label in d.parties)
            rows.append(
                "<tr>"
                f'<td class="date" data-sort="{escape(d.date or "9999")}">{escape(d.date or "—")}</td>'
                f'<td data-sort="{escape(d.type_local)}">{_type_label(d.type_local)}</td>'
                f'<td data-sort="{escape(d.title)}"><a href="doc/{escape(d.slug)}.html" lang="zh">{escape(d.title or d.file_name or d.iri)}</a></td>'
                f'<td data-sort="{escape("、".join(l for _, l in d.parties))}">{parties}</td>'
                f'<td data-sort="{escape(d.place)}" lang="zh">{escape(d.place)}</td>'
                "</tr>")
        heads = [("date", "Date", "日期"), ("type", "Type", "类型"), ("title", "Title", "标题"),
                 ("parties", "Parties", "缔约方"), ("place", "Place", "地点")]
        th = "".join(f'<th scope="col" data-col="{k}"{" aria-sort=" + chr(34) + "ascending" + chr(34) if k == "date" else ""}>'
                     f'<button type="button">{bi(en, zh)}</button></th>' for k, en, zh in heads)
        states = sorted(col.states.values(), key=lambda s: (s.en or s.zh, s.zh))
        persons = sorted(col.persons.values(), key=lambda p: (p.zh, p.iri))
        n_docs = len(col.documents)
        body = (_header("", bi("Treaty collection", "条约集"),
                        f"{n_docs} document{'s' * (n_docs != 1)} · {n_docs} 份文件 · {len(col.persons)} persons · "
                        f"{len([s for s in col.states.values()])} states")
                + '<main><h2 id="documents-heading">' + bi("Documents", "文件") + "</h2>"
                + '<p class="meta">' + bi("Click a column header to sort (again to reverse).", "点击列标题排序（再次点击反向）。")
                + ' <span id="sort-status" aria-live="polite"></span></p>'
                + f'<table id="documents" aria-labelledby="documents-heading"><thead><tr>{th}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
                + self.review_section()
                + f'<h2 id="pictures">{bi("Pictures", "图表")}</h2>'
                + f'<figure id="timeline">{timeline}<figcaption><a href="timeline.svg">timeline.svg</a></figcaption></figure>'
                + f'<figure id="partners">{partners}<figcaption><a href="partners.svg">partners.svg</a></figcaption></figure>'
                + f'<h2 id="states">{bi("States and parties", "国家和缔约方")}</h2><ul>'
                + "".join(f'<li><a href="state/{escape(s.slug)}.html" lang="zh">{escape(s.zh)}</a>'
                          f'{(" <span lang=" + chr(34) + "en" + chr(34) + " class=" + chr(34) + "meta" + chr(34) + ">" + escape(s.en) + "</span>") if s.en else ""}</li>'
                          for s in states)
                + f'</ul><h2 id="persons">{bi("Persons", "人物")}</h2><ul>'
                + "".join(f'<li><a href="person/{escape(p.slug)}.html" lang="zh">{escape(p.zh or readable_iri(p.iri, col.base))}</a>'
                          f'{(" <span lang=" + chr(34) + "en" + chr(34) + " class=" + chr(34) + "meta" + chr(34) + ">" + escape(p.en) + "</span>") if p.en else ""}</li>'
                          for p in persons)
                + "</ul></main>")
        return page("Treaty collection · 条约集", body, script=_SORT_SCRIPT)

    # -- one document ----------------------------------------------------------------
    def document(self, d: Document) -> str:
        page_html, _ = self._document(d)
        assert page_html is not None
        return page_html

    def write_document(self, d: Document) -> None:
        """Write the page of ``d`` (see :meth:`write_documents`)."""
        self.write_documents([d])

    def write_documents(self, docs: list[Document], workers: int = 1) -> None:
        """Write the pages of ``docs``, in order. An annotated page whose inputs (see
        :meth:`_plan`) and file are those PAGE_CACHE records is left as it is, without
        extracting its text again; the others are rendered by ``workers`` processes when
        there are enough of them to pay for starting the processes (the pages are the
        same whichever process renders them). Planned, rendered and written
        :data:`_PAGES_AT_ONCE` documents at a time: memory does not grow with the
        collection."""
        pool = None
        try:
            for i in range(0, len(docs), _PAGES_AT_ONCE):
                plans = [(d, self._plan(d, self.old_pages.get(f"doc/{d.slug}.html")))
                         for d in docs[i:i + _PAGES_AT_ONCE]]
                jobs = [job for _, (kind, _key, job) in plans if kind == "render"]
                if pool is None and workers > 1 and len(jobs) >= _PARALLEL_PAGES:
                    from concurrent.futures import ProcessPoolExecutor
                    from multiprocessing import get_context

                    from .pool import worker_setup

                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                               initializer=worker_setup, initargs=(os.getpid(),))
                if pool is not None and len(jobs) > 1:
                    self._write_plans(plans, iter(pool.map(_render_annotated, jobs, chunksize=8)))
                else:
                    self._write_plans(plans, map(_render_annotated, jobs))
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _write_plans(self, plans, rendered) -> None:
        for d, (kind, key, job) in plans:
            rel = f"doc/{d.slug}.html"
            if kind == "cached":  # the page on disk is current
                self.written.add(self.root / rel)
                self.pages[rel] = self.old_pages[rel]
                continue
            if kind == "render":
                page_html, reason = next(rendered)
                if page_html is None:
                    self.write(rel, self.facts_page(d, reason))
                    continue
                self.write(rel, page_html)
                self.pages[rel] = [key, hashlib.sha256(page_html.encode("utf-8")).hexdigest()]
                continue
            self.write(rel, self.facts_page(d, job))

    def _document(self, d: Document, cached: list[str] | None = None) -> tuple[str | None, str | None]:
        """(page, key): see :meth:`_plan`; ``page`` is None when the page on disk is current."""
        kind, key, job = self._plan(d, cached)
        if kind == "cached":
            return None, key
        if kind == "render":
            page_html, reason = _render_annotated(job)
            if page_html is not None:
                return page_html, key
            job = reason
        return self.facts_page(d, job), None

    def _plan(self, d: Document, cached: list[str] | None) -> tuple[str, str | None, Any]:
        """What the page of ``d`` needs: ``("cached", key, None)``, ``("render", key, job)``
        (an annotated page: ``job`` for :func:`_render_annotated`) or ``("facts", None,
        reason)``. ``key`` is a SHA-256 of all an annotated page is made from (the code,
        the text's path and SHA-256, the document IRI, the base, the links); "cached"
        when ``cached`` (``[key, SHA-256 of the page]``) has that key and the page on disk
        has that SHA-256."""
        path = self.texts.get(d.graph) or self.texts.get(d.iri)
        if path is None:
            return "facts", None, "the original text was not given to the site generator · 未提供原文"
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            return "facts", None, f"the original text cannot be read ({exc.strerror or exc}) · 无法读取原文"
        sha = hashlib.sha256(data).hexdigest()
        if d.sha256 and sha != d.sha256:
            return "facts", None, "the text has changed since the build (SHA-256 differs) · 原文在构建后已改动"
        links = {iri: href for iri in self._iris_of(d) if (href := self.link(iri))}
        curation = self.curations.get(d.graph) or {}
        key = hashlib.sha256(json.dumps(
            [_code_fingerprint(), str(p), sha, d.iri, self.col.base, sorted(links.items()), curation],
            ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        if (isinstance(cached, list) and len(cached) == 2 and cached[0] == key
                and _file_sha256(self.root / f"doc/{d.slug}.html") == cached[1]):
            return "cached", key, None
        return "render", key, (str(p), d.iri, self.col.base, links, _nav("../"), curation)

    def _iris_of(self, d: Document) -> set[str]:
        roles = self.roles_of_doc.get(d.iri, [])
        out = {a for a, _ in d.parties} | {r.person for r in roles} | {r.agent for r in roles if r.agent}
        return out | set(self.state_by_iri)

    def facts_page(self, d: Document, reason: str) -> str:
        base = self.col.base
        rows = []
        published = _published_texts(self.out).get(d.graph) if self.store is not None else None
        try:
            text = published.read_text(encoding="utf-8") if published is not None else None
        except (OSError, UnicodeDecodeError):
            text = None
        for a in (load_annotations(self.store.get(), d.graph, text) if self.store is not None else []):
            body = self.a(a["body"], a["label"] or readable_iri(a["body"], base)) if self.link(a["body"]) else (
                f'<span class="iri">{escape(readable_iri(a["body"], base))}</span>'
                + (f' <span lang="zh">{escape(a["label"])}</span>' if a["label"] else ""))
            rows.append(f'<tr><td class="iri">{escape(a["field"])}</td><td lang="zh">{escape(a["exact"])}</td>'
                        f'<td>{a["start"]}–{a["end"]}</td><td>{body}</td></tr>')
        meta = " · ".join(x for x in (escape(d.date), _type_label(d.type_local), f'<span lang="zh">{escape(d.place)}</span>',
                                      f'<span class="iri">{escape(readable_iri(d.iri, base))}</span>', escape(d.file_name)) if x)
        parties = "、".join(self.a(a, label) for a, label in d.parties)
        body = (_header("../", f'<span lang="zh">{escape(d.title or d.file_name)}</span>', meta)
                + f'<main><p class="warn">{escape(reason)}</p>'
                + f'<p>{bi("Parties", "缔约方")}: {parties}</p>'
                + f'<h2>{bi("Facts and their evidence", "事实及其原文证据")}</h2>'
                + '<table class="facts"><thead><tr>'
                + f'<th>{bi("Field", "字段")}</th><th>{bi("Quote", "原文")}</th><th>{bi("Offsets", "位置")}</th><th>{bi("Resource", "资源")}</th>'
                + f'</tr></thead><tbody>{"".join(rows)}</tbody></table></main>')
        return page(d.title or d.file_name or d.iri, body)

    # -- people and states ------------------------------------------------------------
    def _roles_table(self, roles: list[Role], *, show_person: bool) -> str:
        docs = self.col.documents
        # total: rows that tie on date, title and role would otherwise keep the store's order
        roles = sorted(roles, key=lambda r: (docs[r.document].date or "9999", docs[r.document].title, r.role,
                                             r.person, r.agent, r.document, r.office, r.agent_label))
        rows = []
        for r in roles:
            d = docs[r.document]
            who = ""
            if show_person:
                p = self.col.persons[r.person]
                who = f"<td>{self.a(p.iri, p.zh or readable_iri(p.iri, self.col.base))}</td>"
            role = bi("signatory", "签字人") if r.role == "signatory" else bi("talks participant", "会谈参加者")
            agent = self.a(r.agent, r.agent_label or readable_iri(r.agent, self.col.base)) if r.agent else ""
            rows.append(f'<tr><td class="date">{escape(d.date or "—")}</td>{who}<td lang="zh">{escape(r.office) or "—"}</td>'
                        f'<td>{role}</td><td>{agent}</td>'
                        f'<td><a href="../doc/{escape(d.slug)}.html" lang="zh">{escape(d.title or d.file_name)}</a></td></tr>')
        head = (f'<th>{bi("Date", "日期")}</th>' + (f'<th>{bi("Person", "人物")}</th>' if show_person else "")
                + f'<th>{bi("Office as printed", "职务（原文所载）")}</th><th>{bi("Role", "角色")}</th>'
                + f'<th>{bi("For", "代表")}</th><th>{bi("Document", "文件")}</th>')
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    def person(self, p: Person) -> str:
        roles = self.roles_of_person.get(p.iri, [])
        name = f'<span lang="zh">{escape(p.zh or readable_iri(p.iri, self.col.base))}</span>'
        if p.en:
            name += f' <span lang="en" class="zh">{escape(p.en)}</span>'
        meta = f'<a class="iri" href="{escape(p.iri)}">{escape(readable_iri(p.iri, self.col.base))}</a>'
        body = (_header("../", name, meta) + "<main>"
                + f'<h2>{bi("Offices held, by date", "各时期所任职务")}</h2>'
                + '<p class="meta">' + bi("An office is the one printed beside the name in that document, at its date.",
                                            "职务为该文件中名字旁所载、文件日期时所任。") + "</p>"
                + self._roles_table(roles, show_person=False) + "</main>")
        return page(p.zh or p.iri, body)

    def state(self, s: State) -> str:
        col = self.col
        docs = self.docs_of_state().get(s.key, [])
        roles = self.roles_of_state.get(s.key, [])
        name = f'<span lang="zh">{escape(s.zh)}</span>' + (f' <span lang="en" class="zh">{escape(s.en)}</span>' if s.en else "")
        meta = f'<a class="iri" href="{escape(s.iri)}">{escape(readable_iri(s.iri, col.base))}</a>'
        if s.wikidata and re.fullmatch(r"Q\d+", s.wikidata):
            meta += f' · <a href="https://www.wikidata.org/wiki/{s.wikidata}">Wikidata {s.wikidata}</a>'
        agents = sorted(s.agents - {s.iri})
        labels = self.labels
        drows = "".join(f'<tr><td class="date">{escape(d.date or "—")}</td><td>{_type_label(d.type_local)}</td>'
                        f'<td><a href="../doc/{escape(d.slug)}.html" lang="zh">{escape(d.title or d.file_name)}</a></td>'
                        f'<td lang="zh">{escape("、".join(l for a, l in d.parties if col.state_of_agent.get(a) == s.key))}</td></tr>'
                        for d in docs)
        body = (_header("../", name, meta) + "<main>"
                + (f'<p>{bi("Acting as", "以下列名义")}: '
                   + "、".join(f'<span lang="zh">{escape(labels.get(a, readable_iri(a, col.base)))}</span>' for a in agents)
                   + "</p>" if agents else "")
                + f'<h2>{bi("Documents as a party", "作为缔约方的文件")}</h2>'
                + f'<table><thead><tr><th>{bi("Date", "日期")}</th><th>{bi("Type", "类型")}</th><th>{bi("Title", "标题")}</th>'
                + f'<th>{bi("Party as named", "缔约方名称")}</th></tr></thead><tbody>{drows}</tbody></table>'
                + f'<h2>{bi("People who acted for it, with their offices by date", "代表人物及其各时期职务")}</h2>'
                + self._roles_table(roles, show_person=True) + "</main>")
        return page(s.zh, body)


def _curations_from(out: Path) -> dict[str, dict[str, Any]]:
    """Graph IRI -> the document's curation in the build (its metadata row and corrections)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {e["graph"]: e["curation"] for e in (manifest.get("documents") or {}).values()
                if isinstance(e, dict) and e.get("graph") and e.get("curation")}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _published_texts(out: Path) -> dict[str, Path]:
    """Graph IRI -> the text the build published with it (``OUT/texts/<name>.txt``, by the
    manifest): what the graph's evidence offsets count, whatever became of the source."""
    published: dict[str, Path] = {}
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        for entry in (manifest.get("documents") or {}).values():
            if isinstance(entry, dict) and isinstance(entry.get("graph"), str) and isinstance(entry.get("name"), str):
                path = out / "texts" / f"{entry['name']}.txt"
                if path.is_file():
                    published[entry["graph"]] = path
    except (OSError, ValueError, AttributeError):
        pass
    return published


def _texts_from(out: Path, src_dir: Path | None, col: Collection) -> dict[str, Path]:
    """Graph IRI -> original text: under ``src_dir`` by the build manifest (its keys are paths
    relative to the source folder), else by the source file name (``tkg:fileName``) anywhere
    under ``src_dir``; else the text the build published (:func:`_published_texts`)."""
    found: dict[str, Path] = {}
    if src_dir is not None:
        try:
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            for rel, entry in (manifest.get("documents") or {}).items():
                if isinstance(entry, dict) and entry.get("graph") and (src_dir / rel).is_file():
                    found[entry["graph"]] = src_dir / rel
        except (OSError, ValueError, AttributeError):
            pass
        missing = [d for d in col.documents.values() if d.graph not in found and d.file_name]
        if missing:
            by_name: dict[str, list[Path]] = defaultdict(list)
            for p in Path(src_dir).rglob("*.txt"):
                by_name[p.name].append(p)
            for d in missing:
                if len(by_name.get(d.file_name, [])) == 1:
                    found[d.graph] = by_name[d.file_name][0]
    return {**_published_texts(out), **found}


def build_site(out_dir: Path, *, texts: dict[str, Path] | None = None, src_dir: Path | None = None,
               base: str | None = None, workers: int | None = None) -> Path:
    """Write the static site of build folder ``out_dir`` into ``out_dir/site`` and return
    the path of its ``index.html``.

    ``texts`` maps a graph or document IRI to its original text file; ``src_dir`` (the
    folder the collection was built from) finds the others through the build manifest or
    the source file name. Documents without a text get a page listing their facts.
    Also writes ``out_dir/.site-pages.json`` (:data:`PAGE_CACHE`), so that the next call
    renders only the annotated pages whose inputs changed. ``workers`` processes render
    the annotated pages (default: one per CPU; the pages do not depend on it).
    Raises :class:`InputError` (no build in ``out_dir``), :class:`RDFError` (a graph file
    that does not parse) or :class:`OutputError` (the site cannot be written).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise InputError("no such folder" if not out.exists() else "is not a folder", path=str(out))
    store, fd = _open_source(out)
    site: _Site | None = None
    try:
        col = load_collection(store, base)
        mapping = _texts_from(out, Path(src_dir) if src_dir else None, col)
        for key, path in (texts or {}).items():
            mapping[key] = Path(path)
            if key in col.documents:
                mapping[col.documents[key].graph] = Path(path)
        if fd is not None:
            # The build's store: closed now, opened again only for a page that reads
            # annotations (see _StoreForPages); the lock stays held until the end.
            store = None
            release_freed_memory()
        site = _Site(out, col, mapping, _StoreForPages(out, store))
        if site.root.is_dir():  # temporary files of a killed run: never valid output
            for p in site.root.rglob(".*.part"):
                try:
                    p.unlink()
                except OSError:
                    pass
        # document pages first, while the lock is held: a page without its text reads
        # its graph's annotations then (one query per such page)
        site.write_documents(list(col.documents.values()),
                             workers=workers if workers is not None else (os.cpu_count() or 1))
    finally:
        if site is not None:
            site.store = None
        del store
        if fd is not None:
            release_freed_memory()
            os.close(fd)
    timeline, partners = timeline_svg(col), partners_svg(col)
    site.write("timeline.svg", timeline)
    site.write("partners.svg", partners)
    for p in col.persons.values():
        site.write(f"person/{p.slug}.html", site.person(p))
    for s in col.states.values():
        site.write(f"state/{s.slug}.html", site.state(s))
    index = site.write("index.html", site.index(timeline, partners))
    site.save_page_cache()
    # pages of documents, persons and states that are gone
    for p in site.root.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".svg") and p not in site.written:
            try:
                p.unlink()
            except OSError:
                pass
    return index
