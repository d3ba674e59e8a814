"""Segment: normalised document -> title, body, articles, closing, signature blocks.

Stage input: :class:`~treatykg.ingest.Document`. Stage output: :class:`Segments`,
whose parts are :class:`~treatykg.ingest.MappedText` pieces that still map to
the original text.

Rules (for layouts, not for particular documents):

* Lines are the view's lines. A line that holds several paragraphs flattened
  into one (a space after sentence-final punctuation, or a space before an
  article heading "第X条 ") is cut there.
* The title is the first line, unless it reads as prose. A second title line
  is joined when only the joined text ends in a document-type word.
* A line is *prose* when it holds Chinese sentence punctuation (。，；) or ends
  in a colon. Body paragraphs are the prose lines.
* A *date line* is a line that is a date, optionally with "于/在 <place>".
* An *address line* (first line of a letter) ends in 阁下/先生/女士 or is a
  salutation ending in a colon.
* Signature blocks are the runs of non-prose lines that follow prose and are
  followed by a date line, an address line or the end of the text; a run is cut
  into blocks after each "(签字)" marker that is followed by more text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest import Document, MappedText
from .dates import DATE_RE

SIGN_MARKER = re.compile(r"[（(]\s*签\s*[字署名]\s*[)）]")
DOC_TYPE_WORDS = re.compile(
    r"(联合声明|联合公报|联合宣言|新闻公报|会谈纪要|条约|协定|协议|议定书|换文|照会|备忘录|公约|宣言|声明|公报|纪要|决定|计划|合同|章程)$")
ARTICLE_HEAD = re.compile(r"第[一二三四五六七八九十百零〇0-9]+条")
_ADDRESS_END = re.compile(r"(阁下|先生|女士|殿下|陛下)\s*[：:]?$")
_SALUTATION = re.compile(r"^[^，。；]{1,20}[：:]$")
# A space after sentence-final punctuation, or a space before an article heading,
# stands for a lost line break.
_FLATTENED = re.compile(r"(?<=[。：；])[ ]+(?=\S)|[ ]+(?=第[一二三四五六七八九十百零〇0-9]+条[ ])")
_PLACE = r"([\u4e00-\u9fff]{1,8}?)"
DATE_LINE = re.compile(r"^\s*(?:" + DATE_RE + r")\s*(?:[于在]\s*" + _PLACE + r")?\s*$"
                       r"|^\s*" + _PLACE + r"\s*[，,]?\s*(?:" + DATE_RE + r")\s*$")


#: A sentence: up to and including its final 。！？ (or the end of the paragraph).
SENTENCE = re.compile(r"[^。！？]+[。！？]?")


def is_prose(line: str) -> bool:
    return any(c in line for c in "。，；") or line.rstrip().endswith("：")


@dataclass
class Segments:
    title: MappedText | None
    body: list[MappedText] = field(default_factory=list)  # prose lines, stray spaces squeezed
    lines: list[MappedText] = field(default_factory=list)  # every non-empty line (after the title)
    date_lines: list[MappedText] = field(default_factory=list)
    address_lines: list[MappedText] = field(default_factory=list)
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


def _is_signature_like(line: str) -> bool:
    return not is_prose(line) and not ARTICLE_HEAD.fullmatch(line.strip())


def segment(doc: Document) -> Segments:
    lines = _lines(doc.view)
    if not lines:
        return Segments(title=None)
    title: MappedText | None = None
    rest = lines
    first = lines[0].squeeze()
    if not is_prose(first.text) and len(first.text) <= 150 and not DATE_LINE.match(first.text):
        title = first
        rest = lines[1:]
        if (rest and not DOC_TYPE_WORDS.search(first.text) and not is_prose(rest[0].text)
                and DOC_TYPE_WORDS.search(rest[0].squeeze().text)):
            second = rest[0].squeeze()
            joined = MappedText(first.text + second.text, first.origin + second.origin, first.original)
            title = joined
            rest = rest[1:]
    seg = Segments(title=title, lines=rest)
    for ln in rest:
        sq = ln.squeeze()
        if is_prose(sq.text):
            seg.body.append(sq)
        if DATE_LINE.match(sq.text):
            seg.date_lines.append(sq)
        if ARTICLE_HEAD.match(sq.text):
            m = ARTICLE_HEAD.match(sq.text)
            seg.article_heads.append(sq.slice(m.start(), m.end()))
    seg.signature_blocks = _signature_blocks(rest, seg)
    return seg


def _signature_blocks(lines: list[MappedText], seg: Segments) -> list[list[MappedText]]:
    """Runs of non-prose lines after prose, ended by a date line, an address line or the end."""
    kinds: list[str] = []
    for ln in lines:
        t = ln.squeeze().text
        if DATE_LINE.match(t):
            kinds.append("date")
        elif _ADDRESS_END.search(t) or (_SALUTATION.match(t) and not SIGN_MARKER.search(t)):
            kinds.append("address")
            seg.address_lines.append(ln.squeeze())
        elif _is_signature_like(t):
            kinds.append("sig")
        else:
            kinds.append("prose")
    runs: list[list[MappedText]] = []
    i = 0
    seen_prose = False
    while i < len(lines):
        if kinds[i] == "prose":
            seen_prose = True
            i += 1
            continue
        if kinds[i] != "sig" or not seen_prose:
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j] == "sig":
            j += 1
        ended = j >= len(lines) or kinds[j] in ("date", "address")
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
