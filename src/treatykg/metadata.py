"""Database metadata as a source: what the treaty database's own record says of a text.

``build --metadata FILE`` reads a table (TSV, or CSV for a ``.csv`` file) with a header row and
these columns, ``file`` required, the others optional and empty where unknown:

=================  ====================================================================
``file``           the text's file name (or its path in the build)
``title``          the title
``signed_date``    签订日期 (``1980-04-23``, ``1980.4.23`` or ``1980年4月23日``)
``entry_into_force``  生效日期, a date
``signed_place``   签订地点
``type``           类别: a ``doc_type`` (``agreement``) or a document word (协定, 换文)
``partner``        the partner state: a gazetteer id (``nz``) or a name (新西兰)
``source_url``     the document's page in the database
=================  ====================================================================

Rules:

* what the text does not print, the metadata adds, marked as coming from it (the record's
  ``provenance``; the RDF puts it in the document's metadata graph, derived from
  ``source_url`` where given);
* where the text prints a value and the metadata another, the text's stands and the
  disagreement is reported (a review row: file, field, the text's value, the metadata's);
* a partner the text names is compared by state; a partner it does not name is added as a
  party (the state itself);
* an unknown column, a row without ``file``, two rows for one file or a value that cannot be
  read (a date that is no date) is an :class:`~treatykg.errors.InputError` naming the file
  and the row.
"""
from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Party, Provenance, Record

COLUMNS = ("file", "title", "signed_date", "entry_into_force", "signed_place", "type", "partner", "source_url")


@dataclass
class MetadataTable:
    path: str
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> row

    def for_document(self, name: str) -> dict[str, str] | None:
        return self.rows.get(name) or self.rows.get(Path(name).name)


@dataclass(frozen=True)
class Disagreement:
    field: str
    text: str
    metadata: str


def load(path: str | Path) -> MetadataTable:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=str(path)) from None
    delimiter = "," if p.suffix.lower() == ".csv" else "\t"
    reader = csv.DictReader(io.StringIO(raw), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in COLUMNS]
    if "file" not in header or unknown:
        raise InputError(f"metadata columns are {', '.join(COLUMNS)} ('file' required)"
                         + (f"; unknown: {', '.join(unknown)}" if unknown else ""), path=str(path))
    table = MetadataTable(path=str(path))
    for n, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        name = row.get("file", "")
        if not name:
            raise InputError(f"row {n}: no file", path=str(path))
        if name in table.rows:
            raise InputError(f"row {n}: a second row for {name}", path=str(path))
        for key in ("signed_date", "entry_into_force"):
            if row.get(key) and _date(row[key]) is None:
                raise InputError(f"row {n}: {key} {row[key]!r} is not a date", path=str(path))
        if row.get("type") and _doc_type(row["type"]) is None:
            raise InputError(f"row {n}: type {row['type']!r} is neither a doc_type nor a document word",
                             path=str(path))
        table.rows[name] = {k: v for k, v in row.items() if v}
    return table


def _date(value: str) -> str | None:
    from .dates import parse_date, parse_numeric_date

    d = parse_numeric_date(value) or parse_date(value)
    if d is None and len(value) in (4, 7, 10):
        try:
            from .iris import check_date

            return check_date(value, "date")
        except Exception:
            return None
    return d.iso if d is not None else None


def _doc_type(value: str) -> str | None:
    from .lexicon import DOC_TYPE_WORDS
    from .model import DOC_TYPES

    if value in DOC_TYPES:
        return value
    return next((t for w, t in DOC_TYPE_WORDS if value.endswith(w)), None)


def _same(a: Any, b: Any) -> bool:
    from .ingest import to_simplified

    def norm(x: Any) -> str:
        return "".join(to_simplified(str(x or "")).split())
    return norm(a) == norm(b)


def _partner_state(value: str, date: str | None):
    from .gazetteer import default

    gaz = default()
    entry = gaz.by_id(value.lower())
    if entry is not None and entry.type == "state":
        return entry
    return gaz.lookup("".join(value.split()), "state", date)


def apply(record: Record, row: dict[str, str] | None, *, source: str | None = None
          ) -> tuple[Record, list[Disagreement]]:
    """The record with what the metadata ``row`` adds, and where the two disagree (see the module
    docstring). The record passed in is not changed."""
    if not row:
        return record, []
    rec = copy.deepcopy(record)
    prov = Provenance(kind="metadata", agent=source, source=row.get("source_url") or source)
    out: list[Disagreement] = []

    def scalar(fld: str, value: str | None, current: Any) -> None:
        if value is None:
            return
        missing = (None, "", "other") if fld == "doc_type" else (None, "")
        if current in missing:
            setattr(rec, fld, value)
            rec.provenance[fld] = prov
        elif not _same(current, value):
            out.append(Disagreement(fld, str(current), value))

    scalar("title", row.get("title"), rec.title)
    scalar("signed_date", _date(row["signed_date"]) if row.get("signed_date") else None, rec.signed_date)
    scalar("entry_into_force_date", _date(row["entry_into_force"]) if row.get("entry_into_force") else None,
           rec.entry_into_force_date)
    scalar("signed_place", row.get("signed_place"), rec.signed_place)
    scalar("doc_type", _doc_type(row["type"]) if row.get("type") else None, rec.doc_type)
    if row.get("partner"):
        entry = _partner_state(row["partner"], rec.signed_date)
        states = [p.state for p in rec.parties if p.state and p.state != "cn"]
        if entry is None:
            out.append(Disagreement("partner", "、".join(p.name for p in rec.parties), row["partner"]
                                    + " (not a state the gazetteer knows)"))
        elif not states:
            rec.parties.append(Party(entry.zh, None, entity=entry.id, state=entry.id, kind="state"))
            rec.provenance[f"parties[{len(rec.parties) - 1}]"] = prov
        elif entry.id not in states:
            out.append(Disagreement("partner", "、".join(states), entry.id))
    if row.get("source_url"):
        rec.source_url = row["source_url"]
        rec.provenance["source_url"] = prov
    from .extract import refresh_warnings

    refresh_warnings(rec)
    return rec, out
