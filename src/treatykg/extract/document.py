"""Title, document type and parties.

Parties are read from the title: ``<party>和<party>[关于…的]<type word>``, where a
party is a state's name (ending in 共和国, 王国, 国, 联邦 …) optionally followed
by an organ (政府, 中央人民政府, 外交部 …). Where the title names no parties the
preamble's first sentence is read the same way.
"""
from __future__ import annotations

import re

from ..ingest import MappedText
from ..model import Party
from .lexicon import DOC_TYPE_WORDS, ORGAN_RE, STATE_END_RE

_PARTY = r"[\u4e00-\u9fff·]{1,20}?" + STATE_END_RE + r"(?:" + ORGAN_RE + r")?"
_JOIN = r"(?:和|与|同|及)"
_PARTIES = re.compile(r"(?P<p1>" + _PARTY + r")" + _JOIN + r"(?P<p2>" + _PARTY + r")(?=关于|[\u4e00-\u9fff]|$)")
_ORGAN_ONLY = re.compile(ORGAN_RE + r"$")


def doc_type(title: str | None) -> str:
    """The document type from the title's last document-type word (the longest where two end together)."""
    text = title or ""
    best: tuple[int, str] | None = None
    for word, kind in DOC_TYPE_WORDS:  # longest words first: 联合声明 before 声明
        pos = text.rfind(word)
        if pos >= 0 and (best is None or pos + len(word) > best[0]):
            best = (pos + len(word), kind)
    return best[1] if best else "other"


def parties(title: MappedText | None, body: list[MappedText]) -> list[Party]:
    """The parties as the title (or, failing that, the preamble) names them."""
    candidates = []
    if title is not None:
        candidates.append(title)
    candidates.extend(body[:2])
    for mt in candidates:
        found = _parties_in(mt)
        if found:
            return found
    return []


def _parties_in(mt: MappedText) -> list[Party]:
    text = mt.text
    # Cut the title at "关于" (the subject) so that subject words are not taken for parties.
    cut = text.find("关于")
    head = text if cut < 0 else text[:cut]
    for m in _PARTIES.finditer(head):
        p1s, p1e = m.span("p1")
        p2s, p2e = m.span("p2")
        p1, p2 = head[p1s:p1e], head[p2s:p2e]
        if _ORGAN_ONLY.fullmatch(p1) or _ORGAN_ONLY.fullmatch(p2):
            continue  # an organ alone is not a party
        return [Party(p1, mt.span(p1s, p1e)), Party(p2, mt.span(p2s, p2e))]
    return []
