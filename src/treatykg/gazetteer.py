"""The gazetteer: states, organisations, persons, places and languages, kept as data.

``data/gazetteer.tsv`` (installed with the package) lists each entity once, with its
canonical simplified Chinese name, its variants (traditional, historical and short
forms: 南朝鲜, 西德, 越南民主共和国 …), an English label, a validity period (a state's
existence, an organisation's life, a person's life) and a Wikidata id *only where it
was verified*, with the source that verified it.

A name matches an entry only at a date inside the entry's validity period (an open
end matches any date; no date matches every entry).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .ingest import to_simplified
from .resources import resource_path

TYPES = ("state", "organization", "person", "place", "language")


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


class Gazetteer:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_name: dict[str, list[Entry]] = {}
        for e in entries:
            for n in e.names():
                bucket = self._by_name.setdefault(to_simplified(n), [])
                if e not in bucket:
                    bucket.append(e)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Gazetteer":
        path = Path(path) if path else resource_path("data", "gazetteer.tsv")
        with open(path, encoding="utf-8", newline="") as fh:
            rows = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
        entries = []
        for row in csv.DictReader(rows, delimiter="\t"):
            if row["type"] not in TYPES:
                raise ValueError(f"{path}: unknown type {row['type']!r} for {row['id']}")
            entries.append(Entry(
                id=row["id"], type=row["type"], zh=row["zh"],
                variants=tuple(v for v in (row.get("variants") or "").split("|") if v),
                en=row.get("en") or "", valid_from=row.get("valid_from") or None,
                valid_to=row.get("valid_to") or None, wikidata=row.get("wikidata") or None,
                wikidata_source=row.get("wikidata_source") or None))
        return cls(entries)

    def lookup(self, name: str, type: str | None = None, date: str | None = None) -> Entry | None:
        """The one entry named ``name`` (any variant) of ``type`` valid at ``date``, or None."""
        found = [e for e in self._by_name.get(to_simplified(name), [])
                 if (type is None or e.type == type) and e.valid_at(date)]
        return found[0] if len(found) == 1 else None

    def names(self) -> list[tuple[str, Entry]]:
        """Every (name, entry), the longest names first (for matching in text)."""
        out = [(n, e) for n, es in self._by_name.items() for e in es]
        out.sort(key=lambda ne: (-len(ne[0]), ne[0]))
        return out


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The gazetteer shipped with treatykg (cached)."""
    return Gazetteer.load()
