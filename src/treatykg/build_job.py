"""One input of a build, in a worker process: extract, curate, convert, validate.

:func:`convert_document` is what each worker of :mod:`treatykg.build` runs (through
:mod:`treatykg.pool`); it returns a :class:`Converted`, a frozen dataclass that pickles
back to the build. It never raises for a document: a text that cannot be read, extracted
or mapped, or that holds a bug's surprise, is ``Converted(ok=False, reason=…)`` with a
one-line reason, so one document never stops the collection.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .errors import TreatyKGError
from .ingest import DEFAULT_MAX_BYTES

__all__ = ["Converted", "convert_document", "curate", "MAX_RESULTS_PER_DOC"]

MAX_RESULTS_PER_DOC = 200  # validation results kept per document in validation.json


@dataclass(frozen=True)
class Converted:
    """What a worker returns for one input.

    ``ok`` False: ``reason`` says why in one line (``document`` and ``validation`` when the
    text was read but failed ``--strict``). ``ok`` True: the document's IRI and graph, its
    N-Quads (``nq``) and quad count, the text its evidence points into (None with evidence
    ``"none"``), the validation summary (conforms, counts, the first results, the extraction
    warnings), its citation keys, the stale corrections and the disagreements with the
    metadata, and the fields a curator corrects (only when there is something to review).
    """

    ok: bool
    reason: str | None = None
    document: str | None = None
    graph: str | None = None
    nq: bytes = b""
    text: bytes | None = None
    triples: int = 0
    validation: dict[str, Any] | None = None
    citation: dict[str, Any] | None = None
    stale: tuple[dict[str, Any], ...] = ()
    disagreements: tuple[dict[str, str], ...] = ()
    record: dict[str, Any] | None = None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]


def convert_document(path: str, rel: str, base: str, curation: dict[str, Any] | None = None,
                     strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
                     evidence: str = "compact") -> Converted:
    """Extract, curate, convert and validate one text (runs in a worker process).

    ``curation`` holds the document's database metadata row and corrections (as the manifest
    keeps them). A document that does not conform is kept, its SHACL report in its
    validation graph, unless ``strict``.
    """
    from . import rdf
    from .extract import extract_document
    from .ingest import ingest_file
    from .validate import validate_quads

    curation = curation or {}
    try:
        ingested = ingest_file(path, max_bytes=max_bytes)
        record = extract_document(ingested)
        record, stale, disagreements = curate(record, curation, rel)
        quads = list(rdf.record_quads(record, base=base, evidence=evidence))
        report = validate_quads(quads)
    except TreatyKGError as exc:
        msg = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return Converted(ok=False, reason=_one_line(msg))
    except Exception as exc:  # a bug in one document must not stop the collection
        return Converted(ok=False, reason=_one_line(f"internal error: {type(exc).__name__}: {exc}"))
    doc = rdf.document_iri(record, base)
    results = [asdict(r) for r in report.results[:MAX_RESULTS_PER_DOC]]
    summary: dict[str, Any] = {"conforms": report.conforms, "violations": len(report.violations),
                               "warnings": len(report.warnings), "results": results,
                               "extraction_warnings": list(record.warnings)}
    if not report.conforms:
        first = report.violations[0]
        reason = _one_line(f"does not conform to the shapes: {len(report.violations)} violation(s), "
                           f"first: {first.message}")
        if strict:
            return Converted(ok=False, document=doc, validation=summary, reason=reason)
        from .reports import validation_quads

        quads += list(validation_quads([asdict(r) for r in report.violations], doc))
        summary["reason"] = reason
    from .citations import document_keys

    nq = rdf.serialize_quads(quads, "nq", base=base)
    needs_review = bool(report.results or record.warnings or stale or disagreements)
    return Converted(
        ok=True, nq=nq, document=doc, graph=rdf.graph_iri(doc),
        # the text the evidence points into (published as OUT/texts/<name>.txt)
        text=ingested.original.encode("utf-8") if evidence != "none" else None,
        triples=len(quads), validation=summary,  # record_quads yields no duplicates
        citation=document_keys(record, base), stale=tuple(stale), disagreements=tuple(disagreements),
        # the fields a curator corrects, for `treatykg review` (kept only where there is something to review)
        record=_review_fields(record) if needs_review else None)


def _review_fields(record) -> dict[str, Any]:
    from .corrections import FIELDS

    data = record.to_json()
    return {k: data.get(k) for k in FIELDS}


def curate(record, curation: dict[str, Any], rel: str):
    """The record with its database metadata and its corrections applied (in that order: the
    curator has the last word); the stale corrections and the disagreements, as plain dicts."""
    from . import corrections as corr
    from . import metadata as meta

    disagreements: list[dict[str, str]] = []
    if curation.get("metadata"):
        record, found = meta.apply(record, curation["metadata"], source=curation.get("metadata_file"))
        disagreements = [{"field": d.field, "text": d.text, "metadata": d.metadata} for d in found]
    stale: list[dict[str, Any]] = []
    if curation.get("corrections"):
        items = [corr.Correction.from_json(c) for c in curation["corrections"]]
        record, outcome = corr.apply(record, items, source=curation.get("corrections_file"),
                                     sha256=record.source.sha256)
        stale = [{"number": c.number, "field": c.field, "why": why} for c, why in outcome.stale]
    return record, stale, disagreements
