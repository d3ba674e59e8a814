"""An annotated view of one treaty text: one self-contained HTML page.

:func:`render_document` shows the original text (``lang="zh"``) with every extracted
fact highlighted where it was read, coloured by kind (party, signatory, date, place,
reference, commitment, mention, participant, visit, title, clause). Focusing or hovering
a highlight shows its field path, its value and the RDF statement it supports; a side
panel lists the record's fields, each a button that focuses its evidence.

What a field is (its kind, the node and statement it supports, the value shown, its section of
the panel) is read from :data:`treatykg.model.FIELDS`, never restated here.

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
* **Everything is escaped**: the page is the template ``templates/view.html``, which
  autoescapes every value (:mod:`treatykg.templating`); the text is cut into spans here
  (:func:`_segments`) and written by the template. The facts travel as JSON inside
  ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as ``\\u003c`` …
  so no value can close the script; the script writes with ``textContent`` only.
* **Self-contained**: CSS and JS inlined from ``static/`` (``page.css``, ``view.css``,
  ``view.js``), no fonts, images or scripts from elsewhere; the page works from the file
  system, offline.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from .model import Record, field_of
from .namespaces import DEFAULT_BASE, prefixes

__all__ = ["Fact", "KINDS", "render_document", "record_facts", "kind_of", "readable_iri"]

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

def kind_of(path: str) -> str:
    """The highlight kind of a record field path (``signatories[0].name`` -> ``signatory``): its
    ``Field.kind`` in :data:`treatykg.model.FIELDS`, ``clause`` for a path no field declares."""
    got = field_of(path)
    return got[0].kind if got is not None else "clause"


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


def _field_values(record: Record, data: dict[str, Any] | None = None) -> dict[str, str]:
    """Field path -> the value shown for it (normalised form, as in the JSON record), as each
    field's ``Field.view`` says."""
    out: dict[str, str] = {}
    for fld, path, _, value in record.fields(data if data is not None else record.to_json()):
        shown = fld.view(value) if fld.view is not None else None
        if shown is not None:
            out[path] = shown
    return out


def record_facts(record: Record, *, base: str = DEFAULT_BASE) -> list[Fact]:
    """One :class:`Fact` per evidence span of ``record``, with the statement it supports.

    The annotation bodies and statements are read from the quads of
    :class:`treatykg.rdf.RecordQuads` (what :func:`treatykg.rdf.record_quads` gives), each
    field's statement found as its ``Field.supports`` says (:data:`treatykg.model.FIELDS`), so
    the page shows exactly what the RDF says.
    """
    import pyoxigraph as ox

    from . import rdf

    # full evidence: one annotation per span, numbered as record.evidence() lists them
    graph = rdf.RecordQuads(record, base, None, evidence="full")
    by_sp: dict[tuple[str, str], list[Any]] = {}
    bodies: dict[str, str] = {}
    oa_body = prefixes(base)["oa"] + "hasBody"
    for qd in graph.all():
        by_sp.setdefault((qd.subject.value, qd.predicate.value), []).append(qd.object)
        if qd.predicate.value == oa_body:
            bodies[qd.subject.value] = qd.object.value
    pmap = prefixes(base)
    data = record.to_json()
    values = _field_values(record, data)
    evidence = record.evidence()
    mentions = record.mentions
    facts: list[Fact] = []
    n = 0
    for fld, path, _, value in record.fields(data):
        got = field_of(path)
        index = got[1] if got is not None else None
        for span in evidence.get(path, []):
            n += 1
            body = bodies.get(f"{graph.doc_s}/evidence/{n}")
            fact = Fact(id=n, field=path, kind=fld.kind, value=values.get(path, span.exact),
                        start=span.start, end=span.end, exact=span.exact, node=body)
            subject = graph.node(fld.supports[0], index) if fld.supports is not None else None
            curie = fld.predicate(value)
            if subject is not None and curie is not None:
                subj = subject.value
                pfx, local = curie.split(":", 1)
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
            if fld.head == "mentions" and index is not None and index < len(mentions):
                men = mentions[index]
                fact.wikidata = men.wikidata
                fact.extra = {"type": men.type, "id": men.id}
            facts.append(fact)
    return facts


# ---------------------------------------------------------------- splitting the text
def _segments(text: str, facts: list[Fact]) -> list[tuple[str, Any]]:
    """The text cut at every fact's bounds (code-point offsets throughout), as the operations
    that ``view.html`` writes: ``("text", str)``, ``("open", fact)`` (a fact's first fragment,
    the focusable one), ``("reopen", fact)`` (a continuation fragment) and ``("close", None)``."""
    # Longer spans outside shorter ones; of spans with the same extent, the mention (the least
    # specific fact) outermost, so that a click or hover reaches the specific fact inside it.
    facts = sorted(facts, key=lambda f: (f.start, -f.end, f.kind != "mention", f.id))
    starts: dict[int, list[Fact]] = {}
    for f in facts:
        starts.setdefault(f.start, []).append(f)
    bounds = sorted({0, len(text)} | {f.start for f in facts} | {f.end for f in facts})
    out: list[tuple[str, Any]] = []
    stack: list[Fact] = []
    opened: set[int] = set()

    def open_tag(f: Fact) -> tuple[str, Fact]:
        if f.id not in opened:
            opened.add(f.id)
            return "open", f
        return "reopen", f

    for i, pos in enumerate(bounds):
        # close every fact ending here; re-open the shorter ones that were inside it
        ending = [j for j, f in enumerate(stack) if f.end == pos]
        if ending:
            above = stack[ending[0]:]
            out.extend([("close", None)] * len(above))
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
            out.append(("text", text[pos:bounds[i + 1]]))
    out.extend([("close", None)] * len(stack))
    return out


# ---------------------------------------------------------------- the page
#: The sections of the field panel (``Field.section``), in order: key, English, Chinese.
_SECTIONS = [
    ("document", "Document", "文件"),
    ("parties", "Parties", "缔约方"),
    ("signatories", "Signatories", "签字人"),
    ("visit", "Visit", "访问"),
    ("talks_participants", "Talks participants", "会谈参加者"),
    ("referenced", "References", "引用的文件和事件"),
    ("commitments", "Commitments", "承诺"),
    ("mentions", "Mentions", "提及的实体"),
]


def _section(path: str) -> str | None:
    got = field_of(path)
    return got[0].section if got is not None else None


def _statement_text(f: Fact, base: str) -> str | None:
    if not f.subject:
        return None
    obj = readable_iri(f.object, base) if f.object_is_iri else f.object
    return f"{readable_iri(f.subject, base)} {readable_iri(f.predicate, base)} {obj} ."


def _field_sections(fields: list[tuple[str, str]], first_fact: dict[str, Fact], links: dict[str, str],
                     base: str, record: Record | None) -> list[dict[str, Any]]:
    """The field panel: per section (English, Chinese) its fields (:func:`_field_item`)."""
    sections = []
    for key, en, zh in _SECTIONS:
        rows = [(p, v) for p, v in fields if _section(p) == key]
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
            rows = [(p, f"{v} ×{count}" if count > 1 else v) for p, v, count in seen.values()]
        sections.append({"en": en, "zh": zh,
                         "fields": [_field_item(p, v, first_fact, links, base, record) for p, v in rows]})
    return sections


def provenance_badge(record: Record | None, path: str) -> dict[str, str] | None:
    """Where a fact not read from the text comes from, for its mark on the page:
    ``{"kind": "curator", "detail": who, when, why}`` or ``{"kind": "metadata", "detail":
    the source}``; None for a fact read from the text."""
    prov = record.origin(path) if record is not None else None
    if prov is None:
        return None
    if prov.kind == "curator":
        return {"kind": "curator", "detail": " · ".join(x for x in (prov.agent, prov.date, prov.note) if x)}
    return {"kind": "metadata", "detail": prov.source or prov.agent or ""}


def _field_item(path: str, value: str, first_fact: dict[str, Fact], links: dict[str, str], base: str,
                record: Record | None = None) -> dict[str, Any]:
    """One field of the panel: its path and value, the fact whose evidence it focuses (its id),
    its colour, its provenance mark, the resource it is evidence for, its Wikidata item."""
    f = first_fact.get(path)
    item: dict[str, Any] = {"path": path, "value": value, "colour": KINDS[kind_of(path)][2],
                            "fact_id": f.id if f is not None else None,
                            "badge": provenance_badge(record, path), "iri": None, "wikidata": None}
    node = f.node if f is not None else None
    if node and f is not None and f.object_is_iri and f.object == node:
        item["iri"] = {"href": links.get(node, node), "label": readable_iri(node, base)}
    mentions = record.mentions if record is not None else []
    m = re.match(r"^mentions\[(\d+)\]$", path)
    if m and int(m.group(1)) < len(mentions) and mentions[int(m.group(1))].wikidata:
        q = mentions[int(m.group(1))].wikidata
        if re.fullmatch(r"Q\d+", q or ""):
            item["wikidata"] = q
    return item


def _rejected(record: Record) -> list[dict[str, str]]:
    """What was read and then replaced or removed by a curator: field, value, who and why."""
    out = []
    for fld, value, prov in record.rejected:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out.append({"field": fld, "value": text,
                    "who": " · ".join(x for x in (prov.agent, prov.date, prov.note) if x)})
    return out


def _facts_data(good: list[Fact], base: str) -> dict[str, dict[str, Any]]:
    """What the page's script shows of each fact (the JSON of ``<script id="facts">``)."""
    return {str(f.id): {"field": f.field, "kind": f.kind, "kind_en": KINDS[f.kind][0], "kind_zh": KINDS[f.kind][1],
                        "value": f.value, "exact": f.exact, "start": f.start, "end": f.end,
                        "statement": _statement_text(f, base),
                        "node": readable_iri(f.node, base) if f.node else None, "wikidata": f.wikidata}
            for f in good}


def render_document(record: Record, original_text: str, *, base: str = DEFAULT_BASE,
                    links: dict[str, str] | None = None, nav: str = "") -> str:
    """The annotated page of ``record`` over ``original_text`` (the decoded file, BOM removed).

    ``links`` maps IRIs to the pages that describe them (a site's person and state
    pages); other IRIs link to themselves. ``nav`` is HTML put in the header (links back
    to a site's index). Returns the whole page as a string.
    """
    from . import rdf
    from .templating import json_for_script, render

    links = links or {}
    facts = record_facts(record, base=base)
    good = [f for f in facts if 0 <= f.start <= f.end <= len(original_text)
            and original_text[f.start:f.end] == f.exact and f.end > f.start]
    first: dict[str, Fact] = {}
    for f in good:
        first.setdefault(f.field, f)
    doc = rdf.document_iri(record, base)
    fields = list(_field_values(record).items())
    order = {p: i for i, p in enumerate(record.evidence())}
    fields.sort(key=lambda pv: (order.get(pv[0], 10 ** 6)))
    return render(
        "view.html", title=record.title or record.source.name, style="view.css", script="view.js",
        nav=Markup(nav),  # Markup: the caller's HTML, as documented (a site's links to its index)
        meta=" · ".join(x for x in (record.signed_date, record.doc_type.replace("_", " "), record.signed_place) if x),
        doc_href=links.get(doc, doc), doc_label=readable_iri(doc, base), source_name=record.source.name,
        legend=[(en, zh, c) for k, (en, zh, c) in KINDS.items() if any(f.kind == k for f in good)],
        dropped=len(facts) - len(good), segments=_segments(original_text, good), kinds=KINDS,
        sections=_field_sections(fields, first, links, base, record), rejected=_rejected(record),
        facts_json=json_for_script(_facts_data(good, base)))


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
