"""Signatories from signature blocks, in every layout a printed treaty uses.

A block (see :mod:`treatykg.segment`) is read as rows of *cells*:

* a line is cut at its column gaps: two or more spaces, a tab or an ideographic
  space, a "(签字)" marker or a table rule "|". Where a line has no such gap, its
  single spaces may separate columns ("中华人民共和国 新西兰") or be stray
  ("王 首 道", "文 化 部 长", "蔡 正家"): the line is cut into as many cells as the
  block has columns, the cut chosen so that every cell reads as a name, a title or
  a party;
* a cell where the block expects more columns may be several written together
  ("代表代表", "甲国外交部乙国外交部", "…全权代表乙国政府全权代表", "吴学谦布莱恩·塔尔博伊斯"):
  it is cut into one text repeated, into parties (where a state's or a party's name
  begins), or into names (:func:`treatykg.extract.names.split_names`). In a block whose
  other rows show k columns, a row that is one office printed k times with its letters
  spaced ("代 表 代 表", "代　表　　代　表") is k cells, one per column;
* a single ideographic space next to a single character spaces out one word, as a single
  ASCII space does ("陳　文　華" is one name, never three columns).

Then the layout:

* **side by side** (a row has two or more cells): columns, each cell in the column
  whose printed position it stands nearest (a row with an empty column keeps its
  cells where they stand); in each column, the name is its last name-like cell and
  the title every line printed above it, joined by a space;
* **stacked** (one cell per row): a signatory's title lines then the name, repeated
  (``T… N``, each "(签字)" or blank-line group one signatory); or k titles then k names
  (``T×k N×k``); or a title and a name on one line ("中华人民共和国全权代表周恩来").

A name is read by shape (a surname and 2–4 characters, or a transliteration with
"·"), or by position: the last line of a column that is not an office.
Each signatory's party is the party whose name shares the longest start with the
title (or, failing that, the party of the same column).
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from ..ingest import MappedText, is_cjk, make_span
from ..model import Party, Signatory
from ..lexicon import ORGAN_RE, TRANSLIT_CHARS
from ..segment import SIGN_MARKER
from .names import (FOREIGN_NAME, ends_in_title, is_name, name_by_position, split_names,
                    split_title_name)

_RULE = re.compile(r"[|｜]")
_COLON = re.compile(r"[：:]")
_ORGAN_END = re.compile("(?:" + ORGAN_RE + ")$")
_MAX_COLUMNS = 4
_MAX_RUNS = 12        # runs of one line tried as cells in every way (bounds the work on a long line)
_MAX_GLUED = 60       # characters of a cell tried as columns written together


@dataclass
class Cell:
    text: MappedText     # squeezed: stray spaces between Chinese characters removed
    col: int             # display column where it starts in its printed line
    signed: bool = False  # a "(签字)" marker follows it on its line


def _width(ch: str) -> int:
    if ch == "\t":
        return 4
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_WIDTHS: dict[tuple[int, int], tuple[str, list[int]]] = {}


def _display_col(mt: MappedText, i: int) -> int:
    """The display column of ``mt.text[i]`` in its printed (original) line (the widths of a line are
    summed once, so a line of many cells costs its length, not its length times its cells)."""
    original = mt.original
    at = mt.origin[i]
    line_start = original.rfind("\n", 0, at) + 1
    key = (id(original), line_start)
    hit = _WIDTHS.get(key)
    cols = hit[1] if hit is not None and hit[0] is original else None
    if cols is None:
        if len(_WIDTHS) > 256:
            _WIDTHS.clear()
        line_end = original.find("\n", line_start)
        line_end = len(original) if line_end < 0 else line_end
        cols = [0]
        for c in original[line_start:line_end]:
            cols.append(cols[-1] + _width(c))
        _WIDTHS[key] = (original, cols)
    return cols[min(at - line_start, len(cols) - 1)]


def _strong_gap(mt: MappedText, a: int, b: int) -> bool:
    """Whether the space between ``mt.text[a-1]`` and ``mt.text[b]`` separates columns: two or
    more spaces, a tab or an ideographic space as printed."""
    gap = mt.original[mt.origin[a - 1] + 1:mt.origin[b]]
    return len(gap) >= 2 or "\t" in gap or "\u3000" in gap


def _spaced_letter(line: MappedText, prev: tuple[int, int], run: tuple[int, int]) -> bool:
    """Whether the one ideographic space between the runs ``prev`` and ``run`` (start, end) spaces
    out the characters of one word ("陳　文　華", "代　表"), as a single ASCII space does: one
    U+3000 as printed, with a single Chinese character on one side of it."""
    gap = line.original[line.origin[prev[1] - 1] + 1:line.origin[run[0]]]
    if gap != "\u3000":
        return False
    return any(e - s == 1 and is_cjk(line.text[s]) for s, e in (prev, run))


def _signed_after(line: MappedText, end: int) -> bool:
    """Whether a signature marker follows ``line.text[:end]`` (spaces aside)."""
    pos = end
    while pos < len(line.text) and line.text[pos] == " ":
        pos += 1
    return SIGN_MARKER.match(line.text, pos) is not None


def _tokens(line: MappedText) -> list[tuple[int, int, bool]]:
    """(start, end, strong) of the runs of a line between spaces, markers and rules; ``strong`` when
    the run is cut from the one before it by a column gap or a marker."""
    text = line.text
    keep = [True] * len(text)
    for rx in (SIGN_MARKER, _RULE):
        for m in rx.finditer(text):
            for i in range(m.start(), m.end()):
                keep[i] = False
    weak = [False] * len(text)  # a colon between a title and a name: a gap like a single space
    for m in _COLON.finditer(text):
        keep[m.start()] = False
        weak[m.start()] = True
    out: list[tuple[int, int, bool]] = []
    i = 0
    prev: tuple[int, int] | None = None  # the run before, (start, end)
    marker_since = False
    while i < len(text):
        if not keep[i] or text[i] == " ":
            marker_since = marker_since or (not keep[i] and not weak[i])
            i += 1
            continue
        j = i
        while j < len(text) and keep[j] and text[j] != " ":
            j += 1
        strong = prev is not None and (marker_since or (
            _strong_gap(line, prev[1], i) and not _spaced_letter(line, prev, (i, j))))
        out.append((i, j, strong))
        prev, marker_since = (i, j), False
        i = j
    return out




def _join(line: MappedText, toks: list[tuple[int, int, bool]]) -> Cell:
    """Runs of one cell as one text, the spaces between them dropped."""
    a, b = toks[0][0], toks[-1][1]
    piece = line.slice(a, b)
    keep_t, keep_o = [], []
    for s, e, _ in toks:
        keep_t.append(line.text[s:e])
        keep_o.extend(line.origin[s:e])
    return Cell(MappedText("".join(keep_t), keep_o, piece.original).squeeze(), _display_col(line, a),
                _signed_after(line, b))


def _groups(line: MappedText) -> list[list[tuple[int, int, bool]]]:
    """The runs of a line grouped between its column gaps."""
    groups: list[list[tuple[int, int, bool]]] = []
    for tok in _tokens(line):
        if not groups or tok[2]:
            groups.append([tok])
        else:
            groups[-1].append(tok)
    return groups


# -- how well a text reads as a cell ---------------------------------------------------------
def _cell_score(s: str, parties: list[Party]) -> int:
    if len(s) == 1:
        return -3
    if FOREIGN_NAME.match(s):
        return 2 if s[0] in TRANSLIT_CHARS else 1
    if is_name(s):
        return 2
    if ends_in_title(s) or split_title_name(s) is not None:
        return 2
    if any(p.name.startswith(s) or s.startswith(p.name) or p.name in s for p in parties):
        return 2
    if _ORGAN_END.search(s):
        return 1
    if any(s.startswith(p.name[:3]) for p in parties if len(p.name) >= 3):
        return 1
    return 0


def _partition(line: MappedText, toks: list[tuple[int, int, bool]], k: int,
               parties: list[Party]) -> tuple[int, list[str], tuple[int, ...]]:
    """The best way to merge runs separated by single spaces into ``k`` cells: (score, texts, bounds)."""
    n = len(toks)
    best: tuple[int, list[str], tuple[int, ...]] | None = None
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        texts = ["".join("".join(line.text[s:e] for s, e, _ in toks[a:b]).split()) for a, b in zip(bounds, bounds[1:])]
        score = sum(_cell_score(t, parties) for t in texts)
        if best is None or score > best[0]:
            best = (score, texts, bounds)
    assert best is not None
    return best


def _spaced_out(line: MappedText, toks: list[tuple[int, int, bool]]) -> list[list[tuple[int, int, bool]]]:
    """Runs of single Chinese characters separated by spaces ("王 首 道", "文 化 部 长") as one run each."""
    out: list[list[tuple[int, int, bool]]] = []
    for tok in toks:
        single = tok[1] - tok[0] == 1 and is_cjk(line.text[tok[0]])
        if single and out and len(out[-1]) >= 1 and all(t[1] - t[0] == 1 for t in out[-1]) \
                and is_cjk(line.text[out[-1][-1][0]]):
            out[-1].append(tok)
        else:
            out.append([tok])
    return out


def _merge(line: MappedText, toks: list[tuple[int, int, bool]], k: int, parties: list[Party]) -> list[Cell]:
    """Runs separated by single spaces as cells: as many as the block has columns where every cell
    then reads as a name, a title or a party (or the runs are words, not single characters);
    else one cell, the spaces being stray ("周 恩来", "谢旭 人")."""
    n = len(toks)
    if n > _MAX_RUNS:
        return [_join(line, toks)]
    for c in range(min(k, n), 1, -1):
        score, texts, bounds = _partition(line, toks, c, parties)
        if all(_cell_score(t, parties) > 0 for t in texts):
            return [_join(line, toks[a:b]) for a, b in zip(bounds, bounds[1:])]
    return [_join(line, toks)]


# -- cells written together -------------------------------------------------------------------
def _repeat_unit(s: str) -> int:
    """k when s is one text repeated k ≥ 2 times, else 1."""
    n = len(s)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and s[:size] * (n // size) == s:
            return n // size
    return 1


def _party_starts(s: str, parties: list[Party]) -> list[int]:
    """Positions after the start where a party's name (or its state's name) begins in ``s``."""
    heads = set()
    for p in parties:
        heads.add(p.name)
        if p.organ and p.name.endswith(p.organ) and len(p.name) > len(p.organ):
            heads.add(p.name[: len(p.name) - len(p.organ)])
    out = set()
    for h in heads:
        if len(h) < 2:
            continue
        k = s.find(h, 1)
        while k > 0:
            out.add(k)
            k = s.find(h, k + 1)
    return sorted(out)


def _split_glued(cell: Cell, k: int, parties: list[Party], name_row: bool) -> list[Cell] | None:
    """Cut a cell that holds ``k`` columns written together, or None."""
    t = cell.text.text
    if len(t) > _MAX_GLUED:
        return None
    cuts: list[int] | None = None
    rep = _repeat_unit(t)
    if rep == k:
        size = len(t) // k
        cuts = [size * i for i in range(1, k)]
    if cuts is None and k == 2:
        for p in _party_starts(t, parties):
            left, right = t[:p], t[p:]
            if _cell_score(left, parties) > 0 and _cell_score(right, parties) > 0 and not is_name(right):
                cuts = [p]
                break
    if cuts is None and name_row:
        cuts = split_names(t, k)
    if not cuts:
        return None
    out, prev = [], 0
    for c in cuts + [len(t)]:
        out.append(Cell(cell.text.slice(prev, c), cell.col, cell.signed))
        prev = c
    return out


# -- blocks -------------------------------------------------------------------------------------
def _rows(block: list[MappedText], k: int, parties: list[Party]) -> list[list[Cell]]:
    """The rows of cells of a block. Single spaces separate columns only where the block shows
    columns elsewhere (a column gap, a marker, or two rows or more that split alike) or holds one
    line of text (columns flattened into it); else they are stray and dropped."""
    grouped = [(line, _groups(line)) for line in block]
    grouped = [(line, g) for line, g in grouped if g]
    split: dict[int, list[Cell]] = {}
    for i, (line, groups) in enumerate(grouped):
        if len(groups) == 1 and len(groups[0]) > 1:
            runs = _spaced_out(line, groups[0])
            if len(runs) == 1:
                continue
            cells = [_join(line, r) for r in runs]
            texts = [c.text.text for c in cells]
            if len(cells) == 2 * k and all(_cell_score(t, parties) > 0 and not _is_name_cell(t) for t in texts[:k]) \
                    and all(_is_name_cell(t) for t in texts[k:]):
                split[i] = cells   # a row of titles and a row of names flattened into one line
                continue
            merged = _merge(line, [(r[0][0], r[-1][1], r[0][2]) for r in runs], k, parties)
            if len(merged) > 1:
                split[i] = merged
    strong = any(len(groups) > 1 for _, groups in grouped)
    columns_shown = strong or len(split) >= 2 or len(grouped) == 1
    if split and all(len(c) == 2 and not _is_name_cell(c[0].text.text) and _is_name_cell(c[1].text.text)
                     for c in split.values()) and not any(
            all(_is_name_cell(c.text.text) for c in cells) for cells in split.values()):
        # every split line is a title and its name ("中华人民共和国外交部长 王毅"): not columns
        columns_shown = False
    rows: list[list[Cell]] = []
    for i, (line, groups) in enumerate(grouped):
        if i in split and columns_shown:
            cells = split[i]
            if len(cells) == 2 * k and len(grouped) == 1:
                rows.append(cells[:k])
                rows.append(cells[k:])
            else:
                rows.append(cells)
        else:
            rows.append([_join(line, g) for g in groups])
    return [r for r in rows if any(c.text.text for c in r)]


def _is_name_cell(s: str) -> bool:
    return is_name(s) or bool(FOREIGN_NAME.match(s))


def _party_for(title: str | None, parties: list[Party], column: int | None) -> str | None:
    """The party a signatory acts for: the longest start of the title found in a party's name."""
    if not parties:
        return None
    best, best_len = None, 0
    if title:
        t = title.replace(" ", "")
        for p in parties:
            n = 0
            while n < len(t) and t[: n + 1] in p.name:
                n += 1
            if n > best_len:
                best, best_len = p.name, n
    if best_len >= 2:
        return best
    if title and title.startswith("中方") and parties:
        prc = [p for p in parties if p.state in ("cn", "prc") or p.name.startswith("中华人民共和国")]
        if prc:
            return prc[0].name
    if column is not None and column < len(parties):
        return parties[column].name
    return None


def party_for(title: str | None, parties: list[Party], column: int | None) -> str | None:
    return _party_for(title, parties, column)


def _span_of(cells: list[MappedText]):
    if not cells:
        return None
    if len(cells) == 1:
        return cells[0].span()
    first, last = cells[0], cells[-1]
    return make_span(first.original, first.origin[0], last.origin[-1] + 1)


def _signatory(title_cells: list[MappedText], name: MappedText | None, parties: list[Party],
               column: int | None) -> Signatory:
    title = " ".join(c.text for c in title_cells) if title_cells else None
    return Signatory(name=name.text if name is not None else None, title=title,
                     party=_party_for(title, parties, column),
                     name_span=name.span() if name is not None else None, title_span=_span_of(title_cells))


def _column(cells: list[Cell], parties: list[Party], column: int | None) -> list[Signatory]:
    """The signatories of one column, top to bottom: each name closes one, with the lines above it.
    A name no list knows is read by its place: followed by "(签字)", or the column's last line."""
    if not cells:
        return []
    out: list[Signatory] = []
    cur: list[MappedText] = []
    for i, cell in enumerate(cells):
        c = cell.text
        last = i == len(cells) - 1
        if _opens_block(i, c.text, [x.text.text for x in cells]):
            cur.append(c)
            continue
        if _is_name_cell(c.text) or (name_by_position(c.text) and cur and (cell.signed or (last and not out))):
            out.append(_signatory(cur, c, parties, column))
            cur = []
            continue
        cut = split_title_name(c.text, lenient=cell.signed)
        if cut is not None:
            out.append(_signatory(cur + [c.slice(0, cut)], c.slice(cut, len(c)), parties, column))
            cur = []
            continue
        cur.append(c)
    if cur and not out:
        # no name (lost in the source): the party is still known from the block
        out.append(_signatory(cur, None, parties, column))
    return out


def _opens_block(i: int, text: str, texts: list[str]) -> bool:
    """A Chinese-style "name" that opens a column or block and is followed by an office line is the
    start of a party's name printed over two lines ("马里" / "共和国政府代表"), not a signatory."""
    if i != 0 or len(texts) < 2 or FOREIGN_NAME.match(text):
        return False
    nxt = texts[1]
    return not _is_name_cell(nxt) and (ends_in_title(nxt) or bool(_ORGAN_END.search(nxt)))


def _side_by_side(rows: list[list[Cell]], k: int, parties: list[Party], offset: int) -> list[Signatory]:
    full = [r for r in rows if len(r) == k]
    starts = [sum(r[j].col for r in full) / len(full) for j in range(k)] if full else \
        [j * 1000 for j in range(k)]
    columns: list[list[Cell]] = [[] for _ in range(k)]
    for r in rows:
        if len(r) == k:
            for j, c in enumerate(r):
                columns[j].append(c)
            continue
        for c in r:
            j = min(range(k), key=lambda x: abs(starts[x] - c.col))
            columns[j].append(c)
    per_column = [_column(cells, parties, offset + j) for j, cells in enumerate(columns)]
    out = []
    for g in range(max((len(c) for c in per_column), default=0)):
        out.extend(c[g] for c in per_column if g < len(c))
    return out


def _stacked(rows: list[list[Cell]], parties: list[Party], k_expected: int, offset: int) -> list[Signatory]:
    cells_ = [c for r in rows for c in r]
    cells = [c.text for c in cells_]
    texts = [c.text for c in cells]
    kinds = []
    for c in cells_:
        t = c.text.text
        if _is_name_cell(t):
            kinds.append("N")
        elif split_title_name(t, lenient=c.signed) is not None:
            kinds.append("X")
        else:
            kinds.append("T")
    cut_of = {i: split_title_name(texts[i], lenient=cells_[i].signed) for i, k in enumerate(kinds) if k == "X"}
    # title and name on one line each: "中华人民共和国全权代表周恩来"
    if kinds and all(k == "X" for k in kinds):
        return [_signatory([c.slice(0, cut_of[i])], c.slice(cut_of[i], len(c)), parties, offset + i)
                for i, c in enumerate(cells)]
    for i in range(len(kinds)):
        if kinds[i] == "N" and _opens_block(i, texts[i], texts):
            kinds[i] = "T"
    pattern = "".join(kinds)
    # k titles then k names (two columns printed one under the other)
    m = re.fullmatch(r"(T+)(N+)", pattern)
    if m and len(m.group(2)) >= 2 and len(m.group(1)) % len(m.group(2)) == 0:
        n = len(m.group(2))
        per = len(m.group(1)) // n
        titles, names = cells[: len(m.group(1))], cells[len(m.group(1)):]
        if per == 1:
            return [_signatory([titles[i]], names[i], parties, offset + i) for i in range(n)]
        return [_signatory(titles[i * per:(i + 1) * per], names[i], parties, offset + i) for i in range(n)]
    # a name no list knows ("伊万诺夫", "泽登巴尔"): a line under titles that is no office, where the
    # layout ends a signatory — the block's last line, a "(签字)" after it, or the next party's line
    titled = False
    for i in range(len(kinds)):
        if kinds[i] != "T":
            titled = False
            continue
        ends = i == len(kinds) - 1 or cells_[i].signed or (kinds[i + 1] == "T" and _is_party_line(texts[i + 1], parties))
        if titled and ends and name_by_position(texts[i]) and not _is_party_line(texts[i], parties):
            kinds[i] = "N"
            titled = False
        else:
            titled = True
    out = []
    cur: list[MappedText] = []
    for i, (kind, c) in enumerate(zip(kinds, cells)):
        if kind == "T":
            cur.append(c)
        elif kind == "N":
            out.append(_signatory(cur, c, parties, offset + len(out)))
            cur = []
        else:
            cut = cut_of[i]
            out.append(_signatory(cur + [c.slice(0, cut)], c.slice(cut, len(c)), parties, offset + len(out)))
            cur = []
    if cur and not out:
        # party lines whose names were lost ("中华人民共和国政府 |")
        if len(cur) == len(parties) and all(_party_for(c.text, parties, None) for c in cur):
            return [_signatory([c], None, parties, offset + i) for i, c in enumerate(cur)]
        if len(cur) >= 2:
            glued = _split_names_cell(cur[-1], k_expected)
            if glued:
                return [_signatory(cur[:-1], n, parties, offset + i) for i, n in enumerate(glued)]
    return out


def _is_party_line(text: str, parties: list[Party]) -> bool:
    """A line that opens a party's part of a block: it starts with a party's (or its state's) name."""
    for p in parties:
        head = p.name[: len(p.name) - len(p.organ)] if p.organ and p.name.endswith(p.organ) else p.name
        if len(head) >= 2 and text.startswith(head):
            return True
    return False


def _split_names_cell(c: MappedText, k: int) -> list[MappedText] | None:
    cuts = split_names(c.text, k)
    if not cuts:
        return None
    out, prev = [], 0
    for x in cuts + [len(c)]:
        out.append(c.slice(prev, x))
        prev = x
    return out


def _block_signatories(block: list[MappedText], parties: list[Party], offset: int) -> list[Signatory]:
    k = min(max(2, len(parties)), _MAX_COLUMNS)
    rows = _rows(block, k, parties)
    if not rows:
        return []
    multi = [r for r in rows if len(r) >= 2]
    if multi and all(len(r) == 2 and not _is_name_cell(r[0].text.text) and _is_name_cell(r[1].text.text)
                     for r in multi):
        # each line a title and its name, whatever the gap between them: not columns
        rows = [[_join_cells(r)] if len(r) == 2 else r for r in rows]
    if any(len(r) >= 2 for r in rows):
        kk = max(len(r) for r in rows)
        # one office printed once per column, its letters spaced ("代 表 代 表") or not ("代表代表")
        rows = [_split_repeated(r[0], kk) or r if len(r) == 1 else r for r in rows]
        if kk == 2 and all(len(r) == 2 for r in rows) and all(
                split_title_name(r[0].text.text) is None and not _is_name_cell(r[0].text.text) for r in rows) and \
                all(_is_name_cell(r[1].text.text) for r in rows) and len(rows) == 1:
            # one line "全权代表 王首道": a title and a name, not two columns
            return _stacked([[_join_cells(rows[0])]], parties, k, offset)
        return _side_by_side(rows, min(kk, _MAX_COLUMNS), parties, offset)
    # one cell a row: are the rows columns written together?
    glued_rows = []
    for i, r in enumerate(rows):
        is_last = i == len(rows) - 1
        split = _split_glued(r[0], k, parties, name_row=is_last or _is_name_cell(r[0].text.text))
        glued_rows.append(split)
    if sum(1 for g in glued_rows if g) >= 2 or (len(rows) >= 2 and glued_rows[-1] and any(glued_rows[:-1])):
        new_rows = []
        for r, g in zip(rows, glued_rows):
            if g:
                new_rows.append([Cell(c.text, j * 1000, c.signed) for j, c in enumerate(g)])
            else:
                new_rows.append(r)
        for r in new_rows:
            if len(r) == 1:
                r[0] = Cell(r[0].text, 0, r[0].signed)
        return _side_by_side(new_rows, k, parties, offset)
    return _stacked(rows, parties, k, offset)


def _split_repeated(cell: Cell, k: int) -> list[Cell] | None:
    """A cell that is one word of two characters or more written ``k`` times, once per column
    ("代表代表" from "代 表 代 表" or "代　表　代　表"): ``k`` cells, each where it is printed."""
    t = cell.text.text
    if k < 2 or _repeat_unit(t) != k or len(t) < 2 * k:
        return None
    size = len(t) // k
    pieces = [cell.text.slice(i * size, (i + 1) * size) for i in range(k)]
    return [Cell(p, _display_col(p, 0), cell.signed) for p in pieces]


def _join_cells(row: list[Cell]) -> Cell:
    first = row[0].text
    text = "".join(c.text.text for c in row)
    origin = [o for c in row for o in c.text.origin]
    return Cell(MappedText(text, origin, first.original), row[0].col, row[-1].signed)


def signatories(blocks: list[list[MappedText]], parties: list[Party]) -> list[Signatory]:
    out: list[Signatory] = []
    for block in blocks:
        out.extend(_block_signatories(block, parties, len(out)))
    # the same person signing twice (a letter quoted in a reply) is one signatory
    seen = set()
    uniq = []
    for s in out:
        key = (s.name, s.title) if s.name else (None, s.title, s.party)
        if key not in seen:
            seen.add(key)
            uniq.append(s)
    return uniq
