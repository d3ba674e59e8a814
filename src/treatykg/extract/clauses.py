"""The final clauses: signing date and place, authentic languages, articles, entry into force, validity.

Signing date and place, in order of trust (rules for kinds of closing, not for documents):

1. the document's *own* signing clause: "本协定于<date>在<place>签订", "本协定<date>签订于
   <place>", "本议定书在<place>于<date>签署", "双方…于<date>在<place>签署公报…" — a
   clause whose signing verb is not followed by 的: "1975年3月1日在惠灵顿签订的《…协定》"
   describes *another* document, which is a reference, never this document's signing;
2. a closing date line, "<date>于<place>" alone on its line or opening the closing
   sentence ("2001年5月3日于北京，一式两份"); where several letters each end in one (an
   exchange of notes), the last;
3. a dateline under the title, with or without parentheses ("（1986年7月25日）");
4. a metadata line of the database ("签订日期：1980年4月23日", "【签订日期】1980.04.23").

The place is taken with the date; where the chosen source gives none, from another
source of the same date.

Entry into force: the sentence in which this document says when it enters into force
("本协定自签字之日起生效", "本议定书自…之日起生效", "…生效。"), never a sentence that counts a
period from it ("双方应当在本议定书生效后六个月内…", "自本协定生效之日起…"), and the date it resolves to where the text allows: "自签字之日
起" / "自即日起" / "自公报签署之日起" → the signing date; "自<date>起生效" → that date; a
compiler's note "注：…本议定书自<date>起生效" → that date; "自(阁下)复照之日起生效" → the
date of the reply (the last letter of an exchange of notes, where it is dated). A date
that depends on a later act (ratification, notification) stays unknown.

Validity: how long the document stays in force, in months, where a sentence of this document
(本X) says so: "有效期五年", "有效期限自签字日起共为五年" → 60, "有效期为六个月" → 6. What the
period becomes after (期满…延长, 有效期内) is not its length.

Authentic languages, in every phrasing: "用中文和英文写成", "每份都用中文和阿拉伯文写成",
"以中、捷、俄三种文字书就" (one-character names expanded through ``languages.tsv``),
"签署公报中文、西班牙文文本一式两份", "中文本和英文本同等作准".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..dates import DATE_RE, DateMatch, cn_number, parse_date, parse_numeric_date
from ..ingest import MappedText
from ..lexicon import LANGUAGE_RE, SELF_WORD_RE, language, language_by_abbr
from ..lexicon import languages as languages_known
from ..model import Span
from ..segment import DATE_LINE, SENTENCE, Segments

_SELF = r"本(?:" + SELF_WORD_RE[3:-1] + r")"
_PLACE = r"(?P<place>[\u4e00-\u9fff]{1,8}?)"
_PLACE2 = r"(?P<place2>[\u4e00-\u9fff]{1,8}?)"
_SIGN_VERB = r"(?:正式签署|正式签订|签订|签署|签字|订立|缔结|签定|签于|签)"
_DOCWORD = r"(?:" + _SELF + "|" + SELF_WORD_RE + r")"
# The verb must not be followed by 的 (a relative clause: another document).
_NOT_DE = r"(?![\u4e00-\u9fff]{0,3}?的)"
_SIGNING = [
    # 本协定(…)于<date>(在<place>)签订(于<place>)  /  本协定<date>签订于<place>
    re.compile(_SELF + r"[^。；]{0,16}?(?:于|在)?\s*(?P<date>" + DATE_RE + r")\s*(?:在\s*" + _PLACE + r"\s*)?"
               + _SIGN_VERB + r"(?:于\s*" + _PLACE2 + r"(?=[，。；、\s]|$))?" + _NOT_DE),
    # 本协定在<place>于<date>签订
    re.compile(_SELF + r"[^。；]{0,16}?在\s*" + _PLACE + r"\s*于\s*(?P<date>" + DATE_RE + r")\s*" + _SIGN_VERB + _NOT_DE),
    # …于<date>在<place>签署(本)公报/协定…  (the document named after the verb)
    re.compile(r"(?:于|在)?\s*(?P<date>" + DATE_RE + r")\s*(?:在|于)\s*" + _PLACE + r"\s*" + _SIGN_VERB
               + r"(?:了)?(?=" + _DOCWORD + r"|[^，。；]{0,12}?(?:" + SELF_WORD_RE + r")(?![\u4e00-\u9fff]{0,20}的))"),
    # 双方代表/下列代表/全权代表 … 于<date>在<place>签订/签署 (the signatories as subject)
    re.compile(r"(?:双方|下列|签署|全权)代表[^。]{0,40}?(?:于|在)\s*(?P<date>" + DATE_RE + r")\s*(?:在|于)\s*" + _PLACE
               + r"\s*" + _SIGN_VERB + _NOT_DE),
]
# A closing sentence that opens with "<date>于<place>，" ("1986年7月25日于北京，一式两份，用英文写成。").
_CLOSING_SENTENCE = re.compile(r"^\s*(?P<date>" + DATE_RE + r")\s*[于在]\s*" + _PLACE + r"\s*[，,]")
_META_PLACE = re.compile(r"(?:签订|签署|缔结)地点\s*[：:]?\s*(?P<place>[\u4e00-\u9fff]{1,8})")
_META_SIGNED = re.compile(r"(?:签订|签署|签字|缔结)(?:日期|时间)")
_META_EIF = re.compile(r"生效(?:日期|时间)")


@dataclass
class Signing:
    """The signing date and place, with where each was read."""

    date: str | None = None
    date_span: Span | None = None
    place: str | None = None
    place_span: Span | None = None
    source: str | None = None  # clause | closing | dateline | metadata


@dataclass
class _Candidate:
    date: DateMatch
    date_span: Span | None
    place: str | None
    place_span: Span | None
    source: str


def _clause_candidates(seg: Segments) -> list[_Candidate]:
    out = []
    for para in seg.body:
        for rx in _SIGNING:
            for m in rx.finditer(para.text):
                dm = parse_date(m.group("date"))
                if not dm or dm.day is None:
                    continue
                ds = m.start("date")
                gd = m.groupdict()
                key = "place" if gd.get("place") else ("place2" if gd.get("place2") else None)
                place = m.group(key) if key else None
                out.append(_Candidate(dm, para.span(ds + dm.start, ds + dm.end), place,
                                      para.span(m.start(key), m.end(key)) if key else None, "clause"))
            if out:
                return out[:1]
    return out


def _date_line_candidate(line: MappedText, source: str) -> _Candidate | None:
    m = DATE_LINE.match(line.text)
    dm = parse_date(line.text)
    if not m or not dm:
        return None
    place = next((g for g in m.groups() if g), None)
    place_span = None
    if place:
        pos = line.text.rfind(place) if line.text.rfind(place) > dm.end - 1 else line.text.find(place)
        place_span = line.span(pos, pos + len(place))
    return _Candidate(dm, line.span(dm.start, dm.end), place, place_span, source)


def _closing_candidates(seg: Segments) -> list[_Candidate]:
    """Closing date lines and closing sentences that open with a date, the last first."""
    found: list[tuple[int, _Candidate]] = []
    for line in seg.closing_dates:
        c = _date_line_candidate(line, "closing")
        if c is not None:
            found.append((line.origin[0], c))
    for para in seg.body:
        m = _CLOSING_SENTENCE.match(para.text)
        if m:
            dm = parse_date(m.group("date"))
            if dm:
                ds = m.start("date")
                found.append((para.origin[0], _Candidate(dm, para.span(ds + dm.start, ds + dm.end), m.group("place"),
                                                         para.span(m.start("place"), m.end("place")), "closing")))
    found.sort(key=lambda pc: pc[0], reverse=True)
    return [c for _, c in found]


def _meta_candidates(seg: Segments) -> list[_Candidate]:
    out = []
    for line in seg.meta_lines:
        for m in _META_SIGNED.finditer(line.text):
            rest = line.text[m.end():]
            stop = _META_EIF.search(rest)
            chunk = rest[:stop.start()] if stop else rest
            dm = parse_date(chunk) or parse_numeric_date(chunk)
            if dm is None:
                continue
            a = m.end() + dm.start
            pm = _META_PLACE.search(line.text)
            out.append(_Candidate(dm, line.span(a, m.end() + dm.end), pm.group("place") if pm else None,
                                  line.span(pm.start("place"), pm.end("place")) if pm else None, "metadata"))
    return out


def signing(seg: Segments) -> Signing:
    """The date and place of signature (see the module docstring for the order of trust)."""
    header = [c for c in (_date_line_candidate(ln, "dateline") for ln in seg.header_dates) if c]
    candidates = _clause_candidates(seg) + _closing_candidates(seg) + header + _meta_candidates(seg)
    if not candidates:
        return Signing()
    chosen = candidates[0]
    out = Signing(chosen.date.iso, chosen.date_span, chosen.place, chosen.place_span, chosen.source)
    if out.place is None:
        same = next((c for c in candidates if c.place and c.date.iso == chosen.date.iso), None)
        if same is not None:
            out.place, out.place_span = same.place, same.place_span
    return out


def meta_entry_into_force(seg: Segments) -> tuple[str | None, Span | None]:
    """The entry-into-force date a metadata line gives ("生效日期：1980年9月23日")."""
    for line in seg.meta_lines:
        m = _META_EIF.search(line.text)
        if not m:
            continue
        rest = line.text[m.end():]
        stop = _META_SIGNED.search(rest)
        chunk = rest[:stop.start()] if stop else rest
        dm = parse_date(chunk) or parse_numeric_date(chunk)
        if dm is not None and dm.day is not None:
            return dm.iso, line.span(m.end() + dm.start, m.end() + dm.end)
    return None, None


# -- authentic languages ----------------------------------------------------------------
_LANG_SEP = r"\s*[、和及与,，]\s*"
_LANG_LIST = r"(?P<langs>" + LANGUAGE_RE + r"(?:" + _LANG_SEP + LANGUAGE_RE + r")*)"
_ABBR_LIST = r"(?P<abbrs>[\u4e00-\u9fff](?:\s*[、,，]?\s*[\u4e00-\u9fff]){1,3})"
_COUNT = r"(?:[两二三四五六七八九]种)"
_LANG_CLAUSES = [
    # 以/用 中文和英文 (两种文字) 写成/书就
    re.compile(r"(?:以|用)\s*" + _LANG_LIST + r"\s*(?:" + _COUNT + r"?\s*(?:文字|语言|文本))?\s*"
               r"(?:书就|写成|签订|签署|缮写|作成|制成|缮就|拟就|写就)"),
    # 以中、捷、俄三种文字书就
    re.compile(r"(?:以|用)\s*" + _ABBR_LIST + r"\s*" + _COUNT + r"\s*(?:文字|文本|语言)"),
    # 中文、西班牙文文本一式两份 / 中文和英文两种文本
    re.compile(_LANG_LIST + r"\s*(?:" + _COUNT + r"\s*)?文本"),
    # 中文本和英文本同等作准
    re.compile(r"(?P<langs>" + LANGUAGE_RE + r"本(?:" + _LANG_SEP + LANGUAGE_RE + r"本)+)\s*(?:均|都)?\s*"
               r"(?:同等作准|同样作准|具有同等效力|具有同等的?效力)"),
]

# Every clause above holds 文 or 语: a language name (each in the lexicon does, and the
# pattern for an unknown one ends in one), 文字, 文本 or 语言. A paragraph with neither cannot
# match, and is not searched (most are not: the regexes try a name at every position).
_LANG_MARKS = ("文", "语") if all("文" in n or "语" in n for lang in languages_known()
                                for n in (lang.name, *lang.variants)) else ("",)


def _known_tail(name: str) -> str:
    """A name the language list knows, cut from the words before it ("签署公报中文" -> 中文)."""
    if language(name) is not None:
        return name
    for i in range(1, len(name) - 1):
        if language(name[i:]) is not None:
            return name[i:]
    return name


def _split_languages(text: str) -> list[str]:
    """The language names of a list, as printed ("中文本" read as 中文), each once."""
    out: list[str] = []
    for x in re.split(_LANG_SEP, text):
        x = x.strip()
        if x.endswith("文本") and len(x) > 2:
            x = x[:-1]
        x = _known_tail(x)
        if x and x not in out:
            out.append(x)
    return out


def languages(seg: Segments) -> tuple[list[str] | None, Span | None]:
    """Languages of the authentic texts, as the closing names them (see the module docstring)."""
    for para in seg.body:
        if not any(mark in para.text for mark in _LANG_MARKS):
            continue
        for rx in _LANG_CLAUSES:
            m = rx.search(para.text)
            if not m:
                continue
            if "abbrs" in rx.groupindex:
                chars = [c for c in m.group("abbrs") if not c.isspace() and c not in "、,，"]
                langs = [language_by_abbr(c) for c in chars]
                if not all(langs):
                    continue
                names = []
                for lang in langs:
                    if lang.name not in names:
                        names.append(lang.name)
                return names, para.span(m.start("abbrs"), m.end("abbrs"))
            names = _split_languages(m.group("langs"))
            if names:
                return names, para.span(m.start("langs"), m.end("langs"))
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


# -- entry into force ---------------------------------------------------------------------
# The clause: a sentence that speaks of this document (本X, or a numbered provision of it)
# and says 生效. Matched sentence by sentence, so the work is linear in the text.
_EIF_SELF = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十百0-9]+条\s*)?"
                       r"(?:[^。]{0,40}?)(?P<s>" + _SELF + r"[^。]*?生效[^。]*。?)")
_EIF_REPLY = re.compile(r"(?:本照会|本函|本信|来照|来函)[^。]{0,200}?(?:复照|复函|复信)[^。]{0,200}?生效[^。]{0,200}。?")
_EIF_ON_SIGNING = re.compile(r"自(?:双方|各方|缔约双方)?(?:签字|签署|签订|公报签署|本[\u4e00-\u9fff]{1,4}签署|即日|签字之日|签署之日)"
                             r"(?:之日)?起[^。]{0,6}?生效|自即日起[^。]{0,6}?生效")
_EIF_DATE = re.compile(r"自\s*(?P<date>" + DATE_RE + r")\s*起[^。]{0,6}?生效")
_EIF_ON_REPLY = re.compile(r"自[^。]{0,6}?复(?:照|函|信)之日起[^。]{0,6}?生效")
# 生效 as what the document does ("…起生效", "…生效。"), not a moment a period is counted from
# ("本议定书生效后六个月内", "生效之日起", "生效前", "生效时"): such a sentence is no clause of entry into force
_EIF_VERB = re.compile(r"生效(?!\s*(?:后|之后|以后|前|之前|以前|之日|日|时|的|期间|当日|满))")


@dataclass
class EntryIntoForce:
    clause: str | None = None
    span: Span | None = None
    date: str | None = None
    date_span: Span | None = None


def _sentences(para: MappedText):
    for sm in SENTENCE.finditer(para.text):
        yield sm.start(), sm.group()


def entry_into_force(seg: Segments, signing_: Signing, *, last_letter_date: str | None = None,
                     last_letter_span: Span | None = None) -> EntryIntoForce:
    """The entry-into-force clause and, where it resolves, its date (see the module docstring)."""
    out = EntryIntoForce()
    for para in seg.body:
        for s0, sentence in _sentences(para):
            if "生效" not in sentence:
                continue
            m = _EIF_SELF.match(sentence) or _EIF_REPLY.search(sentence)
            if not m or not _EIF_VERB.search(sentence, m.start("s") if "s" in m.re.groupindex else m.start()):
                continue
            start = s0 + (m.start("s") if "s" in m.re.groupindex else m.start())
            end = s0 + (m.end("s") if "s" in m.re.groupindex else m.end())
            if out.clause is None:
                out.clause, out.span = para.text[start:end], para.span(start, end)
            if out.date is None:
                _resolve(out, para, s0, sentence, signing_, last_letter_date, last_letter_span)
    if out.date is None:
        # a compiler's note or a later sentence may give the date the clause did not
        for para in seg.body:
            for s0, sentence in _sentences(para):
                if ("注" in sentence[:3] or _SELF_RE.search(sentence)) and _EIF_DATE.search(sentence):
                    _resolve(out, para, s0, sentence, signing_, None, None)
                    if out.date:
                        return out
    return out


_SELF_RE = re.compile(_SELF)


def _resolve(out: EntryIntoForce, para: MappedText, s0: int, sentence: str, signing_: Signing,
             last_letter_date: str | None, last_letter_span: Span | None) -> None:
    dm = _EIF_DATE.search(sentence)
    if dm:
        d = parse_date(dm.group("date"))
        if d is not None and d.day is not None:
            a = s0 + dm.start("date")
            out.date, out.date_span = d.iso, para.span(a + d.start, a + d.end)
            return
    if _EIF_ON_REPLY.search(sentence):
        if last_letter_date:
            out.date, out.date_span = last_letter_date, last_letter_span
        return
    if _EIF_ON_SIGNING.search(sentence) and signing_.date and len(signing_.date) == 10:
        out.date, out.date_span = signing_.date, signing_.date_span


# -- validity ----------------------------------------------------------------------------------
# 有效期(限) [为/是/自…起 共为] <number> 年/个月: not 有效期满, 有效期内, 届满, 延长 (what follows the term).
_VALIDITY = re.compile(r"有效期限?(?:(?![满内届延])[^。；，,]){0,16}?"
                       r"(?P<n>[0-9〇零一二两三四五六七八九十百]+)\s*(?P<unit>年|个月)")


def validity(seg: Segments) -> tuple[int | None, Span | None]:
    """How long the document stays in force (see the module docstring): the number of months
    and the span of the phrase, or (None, None)."""
    for para in seg.body:
        for s0, sentence in _sentences(para):
            if "有效期" not in sentence or not _SELF_RE.search(sentence):
                continue
            m = _VALIDITY.search(sentence)
            if m is None:
                continue
            n = cn_number(m.group("n"))
            if n <= 0:
                continue
            return n * 12 if m.group("unit") == "年" else n, para.span(s0 + m.start(), s0 + m.end())
    return None, None


__all__ = ["signing", "Signing", "languages", "articles", "entry_into_force", "EntryIntoForce",
           "meta_entry_into_force", "validity"]
