"""An annotated view of one treaty text: one self-contained HTML page.

:func:`render_document` shows the original text (``lang="zh"``) with every extracted
fact highlighted where it was read, coloured by kind (party, signatory, date, place,
reference, commitment, mention, participant, visit, title, clause). Focusing or hovering
a highlight shows its field path, its value and the RDF statement it supports; a side
panel lists the record's fields, each a button that focuses its evidence.

Rules:

* **Offsets are code points**, as in the record. The text is cut into spans here, in
  Python, never in the browser (JavaScript strings count UTF-16 units, so a character
  outside the BMP would shift every later offset). A span whose offsets do not
  reproduce its quote (``original[start:end] != exact``: the wrong text was given) is
  not highlighted; the page says how many were dropped.
* **Overlapping spans nest**: spans are opened longest first at each position, and a
  span that ends while a shorter one opened inside it is still open closes that one
  and re-opens it after (a continuation fragment, not focusable). Each span's first
  fragment is the focusable highlight (``tabindex=0``, ``id="ann-N"``).
* **Everything is escaped**: text goes through :func:`html.escape`, the facts travel as
  JSON inside ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written
  as ``\\u003c`` … so no value can close the script; the script writes with
  ``textContent`` only.
* **Self-contained**: inline CSS and JS, no fonts, images or scripts from elsewhere; the
  page works from the file system, offline.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .model import Record
from .namespaces import DEFAULT_BASE, prefixes

__all__ = ["Fact", "KINDS", "render_document", "record_facts", "kind_of", "readable_iri",
           "escape", "json_script", "page", "STYLE"]

#: Kinds of highlight: key -> (English, Chinese, colour).
KINDS: dict[str, tuple[str, str, str]] = {
    "title": ("title", "标题", "#6b7280"),
    "party": ("party", "缔约方", "#2563eb"),
    "signatory": ("signatory", "签字人", "#dc2626"),
    "date": ("date", "日期", "#d97706"),
    "place": ("place", "地点", "#059669"),
    "reference": ("reference", "引用", "#7c3aed"),
    "commitment": ("commitment", "承诺", "#db2777"),
    "mention": ("mention", "提及", "#0891b2"),
    "participant": ("participant", "会谈参加者", "#ea580c"),
    "visit": ("visit", "访问", "#65a30d"),
    "clause": ("clause", "条款", "#475569"),
}

_IDX = re.compile(r"^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?$")


def kind_of(path: str) -> str:
    """The highlight kind of a record field path (``signatories[0].name`` -> ``signatory``)."""
    m = _IDX.match(path)
    head, sub = (m.group(1), m.group(3)) if m else (path, None)
    if path == "signed_date" or sub in ("date", "deadline") or path == "visit.start":
        return "date"
    if path == "signed_place" or sub == "place" or path == "visit.places_visited":
        return "place"
    return {
        "title": "title", "doc_type": "title", "parties": "party", "signatories": "signatory",
        "referenced": "reference", "commitments": "commitment", "mentions": "mention",
        "talks_participants": "participant", "visit": "visit",
    }.get(head, "clause")


@dataclass
class Fact:
    """One evidence span of one field, and what it supports."""

    id: int
    field: str
    kind: str
    value: str
    start: int
    end: int
    exact: str
    subject: str | None = None        # IRIs (full)
    predicate: str | None = None
    object: str | None = None         # an IRI, or a literal in N-Triples-like readable form
    object_is_iri: bool = False
    node: str | None = None           # the annotation body: the resource the span is evidence for
    wikidata: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- RDF in readable form
def readable_iri(iri: str, base: str = DEFAULT_BASE) -> str:
    """``prefix:local`` for the vocabularies, ``id:…`` for data IRIs (percent-encoding decoded)."""
    best = ("", "")
    for p, ns in prefixes(base).items():
        if iri.startswith(ns) and len(ns) > len(best[1]):
            best = (p, ns)
    if best[1]:
        return f"{best[0]}:{unquote(iri[len(best[1]):])}"
    return f"<{unquote(iri)}>"


def _readable_term(term, base: str) -> tuple[str, bool]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return readable_iri(term.value, base), True
    if isinstance(term, ox.Literal):
        text = json.dumps(term.value, ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}", False
        dt = term.datatype.value
        if dt.endswith("#string"):
            return text, False
        return f"{text}^^{readable_iri(dt, base)}", False
    return str(term), False


# Which statement each field supports: (subject relative to the document IRI or 'body',
# predicate as prefix:local). The object is the annotation body when it is one, else the
# object of that subject and predicate whose value matches the field's value.
def _statement_pattern(path: str, record: Record) -> tuple[str, str] | None:
    m = _IDX.match(path)
    if not m:
        return None
    head, idx, sub = m.group(1), m.group(2), m.group(3)
    n = int(idx) + 1 if idx is not None else None
    if path == "title":
        return "", "dcterms:title"
    if path == "doc_type":
        return "", "rdf:type"
    if head == "parties":
        return "", "eli:passed_by"
    if path == "signed_date":
        return "/signing", "dcterms:date"
    if path == "signed_place":
        return "/signing", "prov:atLocation"
    if head == "signatories":
        return f"/signature/{n}", "prov:agent" if sub == "name" else "tkg:officeTitle"
    if path == "authentic_languages":
        return "", "tkg:authenticLanguage"
    if path == "articles":
        return "", "tkg:articleCount"
    if path == "entry_into_force":
        return "", "tkg:entryIntoForceClause"
    if head == "referenced":
        if sub == "date":
            return f"/ref/{n}", "dcterms:date"
        if sub == "place":
            return f"/ref/{n}", "prov:atLocation"
        kind = record.referenced[int(idx)].kind if int(idx) < len(record.referenced) else "document"
        return "", "eli:cites" if kind == "document" else "tkg:refersToEvent"
    if head == "visit":
        return {None: ("", "tkg:occasion"), "start": ("/visit", "sem:hasBeginTimeStamp"),
                "places_visited": ("/visit", "prov:atLocation"), "delegation": ("/visit", "tkg:delegation"),
                "led_by": ("/visit", "tkg:ledBy"), "host": ("/visit", "tkg:host")}.get(sub)
    if head == "talks_participants":
        return f"/participant/{n}", "prov:agent" if sub == "name" else "tkg:officeTitle"
    if head == "mentions":
        return "", "tkg:mentions"
    if head == "commitments":
        return f"/commitment/{n}", {"action": "tkg:action", "deadline": "tkg:deadline",
                                    "actor": "tkg:actor"}.get(sub or "", "tkg:action")
    return None


def _field_values(record: Record) -> dict[str, str]:
    """Field path -> the value shown for it (normalised form, as in the JSON record)."""
    data = record.to_json()
    out: dict[str, str] = {}
    for key in ("title", "doc_type", "signed_date", "signed_place", "entry_into_force"):
        if data[key] is not None:
            out[key] = str(data[key])
    out["articles"] = str(data["articles"])
    if data["authentic_languages"]:
        out["authentic_languages"] = "、".join(data["authentic_languages"])
    for i, p in enumerate(data["parties"]):
        out[f"parties[{i}]"] = p
    for i, s in enumerate(data["signatories"]):
        out[f"signatories[{i}].name"] = s["name"]
        if s["title"]:
            out[f"signatories[{i}].title"] = s["title"]
    for i, r in enumerate(data["referenced"]):
        out[f"referenced[{i}].label"] = r["label"]
        if r["date"]:
            out[f"referenced[{i}].date"] = r["date"]
        if r["place"]:
            out[f"referenced[{i}].place"] = r["place"]
    v = data["visit"]
    if v:
        out["visit"] = v["delegation"] or v["led_by"] or v["host"] or ""
        out["visit.start"] = f"{v['start'] or ''} … {v['end'] or ''}"
        out["visit.places_visited"] = "、".join(v["places_visited"])
        for k in ("delegation", "led_by", "host"):
            if v[k]:
                out[f"visit.{k}"] = v[k]
    for i, p in enumerate(data["talks_participants"]):
        out[f"talks_participants[{i}].name"] = p["name"]
        if p["title"]:
            out[f"talks_participants[{i}].title"] = p["title"]
    for i, c in enumerate(data["commitments"]):
        out[f"commitments[{i}].action"] = c["action"]
        out[f"commitments[{i}].actor"] = c["actor"]
        if c["deadline"]:
            out[f"commitments[{i}].deadline"] = c["deadline"]
    for i, m in enumerate(data["mentions"]):
        out[f"mentions[{i}]"] = m["label"] or m["text"]
    return out


def record_facts(record: Record, *, base: str = DEFAULT_BASE) -> list[Fact]:
    """One :class:`Fact` per evidence span of ``record``, with the statement it supports.

    The annotation bodies and statements are read from :func:`treatykg.rdf.record_quads`,
    so the page shows exactly what the RDF says.
    """
    import pyoxigraph as ox

    from . import rdf

    # full evidence: one annotation per span, numbered as record.evidence() lists them
    quads = list(rdf.record_quads(record, base=base, evidence="full"))
    doc = rdf.document_iri(record, base)
    by_sp: dict[tuple[str, str], list[Any]] = {}
    bodies: dict[str, str] = {}
    oa_body = prefixes(base)["oa"] + "hasBody"
    for qd in quads:
        by_sp.setdefault((qd.subject.value, qd.predicate.value), []).append(qd.object)
        if qd.predicate.value == oa_body:
            bodies[qd.subject.value] = qd.object.value
    pmap = prefixes(base)
    values = _field_values(record)
    mentions = record.mentions
    facts: list[Fact] = []
    n = 0
    for path, spans in record.evidence().items():
        for span in spans:
            n += 1
            body = bodies.get(f"{doc}/evidence/{n}")
            fact = Fact(id=n, field=path, kind=kind_of(path), value=values.get(path, span.exact),
                        start=span.start, end=span.end, exact=span.exact, node=body)
            pat = _statement_pattern(path, record)
            if pat is not None:
                subj = doc + pat[0]
                pfx, local = pat[1].split(":", 1)
                pred = pmap[pfx] + local
                objs = by_sp.get((subj, pred), [])
                pick = next((o for o in objs if isinstance(o, ox.NamedNode) and o.value == body), None)
                if pick is None:
                    want = fact.value
                    pick = next((o for o in objs if getattr(o, "value", None) == want), None)
                if pick is None and objs:
                    pick = objs[0]
                if pick is not None:
                    fact.subject, fact.predicate = subj, pred
                    fact.object, fact.object_is_iri = (
                        (pick.value, True) if isinstance(pick, ox.NamedNode) else (_readable_term(pick, base)[0], False))
            m = re.match(r"^mentions\[(\d+)\]$", path)
            if m and int(m.group(1)) < len(mentions):
                men = mentions[int(m.group(1))]
                fact.wikidata = men.wikidata
                fact.extra = {"type": men.type, "id": men.id}
            facts.append(fact)
    return facts


# ---------------------------------------------------------------- HTML helpers
def escape(text: Any) -> str:
    """HTML-escape text for element content and (double-quoted) attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


def json_script(element_id: str, data: Any) -> str:
    """``data`` as JSON in a ``<script type="application/json">`` that no value can close."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{escape(element_id)}">{text}</script>'


def bi(en: str, zh: str) -> str:
    """A bilingual label: English, then Chinese (``lang`` set on each)."""
    return f'<span lang="en">{escape(en)}</span> <span lang="zh" class="zh">{escape(zh)}</span>'


STYLE = """
:root{--fg:#1f2937;--muted:#6b7280;--bg:#fff;--line:#e5e7eb;--accent:#1d4ed8}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:.8rem 1.2rem;border-bottom:1px solid var(--line);background:#f8fafc}
header.top h1{font-size:1.25rem;margin:.2rem 0}
header.top nav a{margin-right:1rem}
.zh{color:var(--muted)}
h1 .zh,h2 .zh,h3 .zh,th .zh{color:inherit;font-weight:normal}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,[tabindex]:focus-visible,th button:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}
main{padding:1rem 1.2rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{white-space:nowrap}
td.date{white-space:nowrap}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
.meta{color:var(--muted);font-size:.9rem}
.iri{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;word-break:break-all}
figure{margin:1rem 0}
"""

_VIEW_STYLE = """
.layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(18rem,2fr);gap:1.2rem;padding:1rem 1.2rem}
@media (max-width:900px){.layout{grid-template-columns:1fr}}
.legend{display:flex;flex-wrap:wrap;gap:.4rem .9rem;margin:.2rem 0 .8rem;font-size:.85rem}
.legend span.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.25em}
#text{white-space:pre-wrap;font-size:1.05rem;line-height:2.1;border:1px solid var(--line);border-radius:6px;padding:1rem;margin:0;font-family:inherit;overflow-wrap:anywhere}
.hl{border-bottom:2px solid var(--k);background:color-mix(in srgb,var(--k) 14%,transparent);cursor:help;border-radius:2px}
.hl .hl{padding-bottom:2px}
.hl.k-visit,.hl.k-commitment,.hl.k-title{background:color-mix(in srgb,var(--k) 7%,transparent)}
.hl.active{background:color-mix(in srgb,var(--k) 38%,transparent);outline:2px solid var(--k)}
#tip{position:absolute;z-index:10;max-width:32rem;background:#111827;color:#f9fafb;padding:.55rem .7rem;border-radius:6px;font-size:.85rem;line-height:1.45;box-shadow:0 4px 16px rgba(0,0,0,.25);pointer-events:none}
#tip[hidden]{display:none}
#tip .f{font-family:ui-monospace,Menlo,Consolas,monospace;color:#fde68a}
#tip .st{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.78rem;color:#c7d2fe;word-break:break-all;margin-top:.3rem}
#current{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem;margin-bottom:1rem;background:#f8fafc;min-height:3rem;font-size:.9rem}
#current .f{font-family:ui-monospace,Menlo,Consolas,monospace}
#current .st{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;word-break:break-all;color:#374151}
aside.panel{position:sticky;top:0;max-height:100vh;overflow:auto;padding-right:.3rem}
@media (max-width:900px){aside.panel{position:static;max-height:none}}
aside h2{font-size:1rem;margin:1rem 0 .3rem}
aside ul{list-style:none;margin:0;padding:0}
aside li{margin:.15rem 0}
aside button.field{font:inherit;text-align:left;background:none;border:0;border-left:4px solid var(--k);padding:.1rem .45rem;cursor:pointer;color:inherit;width:100%}
aside button.field:hover{background:#f3f4f6}
aside .path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.78rem;color:var(--muted)}
aside .novid{border-left:4px solid var(--line);padding:.1rem .45rem;display:block}
.warn{color:#92400e;background:#fffbeb;border:1px solid #fde68a;padding:.4rem .6rem;border-radius:6px}
.prov{display:inline-block;font-size:.8rem;margin:.1rem 0 .2rem .45rem;padding:0 .35rem;border-radius:4px}
.prov.curated{background:#fef3c7;color:#78350f;border:1px dashed #d97706}
.prov.metadata{background:#e0f2fe;color:#075985;border:1px dashed #0284c7}
.rejected s{color:var(--muted)}
"""

_VIEW_SCRIPT = r"""
(function(){
  "use strict";
  var facts = JSON.parse(document.getElementById("facts").textContent);
  var tip = document.getElementById("tip");
  var current = document.getElementById("current");
  var active = [];
  function el(tag, cls, text){ var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function describe(f, box){
    while (box.firstChild) box.removeChild(box.firstChild);
    var head = el("div");
    head.appendChild(el("span", "f", f.field));
    head.appendChild(document.createTextNode(" · " + f.kind_en + " " + f.kind_zh));
    box.appendChild(head);
    var val = el("div", null, "");
    val.appendChild(el("strong", null, f.value));
    val.lang = "zh";
    box.appendChild(val);
    var q = el("div", null, "«" + f.exact + "» [" + f.start + ":" + f.end + "]");
    q.lang = "zh";
    box.appendChild(q);
    if (f.statement) box.appendChild(el("div", "st", f.statement));
    else if (f.node) box.appendChild(el("div", "st", f.node));
    if (f.wikidata) box.appendChild(el("div", "st", "wikidata: " + f.wikidata));
  }
  function setActive(id){
    active.forEach(function(e){ e.classList.remove("active"); });
    active = Array.prototype.slice.call(document.querySelectorAll('[data-ann="' + id + '"]'));
    active.forEach(function(e){ e.classList.add("active"); });
  }
  function show(target){
    var id = target.getAttribute("data-ann");
    var f = facts[id];
    if (!f) return;
    describe(f, tip);
    describe(f, current);
    setActive(id);
    tip.hidden = false;
    var r = target.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6;
    var left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.top = top + "px";
    tip.style.left = left + "px";
  }
  function hide(){ tip.hidden = true; }
  var text = document.getElementById("text");
  text.addEventListener("mouseover", function(ev){ var t = ev.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("mouseout", function(ev){ var t = ev.target.closest(".hl"); if (t && !t.contains(ev.relatedTarget) && document.activeElement !== t) hide(); });
  text.addEventListener("focusin", function(ev){ var t = ev.target.closest(".hl"); if (t) show(t); });
  text.addEventListener("focusout", hide);
  text.addEventListener("click", function(ev){ var t = ev.target.closest(".hl"); if (!t) return; var first = document.getElementById("ann-" + t.getAttribute("data-ann")); if (first && document.activeElement !== first) first.focus(); });
  document.addEventListener("keydown", function(ev){ if (ev.key === "Escape") hide(); });
  Array.prototype.forEach.call(document.querySelectorAll("button.field[data-target]"), function(b){
    b.addEventListener("click", function(){
      var t = document.getElementById(b.getAttribute("data-target"));
      if (!t) return;
      t.scrollIntoView({block: "center"});
      t.focus({preventScroll: true});
    });
  });
})();
"""


def page(title: str, body: str, *, style: str = "", script: str = "", lang: str = "en") -> str:
    """A whole HTML page: doctype, charset, viewport, inline CSS and JS (nothing fetched)."""
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f"style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:\">\n"
            f"<title>{escape(title)}</title>\n<style>{STYLE}{style}</style>\n</head>\n<body>\n{body}\n"
            + (f"<script>{script}</script>\n" if script else "") + "</body>\n</html>\n")


# ---------------------------------------------------------------- splitting the text
def _segments(text: str, facts: list[Fact]) -> str:
    """The text as HTML with a (possibly split) span per fact; code-point offsets throughout."""
    # Longer spans outside shorter ones; of spans with the same extent, the mention (the least
    # specific fact) outermost, so that a click or hover reaches the specific fact inside it.
    facts = sorted(facts, key=lambda f: (f.start, -f.end, f.kind != "mention", f.id))
    starts: dict[int, list[Fact]] = {}
    for f in facts:
        starts.setdefault(f.start, []).append(f)
    bounds = sorted({0, len(text)} | {f.start for f in facts} | {f.end for f in facts})
    out: list[str] = []
    stack: list[Fact] = []
    opened: set[int] = set()

    def open_tag(f: Fact) -> str:
        attrs = f'class="hl k-{f.kind}" data-ann="{f.id}" style="--k:{KINDS[f.kind][2]}"'
        if f.id not in opened:
            opened.add(f.id)
            return (f'<span id="ann-{f.id}" tabindex="0" role="mark" aria-describedby="current" data-field="{escape(f.field)}" '
                    f'aria-label="{escape(f.field)}: {escape(f.value)}" {attrs}>')
        return f'<span {attrs}>'

    for i, pos in enumerate(bounds):
        # close every fact ending here; re-open the shorter ones that were inside it
        ending = [j for j, f in enumerate(stack) if f.end == pos]
        if ending:
            above = stack[ending[0]:]
            out.append("</span>" * len(above))
            del stack[ending[0]:]
            for f in above:
                if f.end != pos:
                    out.append(open_tag(f))
                    stack.append(f)
        for f in starts.get(pos, []):
            if f.end > pos:
                out.append(open_tag(f))
                stack.append(f)
        if i + 1 < len(bounds):
            out.append(escape(text[pos:bounds[i + 1]]))
    out.append("</span>" * len(stack))
    return "".join(out)


# ---------------------------------------------------------------- the page
_SECTIONS = [
    ("document", "Document", "文件", ("title", "doc_type", "signed_date", "signed_place",
                                     "authentic_languages", "articles", "entry_into_force")),
    ("parties", "Parties", "缔约方", ("parties",)),
    ("signatories", "Signatories", "签字人", ("signatories",)),
    ("visit", "Visit", "访问", ("visit",)),
    ("talks_participants", "Talks participants", "会谈参加者", ("talks_participants",)),
    ("referenced", "References", "引用的文件和事件", ("referenced",)),
    ("commitments", "Commitments", "承诺", ("commitments",)),
    ("mentions", "Mentions", "提及的实体", ("mentions",)),
]


def _head(path: str) -> str:
    m = _IDX.match(path)
    return m.group(1) if m else path


def _statement_text(f: Fact, base: str) -> str | None:
    if not f.subject:
        return None
    obj = readable_iri(f.object, base) if f.object_is_iri else f.object
    return f"{readable_iri(f.subject, base)} {readable_iri(f.predicate, base)} {obj} ."


def _field_panel(fields: list[tuple[str, str]], first_fact: dict[str, Fact], links: dict[str, str],
                 base: str, record: Record | None) -> str:
    parts: list[str] = []
    mentions = record.mentions if record is not None else []
    for key, en, zh, heads in _SECTIONS:
        rows = [(p, v) for p, v in fields if _head(p) in heads]
        if not rows:
            continue
        if key == "mentions":  # one line per entity, its first occurrence; all occurrences are highlighted
            seen: dict[str, tuple[str, str, int]] = {}
            for p, v in rows:
                ident = v
                if p in first_fact and first_fact[p].node:
                    ident = first_fact[p].node
                if ident in seen:
                    seen[ident] = (seen[ident][0], seen[ident][1], seen[ident][2] + 1)
                else:
                    seen[ident] = (p, v, 1)
            rows_html = []
            for ident, (p, v, count) in seen.items():
                rows_html.append(_field_item(p, f"{v} ×{count}" if count > 1 else v, first_fact, links, base,
                                             mentions, record))
        else:
            rows_html = [_field_item(p, v, first_fact, links, base, mentions, record) for p, v in rows]
        parts.append(f'<section><h2>{bi(en, zh)}</h2><ul>{"".join(rows_html)}</ul></section>')
    return "".join(parts)


def provenance_badge(record: Record | None, path: str) -> str:
    """A fact not read from the text says where it comes from: a curator (who, when, why) or the
    database's metadata (``class="prov curated"`` / ``"prov metadata"``); '' for a fact read."""
    prov = record.origin(path) if record is not None else None
    if prov is None:
        return ""
    if prov.kind == "curator":
        who = " · ".join(x for x in (prov.agent, prov.date, prov.note) if x)
        return (f'<span class="prov curated" data-provenance="curator">✎ {bi("corrected by a curator", "由编者更正")}'
                f'{": " + escape(who) if who else ""}</span>')
    src = prov.source or prov.agent or ""
    return (f'<span class="prov metadata" data-provenance="metadata">⊞ {bi("from the database metadata", "来自数据库元数据")}'
            f'{": " + escape(src) if src else ""}</span>')


def _field_item(path: str, value: str, first_fact: dict[str, Fact], links: dict[str, str], base: str,
                mentions: list, record: Record | None = None) -> str:
    f = first_fact.get(path)
    k = kind_of(path)
    color = KINDS[k][2]
    label = (f'<span class="path">{escape(path)}</span><br><span lang="zh">{escape(value)}</span>')
    badge = provenance_badge(record, path)
    if f is not None:
        item = (f'<button type="button" class="field" data-target="ann-{f.id}" data-field="{escape(path)}" '
                f'style="--k:{color}">{label}</button>')
    elif badge:
        item = f'<span class="novid" data-field="{escape(path)}">{label}</span>'
    else:
        item = f'<span class="novid" data-field="{escape(path)}">{label} <span class="meta">(no evidence · 无原文证据)</span></span>'
    if badge:
        item += f"<br>{badge}"
    extra = []
    node = f.node if f is not None else None
    if node and f is not None and f.object_is_iri and f.object == node:
        href = links.get(node, node)
        extra.append(f'<a class="iri" href="{escape(href)}">{escape(readable_iri(node, base))}</a>')
    m = re.match(r"^mentions\[(\d+)\]$", path)
    if m and int(m.group(1)) < len(mentions) and mentions[int(m.group(1))].wikidata:
        q = mentions[int(m.group(1))].wikidata
        if re.fullmatch(r"Q\d+", q or ""):
            extra.append(f'<a href="https://www.wikidata.org/wiki/{q}" lang="en">Wikidata {q}</a>')
    tail = f'<div style="padding-left:.8rem">{" · ".join(extra)}</div>' if extra else ""
    return f"<li>{item}{tail}</li>"


def _rejected_panel(record: Record) -> str:
    """What was read and then replaced or removed by a curator, with who and why."""
    if not record.rejected:
        return ""
    items = []
    for fld, value, prov in record.rejected:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        who = " · ".join(x for x in (prov.agent, prov.date, prov.note) if x)
        items.append(f'<li><span class="path">{escape(fld)}</span><br><s lang="zh">{escape(text)}</s>'
                     f'<br><span class="prov curated">✎ {escape(who)}</span></li>')
    return (f'<section class="rejected"><h2>{bi("Read, then corrected", "原文读取、经编者更正")}</h2>'
            f'<ul>{"".join(items)}</ul></section>')


def render_document(record: Record, original_text: str, *, base: str = DEFAULT_BASE,
                    links: dict[str, str] | None = None, nav: str = "") -> str:
    """The annotated page of ``record`` over ``original_text`` (the decoded file, BOM removed).

    ``links`` maps IRIs to the pages that describe them (a site's person and state
    pages); other IRIs link to themselves. ``nav`` is HTML put in the header (links back
    to a site's index). Returns the whole page as a string.
    """
    from . import rdf

    links = links or {}
    facts = record_facts(record, base=base)
    good = [f for f in facts if 0 <= f.start <= f.end <= len(original_text)
            and original_text[f.start:f.end] == f.exact and f.end > f.start]
    dropped = len(facts) - len(good)
    first: dict[str, Fact] = {}
    for f in good:
        first.setdefault(f.field, f)
    doc = rdf.document_iri(record, base)
    data = {str(f.id): {"field": f.field, "kind": f.kind, "kind_en": KINDS[f.kind][0], "kind_zh": KINDS[f.kind][1],
                        "value": f.value, "exact": f.exact, "start": f.start, "end": f.end,
                        "statement": _statement_text(f, base),
                        "node": readable_iri(f.node, base) if f.node else None, "wikidata": f.wikidata}
            for f in good}
    fields = list(_field_values(record).items())
    order = {p: i for i, p in enumerate(record.evidence())}
    fields.sort(key=lambda pv: (order.get(pv[0], 10 ** 6)))
    title = record.title or record.source.name
    legend = "".join(f'<span><span class="sw" style="background:{c}"></span>{bi(en, zh)}</span>'
                     for k, (en, zh, c) in KINDS.items() if any(f.kind == k for f in good))
    meta = " · ".join(escape(x) for x in (record.signed_date, record.doc_type.replace("_", " "),
                                          record.signed_place) if x)
    warn = ""
    if dropped:
        warn = (f'<p class="warn">{dropped} evidence span(s) do not match this text and are not highlighted '
                f'· {dropped} 处证据与本文不符，未标出</p>')
    body = f"""<header class="top">
<nav>{nav}</nav>
<h1 lang="zh">{escape(title)}</h1>
<div class="meta">{meta} · <a class="iri" href="{escape(links.get(doc, doc))}">{escape(readable_iri(doc, base))}</a> · {escape(record.source.name)}</div>
</header>
<div class="layout">
<main style="padding:0">
<div class="legend" aria-label="legend">{legend}</div>
{warn}
<p class="meta">{bi("Focus or hover a highlight to see its field, value and the RDF statement it supports.", "聚焦或悬停于标注处可查看字段、值及其支持的 RDF 陈述。")}</p>
<pre id="text" lang="zh">{_segments(original_text, good)}</pre>
</main>
<aside class="panel" aria-label="fields · 字段">
<div id="current" aria-live="polite"><span class="meta">{bi("Select a field or a highlight.", "请选择字段或标注。")}</span></div>
{_field_panel(fields, first, links, base, record)}
{_rejected_panel(record)}
</aside>
</div>
<div id="tip" role="tooltip" hidden></div>
{json_script("facts", data)}"""
    return page(title, body, style=_VIEW_STYLE, script=_VIEW_SCRIPT)


def read_record(path, *, max_bytes: int | None = None, encoding: str | None = None) -> tuple[Record, str]:
    """Read ``path`` once: its record and its original text (decoded, BOM removed)."""
    from .extract import extract_document
    from .ingest import DEFAULT_MAX_BYTES, ingest_file

    document = ingest_file(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, encoding=encoding)
    return extract_document(document), document.original


def view_file(path, output, *, base: str | None = None, max_bytes: int | None = None,
              encoding: str | None = None, corrections=None, metadata=None) -> list[str]:
    """Extract ``path`` (with the ``corrections`` and ``metadata`` files that concern it applied)
    and write its annotated page to ``output`` atomically; return the record's warnings (what the
    text lacks)."""
    from .output import write_atomic

    record, text = read_record(path, max_bytes=max_bytes, encoding=encoding)
    if corrections or metadata:
        from .api import curate

        record, _, _ = curate(record, path, corrections=corrections, metadata=metadata)
    write_atomic(output, render_document(record, text, base=base or DEFAULT_BASE).encode("utf-8"))
    return list(record.warnings)
