"""What a build says it did: :class:`BuildReport` (one :class:`DocumentResult` per input) and
the :class:`BuildEvent` its ``progress`` callback receives (see :mod:`treatykg.build`).

The inputs of a build and what became of each are kept in a :class:`BuildTable`, a private
temporary SQLite database (a file, deleted when it is closed), not in memory: a build of
20,000 texts holds no more of them than a build of 1,000. The report reads its documents
from there when asked.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["BuildEvent", "DocumentResult", "BuildReport", "BuildTable"]


@dataclass(frozen=True)
class BuildEvent:
    """What :func:`build` tells its ``progress`` callback.

    ``kind`` is ``"start"`` (``total`` documents to convert, ``inputs`` found),
    ``"document"`` (one finished: ``path``, ``status`` built|failed|removed, ``reason``;
    ``completed`` of ``total``) or ``"finish"``.
    """

    kind: str
    total: int = 0
    completed: int = 0
    inputs: int = 0
    path: str | None = None
    status: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class DocumentResult:
    """One input of the build. ``status``: built | unchanged | failed | removed."""

    path: str
    status: str
    name: str | None = None
    document: str | None = None
    graph: str | None = None
    triples: int = 0
    reason: str | None = None
    conforms: bool | None = None
    violations: int = 0
    warnings: int = 0


_COLUMNS = tuple(f.name for f in fields(DocumentResult))
_SCHEMA = f"""
CREATE TABLE inputs (rel TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT, todo INTEGER NOT NULL DEFAULT 0);
CREATE TABLE results ({", ".join(c + (" TEXT PRIMARY KEY" if c == "path" else "") for c in _COLUMNS)});
"""
_PAGE = 1000  # inputs to do, read at a time


class BuildTable:
    """The inputs of one build (path in the build -> file, checksum, whether to convert it)
    and their results (:class:`DocumentResult`), in a private temporary SQLite database: on
    disk, deleted when closed, with a small page cache. Iteration is in path order."""

    def __init__(self) -> None:
        # "": a private temporary database file; the report may be read from any thread
        self.db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                              "PRAGMA cache_size = -512;" + _SCHEMA)

    # -- inputs ---------------------------------------------------------------------------------
    def add_input(self, rel: str, path: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO inputs (rel, path) VALUES (?, ?)", (rel, path))

    def has_input(self, rel: str) -> bool:
        return self.db.execute("SELECT 1 FROM inputs WHERE rel = ?", (rel,)).fetchone() is not None

    def path(self, rel: str) -> str:
        return self.db.execute("SELECT path FROM inputs WHERE rel = ?", (rel,)).fetchone()[0]

    def inputs(self) -> Iterator[tuple[str, str]]:
        """Every (path in the build, file), in path order."""
        yield from self.db.execute("SELECT rel, path FROM inputs ORDER BY rel")

    def input_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM inputs").fetchone()[0])

    def set_todo(self, rel: str, sha256: str) -> None:
        """``rel`` is to be converted; ``sha256``: its text's checksum."""
        self.db.execute("UPDATE inputs SET sha256 = ?, todo = 1 WHERE rel = ?", (sha256, rel))

    def sha256(self, rel: str) -> str:
        return self.db.execute("SELECT sha256 FROM inputs WHERE rel = ?", (rel,)).fetchone()[0]

    def todo(self) -> Iterator[tuple[str, str]]:
        """Every (path in the build, file) to convert, in path order, read a page at a time (the
        table may change while this is read)."""
        after = ""
        while True:
            page = self.db.execute("SELECT rel, path FROM inputs WHERE todo AND rel > ? ORDER BY rel LIMIT ?",
                                   (after, _PAGE)).fetchall()
            yield from page
            if len(page) < _PAGE:
                return
            after = page[-1][0]

    def todo_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM inputs WHERE todo").fetchone()[0])

    # -- results ----------------------------------------------------------------------------------
    def set_result(self, result: DocumentResult) -> DocumentResult:
        self.db.execute(f"INSERT OR REPLACE INTO results VALUES ({', '.join('?' * len(_COLUMNS))})",
                        astuple(result))
        return result

    def result(self, rel: str) -> DocumentResult | None:
        row = self.db.execute("SELECT * FROM results WHERE path = ?", (rel,)).fetchone()
        return _result(row) if row else None

    def results(self, where: str = "1", *args: Any) -> list[DocumentResult]:
        """The results that ``where`` (an SQL condition on the columns, with ``args``) holds for."""
        return [_result(row) for row in self.db.execute(f"SELECT * FROM results WHERE {where} ORDER BY path", args)]

    def with_inputs(self) -> Iterator[tuple[str, DocumentResult | None]]:
        """Every input, in path order, with its result (None: none yet)."""
        for row in self.db.execute("SELECT inputs.rel, results.* FROM inputs LEFT JOIN results "
                                   "ON results.path = inputs.rel ORDER BY inputs.rel"):
            yield row[0], (_result(row[1:]) if row[1] is not None else None)

    def count(self, where: str = "1", *args: Any) -> int:
        return int(self.db.execute(f"SELECT COUNT(*) FROM results WHERE {where}", args).fetchone()[0])

    def close(self) -> None:
        self.db.close()


def _result(row: tuple[Any, ...]) -> DocumentResult:
    d = DocumentResult(*row)
    if d.conforms is not None:  # SQLite has no booleans
        d.conforms = bool(d.conforms)
    return d


_NONCONFORMING = "status IN ('built', 'unchanged') AND conforms = 0"


@dataclass
class BuildReport:
    """What a build did: one :class:`DocumentResult` per input (read from its :class:`BuildTable`
    when asked: ``documents``, ``built`` …), what it skipped, and its totals."""

    out_dir: Path
    table: BuildTable = field(default_factory=BuildTable, repr=False)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): inputs not read
    converted: int = 0  # documents extracted + converted + validated in this build
    repaired: int = 0   # graphs re-loaded into the store from their .nq file
    triples: int = 0    # quads in the store after the build

    @property
    def documents(self) -> list[DocumentResult]:
        """Every input's result, in path order (the inputs that are gone included: ``removed``)."""
        return self.table.results()

    def _with(self, status: str) -> list[DocumentResult]:
        return self.table.results("status = ?", status)

    @property
    def built(self) -> list[DocumentResult]:
        return self._with("built")

    @property
    def unchanged(self) -> list[DocumentResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[DocumentResult]:
        return self._with("failed")

    @property
    def removed(self) -> list[DocumentResult]:
        return self._with("removed")

    @property
    def nonconforming(self) -> list[DocumentResult]:
        """Documents kept in the collection although they do not conform (their report attached)."""
        return self.table.results(_NONCONFORMING)

    def count(self, status: str) -> int:
        """How many inputs have ``status`` (built, unchanged, failed, removed), or ``"nonconforming"``."""
        return self.table.count(_NONCONFORMING) if status == "nonconforming" else self.table.count("status = ?", status)

    @property
    def ok(self) -> bool:
        return not self.count("failed") and not self.count("nonconforming")

    def __str__(self) -> str:
        built, unchanged = self.count("built"), self.count("unchanged")
        graphs = built + unchanged
        text = (f"{graphs} document graph{'s' * (graphs != 1)} in {self.out_dir}: "
                f"{built} built, {unchanged} unchanged, "
                f"{self.count('removed')} removed, {self.count('failed')} failed; {self.triples} triples")
        for d in self.failed:
            text += f"\nfailed: {d.path}: {d.reason}"
        for d in self.nonconforming:
            text += f"\nkept, does not conform: {d.path}: {d.reason}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "converted": self.converted, "repaired": self.repaired,
                "triples": self.triples, "documents": [asdict(d) for d in self.documents],
                "skipped": [{"path": p, "why": w} for p, w in self.skipped]}
