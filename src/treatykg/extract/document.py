"""Title, document type and parties.

Parties are read from the title by its structure, whatever the names end in:

    <party>(、<party>)*(和|与|同|及)<party>[关于…的]<subject><type word>

A party is a name (a state, an international organisation, a special administrative
region — known through the gazetteer — or, failing that, a run that ends in a
state's ending: 共和国, 王国, 联邦 …) optionally followed by an organ (政府,
中央人民政府, 外交部, …部, …委员会, or an office that concludes treaties in the state's
name: 主席, 总统, 国王 — ``data/lexicon/organs.tsv``). Names the gazetteer
knows are read whole, so 大不列颠及北爱尔兰联合王国 or 联合国教育、科学及文化组织 are
never cut at their own 及 or 、. Where the title is cut by 关于, the last party is
what stands before it even if no list knows the name. Each party is resolved to its
state (or organisation) through the gazetteer at the document's date; a party
whose name is not known is kept and flagged for review, never dropped.

Where the title names no parties, the first sentences of the text are read the
same way; a title that abbreviates them ("中缅两国总理联合声明", "中、斐…") takes the
states the first sentences name in full whose one-character form the title uses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer import Entry, Gazetteer, default
from ..ingest import MappedText
from ..lexicon import DOC_TYPE_WORDS, STATE_END_RE, Organ, organ_of, organs
from ..model import Party

_JOIN = "和与同及"
_UNKNOWN_NAME = re.compile(r"[\u4e00-\u9fff·]{2,24}?" + STATE_END_RE)
# "中缅两国总理联合声明", "中美联合公报", "关于中、斐…": the characters after 中 are checked against the
# states the first sentences name, so any may stand there
_ABBREVIATED = re.compile(r"^(?:关于)?中[、，]?(?P<x>[\u4e00-\u9fff])(?:[、，](?P<y>[\u4e00-\u9fff]))?")
_PRC_IDS = ("cn", "prc")
_MAX_PARTIES = 8
_OPENING = 400  # characters of a paragraph read for the states an abbreviated title stands for


def doc_type(title: str | None) -> str:
    """The document type from the title's last document-type word (the longest where two end together)."""
    text = title or ""
    best: tuple[int, str] | None = None
    for word, kind in DOC_TYPE_WORDS:  # longest words first: 联合声明 before 声明
        pos = text.rfind(word)
        if pos >= 0 and (best is None or pos + len(word) > best[0]):
            best = (pos + len(word), kind)
    return best[1] if best else "other"


# -- names the gazetteer knows --------------------------------------------------------------
class _Names:
    """Longest match of a state or organisation name at a position, through the gazetteer."""

    def __init__(self, gaz: Gazetteer):
        from .mentions import trie_pattern

        index: dict[str, list[Entry]] = {}
        for name, entry in gaz.names():
            if entry.type in ("state", "organization"):
                index.setdefault(name, []).append(entry)
        self.index = index
        self.rx = re.compile(trie_pattern(index)) if index else None
        self._firsts: dict[str, frozenset[str]] = {}

    def first_chars_of(self, chars: str) -> frozenset[str]:
        """The first characters of the names that hold one of ``chars`` (cached)."""
        got = self._firsts.get(chars)
        if got is None:
            got = self._firsts[chars] = frozenset(n[0] for n in self.index if any(c in n for c in chars))
        return got

    def at(self, text: str, pos: int, date: str | None, limit: int | None = None) -> tuple[int, Entry | None] | None:
        """(end, entry) of the longest known name starting at ``pos``, or None. The entry is None
        when the name is known but names no entity, or several, at that date."""
        if self.rx is None:
            return None
        m = self.rx.match(text, pos, len(text) if limit is None else limit)
        if not m:
            return None
        valid = [e for e in self.index[m.group()] if e.valid_at(date)]
        if len({e.id for e in valid}) != 1:
            return m.end(), None
        return m.end(), valid[0]


_GAZ: dict[int, Gazetteer] = {}


@lru_cache(maxsize=4)
def _names(gaz_id: int) -> _Names:
    return _Names(_GAZ[gaz_id])


def _known(gaz: Gazetteer) -> _Names:
    _GAZ[id(gaz)] = gaz
    return _names(id(gaz))


# -- organs -----------------------------------------------------------------------------------
def _organ_ends(text: str, pos: int, limit: int) -> list[tuple[int, Organ]]:
    """Every way an organ can be read at ``pos`` (before ``limit``): (end, organ row), the longest first."""
    out: list[tuple[int, Organ]] = []
    for o in organs():
        if o.suffix:
            window = text[pos:min(limit, pos + 11)]
            k = window.find(o.form, 1)
            while k >= 1:
                out.append((pos + k + len(o.form), o))
                k = window.find(o.form, k + 1)
        elif text.startswith(o.form, pos) and pos + len(o.form) <= limit:
            out.append((pos + len(o.form), o))
    out.sort(key=lambda eo: -eo[0])
    return out


def _organ_suffix(text: str, start: int, end: int) -> int:
    """Where a listed organ word that ends ``text[start:end]`` begins (``end`` when none does)."""
    for o in sorted((o for o in organs() if not o.suffix), key=lambda o: -len(o.form)):
        if text.endswith(o.form, start, end) and end - len(o.form) > start:
            return end - len(o.form)
    return end


_LONG_END = re.compile(r"(?:共和国|联合王国|王国|合众国|联邦|联盟|酋长国|大公国|公国|苏丹国)")


@dataclass
class _Read:
    start: int
    end: int
    name_end: int           # where the state's (or organisation's) name ends and the organ begins
    entry: Entry | None
    known: bool             # the gazetteer knows the name


def _name_at(text: str, pos: int, date: str | None, gaz: Gazetteer, limit: int) -> tuple[int, Entry | None, bool] | None:
    """The state or organisation name at ``pos``: (end, entry, known) — the gazetteer's longest
    name (extended by a state's ending printed after it: 缅甸 + 联邦), else a run that ends in
    a state's ending (共和国, 王国 …)."""
    hit = _known(gaz).at(text, pos, date, limit)
    if hit is not None:
        end, entry = hit
        ext = _LONG_END.match(text, end, limit)
        if ext:
            end = ext.end()
        return end, entry, True
    m = _UNKNOWN_NAME.match(text, pos, limit)
    if m:
        return m.end(), None, False
    return None


def _party_at(text: str, pos: int, date: str | None, gaz: Gazetteer, last: bool, limit: int) -> _Read | None:
    """One party at ``pos``: a name then an optional organ, followed by a conjunction unless ``last``."""
    got = _name_at(text, pos, date, gaz, limit)
    if got is None:
        return None
    end, entry, known = got
    for oend, _ in _organ_ends(text, end, limit) + [(end, None)]:
        nxt = text[oend:oend + 1]
        if not last and nxt and nxt in _JOIN + "、":
            return _Read(pos, oend, end, entry, known)
        if last and (oend == limit or nxt not in _JOIN):
            return _Read(pos, oend, end, entry, known)
    return None


def _last_party(text: str, pos: int, date: str | None, gaz: Gazetteer, limit: int, cut: bool,
                organ: str | None) -> _Read | None:
    """The last party of a list, after its conjunction."""
    read = _party_at(text, pos, date, gaz, last=True, limit=limit)
    if read is not None and (not cut or read.end == limit):
        return read
    if cut and limit - pos >= 2:
        # before 关于: whatever is named there is the party, known or not
        return _Read(pos, limit, _organ_suffix(text, pos, limit), read.entry if read and read.end == limit else None,
                     False)
    if organ:
        # "A政府和B政府<subject>": B ends where the organ of A is named again
        k = text.find(organ, pos + 1, limit)
        if k > pos:
            return _Read(pos, k + len(organ), k, None, False)
    return read


def _parse_list(text: str, date: str | None, gaz: Gazetteer, limit: int, cut: bool) -> list[_Read] | None:
    """Parties at the start of ``text[:limit]``, joined by 、 and a last conjunction, or None."""
    reads: list[_Read] = []
    pos = 0
    while len(reads) < _MAX_PARTIES:
        read = _party_at(text, pos, date, gaz, last=False, limit=limit)
        if read is None:
            return None
        reads.append(read)
        pos = read.end + 1
        if text[read.end] == "、":
            continue
        first_organ = text[reads[0].name_end:reads[0].end] or None
        if first_organ is not None and organ_of(first_organ) is not None and organ_of(first_organ).suffix:
            first_organ = None
        last = _last_party(text, pos, date, gaz, limit, cut, first_organ)
        if last is None:
            return None
        reads.append(last)
        return reads
    return None


def _resolve(name: str, name_end: int, read: _Read, date: str | None, span) -> Party:
    """The party ``name`` (its state's name ends at ``name_end``), resolved through its entry."""
    organ_text = name[name_end:] or None
    entry = read.entry
    if entry is None:
        kind = "organ" if organ_text else "unknown"
        review = ("names a state or organisation that the gazetteer does not know" if not read.known
                  else "names a state or organisation that the gazetteer does not know at the document's date"
                  if date else "names more than one state or organisation")
        return Party(name, span, entity=None, state=None, organ=organ_text, kind=kind, review=review)
    if entry.type == "state":
        return Party(name, span, entity=entry.id, state=entry.id, organ=organ_text,
                     kind="organ" if organ_text else "state")
    # an international organisation, or an organ of a state listed whole (特别行政区政府)
    within = getattr(entry, "within", None) or None
    return Party(name, span, entity=entry.id, state=within, organ=organ_text,
                 kind="organ" if within else "organization")


def _parties_in(mt: MappedText, date: str | None, gaz: Gazetteer, *, is_title: bool,
                known_only: bool = True) -> list[Party]:
    text = mt.text
    if not is_title:
        text = text.split("，")[0].split("。")[0]
    cut = text.find("关于", 1)
    limit = cut if cut > 0 else len(text)
    reads = _parse_list(text, date, gaz, limit, cut > 0)
    if not reads:
        return []
    out: list[Party] = []
    for r in reads:
        name = text[r.start:r.end]
        if organ_of(name) is not None and r.name_end == r.start:
            return []  # an organ alone is not a party
        party = _resolve(name, r.name_end - r.start, r, date, mt.span(r.start, r.end))
        if not is_title and known_only and party.review is not None:
            return []  # the text's first words are a party only where the gazetteer knows it
        out.append(party)
    if len({p.name for p in out}) < len(out):
        return []
    return out


def _is_body(organ: str) -> bool:
    """An organ that is a body (a government, a ministry), not a person's office (主席, 总统 …)."""
    row = organ_of(organ)
    return row is not None and row.id not in ("head-of-state", "premier")


def _fuller_in_preamble(found: list[Party], body: list[MappedText], date: str | None,
                        gaz: Gazetteer) -> list[Party]:
    """The preamble's parties where it names the title's states with their organs: a title that
    names states ("中华人民共和国和X共和国…协定") over a preamble that names the contracting
    governments ("中华人民共和国中央人民政府与X共和国政府…") is read as the governments."""
    if not body or any(p.organ for p in found):
        return []
    pre = _parties_in(body[0], date, gaz, is_title=False, known_only=False)
    if len(pre) == len(found) and all(p.organ and p.name.startswith(t.name) and _is_body(p.organ)
                                      for p, t in zip(pre, found)):
        return pre
    return []


def _abbreviated(title: MappedText, body: list[MappedText], date: str | None, gaz: Gazetteer) -> list[Party]:
    """Parties of a title that abbreviates them ("中缅两国…"): the states of the first sentences."""
    m = _ABBREVIATED.search(title.text)
    if not m:
        return []
    chars = [c for c in (m.group("x"), m.group("y")) if c]
    names = _known(gaz)
    found: list[Party] = []
    for para in body[:3]:
        text = para.text[:_OPENING]
        pos = 0
        while pos < len(text) and len(found) < 1 + len(chars):
            hit = names.at(text, pos, date)
            if hit is None or hit[1] is None or hit[1].type != "state":
                pos += 1
                continue
            end, entry = hit
            # a name the gazetteer knows, extended by a state's ending printed after it (缅甸 + 联邦)
            ext = _LONG_END.match(text, end, end + 4)
            if ext and gaz.lookup(text[pos:end + ext.end()], "state", date) in (None, entry):
                end += ext.end()
            if entry.id in _PRC_IDS or _abbr_matches(entry, chars, text[pos:end]):
                if all(p.state != entry.id for p in found):
                    read = _Read(pos, end, end, entry, True)
                    found.append(_resolve(text[pos:end], end - pos, read, date, para.span(pos, end)))
            pos = end
        if len(found) >= 1 + len(chars):
            break
    if len(found) >= 2 and any(p.state in _PRC_IDS for p in found):
        found.sort(key=lambda p: p.state not in _PRC_IDS)
        return found
    return []


def _abbr_matches(entry: Entry, chars: list[str], printed: str) -> bool:
    abbrs = tuple(getattr(entry, "abbr", ()) or ())
    return any(c in abbrs or printed.startswith(c) or any(n.startswith(c) for n in entry.names())
               for c in chars)


def parties(title: MappedText | None, body: list[MappedText], date: str | None = None,
            gazetteer: Gazetteer | None = None) -> list[Party]:
    """The parties as the title (or, failing that, the preamble) names them, resolved at ``date``."""
    gaz = gazetteer or default()
    if title is not None:
        found = _parties_in(title, date, gaz, is_title=True)
        if found:
            return _fuller_in_preamble(found, body, date, gaz) or found
    for para in body[:2]:
        found = _parties_in(para, date, gaz, is_title=False)
        if found:
            return found
    if title is not None:
        return _abbreviated(title, body, date, gaz)
    return []


def party_named(name: str, date: str | None = None, gazetteer: Gazetteer | None = None) -> Party:
    """One party named outside a title (a curator's correction, database metadata), read and
    resolved by the rules of a title's parties; an unknown one is kept and flagged."""
    gaz = gazetteer or default()
    text = "".join(name.split())
    read = _party_at(text, 0, date, gaz, last=True, limit=len(text)) if text else None
    if read is not None and read.end == len(text):
        return _resolve(text, read.name_end, read, date, None)
    organ_start = _organ_suffix(text, 0, len(text))
    return _resolve(text, organ_start, _Read(0, len(text), organ_start, None, False), date, None)
