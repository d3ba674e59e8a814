"""The curate loop: what a curator should look at in a build, and corrections to start from.

:func:`review` reads a build's ``manifest.json`` and ``validation.json`` and returns, for every
document that needs a look (a violation, a warning, something the reader could not read, a
stale correction, a disagreement with the metadata), its rows, the link to its annotated page
in the build's site, and a ``[[correction]]`` table (:func:`treatykg.reports.stanza`) for the
field most concerned, filled with the value the reader gives now (the manifest keeps the
correctable fields of the documents that need a look).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .reports import ReviewRow, review_rows, stanza


@dataclass
class ReviewItem:
    file: str
    document: str | None
    page: Path | None
    rows: list[ReviewRow]
    stanza: str | None = None


@dataclass
class Review:
    out: Path
    items: list[ReviewItem] = field(default_factory=list)

    def text(self) -> str:
        if not self.items:
            return "# nothing to review: every document conforms and the reader raised no warning\n"
        out = [f"# {len(self.items)} document{'s' * (len(self.items) != 1)} to review in {self.out}\n"]
        for item in self.items:
            out.append(f"\n# {item.file}\n")
            if item.page is not None:
                out.append(f"#   page: {item.page}\n")
            for r in item.rows:
                out.append(f"#   {r.kind}: {r.field + ': ' if r.field else ''}{' '.join(r.detail.split())}\n")
            if item.stanza:
                out.append(item.stanza)
        return "".join(out)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("is not the output of `treatykg build` (no " + path.name + ")", path=str(path.parent)) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path.name}: {exc}", path=str(path.parent)) from None


def _validation_rows(path: Path) -> dict[str, dict[str, Any]]:
    """validation.json: its first line is the totals, then one input per line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("is not the output of `treatykg build` (no validation.json)", path=str(path.parent)) from None
    out: dict[str, dict[str, Any]] = {}
    for line in lines:
        line = line.strip().rstrip(",")
        if not line.startswith("{\"path\""):
            continue
        try:
            d = json.loads(line)
        except ValueError:
            continue
        out[d["path"]] = d
    return out


def review(out_dir: str | Path) -> Review:
    """What to review in the build ``out_dir`` (see the module docstring)."""
    out = Path(out_dir)
    manifest = _read_json(out / "manifest.json")
    entries: dict[str, dict[str, Any]] = manifest.get("documents", {}) if isinstance(manifest, dict) else {}
    validations = _validation_rows(out / "validation.json")
    result = Review(out=out)
    for rel in sorted(set(entries) | set(validations)):
        entry = entries.get(rel, {})
        v = validations.get(rel, {})
        rows = review_rows(rel, entry, v)
        if not rows:
            continue
        doc = entry.get("document") or v.get("document")
        page = None
        if doc and "/doc/" in doc:
            candidate = out / "site" / "doc" / f"{doc.rsplit('/doc/', 1)[1]}.html"
            page = candidate if candidate.is_file() else None
        result.items.append(ReviewItem(rel, doc, page, rows, _stanza_for(rel, entry, rows)))
    return result


def _stanza_for(rel: str, entry: dict[str, Any], rows: list[ReviewRow]) -> str | None:
    from .corrections import FIELDS

    fields = [r.field for r in rows if r.field in FIELDS]
    if not fields:
        return None
    record_json: dict[str, Any] = entry.get("record") or {}
    note = next((r.detail for r in rows if r.field == fields[0]), "")
    return stanza(Path(rel).name if "/" not in rel else rel, entry.get("sha256"), fields[0], record_json,
                  note=" ".join(note.split())[:200])
