"""The gazetteer: states, organisations, persons, places and languages, kept as data.

Two files travel with the package:

* ``data/states.tsv`` — every state, current and historical, and the dependent
  territories (as places). It is *generated* by ``scripts/make_states.py`` from ISO 3166-1
  and ISO 3166-3 (pycountry, with their zh_CN names) and the hand-kept
  ``data/states-extra.tsv``; edit that file and run the script, never states.tsv.
* ``data/gazetteer.tsv`` — organisations (international ones, the SAR governments, organs),
  persons, places (every capital, with the state it is ``within``) and languages, by hand.

Each entity is listed once, with its canonical simplified Chinese name (a state's is its
official full name: 中华人民共和国, 新西兰), its variants (short, historical and traditional
forms: 南朝鲜, 西德, 锡兰, 叶门), an English label, a validity period (a state's existence,
an organisation's life, a person's life) and a Wikidata id *only where it was verified*,
with the source that verified it. States also carry their ISO code, their one-character
abbreviations (中缅, 缅方, 赴也: ``abbr``, never matched as names) and their capital;
places and organs the state they are ``within``.

Rules:

* A name matches an entry only at a date inside the entry's validity period (an open end
  matches any date; no date matches every entry). Dates compare by prefix, so ``1990``
  is inside both the FRG (to 1990-10-02) and Germany (from 1990-10-03).
* :meth:`Gazetteer.lookup` returns the one entry a name stands for, or None when none or
  several fit: an ambiguous name is no answer rather than a wrong one.
* Names are compared in simplified script (朝鮮 finds 朝鲜).
* Ids are unique across all files loaded together; a repeated id is an error.

Extending it: write a TSV file with the same columns (``id type zh variants en valid_from
valid_to wikidata wikidata_source``, optionally ``iso abbr capital within``; ``#`` lines are
comments) and load it with the shipped files::

    from treatykg.gazetteer import Gazetteer, default_paths
    gaz = Gazetteer.load([*default_paths(), "my-places.tsv"])

``Gazetteer.load("my.tsv")`` loads one file on its own. Leave ``wikidata`` empty unless you
verified the id.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .ingest import to_simplified
from .resources import resource_path

TYPES = ("state", "organization", "person", "place", "language")

#: The shipped files, in load order (under ``data/``).
DEFAULT_FILES = ("states.tsv", "gazetteer.tsv")


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    zh: str
    variants: tuple[str, ...]
    en: str
    valid_from: str | None
    valid_to: str | None
    wikidata: str | None
    wikidata_source: str | None
    iso: str | None = None            # ISO 3166-1 alpha-2 or ISO 3166-3 alpha-4 (states and territories)
    abbr: tuple[str, ...] = ()        # one-character forms for bilateral contexts (中缅, 缅方); not names
    capital: str | None = None        # the capital's simplified Chinese name (states)
    within: str | None = None         # the state id a place or an organ belongs to

    def names(self) -> tuple[str, ...]:
        return (self.zh,) + self.variants

    def valid_at(self, date: str | None) -> bool:
        """Whether the entry existed at ``date`` (YYYY, YYYY-MM or YYYY-MM-DD; compared by prefix)."""
        if not date:
            return True
        if self.valid_from and date[: len(self.valid_from)] < self.valid_from[: len(date)]:
            return False
        if self.valid_to and date[: len(self.valid_to)] > self.valid_to[: len(date)]:
            return False
        return True


def default_paths() -> list[Path]:
    """The shipped gazetteer files (``data/states.tsv``, ``data/gazetteer.tsv``)."""
    return [resource_path("data", name) for name in DEFAULT_FILES]


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


def read_entries(path: str | Path) -> list[Entry]:
    """The entries of one gazetteer file. Raises ValueError on an unknown type or a row
    without id or name."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    entries = []
    for row in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
        if not row.get("id") or not row.get("zh"):
            raise ValueError(f"{path}: a row without id or zh: {row}")
        if row["type"] not in TYPES:
            raise ValueError(f"{path}: unknown type {row['type']!r} for {row['id']}")
        entries.append(Entry(
            id=row["id"], type=row["type"], zh=row["zh"], variants=_split(row.get("variants")),
            en=row.get("en") or "", valid_from=row.get("valid_from") or None,
            valid_to=row.get("valid_to") or None, wikidata=row.get("wikidata") or None,
            wikidata_source=row.get("wikidata_source") or None, iso=row.get("iso") or None,
            abbr=_split(row.get("abbr")), capital=row.get("capital") or None,
            within=row.get("within") or None))
    return entries


class Gazetteer:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_id: dict[str, Entry] = {}
        self._by_name: dict[str, list[Entry]] = {}
        for e in entries:
            if e.id in self._by_id:
                raise ValueError(f"gazetteer id {e.id!r} is used twice")
            self._by_id[e.id] = e
            for n in e.names():
                bucket = self._by_name.setdefault(to_simplified(n), [])
                if e not in bucket:
                    bucket.append(e)

    @classmethod
    def load(cls, path: str | Path | Iterable[str | Path] | None = None) -> "Gazetteer":
        """The gazetteer of ``path`` (one file), of several files (ids unique across them),
        or, with no path, of the shipped files (:func:`default_paths`)."""
        if path is None:
            paths: list[Path] = default_paths()
        elif isinstance(path, (str, Path)):
            paths = [Path(path)]
        else:
            paths = [Path(p) for p in path]
        entries: list[Entry] = []
        seen: dict[str, Path] = {}
        for p in paths:
            for e in read_entries(p):
                if e.id in seen:
                    raise ValueError(f"{p}: id {e.id!r} is already defined in {seen[e.id]}")
                seen[e.id] = p
                entries.append(e)
        return cls(entries)

    def lookup(self, name: str, type: str | None = None, date: str | None = None,
               within: str | None = None) -> Entry | None:
        """The one entry named ``name`` (any variant) of ``type`` valid at ``date`` (and
        ``within`` that state, if given), or None when none or several fit."""
        found = [e for e in self._by_name.get(to_simplified(name), [])
                 if (type is None or e.type == type) and e.valid_at(date)
                 and (within is None or e.within == within)]
        return found[0] if len(found) == 1 else None

    def by_id(self, id: str) -> Entry | None:
        """The entry with this id, or None."""
        return self._by_id.get(id)

    def states(self, date: str | None = None) -> list[Entry]:
        """The states that existed at ``date`` (all of them without a date), in file order."""
        return [e for e in self.entries if e.type == "state" and e.valid_at(date)]

    def states_by_abbr(self, ch: str, date: str | None = None) -> list[Entry]:
        """The states for which ``ch`` is an abbreviation (缅 in 中缅, 也 in 赴也) at ``date``.

        Several states may share one (新: Singapore and New Zealand); the caller tells them
        apart by what the text names in full."""
        ch = to_simplified(ch)
        return [e for e in self.states(date) if ch in e.abbr]

    def names(self) -> list[tuple[str, Entry]]:
        """Every (name, entry), the longest names first (for matching in text)."""
        out = [(n, e) for n, es in self._by_name.items() for e in es]
        out.sort(key=lambda ne: (-len(ne[0]), ne[0]))
        return out


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The gazetteer shipped with treatykg (cached)."""
    return Gazetteer.load()
