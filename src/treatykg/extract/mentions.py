"""Mentions of states, organisations, persons, places and languages, through the gazetteer.

Every name and variant of the gazetteer (data/gazetteer.tsv) is searched in the
normalised text, the longest first, without overlaps (印度尼西亚 before 印度,
中国人民志愿军 before 中国). A mention counts only where its entity existed at the
document's date (南朝鲜 in 1958, not 苏联 in 1995). Offsets are code points into the
original text, so a mention of 朝鮮 keeps its traditional form.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..gazetteer import Gazetteer, default
from ..ingest import MappedText
from ..model import Mention


@lru_cache(maxsize=4)
def _pattern(gaz_id: int) -> tuple[re.Pattern, dict]:
    gaz = _GAZ[gaz_id]
    names = gaz.names()
    index: dict[str, list] = {}
    for name, entry in names:
        index.setdefault(name, []).append(entry)
    return re.compile(trie_pattern(index)), index


def trie_pattern(words) -> str:
    """One regular expression matching any of ``words``, the longest first, factored as a trie.

    A flat alternation of N names is tried name by name at every position; the trie
    shares prefixes, so the cost per position no longer grows with the gazetteer.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = node.get("") is True
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


_GAZ: dict[int, Gazetteer] = {}


def mentions(view: MappedText, date: str | None, gazetteer: Gazetteer | None = None) -> list[Mention]:
    gaz = gazetteer or default()
    _GAZ[id(gaz)] = gaz
    rx, index = _pattern(id(gaz))
    out: list[Mention] = []
    text = view.text
    for m in rx.finditer(text):
        entries = [e for e in index[m.group()] if e.valid_at(date)]
        if len(entries) != 1:
            continue  # unknown at that date, or ambiguous: no mention rather than a wrong one
        e = entries[0]
        span = view.span(m.start(), m.end())
        if span is None:
            continue
        out.append(Mention(text=span.exact, type=e.type, start=span.start, end=span.end, id=e.id,
                           label=e.zh, wikidata=e.wikidata, span=span))
    return out
