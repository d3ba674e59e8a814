"""Other documents and outside events the text refers to.

Rules (for kinds of mention, not for particular documents):

* **Titled documents**: a title in 《…》 is a document; its date and place are what the
  text prints with it: "一九六一年《维也纳外交关系公约》" (1961), "1963年4月24日签订的《…》"
  (1963-04-24), "1975年3月1日在惠灵顿签订的《…协定》" (1975-03-01, 惠灵顿).
* **Named documents and events**: at a document word (协定, 条约, 公约, 宣言, 声明, 公报,
  原则 …, ``data/lexicon/document_words.tsv``) or an event word (会议, 大会 …), the name is
  the run of characters before the word, cut after the last verb, preposition or particle
  that cannot be part of a name (违反, 对, 和, 的 …) — except a title phrase "关于…的协定",
  which is a name whole, and "<agent>和<agent>…", a bilateral document named by both parties.
* **Not references**: the document itself — 本协定, 上述 …; a name the title ends with
  ("…合作协定之事务" in a 合作协定); the bare word of its own type ("自公报签署之日起" in a
  公报); what it agrees to conclude now ("同意签订…议定书"); an abbreviation it defines
  ("以下简称“协定”"); an indefinite mention ("一项协议", "其他官方协议", "有关协定");
  a proposal (a meeting or treaty "建议…举行/缔结"); a meeting counted or recurring, not a
  particular one ("每年举行一次会议", "每两年举行一届大会", "定期会议", "特别会议", "第一次会议" with
  nothing naming whose).
* **Dates**, at the precision the text gives: a date in the name ("1955年万隆亚非会议十项原则");
  "<issuer>在<date>声明" and "在<date>的声明"; a date that opens the clause of the name
  ("本着1970年12月15日两国建立外交关系的联合公报的精神" → 1970-12-15); "今天/同日签署的<name>":
  the document's own date (filled in by the caller); a sentence that opens with a date
  ("1957年11月，…在莫斯科举行会议，并且发表了…宣言") dates the events and documents of that
  sentence; "在<place>举行/召开" gives an event's place.
* **Labels**: a counted name keeps its short qualifier ("和平共处的五项原则" → 和平共处五项原则);
  a counted document issued at an event of the same sentence is named after it
  ("…莫斯科举行会议，并且发表了…两项宣言" → 莫斯科会议发表的两项宣言).
* **Stance**, where the clause says so: 支持/拥护/赞扬/赞同/欢迎 → ``supports``;
  谴责/反对 → ``condemns``; 根据/按照/依照/遵照/依据/遵守/本着/符合 → ``in_accordance_with``.

Every search looks back a bounded window from a word, so the work is linear in the text.
"""
from __future__ import annotations

import re
from typing import Any

from ..dates import DATE_RE, parse_date
from ..ingest import MappedText
from ..lexicon import DOCUMENT_WORD_RE, doc_type_of_word
from ..model import Reference
from ..segment import SENTENCE

_EVENT_WORDS = "首脑会议|会议|大会|峰会"
# document words that are mostly verbs in running text (双方决定, 作出安排) name no document
_VERB_LIKE = ("决定", "安排")
_WORD = re.compile(r"(?P<w>" + "|".join(w for w in DOCUMENT_WORD_RE[3:-1].split("|") if w not in _VERB_LIKE)
                   + "|" + _EVENT_WORDS + ")")
_EVENT = re.compile(r"(?:" + _EVENT_WORDS + ")$")
# words after which a name starts (verbs, prepositions, particles, conjunctions)
_STOPS = ("违反", "执行", "遵守", "根据", "按照", "依照", "依据", "签订", "签署", "缔结", "通过", "发表", "支持",
          "关于", "召开", "举行", "参加", "出席", "重申", "提出", "赞扬", "拥护", "继续", "忠实", "规定", "基于",
          "本着", "符合于", "符合", "以及", "和", "与", "同", "及", "对", "在", "于", "为", "是", "将", "把",
          "被", "按", "据", "的", "了", "并", "就", "由", "向", "从", "以", "即", "所", "各项", "这些", "这项",
          "该", "达成", "建立", "成员国", "谴责", "反对", "赞同", "欢迎", "遵照", "强烈", "双方", "两国", "一致", "表示",
          "认为", "指出", "主张", "决定", "自", "取消", "修订", "修改", "代替", "废除", "终止", "实施", "草签",
          "构成", "成为", "作为", "同意", "商定", "愿意")
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
# a date that opens the clause of a name ending in 的: "本着1970年12月15日两国建立外交关系的联合公报"
_CLAUSE_DATE = re.compile(r"(?P<date>" + DATE_RE + r")\s*(?:在(?P<place>[\u4e00-\u9fff]{2,8}?))?"
                          r"(?P<rest>(?![0-9〇一二三四五六七八九十日月号])[^，。；《》]{2,40}?)的$")
# 《title》 and what the text prints with it: "<date>(在<place>)(签订|…)的《", "<date>《"
_TITLED = re.compile(r"《(?P<t>[^《》]{2,120})》")
_BEFORE_TITLED = re.compile(r"(?:于|在)?\s*(?P<date>" + DATE_RE + r")\s*(?:在\s*(?P<place>[\u4e00-\u9fff]{2,8}?)\s*)?"
                            r"(?:(?:正式)?(?:签订|签署|缔结|通过|发表|订立|签字|生效)的?)?\s*$")
_DEFINED = re.compile(r"(?:以下|下文)?简称\s*[“\"「]?(?P<abbr>[\u4e00-\u9fff]{1,10})[”\"」]?")
_CONCLUDES = re.compile(r"(?:同意|决定|愿意|商定|一致同意)(?:签订|缔结|签署|订立)$")
_INDEFINITE = re.compile(r"(?:一项|一个|一份|一些|若干|任何|其他|其它|另一项?)$")
# a meeting counted, not named: "每年举行一次会议", "每两年举行一届大会", "第一次会议" (of a body this text sets up)
_COUNTED_EVENT = re.compile(r"^(?:每年|每两年|每[一二三四五六七八九十两]+年)?(?:第|首)?[一二两三四五六七八九十几0-9]*(?:次|届|轮|期)$")
_GENERIC_WORDS = ("国际", "指导", "有关", "双边", "多边", "委员会", "新的", "这次", "该项", "此项", "各项", "一切", "上次",
                  "下次", "全体", "共同", "基本", "上述", "其他", "其它", "官方", "所有", "任何", "一些", "各种", "政府间",
                  "国家间", "此类", "类似", "相关", "现行", "有效", "正式", "书面", "一项", "一个", "另一项", "另一",
                  "定期", "例行", "年度", "特别", "临时")
_GENERIC = re.compile("^(?:" + "|".join(sorted(_GENERIC_WORDS, key=len, reverse=True)) + ")*$")
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

TODAY = "today"


def stance(clause: str) -> str | None:
    """The stance the clause before a reference takes towards it, where it says so."""
    for name, rx in _STANCES:
        if rx.search(clause):
            return name
    return None


def _name_before(text: str, end: int, _depth: int = 0, protected: tuple = ()) -> tuple[int, str, str]:
    """Start, text and the stop word before the name that ends at ``end``.

    The name is the run of characters before ``end`` cut after its last stop word (a stop
    inside a ``protected`` span — a state's name such as 圣多美和普林西比 — is no stop);
    "<agent>和<agent>…" stays whole (a bilateral document is named by both parties).
    """
    start = end
    while start > 0 and end - start < _WINDOW and _RUN.match(text, start - 1, start):
        start -= 1
    run = text[start:end]
    last = None
    for s in _STOP_RE.finditer(run):
        at = start + s.start()
        if any(a <= at and at + len(s.group()) <= b for a, b in protected):
            continue
        last = s
    stop = ""
    if last is not None:
        stop = last.group()
        cut = start + last.start()
        start += last.end()
        if stop in ("和", "与", "同", "及") and _depth < _MAX_AGENTS and \
                _AGENT_END.search(text, max(0, cut - 3), cut):
            a_start, agent, _ = _name_before(text, cut, _depth + 1, protected)
            if len(agent) >= 3 and _AGENT_END.search(agent) and not agent.endswith("成员国"):
                return a_start, text[a_start:end], _
    return start, text[start:end], stop


def _known_name_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """Spans of the gazetteer's state and organisation names that hold a conjunction (圣多美和普林西比)."""
    if not any(c in sentence for c in "和与及同"):
        return ()
    from ..gazetteer import default
    from .document import _known

    names = _known(default())
    # a name that spans a conjunction holds one: only where such a name can begin is it looked up
    firsts = names.first_chars_of("和与及同")
    out = []
    for m in re.finditer("[和与及同]", sentence):
        for a in range(max(0, m.start() - 12), m.start()):
            if sentence[a] not in firsts:
                continue
            hit = names.at(sentence, a, None)
            if hit is not None and hit[0] > m.end():
                out.append((a, hit[0]))
                break
    return tuple(out)


class _Intervals:
    """Sorted, disjoint intervals: whether a position lies inside one, by bisection."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def contains(self, pos: int) -> bool:
        import bisect

        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


class _Reader:
    """References of one document, read sentence by sentence (one method per rule)."""

    def __init__(self, title: str | None, doc_type: str | None):
        self.title = title or ""
        self.doc_type = doc_type
        self.out: list[Reference] = []
        self.by_label: dict[str, int] = {}
        self.defined: set[str] = set()
        self.protected: tuple[tuple[int, int], ...] = ()

    # -- bookkeeping -------------------------------------------------------------------
    def add(self, ref: Reference) -> None:
        """One reference per name; a dated mention wins over an undated one."""
        if self.title and ref.label == self.title:
            return
        i = self.by_label.get(ref.label)
        if i is None:
            self.by_label[ref.label] = len(self.out)
            self.out.append(ref)
        elif self.out[i].date is None and ref.date is not None:
            self.out[i] = ref

    def is_self(self, label: str, word: str, before: str) -> bool:
        """Whether a name stands for this document itself (see the module docstring)."""
        if len(label) >= 4 and self.title.endswith(label):
            return True
        if label == word and self.doc_type and doc_type_of_word(word) == self.doc_type:
            return True
        if _CONCLUDES.search(before) and doc_type_of_word(word) == self.doc_type:
            return True
        return label in self.defined

    # -- the rules -----------------------------------------------------------------------
    def read(self, body: list[MappedText]) -> list[Reference]:
        for para in body:
            for m in _DEFINED.finditer(para.text):
                self.defined.add(m.group("abbr"))
        for para in body:
            for sm in SENTENCE.finditer(para.text):
                self.sentence(para, sm.start(), sm.group())
        return self.out

    def sentence(self, para: MappedText, s0: int, sentence: str) -> None:
        self.protected = _known_name_spans(sentence)
        dm0 = _SENT_DATE.match(sentence)
        sent_date = parse_date(dm0.group("date")) if dm0 else None
        titled = self.titled(para, s0, sentence)
        inside = _Intervals(titled)
        held_spans, held_label = self.held(para, s0, sentence, sent_date)
        last_proposal = sentence.rfind("建议")
        words = list(_WORD.finditer(sentence))
        for idx, wm in enumerate(words):
            if (wm.start(), wm.end()) in held_spans or inside.contains(wm.start()):
                continue
            # a word directly followed by a longer name ("会议十项原则"): the longer one counts
            if idx + 1 < len(words) and words[idx + 1].start() - wm.end() <= 4 and \
                    _RUN.fullmatch(sentence[wm.end():words[idx + 1].start()] or "x") and \
                    not _STOP_RE.search(sentence[wm.end():words[idx + 1].start()]):
                continue
            self.named(para, s0, sentence, wm, sent_date, held_label, last_proposal)

    def titled(self, para: MappedText, s0: int, sentence: str) -> list[tuple[int, int]]:
        """Titles in 《…》, dated and placed by what is printed before them; their spans."""
        spans = []
        for tm in _TITLED.finditer(sentence):
            spans.append((tm.start(), tm.end()))
            label = tm.group("t")
            if label == self.title or label in self.defined:
                continue
            lo = max(0, tm.start() - 40)
            bm = _BEFORE_TITLED.search(sentence, lo, tm.start())
            date = date_span = place = place_span = None
            start = tm.start()
            if bm:
                d = parse_date(bm.group("date"))
                if d is not None:
                    ds = bm.start("date")
                    date, date_span = d.iso, para.span(s0 + ds + d.start, s0 + ds + d.end)
                    start = bm.start()
                    if bm.group("place"):
                        place = bm.group("place")
                        place_span = para.span(s0 + bm.start("place"), s0 + bm.end("place"))
            lo_c = max(0, start - _WINDOW)
            clause_start = max(max(sentence.rfind(c, lo_c, start) for c in "，；：") + 1, lo_c)
            self.add(Reference(label=label, kind="document", date=date, date_span=date_span, place=place,
                               place_span=place_span, span=para.span(s0 + tm.start(), s0 + tm.end()),
                               stance=stance(sentence[clause_start:start])))
        return spans

    def held(self, para: MappedText, s0: int, sentence: str, sent_date) -> tuple[set, str | None]:
        """Events held at a place: "<who>在<place>举行会议"."""
        held_spans = set()
        held_label = None
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
            self.add(Reference(label=label, kind="event", place=hm.group("place"),
                               date=sent_date.iso if sent_date else None, span=para.span(a, b),
                               date_span=para.span(s0 + sent_date.start, s0 + sent_date.end) if sent_date else None,
                               place_span=para.span(s0 + hm.start("place"), s0 + hm.end("place"))))
        return held_spans, held_label

    def named(self, para: MappedText, s0: int, sentence: str, wm: re.Match, sent_date, held_label,
              last_proposal: int) -> None:
        """A document or event named before its word."""
        start, name, stop = _name_before(sentence, wm.start(), protected=self.protected)
        word = wm.group("w")
        bend = start
        lo = max(0, bend - _WINDOW)
        before = sentence[lo:bend]
        if _SELF.match(name) or _THIS_END.search(sentence, lo, bend) or _THIS_END.search(name):
            return
        if _INDEFINITE.search(name) or (not name and _INDEFINITE.search(before)):
            return
        if _EVENT.search(word) and name and _COUNTED_EVENT.match(name):
            return
        date = date_span = None
        if stop == "的" and not name:
            start, name, date, date_span = self.title_phrase(para, s0, sentence, wm, lo, start)
        if _GENERIC.match(name) and date is None:
            if not (_ISSUER_DATE.search(sentence, lo, bend) or _DATE_DE.search(sentence, lo, bend)):
                return
        if stop in _PROPOSAL_VERBS and last_proposal >= wm.end():
            return  # a proposed meeting or treaty, not one that exists
        if _DATE_ONLY.match(name):
            bend, name = wm.start(), ""
        label = name + word
        concluded = sentence[max(0, start - 12):start]
        if _COUNTED.match(name):
            label, start = _qualified(sentence, lo, bend, start, label, held_label)
        if date is None:
            dmn = parse_date(name)
            if dmn:
                date = dmn.iso
                date_span = para.span(s0 + start + dmn.start, s0 + start + dmn.end)
        if not name:
            found = _issued_or_dated(para, s0, sentence, lo, bend, word)
            if found is not None:
                label, start, date, date_span = found
        if len(label) < 3 or self.is_self(label, word, concluded):
            return
        self.add(_reference(para, s0, sentence, wm, start, label, date, date_span, sent_date))

    def title_phrase(self, para: MappedText, s0: int, sentence: str, wm: re.Match, lo: int,
                     start: int) -> tuple[int, str, str | None, Any]:
        """A name ending in 的 with nothing before it: a title phrase "关于…的协定" is a name whole
        (with the agent before it when that names two parties); else a date opening the clause
        dates it. (start, name, date, date span)."""
        word = wm.group("w")
        bend = start
        k = sentence.rfind("关于", lo, bend)
        if k >= 0 and doc_type_of_word(word) and not any(c in sentence[k:bend] for c in "，；：《》"):
            a_start, agent, _ = _name_before(sentence, k, protected=self.protected)
            start = a_start if agent and _AGENT_END.search(agent) and "和" in agent else k
            return start, sentence[start:wm.start()], None, None
        cm = _CLAUSE_DATE.search(sentence, lo, wm.start())
        if cm:
            d = parse_date(cm.group("date"))
            if d is not None:
                ds = cm.start("date")
                start = cm.start("rest")
                return start, sentence[start:wm.start()], d.iso, para.span(s0 + ds + d.start, s0 + ds + d.end)
        return start, "", None, None


def _qualified(sentence: str, lo: int, bend: int, start: int, label: str, held_label) -> tuple[str, int]:
    """The label of a counted name ("两国政府…"): after the meeting that issued it, or with the
    qualifier before it. (label, start)."""
    qm = _QUALIFIER.search(sentence, lo, bend)
    if held_label and "发表" in sentence[lo:bend]:
        label = f"{held_label}发表的{label}"
    elif qm and not _STOP_RE.search(qm.group("q")) and not qm.group("q").startswith("具有"):
        label = qm.group("q") + label
        start = qm.start()
    return label, start


def _issued_or_dated(para: MappedText, s0: int, sentence: str, lo: int, bend: int,
                     word: str) -> tuple[str, int, str, Any] | None:
    """A word with no name before it, named by who issued it and when ("…于1月1日发表的声明"),
    or by the sentence's subject and a date ("…日的声明"): (label, start, date, date span), or None."""
    im = _ISSUER_DATE.search(sentence, lo, bend)
    if im:
        d = parse_date(im.group("date"))
        if not d:
            return None
        ds = s0 + im.start("date")
        return im.group("who") + im.group("date") + word, im.start(), d.iso, para.span(ds + d.start, ds + d.end)
    dd = _DATE_DE.search(sentence, lo, bend)
    if dd:
        d = parse_date(dd.group("date"))
        if not d:
            return None
        subj = _SUBJECT.match(sentence)
        who = subj.group("who") if subj else ""
        ds = s0 + dd.start("date")
        return who + dd.group("date") + word, dd.start(), d.iso, para.span(ds + d.start, ds + d.end)
    return None


def _reference(para: MappedText, s0: int, sentence: str, wm: re.Match, start: int, label: str,
               date: str | None, date_span, sent_date) -> Reference:
    """The reference found: its kind, span, the stance of the clause before it (looked at no
    further back than the window), and, when it has no date of its own, "today" or its
    sentence's date."""
    clause_lo = max(0, start - _WINDOW)
    clause_start = max(max(sentence.rfind(c, clause_lo, start) for c in "，；：") + 1, clause_lo)
    ref = Reference(label=label, kind="event" if _EVENT.search(wm.group("w")) else "document",
                    span=para.span(s0 + start, s0 + wm.end()), date=date, date_span=date_span,
                    stance=stance(sentence[clause_start:start]))
    tm = _TODAY.search(sentence, max(0, start - _WINDOW), start) if ref.date is None else None
    if tm:
        ref.date = TODAY  # resolved to the document's own date by the caller
        ref.date_span = para.span(s0 + tm.start(), s0 + tm.start() + 2)
    elif ref.date is None and sent_date is not None:
        ref.date = sent_date.iso
        ref.date_span = para.span(s0 + sent_date.start, s0 + sent_date.end)
    return ref


def references(body: list[MappedText], title: str | None, doc_type: str | None = None) -> list[Reference]:
    """The documents and events a text refers to (see the module docstring for the rules)."""
    return _Reader(title, doc_type).read(body)
