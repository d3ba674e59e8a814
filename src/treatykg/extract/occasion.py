"""The visit that occasioned a statement, communiqué or agreement.

Read from the first sentence that tells of a visit (访问) by a delegation or a person:

* delegation — "…为首的<X代表团>" or the first "<X代表团>" (none for a visit in person);
* led by — the personal name inside "以<…>为首", or the visitor who opens the sentence
  ("<office><name>(阁下)，应…邀请…", "<state><office><name><office>于<date>访问…"), or the
  visitor who follows the invitation ("应<inviter>的邀请，<state><office><name>于<date>对…进行了
  …访问", "…邀请，<office><name>访问了…"): the name of the first visitor phrase, cut before
  于/在/对/访问/前来/率, that reads as a person's;
* host — the state visited: "在<X>进行…访问", "对<X>进行…访问", "访问了<X>", "来<X>(首都<city>)
  作了…访问"; where the text names only a city ("访问北京期间"), the state the gazetteer
  puts it in, else the party that is not the visitor's; failing those, the state of
  "应<X>的邀请" (its organ and person dropped: 锡兰总理班达拉奈克阁下 → 锡兰);
* start/end — a day range (从1958年2月14日到21日, 于一九八〇年四月二十日至二十四日), or one date;
* places visited — "访问了<A>、<B>…等城市", "来<X>首都<city>", "访问<city>期间".
"""
from __future__ import annotations

import re

from ..dates import find_dates, find_ranges
from ..gazetteer import default
from ..ingest import MappedText
from ..lexicon import ORGAN_RE, STATE_END_RE, TITLE_SUFFIX_RE
from ..model import Party, Visit
from .names import is_foreign_name, is_name

_LED = re.compile(r"以(?P<x>[\u4e00-\u9fff·]{2,40}?)为首的(?P<d>[\u4e00-\u9fff]{2,30}?代表团)")
_DELEGATION = re.compile(r"(?P<d>[\u4e00-\u9fff]{2,30}?代表团)")
_HOST = re.compile(r"(?:在|对)(?P<h>[\u4e00-\u9fff]{2,20}?)(?:进行|作)了?(?:正式|国事|友好|工作|正式友好|私人)?访问"
                   r"|访问了(?P<h2>[\u4e00-\u9fff]{2,20}?)(?:[，。；]|$)")
_CAME = re.compile(r"来(?P<h>[\u4e00-\u9fff]{2,20}?)(?:首都(?P<c>[\u4e00-\u9fff]{2,8}?))?(?:作|进行)了?"
                   r"[\u4e00-\u9fff]{0,6}?访问")
_VISITING = re.compile(r"访问(?P<p>[\u4e00-\u9fff]{2,8}?)(?:期间|时)")
_VISITOR = re.compile(r"^(?P<v>[\u4e00-\u9fff·]{2,40}?)(?:阁下)?[，,]?(?:应|于|在)")
_INVITE = re.compile(r"应(?P<h>[\u4e00-\u9fff·]{2,30}?)(?:阁下)?的?邀请")
# the invitation first: "应<inviter>(阁下)的邀请，<visitor>…"; the visitor ends before one of these
_INVITED = re.compile(r"^应[\u4e00-\u9fff·]{2,40}?(?:阁下)?的?邀请[，,]?\s*")
_VISITOR_END = re.compile(r"阁下|于|在|对|访问|前来|率")
_PLACE = r"(?:(?!等)[\u4e00-\u9fff]){2,8}"
# at most 50 places: bounds the work per "访问了" (linear time on a huge list without an end)
_PLACES = re.compile(r"访问了(?P<p>" + _PLACE + r"(?:[、和及]" + _PLACE + r"){1,50}?)(?:等(?:城市|地|地区|省|市)|[，。])")
_STATE_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,20}?" + STATE_END_RE)


def _leader(x: str) -> str | None:
    """The personal name in "中华人民共和国国务院周恩来总理", "国务院总理周恩来", "…卫生部马马杜·巴里部长"."""
    m = re.search(r"[\u4e00-\u9fff]{1,8}(?:[·.][\u4e00-\u9fff]{1,8})+", x)
    if m and is_foreign_name(m.group()):
        name = m.group()
        head, _, _ = re.split(r"([·.])", name, maxsplit=1)
        cut = max([t.end() for t in TITLE_SUFFIX_RE.finditer(head)] + [t.end() for t in re.finditer(ORGAN_RE, head)]
                  + [0])
        name = name[cut:]
        tail = re.search("(?:" + TITLE_SUFFIX_RE.pattern + ")$", name.split("·")[-1].split(".")[-1])
        if tail and tail.start() > 0:
            name = name[: len(name) - (tail.end() - tail.start())]
        return name
    for n in (3, 2, 4):  # name written before its title
        for t in TITLE_SUFFIX_RE.finditer(x):
            if t.end() == len(x) and t.start() >= n and is_name(x[t.start() - n:t.start()]):
                return x[t.start() - n:t.start()]
    for n in (3, 2, 4):  # name written after its title
        if len(x) > n and is_name(x[-n:]) and TITLE_SUFFIX_RE.search(x[:-n][-4:]):
            return x[-n:]
    return None


def _state_of(phrase: str, date: str | None) -> str | None:
    """The state named at the start of a phrase ("锡兰总理班达拉奈克" -> 锡兰), by the gazetteer
    or by a state's ending; the phrase itself if it is a state's name."""
    from .document import _known

    hit = _known(default()).at(phrase, 0, date)
    if hit is not None and hit[1] is not None and hit[1].type == "state":
        end = hit[0]
        ext = re.match(r"(?:共和国|联合王国|王国|合众国|联邦|联盟)", phrase[end:])
        return phrase[:end + (ext.end() if ext else 0)]
    m = _STATE_HEAD.match(phrase)
    if m:
        return m.group()
    return None


def _place_state(place: str, date: str | None) -> str | None:
    entry = default().lookup(place, "place", date)
    return getattr(entry, "within", None) if entry is not None else None


def _party_state_name(p: Party) -> str:
    return p.name[: len(p.name) - len(p.organ)] if p.organ and p.name.endswith(p.organ) else p.name


def visit(body: list[MappedText], parties: list[Party] | None = None, date: str | None = None) -> Visit | None:
    parties = parties or []
    for para in body:
        text = para.text
        if "访问" not in text:
            continue
        sent_end = text.find("。")
        sentence = text if sent_end < 0 else text[:sent_end + 1]
        if "访问" not in sentence or ("代表团" not in sentence and "邀请" not in sentence
                                     and not _VISITING.search(sentence) and not _CAME.search(sentence)):
            continue
        v = Visit(span=para.span(0, len(sentence)))
        visitor_phrase = None
        m = _LED.search(sentence)
        if m:
            v.delegation = m.group("d")
            v.led_by = _leader(m.group("x"))
            visitor_phrase = m.group("x")
        else:
            d = _DELEGATION.search(sentence)
            v.delegation = d.group("d") if d else None
            vm = None if _INVITED.match(sentence) else _VISITOR.match(sentence)
            if vm:
                visitor_phrase = vm.group("v")
                if d is None:  # a visit in person: "<office><name>应…邀请…访问了…"
                    v.led_by = _leader(vm.group("v"))
            else:  # the invitation first: "应…的邀请，<office><name>于…访问…"
                visitor_phrase = _invited_visitor(sentence, d is None, v)
        places: list[str] = []
        h = _HOST.search(sentence)
        came = _CAME.search(sentence)
        if h:
            v.host = h.group("h") or h.group("h2")
        elif came:
            v.host = came.group("h")
            if came.group("c"):
                places.append(came.group("c"))
        visiting = _VISITING.search(sentence)
        if visiting and not v.host:
            city = visiting.group("p")
            places.append(city)
            v.host = _host_of_city(city, visitor_phrase, parties, date)
        if not v.host:
            inv = _INVITE.search(sentence)
            if inv:
                v.host = _state_of(inv.group("h"), date) or \
                    (re.sub(ORGAN_RE + "$", "", inv.group("h")) or inv.group("h"))
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
            if dates and dates[0].day is not None:
                v.start = v.end = dates[0].iso
                v.date_span = para.span(dates[0].start, dates[0].end)
        for p2 in body:
            pm = _PLACES.search(p2.text)
            if pm:
                v.places_visited = [x for x in re.split(r"[、和及]", pm.group("p")) if x]
                v.places_span = p2.span(pm.start("p"), pm.end("p"))
                break
        else:
            if places:
                v.places_visited = places
                at = sentence.find(places[0])
                v.places_span = para.span(at, at + len(places[0])) if at >= 0 else None
        return v
    return None


def _invited_visitor(sentence: str, in_person: bool, v: Visit) -> str | None:
    """The visitor who follows the invitation ("应…的邀请，智利共和国总统卡洛斯·门多萨于…"): the
    shortest phrase up to a word that ends it and that names a person (a name may hold 于 or 在:
    李在明); its person leads a visit in person."""
    im = _INVITED.match(sentence)
    if not im:
        return None
    first = None
    for end in _VISITOR_END.finditer(sentence, im.end(), min(len(sentence), im.end() + 40)):
        phrase = sentence[im.end():end.start()].strip("，, ")
        if len(phrase) < 2 or not re.fullmatch(r"[\u4e00-\u9fff·]+", phrase):
            continue
        first = first or phrase
        leader = _leader(phrase) if in_person else None
        if leader:
            v.led_by = leader
            return phrase
    return first


def _host_of_city(city: str, visitor: str | None, parties: list[Party], date: str | None) -> str | None:
    """The state a visited city lies in: the gazetteer's, as the parties print it; else the party
    that is not the visitor's."""
    within = _place_state(city, date)
    if within:
        for p in parties:
            if p.state == within:
                return _party_state_name(p)
        entry = default().by_id(within) if hasattr(default(), "by_id") else None
        if entry is not None:
            return entry.zh
    if visitor and len(parties) == 2:
        mine = [p for p in parties if _party_state_name(p) and visitor.startswith(_party_state_name(p))]
        if len(mine) == 1:
            other = parties[1] if mine[0] is parties[0] else parties[0]
            return _party_state_name(other)
    return None
