"""The final clauses: signing date and place, authentic languages, articles, entry into force.

Signing date and place, in order of trust:

1. a signing clause in the text: "本协定于<date>[在<place>]签订[于<place>]";
2. the last closing line that is a date, with "于/在 <place>" where given
   (letters of an exchange each end in one; the last is the exchange's date);
3. none.
"""
from __future__ import annotations

import re

from ..model import Span
from ..segment import ARTICLE_HEAD, DATE_LINE, Segments
from ..dates import DATE_RE, parse_date
from .lexicon import LANGUAGE_RE

_SELF = r"本(?:联合声明|联合公报|联合宣言|谅解备忘录|备忘录|议定书|换文|协定|协议|条约|公约|公报|宣言|声明|纪要)"
_PLACE = r"(?P<place>[\u4e00-\u9fff]{1,8}?)"
_SIGN_VERB = r"(?:签订|签署|签字|订立|缔结|签定)"
_SIGNING = [
    re.compile(_SELF + r"[^。]{0,12}?于\s*(?P<date>" + DATE_RE + r")\s*(?:在\s*" + _PLACE + r"\s*)?" + _SIGN_VERB
               + r"(?:于\s*(?P<place2>[\u4e00-\u9fff]{1,8}?)(?=[，。；、\s]|$))?"),
    re.compile(r"(?:于|在)?\s*(?P<date>" + DATE_RE + r")\s*(?:在|于)\s*" + _PLACE + r"\s*" + _SIGN_VERB),
    re.compile(_SELF + r"[^。]{0,12}?在\s*" + _PLACE + r"\s*于\s*(?P<date>" + DATE_RE + r")\s*" + _SIGN_VERB),
]


def signing(seg: Segments) -> tuple[str | None, Span | None, str | None, Span | None]:
    """(date, date span, place, place span) of signature."""
    for para in seg.body:
        for rx in _SIGNING:
            m = rx.search(para.text)
            if not m:
                continue
            dm = parse_date(m.group("date"))
            if not dm:
                continue
            ds = m.start("date")
            date_span = para.span(ds + dm.start, ds + dm.end)
            gd = m.groupdict()
            key = "place" if gd.get("place") else ("place2" if gd.get("place2") else None)
            place, place_span = None, None
            if key:
                place = m.group(key)
                place_span = para.span(m.start(key), m.end(key))
            return dm.iso, date_span, place, place_span
    for line in reversed(seg.date_lines):
        m = DATE_LINE.match(line.text)
        dm = parse_date(line.text)
        if not m or not dm:
            continue
        place = next((g for g in m.groups() if g), None)
        place_span = None
        if place:
            pos = line.text.rfind(place) if line.text.rfind(place) > dm.end - 1 else line.text.find(place)
            place_span = line.span(pos, pos + len(place))
        return dm.iso, line.span(dm.start, dm.end), place, place_span
    return None, None, None, None


_LANG_CLAUSE = re.compile(r"(?:以|用)\s*(?P<langs>" + LANGUAGE_RE + r"(?:\s*[、和及与,，]\s*" + LANGUAGE_RE
                          + r")*)\s*(?:两种文字|三种文字)?\s*(?:书就|写成|签订|签署|缮写|作成|制成)")


def languages(seg: Segments) -> tuple[list[str] | None, Span | None]:
    """Languages of the texts: "每份均以中文、波文和俄文书就" -> [中文, 波文, 俄文]."""
    for para in seg.body:
        m = _LANG_CLAUSE.search(para.text)
        if not m:
            continue
        langs = [x for x in re.split(r"\s*[、和及与,，]\s*", m.group("langs")) if x]
        seen: list[str] = []
        for x in langs:
            if x not in seen:
                seen.append(x)
        return seen, para.span(m.start("langs"), m.end("langs"))
    return None, None


def articles(seg: Segments) -> tuple[int, list[Span]]:
    """Numbered articles: headings "第X条" at the start of a line, counted once each."""
    seen: dict[str, Span] = {}
    for head in seg.article_heads:
        if head.text not in seen:
            span = head.span()
            if span:
                seen[head.text] = span
    return len(seen), list(seen.values())


_EIF = re.compile(r"(?:^|(?<=[。；\s]))(?:[一二三四五六七八九十]+、)?(?P<s>" + _SELF + r"[^。；]*?生效[^。]*。)")


def entry_into_force(seg: Segments) -> tuple[str | None, Span | None]:
    """The sentence in which this document says when it enters into force."""
    for para in seg.body:
        # the clause ends in 。: nothing after the last 。 can match (and scanning it is quadratic)
        m = _EIF.search(para.text, 0, para.text.rfind("。") + 1)
        if m:
            return m.group("s"), para.span(m.start("s"), m.end("s"))
    return None, None


__all__ = ["signing", "languages", "articles", "entry_into_force", "ARTICLE_HEAD"]
