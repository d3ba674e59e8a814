"""Ingest: bytes -> a normalised document whose offsets map back to the original.

Stage input: the bytes of one export. Stage output: :class:`Document` with

* ``original`` — the decoded text, untouched (byte-order mark removed);
* ``view`` — a :class:`MappedText`: the normalised text the extractors read, and
  for every one of its characters the code-point offset of the original
  character it came from.

The normalised view is the original with: the database disclaimer cut away;
line ends made ``\\n``; compatibility forms folded (full-width digits and
letters to ASCII, ideographic and no-break spaces to plain spaces); ASCII
punctuation inside Chinese text made full-width (``,`` -> ``，``); traditional
characters made simplified (OpenCC ``t2s``, one character at a time, so the map
stays one-to-one); and paragraphs split mid-sentence by a page break joined.

Stray spaces inside Chinese runs (``朝鲜民主主义 人民共和国``) are repaired by
:meth:`MappedText.squeeze`, which the segmenter applies to prose and titles but
not to signature blocks, where spaces separate columns.
"""
from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .iris import text_key
from .model import Repair, Source, Span

#: Default size limit (bytes) for one input text; ``--max-bytes`` changes it.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

CONTEXT = 32  # characters of prefix/suffix kept with a span (TextQuoteSelector)


# ---------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------

def is_cjk(ch: str) -> bool:
    """A Chinese character (CJK unified ideographs, extensions, compatibility) or 〇."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F
            or 0xF900 <= o <= 0xFAFF or o == 0x3007)


# ASCII punctuation that becomes full-width when it stands next to Chinese text.
_TO_FULLWIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
# Other forms folded to one spelling. Zero written as a circle: ○ (U+25CB WHITE CIRCLE) and
# ◯ (U+25EF LARGE CIRCLE, what Japanese and some Chinese input methods give for 〇) become 〇.
_FOLD = {"\u3000": " ", "\u00a0": " ", "\t": " ", "\u2002": " ", "\u2003": " ", "\u200b": "",
         "\ufeff": "", "・": "·", "•": "·", "‧": "·", "∙": "·", "\u25cb": "〇", "\u25ef": "〇",
         "〔": "（", "〕": "）", "［": "（", "］": "）", "﹐": "，", "､": "、", "｡": "。"}
# Sentence-final punctuation: a line ending in one of these is not cut by a page break.
SENTENCE_END = "。！？；：”’」』）…"


@lru_cache(maxsize=1)
def _opencc():
    import opencc  # imported lazily: costs ~20 ms

    try:
        return opencc.OpenCC("t2s")
    except Exception:  # some builds want the .json name
        return opencc.OpenCC("t2s.json")


@lru_cache(maxsize=65536)
def to_simplified_char(ch: str) -> str:
    """One character, traditional -> simplified; unchanged unless the result is one character."""
    if not is_cjk(ch):
        return ch
    out = _opencc().convert(ch)
    return out if len(out) == 1 else ch


def to_simplified(text: str) -> str:
    """Traditional -> simplified, character by character (length-preserving)."""
    return "".join(to_simplified_char(c) for c in text)


# ---------------------------------------------------------------------------
# Offset-mapped text
# ---------------------------------------------------------------------------

@dataclass
class MappedText:
    """A string whose every character knows its offset in the original text.

    ``origin[i]`` is the code-point offset in ``original`` of ``text[i]``.
    A span ``[i, j)`` of ``text`` maps to ``original[origin[i]:origin[j-1]+1]``.
    """

    text: str
    origin: list[int]
    original: str = field(repr=False)

    def __post_init__(self) -> None:
        assert len(self.text) == len(self.origin)

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, i: int, j: int) -> "MappedText":
        return MappedText(self.text[i:j], self.origin[i:j], self.original)

    def strip(self) -> "MappedText":
        i, j = 0, len(self.text)
        while i < j and self.text[i].isspace():
            i += 1
        while j > i and self.text[j - 1].isspace():
            j -= 1
        return self.slice(i, j)

    def span(self, i: int = 0, j: int | None = None) -> Span | None:
        """The original span of ``text[i:j]`` (leading/trailing space excluded)."""
        j = len(self.text) if j is None else j
        while i < j and self.text[i].isspace():
            i += 1
        while j > i and self.text[j - 1].isspace():
            j -= 1
        if i >= j:
            return None
        return make_span(self.original, self.origin[i], self.origin[j - 1] + 1)

    def squeeze(self) -> "MappedText":
        """Drop white space that stands between two Chinese characters (stray spaces)."""
        t = self.text
        if " " not in t:
            return self
        keep_text: list[str] = []
        keep_origin: list[int] = []
        pos = 0
        for m in _SPACE_RUN.finditer(t):
            i, j = m.span()
            if i > 0 and j < len(t) and _joins(t[i - 1]) and _joins(t[j]):
                keep_text.append(t[pos:i])
                keep_origin.extend(self.origin[pos:i])
                pos = j
        if pos == 0:
            return self
        keep_text.append(t[pos:])
        keep_origin.extend(self.origin[pos:])
        return MappedText("".join(keep_text), keep_origin, self.original)

    def find(self, sub: str, start: int = 0) -> int:
        return self.text.find(sub, start)


_SPACE_RUN = re.compile(" +")


def _joins(ch: str) -> bool:
    """Characters across which a space is stray: Chinese characters and Chinese punctuation."""
    return is_cjk(ch) or ch in "，。、；：（）“”《》·！？"


def make_span(original: str, start: int, end: int) -> Span:
    return Span(start, end, original[start:end],
                original[max(0, start - CONTEXT):start], original[end:end + CONTEXT])


# ---------------------------------------------------------------------------
# Document
# ---------------------------------------------------------------------------

@dataclass
class Document:
    source: Source
    original: str
    view: MappedText
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode an export: UTF-8 (with or without BOM), UTF-16/32 (BOM or not), GB18030.

    Returns ``(text, encoding)``. Raises :class:`InputError` for empty, binary or
    undecodable input.
    """
    if not data.strip():
        raise InputError("the file is empty", path=name)
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc.__class__.__name__}", path=name) from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise InputError(f"starts with a {enc} byte-order mark but does not decode as {enc}",
                                 path=name) from None
            return text.lstrip("\ufeff"), enc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_like_text(text):
            return text, "utf-8"
        raise InputError("the file is binary, not a text", path=name,
                         hint="treatykg reads plain-text exports in UTF-8, UTF-16 or GB18030")
    # No BOM and not UTF-8: UTF-16 (either order) or GB18030, whichever reads as text.
    candidates = ("utf-16-le", "utf-16-be", "gb18030") if len(data) % 2 == 0 else ("gb18030",)
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text) >= 0.9 and _looks_like_text(text):
            return text, enc
    if b"\x00" in data[:4096]:
        raise InputError("the file is binary, not a text", path=name,
                         hint="treatykg reads plain-text exports in UTF-8, UTF-16 or GB18030")
    raise InputError("the file is not UTF-8, UTF-16 or GB18030 text", path=name,
                     hint="convert it to UTF-8, or pass --encoding")


def _plausible(text: str) -> float:
    """Share of characters a treaty text is made of (Chinese, ASCII, CJK punctuation, white space)."""
    sample = text[:20000]
    if not sample:
        return 0.0
    good = sum(n for c, n in Counter(sample).items()  # each distinct character judged once
               if is_cjk(c) or " " <= c <= "~" or c in "\n\r\t"
               or 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFFEF or c in "“”‘’·…—")
    return good / len(sample)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = sum(n for c, n in Counter(text[:20000]).items()  # each distinct character judged once
              if (unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in "\n\r\t\f\v")
              or c == "\ufffd")
    return bad <= max(2, len(text[:20000]) // 200)


def read_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read one input file, with clear errors for what is not a readable file."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=str(path))
    if p.is_dir():
        raise InputError("is a folder, not a file", path=str(path),
                         hint="give one text file; `treatykg build` takes folders")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"the file has {size} bytes, over the limit of {max_bytes}", path=str(path),
                             hint="raise it with --max-bytes")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError:
        raise InputError("permission denied", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > max_bytes:
        raise InputError(f"the file has more than {max_bytes} bytes", path=str(path),
                         hint="raise the limit with --max-bytes")
    return data


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_DISCLAIMER_HEAD = re.compile(r"^[ \t\u3000]*免[ \t\u3000]*[责責][ \t\u3000]*[条條][ \t\u3000]*款[ \t\u3000\r]*$", re.M)
_DISCLAIMER_WORDS = re.compile(r"条约信息|條約信息|数据库|數據庫|不承担|不承擔|感谢您|感謝您|免责|免責")


def _disclaimer_end(text: str) -> int:
    """Offset where the text after the database's disclaimer begins (0 if there is none).

    The disclaimer is a heading line "免 责 条 款" (spacing varies) followed by
    paragraphs that speak of the database; it ends at the first paragraph that does not.
    """
    m = _DISCLAIMER_HEAD.search(text[:4000])
    if not m:
        return 0
    pos = m.end()
    while True:
        # next paragraph: skip blank lines, read one line
        k = pos
        while k < len(text) and text[k] in "\r\n \t\u3000":
            k += 1
        if k >= len(text):
            return k
        nl = text.find("\n", k)
        line_end = len(text) if nl < 0 else nl
        if _DISCLAIMER_WORDS.search(text[k:line_end]) and "条约" not in text[k:line_end][:2]:
            pos = line_end
            continue
        return k


def _fold_char(ch: str, prev: str, nxt: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    o = ord(ch)
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return chr(o - 0xFEE0)  # full-width digit/letter -> ASCII
    if ch in _TO_FULLWIDTH and ((prev and is_cjk(prev)) or (nxt and is_cjk(nxt))
                                or (prev and prev in "”）") or (nxt and nxt in "“（")):
        return _TO_FULLWIDTH[ch]
    if ch == '"':
        return '"'
    return to_simplified_char(ch)


_ENUM_START = re.compile(r"^\s*(第[一二三四五六七八九十百零〇0-9]+[条章节款项部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[.、．])")


#: characters that become a line break ("\r" only when no "\n" follows it)
_LINE_BREAKS = "\r\f\v\u2028\u2029\x85"


@lru_cache(maxsize=65536)
def _context_free_fold(ch: str) -> str | None:
    """The one character ``ch`` folds to wherever it stands, or None when it is folded where it
    stands (a line break, ASCII punctuation whose full-width form depends on its neighbours, a
    character that folds to none or to several)."""
    if ch in _LINE_BREAKS or ch in _TO_FULLWIDTH:
        return None
    folded = ch if ch == "\n" else _fold_char(ch, "", "")
    return folded if len(folded) == 1 else None


def normalise(original: str) -> tuple[MappedText, list[Repair]]:
    """The normalised view of ``original`` (see the module docstring) and the repairs made.

    Most characters fold the same wherever they stand: those are folded a run at a time
    (``str.translate``; each keeps its offset). Line breaks, characters that fold to
    nothing and ASCII punctuation, whose full-width form depends on its neighbours,
    are folded one by one."""
    start = _disclaimer_end(original)
    n = len(original)
    table: dict[int, str] = {}   # context-free one-to-one folds that change the character
    by_one: set[str] = set()     # characters folded where they stand
    for ch in set(original[start:]):
        folded = _context_free_fold(ch)
        if folded is None:
            by_one.add(ch)
        elif folded != ch:
            table[ord(ch)] = folded
    out: list[str] = []
    origin: list[int] = []
    pos = start
    singles = re.finditer("[" + "".join(map(re.escape, sorted(by_one))) + "]", original[start:]) if by_one else ()
    for m in singles:
        i = start + m.start()
        if pos < i:
            out.append(original[pos:i].translate(table))
            origin.extend(range(pos, i))
        pos = i + 1
        ch = original[i]
        if ch in _LINE_BREAKS:
            if ch == "\r" and i + 1 < n and original[i + 1] == "\n":
                continue
            folded = "\n"
        else:
            folded = _fold_char(ch, original[i - 1] if i > 0 else "", original[i + 1] if i + 1 < n else "")
        out.append(folded)
        origin.extend([i] * len(folded))
    if pos < n:
        out.append(original[pos:].translate(table))
        origin.extend(range(pos, n))
    repairs: list[Repair] = []
    script = {ch: table[ord(ch)] for ch in map(chr, table) if is_cjk(ch) and is_cjk(table[ord(ch)])}
    if script:  # traditional (or variant) forms made simplified, each recorded
        for m in re.finditer("[" + "".join(map(re.escape, sorted(script))) + "]", original[start:]):
            i = start + m.start()
            repairs.append(Repair("script", make_span(original, i, i + 1), f"{m.group()}→{script[m.group()]}"))
    view = MappedText("".join(out), origin, original)
    view, readings = _drop_pinyin(view)
    view, joins = _join_page_breaks(view)
    return view, repairs + readings + joins


# A pinyin reading inserted after a Chinese character by OCR or a web copy: 國(guó), 鮮（xiǎn）.
# Tone-marked or numbered syllables only, so that Latin words in brackets are kept.
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[（(]\s*(?=[a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ1-5])"
                     r"[a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,6}[1-5]?\s*[)）]")


def _drop_pinyin(view: MappedText) -> tuple[MappedText, list[Repair]]:
    """Remove pinyin readings that follow Chinese characters (国(guó) -> 国), recording each."""
    text = view.text
    repairs: list[Repair] = []
    keep_t: list[str] = []
    keep_o: list[int] = []
    pos = 0
    for m in _PINYIN.finditer(text):
        keep_t.append(text[pos:m.start()])
        keep_o.extend(view.origin[pos:m.start()])
        repairs.append(Repair("pinyin_removed", make_span(view.original, view.origin[m.start()],
                                                          view.origin[m.end() - 1] + 1), m.group()))
        pos = m.end()
    if not repairs:
        return view, repairs
    keep_t.append(text[pos:])
    keep_o.extend(view.origin[pos:])
    return MappedText("".join(keep_t), keep_o, view.original), repairs


_PROSE_MARK = re.compile("[，。；]")
_BREAK = re.compile(r"(?<![ ])[ ]*\n[\n ]*")  # starts at the first space of a run: linear time


def _is_date_line(line: str) -> bool:
    from .dates import DATE_RE

    return re.fullmatch(r"\s*[（(]?\s*(?:" + DATE_RE + r")\s*(?:[于在]\s*[\u4e00-\u9fff]{1,8})?\s*[)）]?\s*", line) is not None


@lru_cache(maxsize=1)
def _document_words() -> tuple[str, ...]:
    from .lexicon import DOC_TYPE_WORDS

    return tuple(w for w, _ in DOC_TYPE_WORDS)


def _ends_in_document_word(line: str) -> bool:
    """A line that ends in a document-type word is a title (or its second line), a complete unit."""
    return line.endswith(_document_words())


def _join_page_breaks(view: MappedText) -> tuple[MappedText, list[Repair]]:
    """Join paragraphs that a page break cut in the middle of a sentence.

    A line break (with any blank lines) is a page-break cut when the line before it is
    not the first one (the title), is not a date line and does not end in sentence-final
    punctuation but in a Chinese character; the line after it starts with a Chinese
    character or a digit and does not open a numbered item or heading; and one of the
    two reads as prose (holds ，。；) — so the lines of a signature block, an address
    and a salutation are never joined; nor is a line that ends in a document-type word
    (a title's last line).
    """
    text = view.text
    repairs: list[Repair] = []
    first_line_end = text.find("\n", len(text) - len(text.lstrip()))
    # candidate breaks, with whether the line after each reads as prose on its own
    cands: list[tuple[int, int, bool, bool]] = []  # (a, b, prev is prose, next is prose)
    for m in _BREAK.finditer(text):
        a, b = m.start(), m.end()
        if a == 0 or b >= len(text) or a <= first_line_end:
            continue
        line_start = text.rfind("\n", 0, a) + 1
        prev_line = text[line_start:a]
        last = prev_line[-1:]
        if not last or last in SENTENCE_END or not is_cjk(last):
            continue
        nxt_end = text.find("\n", b)
        next_line = text[b:nxt_end if nxt_end >= 0 else len(text)]
        if not next_line or not (is_cjk(next_line[0]) or next_line[0].isdigit()) or _ENUM_START.match(next_line):
            continue
        if _is_date_line(prev_line) or _ends_in_document_word(prev_line):
            continue
        cands.append((a, b, bool(_PROSE_MARK.search(prev_line)), bool(_PROSE_MARK.search(next_line))))
    # a break is joined when the sentence it cuts reads as prose: the line before it, the line
    # after it, or the line after that when it is joined too (a sentence cut by several breaks)
    drop: list[tuple[int, int]] = []
    continues_prose = False  # the text after the current candidate's next line, when joined, is prose
    nxt_a = None
    for a, b, prev_prose, next_prose in reversed(cands):
        # the next line is joined to what follows when the following candidate starts at its end
        nxt_end = text.find("\n", b)
        chained = nxt_a is not None and nxt_a == (nxt_end if nxt_end >= 0 else len(text)) - \
            (len(text[b:nxt_end]) - len(text[b:nxt_end].rstrip(" "))) and continues_prose
        join = prev_prose or next_prose or chained
        if join:
            drop.append((a, b))
        continues_prose = join and (next_prose or chained or prev_prose)
        nxt_a = a if join else None
    drop.reverse()
    o = view.origin
    for a, b in drop:
        repairs.append(Repair("page_break_joined", make_span(view.original, o[a - 1], o[b] + 1),
                              f"{text[a - 1]}|{text[b]}"))
    if not drop:
        return view, repairs
    out_t: list[str] = []
    out_o: list[int] = []
    pos = 0
    for a, b in drop:
        out_t.append(text[pos:a])
        out_o.extend(view.origin[pos:a])
        pos = b
    out_t.append(text[pos:])
    out_o.extend(view.origin[pos:])
    return MappedText("".join(out_t), out_o, view.original), repairs


def ingest_bytes(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> Document:
    """Decode and normalise one export."""
    warnings: list[str] = []
    try:
        text, enc = decode(data, name=name, encoding=encoding)
    except InputError:
        cut = None if encoding else _utf8_cut_short(data)
        if cut is None:
            raise
        text, enc = cut, "utf-8"
        warnings.append("the file ends inside a character (cut short?): its last bytes were dropped")
    view, repairs = normalise(text)
    if not view.text.strip():
        raise InputError("holds no text after the database disclaimer", path=name)
    source = Source(name=Path(name).name, sha256=hashlib.sha256(data).hexdigest(), encoding=enc,
                    size=len(data), length=len(text),
                    text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), key=text_key(text))
    return Document(source=source, original=text, view=view, repairs=repairs, warnings=warnings)


def _utf8_cut_short(data: bytes) -> str | None:
    """The text of a UTF-8 file whose only fault is a character cut off at its very end."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data) and len(data) - exc.start < 4:
            try:
                text = data[:exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
            return text if text.strip() and _looks_like_text(text) else None
    return None


def ingest_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                encoding: str | None = None) -> Document:
    data = read_bytes(path, max_bytes=max_bytes)
    return ingest_bytes(data, name=str(path), encoding=encoding)
