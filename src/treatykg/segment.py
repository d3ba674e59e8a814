"""Segment: normalised document -> title, body, articles, closing, signature blocks.

Stage input: :class:`~treatykg.ingest.Document`. Stage output: :class:`Segments`,
whose parts are :class:`~treatykg.ingest.MappedText` pieces that still map to
the original text.

Rules (for layouts, not for particular documents):

* Lines are the view's lines. A line that holds several paragraphs flattened
  into one (a space after sentence-final punctuation, or an article heading
  "第X条 " after a space or after sentence-final punctuation) is cut there.
* The title is the first line, unless it reads as prose or is a date. A second
  title line is joined when only the joined text ends in a document-type word
  ("…政府关于" + "…的换文").
* A *metadata line* is what a database or a web copy prints about the document
  rather than in it: "签订日期：1980年4月23日", "（签订日期1980年4月23日 / 生效日期…）",
  "【签订日期】1980.04.23　【文种】议定书", "颁布时间：…"; it is kept apart
  (:attr:`Segments.meta_lines`) and never read as body or signature.
* A line is *prose* when it holds Chinese sentence punctuation (。，；) or ends
  in a colon. Body paragraphs are the prose lines.
* A *date line* is a line that is a date, optionally with "于/在/订于 <place>" or a
  space and the place (or the place first, "北京，1958年2月19日"), optionally in
  parentheses. A date line
  before the first body paragraph is a *dateline* (under the title); after it, a
  *closing* date line.
* A *heading* is a short line that numbers or names a part ("（一）中方去文",
  "第一章", "附件："); an article heading "第X条" alone on its line is one too.
* An *address line* (first line of a letter) ends in 阁下/先生/女士 or is a
  salutation ending in a colon.
* Signature blocks are the runs of other lines that follow prose and are
  followed by a date line, an address line, a heading or the end of the text; a
  run is cut into blocks after each "(签字)" marker that is followed by more text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import DATE_RE
from .lexicon import DOC_TYPE_WORDS
from .ingest import Document, MappedText

SIGN_MARKER = re.compile(r"[（(]\s*(?:签\s*[字署名]|印)\s*[)）]")
DOC_TYPE_END = re.compile("(?:" + "|".join(re.escape(w) for w, _ in DOC_TYPE_WORDS) + ")$")
_NUM = "[一二三四五六七八九十百零〇0-9]+"
ARTICLE_HEAD = re.compile(r"第" + _NUM + r"条")
_ADDRESS_END = re.compile(r"(阁下|先生|女士|殿下|陛下)\s*[：:]?$")
_SALUTATION = re.compile(r"^[^，。；]{1,20}[：:]$")
_HEADING = re.compile(r"^(?:[（(]" + _NUM + r"[)）]|" + _NUM + r"、|第" + _NUM + r"[章节部编])[^，。；]{0,20}$"
                      r"|^(?:附件|附录|注)[一二三四五六七八九十0-9]*[：:]?$")
# A space after sentence-final punctuation, or a space before an article heading, stands
# for a lost line break. Each alternative starts only at the first space of a run (the
# look-behind), so a long run of spaces is scanned once: linear time.
_FLATTENED = re.compile(r"(?<=[。：；])[ ]++(?=\S)|(?<![ ])[ ]++(?=第" + _NUM + r"条[ ])"
                        r"|(?<=[。：；])(?=第" + _NUM + r"条[ ])")
_PLACE = r"([\u4e00-\u9fff]{1,8}?)"
_OPEN, _CLOSE = r"[（(]?\s*", r"\s*[)）]?"
_AT = r"(?:[于在]|订于|签于|签订于|签署于)?"
DATE_LINE = re.compile(r"^\s*" + _OPEN + r"(?:" + DATE_RE + r")\s*(?:" + _AT + r"\s*" + _PLACE + r")?" + _CLOSE + r"\s*$"
                       r"|^\s*" + _OPEN + _PLACE + r"\s*[，,]?\s*(?:" + DATE_RE + r")" + _CLOSE + r"\s*$")
#: Words that mark a line as database or web-copy metadata about the document.
META_LINE = re.compile(r"(?:签订|签署|签字|缔结|生效|颁布|发布|发文|失效)(?:日期|时间|地点|单位)|条约类别|条约种类|文种|"
                       r"【[^】]{1,8}】")


#: A sentence: up to and including its final 。！？ (or the end of the paragraph).
SENTENCE = re.compile(r"[^。！？]+[。！？]?")


def is_prose(line: str) -> bool:
    return any(c in line for c in "。，；") or line.rstrip().endswith("：")


@dataclass
class Segments:
    title: MappedText | None
    body: list[MappedText] = field(default_factory=list)  # prose lines, stray spaces squeezed
    lines: list[MappedText] = field(default_factory=list)  # every non-empty line (after the title)
    date_lines: list[MappedText] = field(default_factory=list)  # every date line, in order
    header_dates: list[MappedText] = field(default_factory=list)  # date lines before the first prose
    closing_dates: list[MappedText] = field(default_factory=list)  # date lines after it
    meta_lines: list[MappedText] = field(default_factory=list)
    address_lines: list[MappedText] = field(default_factory=list)
    headings: list[MappedText] = field(default_factory=list)
    signature_blocks: list[list[MappedText]] = field(default_factory=list)  # raw, spaces kept
    article_heads: list[MappedText] = field(default_factory=list)


def _lines(view: MappedText) -> list[MappedText]:
    out: list[MappedText] = []
    pos = 0
    text = view.text
    while pos <= len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = view.slice(pos, end)
        # cut flattened paragraphs
        cut = 0
        for m in _FLATTENED.finditer(line.text):
            piece = line.slice(cut, m.start()).strip()
            if piece.text:
                out.append(piece)
            cut = m.end()
        piece = line.slice(cut, len(line)).strip()
        if piece.text:
            out.append(piece)
        if nl < 0:
            break
        pos = nl + 1
    return out


def line_kind(text: str) -> str:
    """The kind of a (squeezed) line: meta, date, heading, address, article, prose or other."""
    if META_LINE.search(text) and len(text) <= 120:
        return "meta"
    if DATE_LINE.match(text):
        return "date"
    if ARTICLE_HEAD.fullmatch(text.strip()):
        return "article"
    if _HEADING.match(text) and not SIGN_MARKER.search(text):
        return "heading"
    if _ADDRESS_END.search(text) or (_SALUTATION.match(text) and not SIGN_MARKER.search(text)):
        return "address"
    if is_prose(text):
        return "prose"
    return "other"


def _title(lines: list[MappedText]) -> tuple[MappedText | None, int]:
    """The title and the number of lines it takes."""
    first = lines[0].squeeze()
    if is_prose(first.text) or len(first.text) > 150 or line_kind(first.text) in ("date", "meta"):
        return None, 0
    if len(lines) > 1 and not DOC_TYPE_END.search(first.text):
        second = lines[1].squeeze()
        if not is_prose(second.text) and DOC_TYPE_END.search(second.text) and line_kind(second.text) == "other":
            joined = MappedText(first.text + second.text, first.origin + second.origin, first.original)
            return joined, 2
    return first, 1


def segment(doc: Document) -> Segments:
    lines = _lines(doc.view)
    if not lines:
        return Segments(title=None)
    title, n_title = _title(lines)
    rest = lines[n_title:]
    seg = Segments(title=title, lines=rest)
    kinds: list[str] = []
    seen_prose = False
    for ln in rest:
        sq = ln.squeeze()
        kind = line_kind(sq.text)
        kinds.append(kind)
        if kind == "prose":
            seen_prose = True
            seg.body.append(sq)
            m = ARTICLE_HEAD.match(sq.text)
            if m:
                seg.article_heads.append(sq.slice(m.start(), m.end()))
        elif kind == "article":
            seg.article_heads.append(sq)
        elif kind == "meta":
            seg.meta_lines.append(sq)
        elif kind == "date":
            seg.date_lines.append(sq)
            (seg.closing_dates if seen_prose else seg.header_dates).append(sq)
        elif kind == "address":
            seg.address_lines.append(sq)
        elif kind == "heading":
            seg.headings.append(sq)
    seg.signature_blocks = _signature_blocks(rest, kinds)
    return seg


def _signature_blocks(lines: list[MappedText], kinds: list[str]) -> list[list[MappedText]]:
    """Runs of "other" lines after prose, ended by a date line, an address line, a heading or the end."""
    runs: list[list[MappedText]] = []
    i = 0
    seen_prose = False
    while i < len(lines):
        if kinds[i] == "prose":
            seen_prose = True
            i += 1
            continue
        if kinds[i] != "other" or not seen_prose:
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] == "other":
            j += 1
        ended = j >= len(lines) or kinds[j] in ("date", "address", "heading", "meta")
        if ended:
            runs.append(lines[i:j])
        i = j
    blocks: list[list[MappedText]] = []
    for run in runs:
        block: list[MappedText] = []
        for k, ln in enumerate(run):
            block.append(ln)
            only_marker = not SIGN_MARKER.sub("", ln.text).strip()
            if only_marker and k + 1 < len(run) and SIGN_MARKER.sub("", run[k + 1].text).strip():
                blocks.append(block)
                block = []
        if block:
            blocks.append(block)
    return blocks
