"""Corrections: what a curator asserts about a document, applied over what was read.

A collection has one corrections file, TOML (``corrections.toml``), edited by hand. Each
``[[correction]]`` table changes one field of one document's record::

    [[correction]]
    document = "015_cn_do_diplomatic_relations_2018.txt"  # the text's file name (or path in the build)
    sha256 = "…"                  # optional: the text it was written for
    field = "parties"             # a field of the record (see FIELDS)
    action = "set"                # set (replace the field), add (one item), remove (one item)
    value = ["中华人民共和国", "多米尼加共和国"]
    expect = []                   # optional: what the reader gave when the correction was written
    curator = "Li Ming"
    date = 2026-11-30             # optional, a TOML date
    note = "the title abbreviates the parties"   # optional

Rules:

* A correction applies to the document whose file name (or build path) is ``document``, or
  whose SHA-256 is ``sha256`` when ``document`` is not given.
* A correction that no longer matches is **stale**, reported and not applied: the text
  changed (``sha256`` given and different), the reader no longer gives what ``expect`` says,
  or the fact is now read as corrected (a ``set`` whose value the reader gives, an ``add``
  whose item is there, a ``remove`` whose item is not).
* An applied correction records its provenance on the record (``Record.provenance``: the
  curator, the date, the note), so that the RDF puts the asserted facts in the document's
  curated graph and says who asserted them, and ``view`` and the site mark them; the values
  it replaced or removed are kept (``Record.rejected``) for the record of what was read.
* A file that is not valid TOML, or a correction with an unknown field, action or a value of
  the wrong shape, is an :class:`~treatykg.errors.InputError` naming the file and the
  correction's number; nothing is applied.

``schemas/corrections.schema.json`` is the JSON Schema of the file (a test checks that the
schema and this module agree).
"""
from __future__ import annotations

import copy
import datetime as _dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Commitment, Party, Provenance, Record, Reference, Signatory

ACTIONS = ("set", "add", "remove")
#: field -> (shape, the dataclass of an item): "scalar", "int", "strings" or "items"
FIELDS: dict[str, tuple[str, type | None]] = {
    "title": ("scalar", None),
    "doc_type": ("scalar", None),
    "signed_date": ("scalar", None),
    "signed_place": ("scalar", None),
    "entry_into_force": ("scalar", None),
    "entry_into_force_date": ("scalar", None),
    "articles": ("int", None),
    "parties": ("strings", Party),
    "authentic_languages": ("strings", None),
    "signatories": ("items", Signatory),
    "referenced": ("items", Reference),
    "commitments": ("items", Commitment),
}
#: keys of the items of a field, and the ones that identify an item (for add/remove)
ITEM_KEYS = {
    "signatories": (("name", "title", "party"), ("name", "party")),
    "referenced": (("label", "date", "kind", "place"), ("label",)),
    "commitments": (("actor", "action", "deadline"), ("action",)),
}
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
_KEYS = {"document", "sha256", "field", "action", "value", "expect", "curator", "date", "note"}


@dataclass(frozen=True)
class Correction:
    number: int                 # its position in the file, from 1
    field: str
    action: str
    value: Any
    curator: str
    document: str | None = None
    sha256: str | None = None
    expect: Any = None
    has_expect: bool = False
    date: str | None = None
    note: str | None = None

    def provenance(self, source: str | None) -> Provenance:
        return Provenance(kind="curator", agent=self.curator, date=self.date, note=self.note, source=source)

    def to_json(self) -> dict[str, Any]:
        out = {"number": self.number, "document": self.document, "sha256": self.sha256, "field": self.field,
               "action": self.action, "value": self.value, "curator": self.curator, "date": self.date,
               "note": self.note}
        if self.has_expect:
            out["expect"] = self.expect
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Correction":
        return cls(number=data["number"], field=data["field"], action=data["action"], value=data["value"],
                   curator=data["curator"], document=data.get("document"), sha256=data.get("sha256"),
                   expect=data.get("expect"), has_expect="expect" in data, date=data.get("date"),
                   note=data.get("note"))


@dataclass
class CorrectionsFile:
    path: str
    corrections: list[Correction] = field(default_factory=list)

    def for_document(self, name: str, sha256: str) -> list[Correction]:
        """The corrections aimed at the document ``name`` (a file name or a build path) or, where a
        correction names no document, at its text's ``sha256``."""
        base = Path(name).name
        return [c for c in self.corrections
                if (c.document is not None and c.document in (name, base))
                or (c.document is None and c.sha256 == sha256)]


@dataclass
class Outcome:
    """What happened to the corrections of one document."""

    applied: list[Correction] = field(default_factory=list)
    stale: list[tuple[Correction, str]] = field(default_factory=list)  # (correction, why)


# -- reading ---------------------------------------------------------------------------------
def load(path: str | Path) -> CorrectionsFile:
    """Read and check a corrections file (see the module docstring)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not a valid TOML corrections file: {exc}", path=str(path),
                         hint="see the README's 'Curating a collection'") from None
    return parse(data, str(path))


def parse(data: Any, path: str = "<corrections>") -> CorrectionsFile:
    """Check parsed TOML data and return the corrections it holds."""
    if not isinstance(data, dict) or set(data) - {"correction"}:
        extra = sorted(set(data) - {"correction"}) if isinstance(data, dict) else []
        raise InputError(f"a corrections file holds only [[correction]] tables (found {', '.join(extra) or 'other data'})",
                         path=path)
    items = data.get("correction", [])
    if not isinstance(items, list):
        raise InputError("[[correction]] must be an array of tables", path=path)
    out = CorrectionsFile(path=path)
    for n, item in enumerate(items, start=1):
        out.corrections.append(_check(item, n, path))
    return out


def _fail(n: int, path: str, message: str) -> InputError:
    return InputError(f"correction {n}: {message}", path=path)


def _check(item: Any, n: int, path: str) -> Correction:
    if not isinstance(item, dict):
        raise _fail(n, path, "is not a table")
    unknown = set(item) - _KEYS
    if unknown:
        raise _fail(n, path, f"unknown key {sorted(unknown)[0]!r} (keys: {', '.join(sorted(_KEYS))})")
    for key in ("field", "action", "curator"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise _fail(n, path, f"needs {key} (a non-empty string)")
    if "value" not in item:
        raise _fail(n, path, "needs value")
    if not isinstance(item.get("document"), str) and not isinstance(item.get("sha256"), str):
        raise _fail(n, path, "needs document (the text's file name) or sha256")
    fld, action = item["field"], item["action"]
    if fld not in FIELDS:
        raise _fail(n, path, f"unknown field {fld!r} (one of {', '.join(FIELDS)})")
    if action not in ACTIONS:
        raise _fail(n, path, f"unknown action {action!r} (set, add or remove)")
    shape = FIELDS[fld][0]
    if shape in ("scalar", "int") and action != "set":
        raise _fail(n, path, f"{fld} takes action = \"set\"")
    _check_value(item["value"], fld, action, n, path)
    if "expect" in item:
        _check_value(item["expect"], fld, "set", n, path, what="expect")
    date = item.get("date")
    if date is not None and not (isinstance(date, _dt.date) and not isinstance(date, _dt.datetime)
                                 or isinstance(date, str) and _DATE.match(date)):
        raise _fail(n, path, "date must be a date (2026-11-30)")
    for key in ("note", "sha256"):
        if key in item and not isinstance(item[key], str):
            raise _fail(n, path, f"{key} must be a string")
    return Correction(number=n, field=fld, action=action, value=item["value"], curator=item["curator"].strip(),
                      document=item.get("document"), sha256=item.get("sha256"), expect=item.get("expect"),
                      has_expect="expect" in item, date=str(date) if date is not None else None,
                      note=item.get("note"))


def _check_value(value: Any, fld: str, action: str, n: int, path: str, what: str = "value") -> None:
    shape = FIELDS[fld][0]
    if shape == "scalar":
        if value is not None and not isinstance(value, str):
            raise _fail(n, path, f"{what} of {fld} must be a string (or omitted for none)")
        if fld.endswith("date") and isinstance(value, str):
            from .iris import check_date
            from .errors import RDFError

            try:
                check_date(value, fld)
            except RDFError as exc:
                raise _fail(n, path, str(exc)) from None
        if fld == "doc_type" and value is not None:
            from .model import DOC_TYPES

            if value not in DOC_TYPES:
                raise _fail(n, path, f"doc_type must be one of {', '.join(DOC_TYPES)}")
        return
    if shape == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _fail(n, path, f"{what} of {fld} must be a whole number ≥ 0")
        return
    one = action in ("add", "remove")
    values = [value] if one else value
    if not isinstance(values, list):
        raise _fail(n, path, f"{what} of {fld} must be a list (action set) or one item (add, remove)")
    for v in values:
        if shape == "strings" and not (isinstance(v, str) and v.strip()):
            raise _fail(n, path, f"items of {fld} are non-empty strings")
        if shape == "items":
            keys, _ = ITEM_KEYS[fld]
            if not isinstance(v, dict) or set(v) - set(keys) or not all(isinstance(x, (str, type(None))) for x in v.values()):
                raise _fail(n, path, f"items of {fld} are tables with string keys among {', '.join(keys)}")


# -- applying ----------------------------------------------------------------------------------
def _item_json(fld: str, item: Any) -> Any:
    if fld == "parties":
        return item.name
    if fld == "authentic_languages":
        return item
    keys, _ = ITEM_KEYS[fld]
    return {k: getattr(item, k) for k in keys}


def _current(record: Record, fld: str) -> Any:
    value = getattr(record, fld)
    shape = FIELDS[fld][0]
    if shape in ("strings", "items"):
        return [_item_json(fld, x) for x in (value or [])]
    return value


def _same(fld: str, a: Any, b: Any) -> bool:
    """Items compared on what identifies them (a signatory by name and party …), white space aside."""
    def norm(x: Any) -> Any:
        if isinstance(x, str):
            return "".join(x.split())
        if isinstance(x, dict):
            _, ident = ITEM_KEYS[fld]
            return tuple(norm(x.get(k)) for k in ident)
        if isinstance(x, list):
            return [norm(y) for y in x]
        return x
    return norm(a) == norm(b)


def _make_item(fld: str, v: Any, date: str | None = None) -> Any:
    if fld == "parties":
        return _resolved_party(v, date)
    if fld == "authentic_languages":
        return v
    keys, _ = ITEM_KEYS[fld]
    cls = FIELDS[fld][1]
    kwargs = {k: v.get(k) for k in keys}
    if fld == "referenced":
        kwargs["kind"] = kwargs.get("kind") or "document"
    if fld == "commitments" and not kwargs.get("actor"):
        kwargs["actor"] = "双方"
    return cls(**kwargs)


def _resolved_party(name: str, date: str | None = None) -> Party:
    """A party a curator names, resolved to its state by the same rules as a title's parties."""
    from .extract.document import party_named

    return party_named(name, date)


def apply(record: Record, corrections: list[Correction], *, source: str | None = None,
          sha256: str | None = None) -> tuple[Record, Outcome]:
    """The record with ``corrections`` applied, and which applied and which were stale.

    The record passed in is not changed."""
    rec = copy.deepcopy(record)
    out = Outcome()
    for c in corrections:
        why = _stale(rec, c, sha256)
        if why:
            out.stale.append((c, why))
            continue
        _apply_one(rec, c, source)
        out.applied.append(c)
    if out.applied:
        from .extract import refresh_warnings

        refresh_warnings(rec)
    return rec, out


def _stale(rec: Record, c: Correction, sha256: str | None) -> str | None:
    if c.sha256 and sha256 and c.sha256 != sha256:
        return "the text changed since the correction was written (its sha256 differs)"
    current = _current(rec, c.field)
    if c.has_expect and not _same(c.field, current, c.expect):
        return f"the reader now gives {current!r} for {c.field}, not {c.expect!r}"
    shape = FIELDS[c.field][0]
    if c.action == "set" and _same(c.field, current, c.value):
        return f"{c.field} is now read as corrected"
    if c.action == "add" and any(_same(c.field, x, c.value) for x in current):
        return f"{c.field} already holds {c.value!r}"
    if c.action == "remove" and not any(_same(c.field, x, c.value) for x in current):
        return f"{c.field} does not hold {c.value!r}"
    del shape
    return None


def _apply_one(rec: Record, c: Correction, source: str | None) -> None:
    prov = c.provenance(source)
    fld, shape = c.field, FIELDS[c.field][0]
    if shape in ("scalar", "int"):
        old = getattr(rec, fld)
        if old is not None:
            rec.rejected.append((fld, old, prov))
        setattr(rec, fld, c.value)
        if hasattr(rec, f"{fld}_span"):
            setattr(rec, f"{fld}_span", None)
        rec.provenance[fld] = prov
        if fld == "title":
            from .extract.document import doc_type

            if "doc_type" not in rec.provenance:
                rec.doc_type = doc_type(c.value)
        return
    items = list(getattr(rec, fld) or [])
    if c.action == "set":
        for old in items:
            rec.rejected.append((fld, _item_json(fld, old), prov))
        new = [_make_item(fld, v, rec.signed_date) for v in c.value]
        setattr(rec, fld, new)
        rec.provenance[fld] = prov
        _drop_indexed(rec, fld)
        if fld == "authentic_languages":
            rec.authentic_languages_span = None
        return
    if c.action == "add":
        items.append(_make_item(fld, c.value, rec.signed_date))
        setattr(rec, fld, items)
        rec.provenance[f"{fld}[{len(items) - 1}]"] = prov
        return
    keep, gone = [], None
    for x in items:
        if gone is None and _same(fld, _item_json(fld, x), c.value):
            gone = x
            continue
        keep.append(x)
    rec.rejected.append((fld, _item_json(fld, gone), prov))
    idx = items.index(gone)
    setattr(rec, fld, keep)
    # provenance of the items after the removed one moves down one place
    moved = {}
    for path, p in list(rec.provenance.items()):
        head, _, rest = path.partition("[")
        if head == fld and rest:
            i = int(rest.split("]")[0])
            del rec.provenance[path]
            if i > idx:
                moved[f"{fld}[{i - 1}]{rest.split(']', 1)[1]}"] = p
            elif i < idx:
                moved[path] = p
    rec.provenance.update(moved)
    if fld == "parties":
        _relink_signatories(rec, gone)


def _drop_indexed(rec: Record, fld: str) -> None:
    for path in [p for p in rec.provenance if p.startswith(f"{fld}[")]:
        del rec.provenance[path]


def _relink_signatories(rec: Record, gone: Party) -> None:
    """A removed party no longer stands behind a signature: it falls back to no party."""
    for s in rec.signatories:
        if s.party == gone.name:
            s.party = None
