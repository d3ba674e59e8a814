"""Signatories from signature blocks, in every layout of the reference corpus.

A block (see :mod:`treatykg.segment`) is cut into *cells*: its lines, a line
with columns cut at its spaces (single characters separated by spaces are one
spaced-out name, "王 首 道"), "(签字)" markers dropped. Each cell is typed:

* ``TN`` — a title directly followed by a name ("X全权代表Y");
* ``N`` — a personal name (2–4 Chinese characters starting with a surname, or
  a transliterated name with "·" or ".");
* ``T`` — anything else (an office, a party's name, part of one).

Cells that are one text repeated ("代表代表") or several parties run together
("甲国外交部乙国外交部") are cut into columns. Then:

* ``T… N`` — one signatory, the titles joined (a vertical block);
* ``T×k N×k`` — k columns: the i-th title goes with the i-th name;
* ``T×(m·k) N×k`` — k columns whose titles are spread over m rows;
* a single ``N`` cell where k names are expected is cut into k names.

Each signatory's party is the party whose name shares the longest start with
the title (or, failing that, the party in the same column).
"""
from __future__ import annotations

import re

from ..ingest import MappedText, is_cjk
from ..model import Party, Signatory
from ..segment import SIGN_MARKER
from .lexicon import SURNAMES_1, SURNAMES_2, TITLE_SUFFIX_RE

_FOREIGN_NAME = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:[·.．][\u4e00-\u9fff]{1,8})+$")
_NOT_NAME_CHARS = set("国府部会团院局委员厅省市州代表首相长使馆处党军")


def is_name(s: str) -> bool:
    """A personal name, by shape: no title word, a surname, 2–4 characters; or a transliteration."""
    if not s:
        return False
    if _FOREIGN_NAME.match(s):
        return True
    if not all(is_cjk(c) for c in s):
        return False
    if not 2 <= len(s) <= 4:
        return False
    if any(c in _NOT_NAME_CHARS for c in s[1:]) and not (len(s) <= 3 and s[0] in SURNAMES_1 and s[-1] not in "代长相使"):
        return False
    if TITLE_SUFFIX_RE.fullmatch(s) or s.endswith(("代表", "部长", "总理", "首相", "大使")):
        return False
    return s[0] in SURNAMES_1 or s[:2] in SURNAMES_2


def split_title_name(s: str) -> int | None:
    """Where a name starts in "title+name" text, or None. The title must end in a title word."""
    best = None
    for m in TITLE_SUFFIX_RE.finditer(s):
        rest = s[m.end():]
        if rest and is_name(rest):
            best = m.end()
            break
    return best


def split_names(s: str, k: int) -> list[int] | None:
    """Cut a run of k names written together into k names: the cut points, or None."""
    if k != 2:
        return None
    choices = []
    for cut in range(2, len(s) - 1):
        a, b = s[:cut], s[cut:]
        if is_name(a) and is_name(b):
            score = 0
            for part in (a, b):
                if _FOREIGN_NAME.match(part):
                    score += 2
                elif len(part) == 3:
                    score += 1
            choices.append((score, -abs(len(a) - 3), cut))
    if not choices:
        return None
    choices.sort(reverse=True)
    return [choices[0][2]]


def _cells(block: list[MappedText]) -> list[list[MappedText]]:
    """The cells of each line of a block (markers dropped, spaced-out names re-joined)."""
    rows: list[list[MappedText]] = []
    for line in block:
        cells: list[MappedText] = []
        text = line.text
        # drop signature markers
        keep = [True] * len(text)
        for m in SIGN_MARKER.finditer(text):
            for i in range(m.start(), m.end()):
                keep[i] = False
        pieces: list[tuple[int, int]] = []
        i = 0
        while i < len(text):
            if not keep[i] or text[i] == " ":
                i += 1
                continue
            j = i
            while j < len(text) and keep[j] and text[j] != " ":
                j += 1
            pieces.append((i, j))
            i = j
        # re-join single characters spaced out ("王 首 道") into one cell
        merged: list[tuple[int, int]] = []
        k = 0
        while k < len(pieces):
            a, b = pieces[k]
            if b - a == 1 and is_cjk(text[a]):
                m = k
                while m + 1 < len(pieces) and pieces[m + 1][1] - pieces[m + 1][0] == 1 and is_cjk(text[pieces[m + 1][0]]):
                    m += 1
                if m > k:
                    merged.append((a, pieces[m][1]))
                    k = m + 1
                    continue
            merged.append((a, b))
            k += 1
        for a, b in merged:
            cells.append(line.slice(a, b))
        row = [c.squeeze() for c in cells if c.squeeze().text]
        if row:
            rows.append(row)
    return rows


def _name_by_position(s: str) -> bool:
    """Could be a name (by its place in a block): short, Chinese, no title, organ or state word."""
    return (2 <= len(s) <= 8 and all(is_cjk(c) or c in "·." for c in s)
            and not TITLE_SUFFIX_RE.search(s) and not any(c in _NOT_NAME_CHARS for c in s))


def _repeat_unit(s: str) -> int:
    """k when s is one text repeated k ≥ 2 times, else 1."""
    n = len(s)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and s[:size] * (n // size) == s:
            return n // size
    return 1


def _split_parties(s: str, parties: list[Party]) -> list[int] | None:
    """Cut points when s is several of the parties' names run together, in order."""
    names = [p.name for p in parties]
    cuts = []
    pos = 0
    for name in names:
        if s.startswith(name, pos):
            pos += len(name)
            cuts.append(pos)
        else:
            return None
    if pos == len(s) and len(cuts) >= 2:
        return cuts[:-1]
    return None


def _cut(mt: MappedText, cuts: list[int]) -> list[MappedText]:
    out = []
    prev = 0
    for c in cuts + [len(mt)]:
        out.append(mt.slice(prev, c))
        prev = c
    return out


_ENDS_IN_TITLE = re.compile(r"(?:" + TITLE_SUFFIX_RE.pattern + r")$")


def _join_titles(parts: list[MappedText]) -> str:
    """Titles of one signatory written over several lines, as one text.

    A line that completes a title ("…政府代表") is followed by a space; a line that
    does not ("中华人民共和国" then "政府代表") runs on into the next.
    """
    text = ""
    for p in parts:
        if text and _ENDS_IN_TITLE.search(text):
            text += " "
        text += p.text
    return text


def party_for(title: str | None, parties: list[Party], column: int | None) -> str | None:
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
    if column is not None and column < len(parties):
        return parties[column].name
    return None


def _signatory(title_parts: list[MappedText], name: MappedText, parties: list[Party],
               column: int | None) -> Signatory:
    title_text = _join_titles(title_parts) if title_parts else None
    span = None
    if title_parts:
        first, last = title_parts[0], title_parts[-1]
        span = first.span(0, len(first)) if len(title_parts) == 1 else _merge_spans(first, last)
    return Signatory(name=name.text, title=title_text, party=party_for(title_text, parties, column),
                     name_span=name.span(), title_span=span)


def _merge_spans(first: MappedText, last: MappedText):
    from ..ingest import make_span

    a = first.origin[0]
    b = last.origin[-1] + 1
    return make_span(first.original, a, b)


def signatories(blocks: list[list[MappedText]], parties: list[Party]) -> list[Signatory]:
    out: list[Signatory] = []
    for block in blocks:
        out.extend(_block_signatories(block, parties, len(out)))
    # the same person signing twice (a letter quoted in a reply) is one signatory
    seen = set()
    uniq = []
    for s in out:
        key = (s.name, s.title)
        if key not in seen:
            seen.add(key)
            uniq.append(s)
    return uniq


def _block_signatories(block: list[MappedText], parties: list[Party], offset: int) -> list[Signatory]:
    rows = _cells(block)
    if not rows:
        return []
    k_expected = max(2, len(parties)) if parties else 2
    typed: list[tuple[str, MappedText, MappedText | None]] = []  # (type, cell or title, name)
    names_by_row = _rows_of_names(rows)
    for r, row in enumerate(rows):
        for cell in row:
            _type_cell(cell, r in names_by_row, parties, typed)
    return _pair(typed, parties, k_expected, offset)


def _rows_of_names(rows: list[list[MappedText]]) -> set[int]:
    """Rows that stand under a row of as many titles and are shaped like names (columns of rows)."""
    out = set()
    for r in range(1, len(rows)):
        above, row = rows[r - 1], rows[r]
        if len(row) >= 2 and len(row) == len(above) and \
                all(not is_name(c.text) and split_title_name(c.text) is None for c in above) and \
                all(is_name(c.text) or _name_by_position(c.text) for c in row) and \
                any(is_name(c.text) for c in row):
            out.add(r)
    return out


def _type_cell(cell: MappedText, name_row: bool, parties: list[Party],
               typed: list[tuple[str, MappedText, MappedText | None]]) -> None:
    """Type one cell: N (a name), TN (title then name), T (a title or part of one); append to typed."""
    t = cell.text
    if name_row or is_name(t):
        typed.append(("N", cell, None))
        return
    cut = split_title_name(t)
    if cut is not None:
        typed.append(("TN", cell.slice(0, cut), cell.slice(cut, len(cell))))
        return
    rep = _repeat_unit(t)
    if rep >= 2:
        size = len(t) // rep
        for r in range(rep):
            typed.append(("T", cell.slice(r * size, (r + 1) * size), None))
        return
    cuts = _split_parties(t, parties)
    if cuts:
        for piece in _cut(cell, cuts):
            typed.append(("T", piece, None))
        return
    typed.append(("T", cell, None))



def _pair(typed: list[tuple[str, MappedText, MappedText | None]], parties: list[Party], k_expected: int,
          offset: int) -> list[Signatory]:
    """Signatories from the typed cells of a block (see the module docstring for the layouts)."""
    # title+name cells stand alone
    if all(kind == "TN" for kind, _, _ in typed):
        return [_signatory([t], n, parties, offset + i) for i, (_, t, n) in enumerate(typed)]

    if not any(kind in ("N", "TN") for kind, _, _ in typed) and len(typed) >= 2 and _name_by_position(typed[-1][1].text):
        # a name the lexicon does not know ("泽登巴尔") is the last line under its titles
        typed[-1] = ("N", typed[-1][1], None)
    titles = [c for kind, c, _ in typed if kind == "T"]
    names = [c for kind, c, _ in typed if kind == "N"]
    if len(names) == 1 and len(titles) >= 2 * k_expected and len(titles) % k_expected == 0:
        # collapsed columns: k titles per row and the k names written together
        cuts = split_names(names[0].text, k_expected)
        if cuts:
            names = _cut(names[0], cuts)
    elif not names and titles:
        # names written together in the last cell
        cuts = split_names(titles[-1].text, k_expected)
        if cuts:
            names = _cut(titles[-1], cuts)
            titles = titles[:-1]
    if len(names) == sum(1 for kind, _, _ in typed if kind == "N") and \
            re.fullmatch(r"(?:T+N)+", "".join(kind[0] for kind, _, _ in typed)):
        # vertical: the titles of one signatory, then the name; repeated
        out: list[Signatory] = []
        cur: list[MappedText] = []
        for kind, c, _ in typed:
            if kind == "T":
                cur.append(c)
            else:
                out.append(_signatory(cur, c, parties, offset + len(out)))
                cur = []
        return out
    if not names:
        return []
    k = len(names)
    if titles and len(titles) % k == 0:
        # k columns, their titles spread over len(titles) // k rows
        rows = len(titles) // k
        return [_signatory([titles[r * k + i] for r in range(rows)], name, parties, offset + i)
                for i, name in enumerate(names)]
    return [_signatory([], name, parties, offset + i) for i, name in enumerate(names)]
