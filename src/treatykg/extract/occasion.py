"""The visit that occasioned a statement or communiqué.

Read from the sentence that tells of a visit (访问) by a delegation (代表团):

* delegation — "…为首的<X代表团>" or the first "<X代表团>" (none for a visit in person);
* led by — the personal name inside "以<…>为首", or the visitor before "应…邀请";
* host — "在<X>进行…访问", "对<X>进行…访问" or "访问了<X>", else "应<X>的邀请" (organ dropped);
* start/end — a day range (从1958年2月14日到21日), or one date;
* places visited — "访问了<A>、<B>…等城市/地" anywhere in the text.
"""
from __future__ import annotations

import re

from ..dates import find_dates, find_ranges
from ..ingest import MappedText
from ..model import Visit
from ..lexicon import ORGAN_RE, TITLE_SUFFIX_RE
from .names import is_name

_LED = re.compile(r"以(?P<x>[\u4e00-\u9fff·]{2,40}?)为首的(?P<d>[\u4e00-\u9fff]{2,30}?代表团)")
_DELEGATION = re.compile(r"(?P<d>[\u4e00-\u9fff]{2,30}?代表团)")
_HOST = re.compile(r"(?:在|对)(?P<h>[\u4e00-\u9fff]{2,20}?)(?:进行|作)了?(?:正式|国事|友好|工作|正式友好)?访问"
                   r"|访问了(?P<h2>[\u4e00-\u9fff]{2,20}?)(?:[，。；]|$)")
_VISITOR = re.compile(r"^(?P<v>[\u4e00-\u9fff·]{2,40}?)应")
_INVITE = re.compile(r"应(?P<h>[\u4e00-\u9fff]{2,30}?)的?邀请")
_PLACE = r"(?:(?!等)[\u4e00-\u9fff]){2,8}"
# at most 50 places: bounds the work per "访问了" (linear time on a huge list without an end)
_PLACES = re.compile(r"访问了(?P<p>" + _PLACE + r"(?:[、和及]" + _PLACE + r"){1,50}?)(?:等(?:城市|地|地区|省|市)|[，。])")


def _leader(x: str) -> str | None:
    """The personal name in "中华人民共和国国务院周恩来总理" or "国务院总理周恩来"."""
    for n in (3, 2, 4):  # name written before its title
        for m in TITLE_SUFFIX_RE.finditer(x):
            if m.end() == len(x) and m.start() >= n and is_name(x[m.start() - n:m.start()]):
                return x[m.start() - n:m.start()]
    for n in (3, 2, 4):  # name written after its title
        if len(x) > n and is_name(x[-n:]) and TITLE_SUFFIX_RE.search(x[:-n][-4:]):
            return x[-n:]
    return None


def visit(body: list[MappedText]) -> Visit | None:
    for para in body:
        text = para.text
        if "访问" not in text or ("代表团" not in text and "邀请" not in text):
            continue
        sent_end = text.find("。")
        sentence = text if sent_end < 0 else text[:sent_end + 1]
        v = Visit(span=para.span(0, len(sentence)))
        m = _LED.search(sentence)
        if m:
            v.delegation = m.group("d")
            v.led_by = _leader(m.group("x"))
        else:
            d = _DELEGATION.search(sentence)
            v.delegation = d.group("d") if d else None
            if d is None:  # a visit in person: "<office><name>应…邀请…访问了…"
                vm = _VISITOR.match(sentence)
                v.led_by = _leader(vm.group("v")) if vm else None
        h = _HOST.search(sentence)
        if h:
            v.host = h.group("h") or h.group("h2")
        else:
            inv = _INVITE.search(sentence)
            if inv:
                v.host = re.sub(ORGAN_RE + "$", "", inv.group("h")) or inv.group("h")
        for attr in ("delegation", "led_by", "host"):
            value = getattr(v, attr)
            at = sentence.find(value) if value else -1
            if at >= 0:
                setattr(v, f"{attr}_span", para.span(at, at + len(value)))
        ranges = find_ranges(sentence)
        if ranges:
            r = ranges[0]
            v.start, v.end = r.first.iso, r.last_iso
            v.date_span = para.span(r.start, r.end)
        else:
            dates = find_dates(sentence)
            if dates:
                v.start = v.end = dates[0].iso
                v.date_span = para.span(dates[0].start, dates[0].end)
        for p2 in body:
            pm = _PLACES.search(p2.text)
            if pm:
                v.places_visited = [x for x in re.split(r"[、和及]", pm.group("p")) if x]
                v.places_span = p2.span(pm.start("p"), pm.end("p"))
                break
        return v
    return None
