"""What the document itself decides or promises, and by when.

A commitment is a clause with a deadline or a date of effect, in a sentence that
decides or promises (决定, 同意, 将, 承诺, 保证, 商定 …) or that acts at once (即日):

* "在<date>(年底)以前<action>" / "于<date>前<action>" — done by that date; a year's end
  (年底) is 12-31, a month's end (月底) its last day; "同意于<date>前<action>" is this one
  commitment, never also one *on* that date whose action starts with 前;
* "自<date>起(，)<action>" / "于<date>起<action>" — in effect from that date;
* "(决定|将)于<date><action>" — done on that date;
* "自(本)公报签署之日起<action>", "自签字之日起…", "即日<action>", "自即日起…" — from the
  document's own date (the signing date);

The actor is the sentence's subject (its opening noun phrase, after a connective such
as 据此, and after what numbers the paragraph: "一、", "（一）", "第二条 "); a subject naming two parties ("甲政府和乙政府", "两国", "双方") is ``双方``. A
clause whose own subject is a part of the actor ("第一批将…") keeps that part in the
action.
"""
from __future__ import annotations

import calendar
import re

from ..dates import DATE_RE, parse_date
from ..ingest import MappedText
from ..lexicon import SELF_WORD_RE
from ..model import Commitment, Span
from ..segment import SENTENCE

_DECIDES = re.compile(r"决定|同意|承诺|保证|商定|约定|将|应当|一致同意|即日")
_ACT = r"\s*[，,]?\s*(?P<act>[^，。；]*)"
_DEADLINE = re.compile(r"(?:在|于)?\s*(?P<date>" + DATE_RE + r")\s*(?P<end>年底|年末|底|末)?\s*(?:以前|之前|前)(?P<act>[^，。；]*)")
_FROM = re.compile(r"[自于从]\s*(?P<date>" + DATE_RE + r")\s*起" + _ACT)
_ON = re.compile(r"(?:决定|将|商定|同意)于\s*(?P<date>" + DATE_RE + r")(?!\s*起)(?![0-9〇一二三四五六七八九十日月号])"
                 r"(?!\s*(?:年底|年末|底|末)?\s*(?:以前|之前|前))(?P<act>[^，。；]*)")
# from the document's own date ("自本公报签署之日起"; the document words of data/lexicon)
_OWN_DATE = re.compile(r"(?:自|从)(?:本?" + SELF_WORD_RE + r"?(?:签署|签字|签订|发表|公布)之日|即日)起"
                       + _ACT + r"|(?<![自从])即日(?!起)(?P<act2>[^，。；]*)")
_SUBJECT = re.compile(r"^(?:据此|为此|因此|同时|此外|另外)?[，,]?(?P<s>[\u4e00-\u9fff]{2,40}?)[，,]?"
                      r"(?=完全|一致|决定|同意|承认|将|表示|已经|愿意|保证|承诺|认为|商定|确认|对于|即日|自|于"
                      r"|根据|按照|本着|为了|经过|鉴于)")
_CLAUSE_SUBJECT = re.compile(r"(?P<s>[\u4e00-\u9fff]{1,6}?)将\s*$")
_TWO = re.compile(r".+(?:(?<!共)和(?!国)|与|同).+|两国|双方|两国政府|双方政府")
# what numbers a paragraph: "一、", "（一）", an article heading "第二条 " (the heading is no part of the subject)
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百零〇0-9]+条)\s*")
_SELF_EIF = re.compile(r"^(?:开始|即|正式)?生效")
_SELF_ACTOR = re.compile(r"^(?:第[一二三四五六七八九十百0-9]+条)?本")


def _deadline(date_text: str, end: str | None) -> str | None:
    d = parse_date(date_text)
    if d is None:
        return None
    if d.day is not None:
        return d.iso
    if d.month is None:
        return f"{d.year:04d}-12-31" if end else d.iso
    if end:
        return f"{d.year:04d}-{d.month:02d}-{calendar.monthrange(d.year, d.month)[1]:02d}"
    return d.iso


def _actor(sentence: str) -> tuple[str | None, int, int]:
    subj = _SUBJECT.match(sentence)
    if not subj:
        return None, 0, 0
    actor = subj.group("s")
    if _TWO.fullmatch(actor):
        actor = "双方"
    return actor, subj.start("s"), subj.end("s")


def commitments(body: list[MappedText], signed_date: str | None = None,
                signed_span: Span | None = None) -> list[Commitment]:
    out: list[Commitment] = []
    own = signed_date if signed_date and len(signed_date) == 10 else None
    for para in body:
        # the enumerator of a numbered point ("一、") is not part of the subject
        lead = _ENUM.match(para.text)
        for sm in SENTENCE.finditer(para.text):
            s0 = sm.start()
            sentence = sm.group()
            if s0 == 0 and lead:
                s0, sentence = lead.end(), sentence[lead.end():]
            if not _DECIDES.search(sentence) and not _OWN_DATE.search(sentence):
                continue
            actor, a0, a1 = _actor(sentence)
            if actor is None:
                continue
            seen: set[tuple[str, str]] = set()
            for rx in (_DEADLINE, _FROM, _ON, _OWN_DATE):
                for m in rx.finditer(sentence):
                    ms = m.start()  # the text before the match, sentence[:ms], is read near its end only
                    act = (m.group("act") if m.group("act") is not None else m.groupdict().get("act2") or "").strip()
                    if rx is _DEADLINE and not _DECIDES.search(sentence[max(0, ms - 12):ms] + act):
                        continue
                    if rx is _OWN_DATE:
                        if own is None:
                            continue
                        deadline, deadline_span = own, signed_span
                    else:
                        deadline = _deadline(m.group("date"), m.groupdict().get("end"))
                        d = parse_date(m.group("date"))
                        ds = s0 + m.start("date")
                        deadline_span = para.span(ds + d.start, ds + d.end) if d else None
                    act = act.lstrip("起").strip()
                    if not deadline or not act or (act, deadline) in seen or _SELF_EIF.match(act) \
                            or _SELF_ACTOR.match(actor):
                        continue  # the document's own entry into force is not a commitment
                    seen.add((act, deadline))
                    cs = _CLAUSE_SUBJECT.search(sentence, max(0, ms - 64), ms)
                    sub_clause = cs and cs.start() > 0 and sentence[cs.start() - 1] in "，；" and cs.group("s") not in actor
                    if sub_clause:
                        act = cs.group("s") + act
                    a = s0 + (cs.start() if sub_clause else m.start())
                    out.append(Commitment(actor=actor, action=act, deadline=deadline,
                                          span=para.span(a, s0 + m.end()), deadline_span=deadline_span,
                                          actor_span=para.span(s0 + a0, s0 + a1)))
    return out
