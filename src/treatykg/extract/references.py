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

Labels: a counted name keeps its short qualifier ("和平共处的五项原则" → 和平共处五项原则);
a counted document issued at an event of the same sentence is named after it
("…莫斯科举行会议，并且发表了…两项宣言" → 莫斯科会议发表的两项宣言).

Stance, where the clause says so: 支持/拥护/赞扬/赞同/欢迎 → ``supports``;
谴责/反对 → ``condemns``; 根据/按照/依照/遵照/依据/遵守/本着/符合 → ``in_accordance_with``.
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
          "该", "达成", "建立", "成员国", "谴责", "反对", "赞同", "欢迎", "遵照", "强烈", "双方", "两国", "一致", "表示", "认为", "指出", "主张")
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
_THIS_END = re.compile(r"(?:本|上述|该|此|这)$")
# How far back a name, or a date/issuer before it, is looked for: bounds the work per
# word (linear time on a huge sentence without 。) and the length of a label.
_WINDOW = 100
_MAX_AGENTS = 8  # "<agent>和<agent>和…" names joined at most this deep


_STANCES = (("condemns", re.compile(r"谴责|反对")),
            ("supports", re.compile(r"支持|拥护|赞扬|赞同|欢迎")),
            ("in_accordance_with", re.compile(r"根据|按照|依照|遵照|依据|遵守|本着|符合")))
_COUNTED = re.compile(r"^[一二两三四五六七八九十几]+项")
_QUALIFIER = re.compile(r"(?P<q>[\u4e00-\u9fff]{2,4})的$")


def stance(clause: str) -> str | None:
    """The stance the clause before a reference takes towards it, where it says so."""
    for name, rx in _STANCES:
        if rx.search(clause):
            return name
    return None


def _name_before(text: str, end: int, _depth: int = 0) -> tuple[int, str, str]:
    """Start, text and the stop word before the name that ends at ``end``.

    The name is the run of characters before ``end`` cut after its last stop word;
    "<agent>和<agent>…" stays whole (a bilateral document is named by both parties).
    """
    start = end
    while start > 0 and end - start < _WINDOW and _RUN.match(text, start - 1, start):
        start -= 1
    run = text[start:end]
    last = None
    for s in _STOP_RE.finditer(run):
        last = s
    stop = ""
    if last is not None:
        stop = last.group()
        cut = start + last.start()
        start += last.end()
        if stop in ("和", "与", "同", "及") and _depth < _MAX_AGENTS and \
                _AGENT_END.search(text, max(0, cut - 3), cut):
            a_start, agent, _ = _name_before(text, cut, _depth + 1)
            if len(agent) >= 3 and _AGENT_END.search(agent) and not agent.endswith("成员国"):
                return a_start, text[a_start:end], _
    return start, text[start:end], stop


def references(body: list[MappedText], title: str | None) -> list[Reference]:
    out: list[Reference] = []
    by_label: dict[str, Reference] = {}
    index: dict[str, int] = {}

    def add(ref: Reference) -> None:
        """One reference per name; a dated mention wins over an undated one."""
        if title and ref.label == title:
            return
        known = by_label.get(ref.label)
        if known is None:
            by_label[ref.label] = ref
            index[ref.label] = len(out)
            out.append(ref)
        elif known.date is None and ref.date is not None:
            out[index[ref.label]] = ref
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
            held_spans = set()
            held_label = None
            last_proposal = sentence.rfind("建议")
            for hm in _HELD.finditer(sentence):
                at = hm.start("place") - 1
                who_start = at
                while who_start > max(0, at - _WINDOW) and sentence[who_start - 1] not in "，,。；":
                    who_start -= 1
                who = sentence[who_start:at]
                label = (who + hm.group("place") + hm.group("what")).replace("的代表", "代表")
                a, b = s0 + who_start, s0 + hm.end()
                held_spans.add((hm.start("what"), hm.end("what")))
                held_label = hm.group("place") + hm.group("what")
                add(Reference(label=label, kind="event", place=hm.group("place"),
                              date=sent_date.iso if sent_date else None, span=para.span(a, b),
                              date_span=para.span(s0 + sent_date.start, s0 + sent_date.end) if sent_date else None,
                              place_span=para.span(s0 + hm.start("place"), s0 + hm.end("place"))))
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
                # "before" is sentence[:bend]; searched only near its end (patterns end in $)
                bend = start
                lo = max(0, bend - _WINDOW)
                if _SELF.match(name) or _THIS_END.search(sentence, lo, bend) or _THIS_END.search(name):
                    continue
                if _GENERIC.match(name):
                    if not (_ISSUER_DATE.search(sentence, lo, bend) or _DATE_DE.search(sentence, lo, bend)):
                        continue
                if stop in _PROPOSAL_VERBS and last_proposal >= wm.end():
                    continue  # a proposed meeting or treaty, not one that exists
                if _DATE_ONLY.match(name):
                    bend, name = wm.start(), ""
                label = name + word
                if _COUNTED.match(name):
                    qm = _QUALIFIER.search(sentence, lo, bend)
                    if held_label and "发表" in sentence[lo:bend]:
                        label = f"{held_label}发表的{label}"
                    elif qm and not _STOP_RE.search(qm.group("q")) and not qm.group("q").startswith("具有"):
                        label = qm.group("q") + label
                        start = qm.start()
                date = None
                date_span = None
                dmn = parse_date(name)
                if dmn:
                    date = dmn.iso
                    date_span = para.span(s0 + start + dmn.start, s0 + start + dmn.end)
                im = _ISSUER_DATE.search(sentence, lo, bend)
                if not name and im:
                    d = parse_date(im.group("date"))
                    if d:
                        label = im.group("who") + im.group("date") + word
                        start = im.start()
                        date = d.iso
                        ds = s0 + im.start("date")
                        date_span = para.span(ds + d.start, ds + d.end)
                elif not name and _DATE_DE.search(sentence, lo, bend):
                    dd = _DATE_DE.search(sentence, lo, bend)
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
                # the clause before the name, looked at no further back than the window
                clause_lo = max(0, start - _WINDOW)
                clause_start = max(max(sentence.rfind(c, clause_lo, start) for c in "，；：") + 1, clause_lo)
                ref = Reference(label=label, kind="event" if _EVENT.search(word) else "document",
                                span=para.span(s0 + start, s0 + wm.end()), date=date, date_span=date_span,
                                stance=stance(sentence[clause_start:start]))
                tm = _TODAY.search(sentence, max(0, start - _WINDOW), start) if ref.date is None else None
                if tm:
                    ref.date = TODAY  # resolved to the document's own date by the caller
                    ref.date_span = para.span(s0 + tm.start(), s0 + tm.start() + 2)
                elif ref.date is None and sent_date is not None:
                    ref.date = sent_date.iso
                    ref.date_span = para.span(s0 + sent_date.start, s0 + sent_date.end)
                add(ref)
    return out
