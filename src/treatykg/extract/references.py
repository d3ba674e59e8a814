"""Other documents and outside events the text refers to.

A reference is found at a document word (协定, 条约, 公约, 宣言, 声明, 原则 …) or an
event word (会议, 大会 …); its name is the run of characters before the word,
cut after the last verb, preposition or particle that cannot be part of a name
(违反, 对, 和, 的 …). Self-references (本协定, 上述 …) and bare words (协议) are
not references.

Dates, at the precision the text gives:

* a date written in the name ("1955年万隆亚非会议十项原则");
* "<issuer>在<date>声明" and "在<date>的声明": issuer + date + word;
* "今天/同日签署的<name>": the document's own date (filled in by the caller);
* a sentence that opens with a date ("1957年11月，…在莫斯科举行会议，并且发表了…宣言")
  dates the events and documents of that sentence; "在<place>举行/召开" gives the place.
"""
from __future__ import annotations

import re

from ..ingest import MappedText
from ..segment import SENTENCE
from ..model import Reference
from ..dates import DATE_RE, parse_date

_DOC_WORDS = "联合声明|联合公报|议定书|备忘录|协定|协议|条约|公约|宣言|声明|公报|宪章|原则|决议|换文"
_EVENT_WORDS = "首脑会议|会议|大会|峰会"
_WORD = re.compile(r"(?P<w>" + _DOC_WORDS + "|" + _EVENT_WORDS + ")")
_EVENT = re.compile(r"(?:" + _EVENT_WORDS + ")$")
# words after which a name starts (verbs, prepositions, particles, conjunctions)
_STOPS = ("违反", "执行", "遵守", "根据", "按照", "依照", "依据", "签订", "签署", "缔结", "通过", "发表", "支持",
          "关于", "召开", "举行", "参加", "出席", "重申", "提出", "赞扬", "拥护", "继续", "忠实", "规定", "基于",
          "本着", "符合于", "符合", "以及", "和", "与", "同", "及", "对", "在", "于", "为", "是", "将", "把",
          "被", "按", "据", "的", "了", "并", "就", "由", "向", "从", "以", "即", "所", "各项", "这些", "这项",
          "该", "达成", "建立", "成员国", "双方", "两国", "一致", "表示", "认为", "指出", "主张")
# 和 is a conjunction, except inside 共和国 and 和平
_STOP_RE = re.compile("|".join(r"(?<!共)和(?![国平])" if w == "和" else re.escape(w)
                               for w in sorted(_STOPS, key=len, reverse=True)))
_SELF = re.compile(r"^(?:本|上述|该|此|这一?|这些|两国|双方)")
_RUN = re.compile(r"[\u4e00-\u9fff0-9〇]+$")
_TODAY = re.compile(r"(?:今天|今日|本日|同日|当日)(?:签署|签订|签字|缔结)的$")
_ISSUER_DATE = re.compile(r"(?P<who>[\u4e00-\u9fff]{2,20}?(?:政府|外交部|国|部|委员会))在\s*(?P<date>" + DATE_RE + r")\s*$")
_DATE_DE = re.compile(r"(?P<date>" + DATE_RE + r")\s*的$")
_SENT_DATE = re.compile(r"^(?P<date>" + DATE_RE + r")\s*[，,]")
_SUBJECT = re.compile(r"^(?:[\u4e00-\u9fff]{0,10}?)(?P<who>[\u4e00-\u9fff]{2,12}?(?:政府|外交部))")
_HELD = re.compile(r"(?P<who>[\u4e00-\u9fff]{2,30}?)在(?P<place>[\u4e00-\u9fff]{2,6}?)(?:举行|召开)了?(?P<what>会议|大会|会谈|峰会)")

TODAY = "today"
# names made of generic words only are not references ("国际会议", "指导原则")
_GENERIC = re.compile(r"^(?:国际|指导|有关|双边|多边|委员会|新的|这次|该项|此项|各项|一切|上次|下次|全体|共同|基本|上述|其他|"
                      r")?$")
_DATE_ONLY = re.compile(r"^(?:" + DATE_RE + r")$")
_AGENT_END = re.compile(r"(?:政府|共和国|王国|国|外交部|部|委员会)$")
_PROPOSAL_VERBS = ("举行", "召开", "签订", "缔结")


def _name_before(text: str, end: int) -> tuple[int, str, str]:
    """Start, text and the stop word before the name that ends at ``end``.

    The name is the run of characters before ``end`` cut after its last stop word;
    "<agent>和<agent>…" stays whole (a bilateral document is named by both parties).
    """
    m = _RUN.search(text, 0, end)
    start = m.start() if m else end
    run = text[start:end]
    last = None
    for s in _STOP_RE.finditer(run):
        last = s
    stop = ""
    if last is not None:
        stop = last.group()
        cut = start + last.start()
        start += last.end()
        if stop in ("和", "与", "同", "及") and _AGENT_END.search(text[:cut]):
            a_start, agent, _ = _name_before(text, cut)
            if len(agent) >= 3 and _AGENT_END.search(agent) and not agent.endswith("成员国"):
                return a_start, text[a_start:end], _
    return start, text[start:end], stop


def references(body: list[MappedText], title: str | None) -> list[Reference]:
    out: list[Reference] = []
    by_label: dict[str, Reference] = {}

    def add(ref: Reference) -> None:
        """One reference per name; a dated mention wins over an undated one."""
        if title and ref.label == title:
            return
        known = by_label.get(ref.label)
        if known is None:
            by_label[ref.label] = ref
            out.append(ref)
        elif known.date is None and ref.date is not None:
            out[out.index(known)] = ref
            by_label[ref.label] = ref

    for para in body:
        text = para.text
        for sm in SENTENCE.finditer(text):
            s0, sentence = sm.start(), sm.group()
            sent_date = None
            dm0 = _SENT_DATE.match(sentence)
            if dm0:
                sent_date = parse_date(dm0.group("date"))
            # events held at a place: "<who>在<place>举行会议"
            held_spans = []
            for hm in _HELD.finditer(sentence):
                who_m = re.search(r"([^，,。；]*)$", sentence[:hm.start("place") - 1])
                who_start = who_m.start(1)
                who = who_m.group(1)
                label = (who + hm.group("place") + hm.group("what")).replace("的代表", "代表")
                a, b = s0 + who_start, s0 + hm.end()
                held_spans.append((hm.start("what"), hm.end("what")))
                add(Reference(label=label, kind="event", place=hm.group("place"),
                              date=sent_date.iso if sent_date else None, span=para.span(a, b),
                              date_span=para.span(s0 + sent_date.start, s0 + sent_date.end) if sent_date else None))
            words = list(_WORD.finditer(sentence))
            for idx, wm in enumerate(words):
                if (wm.start(), wm.end()) in held_spans:
                    continue
                # a word directly followed by a longer name ("会议十项原则"): the longer one counts
                if idx + 1 < len(words) and words[idx + 1].start() - wm.end() <= 4 and \
                        _RUN.fullmatch(sentence[wm.end():words[idx + 1].start()] or "x") and \
                        not _STOP_RE.search(sentence[wm.end():words[idx + 1].start()]):
                    continue
                start, name, stop = _name_before(sentence, wm.start())
                word = wm.group("w")
                before = sentence[:start]
                if _SELF.match(name) or re.search(r"(?:本|上述|该|此|这)$", before) or \
                        re.search(r"(?:本|上述|该|此|这)$", name):
                    continue
                if _GENERIC.match(name):
                    if not (_ISSUER_DATE.search(before) or _DATE_DE.search(before)):
                        continue
                if stop in _PROPOSAL_VERBS and "建议" in sentence[wm.end():]:
                    continue  # a proposed meeting or treaty, not one that exists
                if _DATE_ONLY.match(name):
                    before, name = before + name, ""
                label = name + word
                date = None
                date_span = None
                dmn = parse_date(name)
                if dmn:
                    date = dmn.iso
                    date_span = para.span(s0 + start + dmn.start, s0 + start + dmn.end)
                im = _ISSUER_DATE.search(before)
                if not name and im:
                    d = parse_date(im.group("date"))
                    if d:
                        label = im.group("who") + im.group("date") + word
                        start = im.start()
                        date = d.iso
                        ds = s0 + im.start("date")
                        date_span = para.span(ds + d.start, ds + d.end)
                elif not name and _DATE_DE.search(before):
                    dd = _DATE_DE.search(before)
                    d = parse_date(dd.group("date"))
                    if d:
                        subj = _SUBJECT.match(sentence)
                        who = subj.group("who") if subj else ""
                        label = who + dd.group("date") + word
                        date = d.iso
                        ds = s0 + dd.start("date")
                        date_span = para.span(ds + d.start, ds + d.end)
                        start = dd.start()
                if len(label) < 3:
                    continue
                ref = Reference(label=label, kind="event" if _EVENT.search(word) else "document",
                                span=para.span(s0 + start, s0 + wm.end()), date=date, date_span=date_span)
                tm = _TODAY.search(sentence[:start]) if ref.date is None else None
                if tm:
                    ref.date = TODAY  # resolved to the document's own date by the caller
                    ref.date_span = para.span(s0 + tm.start(), s0 + tm.start() + 2)
                elif ref.date is None and sent_date is not None:
                    ref.date = sent_date.iso
                    ref.date_span = para.span(s0 + sent_date.start, s0 + sent_date.end)
                add(ref)
    return out
