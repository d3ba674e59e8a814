"""The decisions file: what a person (or reconcile) decided about each entity to link."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .common import _QID

@dataclass
class Decision:
    key: str
    qid: str
    decision: str  # accept | reject | verified | auto
    note: str = ""


class Decisions:
    """The decisions file: TSV ``key  qid  decision  note`` (header line first).

    ``accept`` (a human linked the key to the QID), ``reject`` (a human refused the
    QID for the key; an empty QID refuses every candidate), ``verified`` (reconcile linked
    the key by a unique key: the only item holding the state's ISO 3166 code; the note
    says how), ``auto`` (reconcile linked the only candidate that survived the
    constraints; change it to ``accept`` once checked). A key with ``accept``,
    ``verified`` or ``auto`` is never looked up again. Only ``accept`` and ``verified``
    count as verified ids (:meth:`confirmed`, used by the QuickStatements export).
    """

    HEADER = ("key", "qid", "decision", "note")
    VALUES = ("accept", "reject", "verified", "auto")

    def __init__(self, rows: Iterable[Decision] = ()):
        self.rows: list[Decision] = list(rows)

    @classmethod
    def load(cls, path: str | Path | None) -> "Decisions":
        if path is None or not Path(path).exists():
            return cls()
        rows = []
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the decisions file: {exc}", path=str(path)) from exc
        for n, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or (n == 1 and row[0] == "key"):
                continue
            row = (row + ["", "", ""])[:4]
            key, qid, decision, note = (c.strip() for c in row)
            if decision not in cls.VALUES or (qid and not _QID.match(qid)):
                raise InputError(f"line {n}: expected key, QID (or empty), one of "
                                 f"{'/'.join(cls.VALUES)}, note; got {row!r}", path=str(path))
            rows.append(Decision(key, qid, decision, note))
        return cls(rows)

    def linked(self, key: str) -> Decision | None:
        """The accepted (else verified, else automatic) link of ``key``, or None."""
        for wanted in ("accept", "verified", "auto"):
            for d in self.rows:
                if d.key == key and d.decision == wanted and d.qid:
                    return d
        return None

    def accepted(self, key: str) -> str | None:
        """The QID a human accepted for ``key``, or None."""
        for d in self.rows:
            if d.key == key and d.decision == "accept" and d.qid:
                return d.qid
        return None

    def confirmed(self, key: str) -> str | None:
        """The verified QID of ``key``: accepted by a human, else verified by a unique key."""
        for wanted in ("accept", "verified"):
            for d in self.rows:
                if d.key == key and d.decision == wanted and d.qid:
                    return d.qid
        return None

    def rejected(self, key: str) -> set[str]:
        return {d.qid for d in self.rows if d.key == key and d.decision == "reject"}

    def add(self, decision: Decision) -> None:
        if not any(d.key == decision.key and d.qid == decision.qid for d in self.rows):
            self.rows.append(decision)

    def to_tsv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(self.HEADER)
        for d in self.rows:
            w.writerow([d.key, d.qid, d.decision, d.note])
        return buf.getvalue()


