"""What the document itself decides or promises, and by when.

A commitment is a clause with a deadline or a date of effect, in a sentence
that decides or promises (决定, 同意, 将, 承诺, 保证, 商定 …):

* "在<date>(年底)以前<action>" / "于<date>前<action>" — done by that date;
  a year's end (年底) is 12-31, a month's end (月底) its last day;
* "自<date>起<action>" — in effect from that date;
* "决定于<date><action>" — done on that date.

The actor is the sentence's subject (its opening noun phrase); a subject naming
two parties ("甲政府和乙政府") is ``双方``. A clause whose own subject is a
part of the actor ("第一批将…") keeps that part in the action.
"""
from __future__ import annotations

import calendar
import re

from ..dates import DATE_RE, parse_date
from ..ingest import MappedText
from ..segment import SENTENCE
from ..model import Commitment

_DECIDES = re.compile(r"决定|同意|承诺|保证|商定|约定|将|应当|一致同意")
_DEADLINE = re.compile(r"(?:在|于)?\s*(?P<date>" + DATE_RE + r")\s*(?P<end>年底|年末|底|末)?\s*(?:以前|之前|前)(?P<act>[^，。；]*)")
_FROM = re.compile(r"自\s*(?P<date>" + DATE_RE + r")\s*起(?P<act>[^，。；]*)")
_ON = re.compile(r"决定于\s*(?P<date>" + DATE_RE + r")(?P<act>[^，。；]*)")
_SUBJECT = re.compile(r"^(?P<s>[\u4e00-\u9fff]{2,40}?)(?=完全|一致|决定|同意|承认|将|表示|已经|愿意|保证|承诺|认为|商定|确认|对于)")
_CLAUSE_SUBJECT = re.compile(r"(?P<s>[\u4e00-\u9fff]{1,6}?)将\s*$")
_TWO = re.compile(r".+(?:和|与|同).+")


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


def commitments(body: list[MappedText]) -> list[Commitment]:
    out: list[Commitment] = []
    for para in body:
        # the enumerator of a numbered point ("一、") is not part of the subject
        lead = re.match(r"^[一二三四五六七八九十]+、", para.text)
        for sm in SENTENCE.finditer(para.text):
            s0 = sm.start()
            sentence = sm.group()
            if s0 == 0 and lead:
                s0, sentence = lead.end(), sentence[lead.end():]
            if not _DECIDES.search(sentence):
                continue
            subj = _SUBJECT.match(sentence)
            actor = subj.group("s") if subj else None
            if actor and _TWO.fullmatch(actor) and not actor.endswith("共和国"):
                actor = "双方"
            if actor is None:
                continue
            for rx in (_DEADLINE, _FROM, _ON):
                for m in rx.finditer(sentence):
                    ms = m.start()  # the text before the match, sentence[:ms], is read near its end only
                    if rx is _DEADLINE and not _DECIDES.search(sentence[max(0, ms - 12):ms] + m.group("act")):
                        continue
                    deadline = _deadline(m.group("date"), m.groupdict().get("end"))
                    act = m.group("act").strip()
                    if not deadline or not act:
                        continue
                    cs = _CLAUSE_SUBJECT.search(sentence, max(0, ms - 64), ms)
                    if cs and cs.start() > 0 and sentence[cs.start() - 1] in "，；" and cs.group("s") not in actor:
                        act = cs.group("s") + act
                    a = s0 + (cs.start() if cs and cs.start() > 0 and sentence[cs.start() - 1] in "，；" else m.start())
                    ds = s0 + m.start("date")
                    d = parse_date(m.group("date"))
                    out.append(Commitment(actor=actor, action=act, deadline=deadline,
                                          span=para.span(a, s0 + m.end()),
                                          deadline_span=para.span(ds + d.start, ds + d.end) if d else None,
                                          actor_span=para.span(s0 + subj.start("s"), s0 + subj.end("s"))))
    return out
