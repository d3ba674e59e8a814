"""What a build knows about each input, kept on disk: the build's manifest.

A build of 20,000 documents must not hold 20,000 entries in memory, nor rewrite them all at
every checkpoint. The manifest is an SQLite database, ``OUT/manifest.sqlite``:

* ``documents``: one row per input the collection holds (its path in the build, its graph,
  document IRI and stable name, the triples, and the entry as JSON: checksum, tool version,
  options, validation summary, citation key, curation …, as :mod:`treatykg.build` writes it);
* ``validations``: one row per input with the details ``validation.json`` reports (results,
  extraction warnings, the reason it failed), for failed inputs too.

Changes are made inside a transaction and :meth:`Manifest.commit` makes them durable: the
build commits at its checkpoints, after the graphs the new rows vouch for are loaded and
their files synced, so a killed build leaves the manifest of its last checkpoint. Reading is
by key or in key order (streamed: nothing is loaded whole).

``OUT/manifest.json`` is an export for readers (the site, ``treatykg review``, other tools):
written at the end of each build from the database, one entry per line, in the format of the
manifests of earlier releases (which a build imports when it finds no database).
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["Manifest", "MANIFEST_FORMAT", "DB_NAME", "JSON_NAME"]

MANIFEST_FORMAT = 1
DB_NAME = "manifest.sqlite"
JSON_NAME = "manifest.json"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    rel TEXT PRIMARY KEY, graph TEXT NOT NULL, document TEXT, name TEXT, triples INTEGER NOT NULL DEFAULT 0,
    entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_graph ON documents (graph);
CREATE INDEX IF NOT EXISTS documents_name ON documents (name);
CREATE TABLE IF NOT EXISTS validations (rel TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Manifest:
    """The build's record of its inputs (see the module docstring)."""

    def __init__(self, out: Path, *, fresh: bool = False):
        self.out = Path(out)
        path = self.out / DB_NAME
        if fresh:
            path.unlink(missing_ok=True)
        existed = path.is_file()
        try:
            self.db = sqlite3.connect(path, isolation_level="DEFERRED")
            self.db.executescript(_SCHEMA)
            fmt = self.db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError:  # not a database, or a damaged one: everything is redone
            self.db.close()
            path.unlink(missing_ok=True)
            existed = True  # (an older manifest.json is not taken over: it may be older than the outputs)
            self.db = sqlite3.connect(path, isolation_level="DEFERRED")
            self.db.executescript(_SCHEMA)
            fmt = None
        if fmt is None or fmt[0] != str(MANIFEST_FORMAT):
            self.db.execute("DELETE FROM documents")
            self.db.execute("DELETE FROM validations")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (str(MANIFEST_FORMAT),))
            if not existed and not fresh:
                self._import_json()
            self.db.commit()

    @classmethod
    def reader(cls, out: Path) -> "Manifest":
        """The manifest of build folder ``out`` opened read-only, as last committed (for the
        build's store process, :mod:`treatykg.build_store`): reading methods only."""
        self = cls.__new__(cls)
        self.out = Path(out)
        path = (self.out / DB_NAME).resolve()
        try:
            self.db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        except sqlite3.DatabaseError as exc:
            from .errors import OutputError

            raise OutputError(f"cannot read the manifest: {exc}", path=str(path)) from None
        return self

    # -- documents ---------------------------------------------------------------------------
    def get(self, rel: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT entry FROM documents WHERE rel = ?", (rel,)).fetchone()
        return _loads(row[0]) if row else None

    def put(self, rel: str, entry: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                        (rel, entry["graph"], entry.get("document"), entry.get("name"), int(entry.get("triples", 0)),
                         json.dumps(entry, ensure_ascii=False, sort_keys=True)))

    def pop(self, rel: str) -> dict[str, Any] | None:
        entry = self.get(rel)
        if entry is not None:
            self.db.execute("DELETE FROM documents WHERE rel = ?", (rel,))
        return entry

    def holders(self, graph: str) -> list[str]:
        """The inputs whose entry names ``graph``, sorted."""
        return [r[0] for r in self.db.execute("SELECT rel FROM documents WHERE graph = ? ORDER BY rel", (graph,))]

    def rels(self) -> Iterator[str]:
        """Every input the manifest holds, in order, streamed."""
        for (rel,) in self.db.execute("SELECT rel FROM documents ORDER BY rel"):
            yield rel

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every (input, entry), in input order, streamed."""
        for rel, entry in self.db.execute("SELECT rel, entry FROM documents ORDER BY rel"):
            data = _loads(entry)
            if data is not None:
                yield rel, data

    def names(self) -> Iterator[tuple[str, str, str]]:
        """Every (graph, document IRI, stable name), in input order (no entry is decoded)."""
        yield from self.db.execute("SELECT graph, document, name FROM documents ORDER BY rel")

    def documents(self) -> Iterator[tuple[str, str, int]]:
        """Every (graph, document IRI, triples), in input order."""
        yield from self.db.execute("SELECT graph, document, triples FROM documents ORDER BY rel")

    def triples(self) -> int:
        return int(self.db.execute("SELECT COALESCE(SUM(triples), 0) FROM documents").fetchone()[0])

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    # -- validation details ---------------------------------------------------------------------
    def validation(self, rel: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM validations WHERE rel = ?", (rel,)).fetchone()
        return _loads(row[0]) if row else None

    def set_validation(self, rel: str, data: dict[str, Any]) -> None:
        self.db.execute("INSERT OR REPLACE INTO validations VALUES (?, ?)",
                        (rel, json.dumps(data, ensure_ascii=False, sort_keys=True)))

    def keep_validations(self, is_input: Callable[[str], bool]) -> None:
        """Forget the validation details of inputs that are gone (``is_input`` says which are not)."""
        gone = [r for (r,) in self.db.execute("SELECT rel FROM validations") if not is_input(r)]
        self.db.executemany("DELETE FROM validations WHERE rel = ?", ((r,) for r in gone))

    # -- durability and export ------------------------------------------------------------------
    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def export_json(self) -> Iterator[bytes]:
        """``manifest.json``: one input per line (json's C encoder), in input order, streamed."""
        yield ('{"format": %d, "documents": {\n' % MANIFEST_FORMAT).encode("utf-8")
        for i, (rel, entry) in enumerate(self.db.execute("SELECT rel, entry FROM documents ORDER BY rel")):
            yield ((",\n" if i else "") + json.dumps(rel, ensure_ascii=False) + ": " + entry).encode("utf-8")
        yield b"\n}}\n"

    def _import_json(self) -> None:
        """Take over a manifest.json (and validation.json) of a build made before the database."""
        try:
            data = json.loads((self.out / JSON_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            return
        for rel, entry in (data.get("documents") or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("graph"), str):
                self.put(rel, entry)
        try:
            val = json.loads((self.out / "validation.json").read_text(encoding="utf-8"))
            for d in val.get("results") or []:
                if isinstance(d, dict) and isinstance(d.get("path"), str):
                    self.set_validation(d["path"], {k: d.get(k) for k in (
                        "conforms", "violations", "warnings", "results", "extraction_warnings", "reason")})
        except (OSError, ValueError, AttributeError):
            pass


def _loads(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
