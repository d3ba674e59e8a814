"""The two pictures of a collection's site, as SVG: :func:`timeline_svg` (documents per year,
stacked by type) and :func:`partners_svg` (partner states by number of documents).

Bar charts written here, each bar with a ``<title>`` tooltip; the site writes them as
``timeline.svg`` and ``partners.svg`` and inlines them in its index. Every text in them (a
state's name, a title) is escaped here with :func:`treatykg.templating.escape`, the escaping
of the templates: the SVG is markup that is already safe, which the index template takes as it
is.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from .collection import DOC_TYPE_LABELS, Collection, State
from .templating import escape

__all__ = ["timeline_svg", "partners_svg", "HOME_STATE"]

_TYPE_COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#6b7280"]
HOME_STATE = "cn"  # the gazetteer id of the state whose partners the partner picture counts

_SVG_FONT = 'font-family="system-ui, \'Noto Sans CJK SC\', \'Noto Sans\', sans-serif" font-size="12"'


def _svg_text(x: float, y: float, text: str, **attrs: Any) -> str:
    extra = " ".join(f'{k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:g}" y="{y:g}" {extra}>{escape(text)}</text>'


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
        if year % label_every == 0:
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
