"""What a curator reviews: validation reports as RDF, review rows, ready-to-edit corrections.

* :func:`validation_quads` — a document that does not conform is kept in a build with its SHACL
  report attached, in the document's validation graph ``{doc}/validation``: a
  ``sh:ValidationReport`` (``sh:conforms false``) with one ``sh:ValidationResult`` per result
  (focus node, path, severity, message, shape), IRIs minted under the report (no blank nodes).
* :func:`review_rows` — one row per thing to look at in a build: a violation, a warning of the
  shapes, a warning of the reader (what the text lacks, a party it could not resolve), a stale
  correction, a disagreement with the database metadata.
* :func:`stanza` — a ``[[correction]]`` table for the corrections file, filled in with the
  field's current value (as ``value`` to edit and ``expect``), ready to edit.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from .namespaces import VOCABULARIES

SH = VOCABULARIES["sh"]
_RDF_TYPE = ox.NamedNode(VOCABULARIES["rdf"] + "type")
_SEVERITY = {"Violation": "Violation", "Warning": "Warning", "Info": "Info"}


def validation_quads(results: list[dict[str, Any]], doc: str) -> Iterator[ox.Quad]:
    """The SHACL report of a document that does not conform, in ``{doc}/validation``.

    ``results`` are :class:`treatykg.validate.ValidationResult` as dicts (``severity``,
    ``focus``, ``path``, ``message``, ``shape``)."""
    from .iris import validation_graph_iri

    g = ox.NamedNode(validation_graph_iri(doc))
    report = ox.NamedNode(f"{doc}/validation/report")
    yield ox.Quad(report, _RDF_TYPE, ox.NamedNode(SH + "ValidationReport"), g)
    yield ox.Quad(report, ox.NamedNode(SH + "conforms"),
                  ox.Literal("false", datatype=ox.NamedNode(VOCABULARIES["xsd"] + "boolean")), g)
    yield ox.Quad(report, ox.NamedNode(VOCABULARIES["dcterms"] + "subject"), ox.NamedNode(doc), g)
    for n, r in enumerate(results, start=1):
        node = ox.NamedNode(f"{doc}/validation/result/{n}")
        yield ox.Quad(report, ox.NamedNode(SH + "result"), node, g)
        yield ox.Quad(node, _RDF_TYPE, ox.NamedNode(SH + "ValidationResult"), g)
        sev = _SEVERITY.get(str(r.get("severity")), "Violation")
        yield ox.Quad(node, ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + sev), g)
        for key, pred in (("focus", "focusNode"), ("path", "resultPath"), ("shape", "sourceShape")):
            value = r.get(key)
            if isinstance(value, str) and value.startswith(("http://", "https://", "urn:")):
                try:
                    yield ox.Quad(node, ox.NamedNode(SH + pred), ox.NamedNode(value), g)
                except ValueError:
                    pass
        if r.get("message"):
            yield ox.Quad(node, ox.NamedNode(SH + "resultMessage"), ox.Literal(str(r["message"])), g)


@dataclass(frozen=True)
class ReviewRow:
    file: str
    kind: str      # violation | warning | reader | stale-correction | metadata
    field: str     # the record field concerned, where known
    detail: str
    document: str = ""

    def tsv(self) -> str:
        return "\t".join(" ".join(str(x).split()) for x in (self.file, self.kind, self.field, self.detail,
                                                              self.document))


REVIEW_HEADER = "file\tkind\tfield\tdetail\tdocument"

# which record field a shape result or a reader's warning is about
_FIELD_OF = (("passed_by", "parties"), ("party", "parties"), ("signatory", "signatories"),
             ("signature", "signatories"), ("onBehalfOf", "signatories"), ("agent", "signatories"),
             ("date", "signed_date"), ("title", "title"), ("place", "signed_place"),
             ("commitment", "commitments"), ("cites", "referenced"), ("language", "authentic_languages"))


def field_of(text: str) -> str:
    low = text.lower()
    for word, fld in _FIELD_OF:
        if word.lower() in low:
            return fld
    return ""


def review_rows(file: str, entry: dict[str, Any], validation: dict[str, Any]) -> list[ReviewRow]:
    """What to look at in one document of a build (``entry`` from the manifest, ``validation``
    from validation.json)."""
    doc = entry.get("document") or validation.get("document") or ""
    rows: list[ReviewRow] = []
    if validation.get("reason") and validation.get("status") == "failed":
        rows.append(ReviewRow(file, "failed", "", validation["reason"], doc))
    for r in validation.get("results", []) or []:
        kind = "violation" if r.get("severity") == "Violation" else "warning"
        rows.append(ReviewRow(file, kind, field_of(f"{r.get('path') or ''} {r.get('message') or ''}"),
                              r.get("message") or "", doc))
    for w in validation.get("extraction_warnings", []) or []:
        rows.append(ReviewRow(file, "reader", field_of(w), w, doc))
    for s in entry.get("stale", []) or []:
        rows.append(ReviewRow(file, "stale-correction", s.get("field", ""),
                              f"correction {s.get('number')}: {s.get('why')}", doc))
    for d in entry.get("disagreements", []) or []:
        rows.append(ReviewRow(file, "metadata", d.get("field", ""),
                              f"the text gives {d.get('text')!r}, the metadata {d.get('metadata')!r}", doc))
    return rows


# -- corrections stanzas ------------------------------------------------------------------------
def _toml(value: Any) -> str:
    """A TOML value (strings with JSON's escapes, which TOML's basic strings share)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items() if v is not None) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def stanza(file: str, sha256: str | None, fld: str, record_json: dict[str, Any], note: str = "") -> str:
    """A ``[[correction]]`` table setting ``fld`` of ``file``, with its current value to edit."""
    from .corrections import FIELDS, ITEM_KEYS

    shape = FIELDS[fld][0]
    current = record_json.get(fld)
    if shape == "items":
        keys, _ = ITEM_KEYS[fld]
        current = [{k: item.get(k) for k in keys} for item in current or []]
    lines = ["[[correction]]", f"document = {_toml(file)}"]
    if sha256:
        lines.append(f"sha256 = {_toml(sha256)}")
    lines += [f"field = {_toml(fld)}", 'action = "set"']
    if current is None:
        lines.append("value = \"\"  # the value the text means")
    else:
        lines.append(f"value = {_toml(current)}")
        lines.append(f"expect = {_toml(current)}  # what the reader gives now: the correction goes stale if that changes")
    lines += ['curator = ""', f"note = {_toml(note)}"]
    return "\n".join(lines) + "\n"
