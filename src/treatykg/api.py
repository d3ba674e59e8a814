"""The library's front door: one function per command.

>>> from treatykg.api import extract, convert
>>> record = extract("data/1958-02-19_cn-kp_joint-statement.txt")   # doctest: +SKIP
>>> turtle = convert(record, "turtle")                               # doctest: +SKIP
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .errors import ExtractionError, StrictModeError
from .extract import extract_file, holds_no_treaty
from .ingest import DEFAULT_MAX_BYTES
from .model import Record

FORMATS = {"turtle": ".ttl", "trig": ".trig", "nt": ".nt", "nq": ".nq", "jsonld": ".jsonld"}
_BY_SUFFIX = {v: k for k, v in FORMATS.items()} | {".json": "jsonld", ".n3": "turtle"}


def format_for(path: str | Path, default: str = "turtle") -> str:
    """The RDF format named by a file's extension, or ``default``."""
    return _BY_SUFFIX.get(Path(str(path)).suffix.lower(), default)


def extract(path: str | Path, *, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
            encoding: str | None = None) -> Record:
    """Read one treaty text and return its record.

    Lenient by default: what the text lacks (a title, a date, a signature block) is a
    warning in ``record.warnings``. With ``strict=True`` warnings raise
    :class:`~treatykg.errors.StrictModeError`. A readable text that holds no treaty at all
    (:func:`treatykg.extract.holds_no_treaty`: no document type in its title, no parties, no
    date, no signature block) raises :class:`~treatykg.errors.ExtractionError` (exit 4).
    """
    record = extract_file(path, max_bytes=max_bytes, encoding=encoding)
    if holds_no_treaty(record):
        raise ExtractionError("holds no treaty: no kind of document named in a title, no parties, no date "
                              "of signature, no signature block", path=str(path),
                              hint="is it a text exported from the treaty database?")
    if strict and record.warnings:
        raise StrictModeError("; ".join(record.warnings), path=str(path), hint="--strict")
    return record


def curate(record: Record, path: str | Path, *, corrections: str | Path | None = None,
           metadata: str | Path | None = None) -> tuple[Record, list[dict], list[dict]]:
    """The record of the text ``path`` with the database ``metadata`` (a TSV/CSV file) and the
    ``corrections`` (a TOML file) that concern it applied: (record, stale corrections,
    disagreements with the metadata). See :mod:`treatykg.corrections`, :mod:`treatykg.metadata`."""
    from .build import Curation, curate as _curate

    cur = Curation.load(corrections, metadata).for_document(Path(path).name, record.source.sha256)
    return _curate(record, cur, Path(path).name)


def convert(record: Record, fmt: str = "turtle", *, base: str | None = None,
            generated_at: datetime | None = None, wikidata_triples: bool = False,
            evidence: str = "compact") -> bytes:
    """The record as RDF in ``fmt`` (turtle, trig, nt, nq, jsonld): its facts in the document
    graph, its evidence as ``evidence`` says (:data:`treatykg.rdf.EVIDENCE_MODES`) in the
    evidence graph.

    ``wikidata_triples=True`` adds, in the same graph, Wikidata-shaped ``wdt:`` statements
    and ``owl:sameAs``/``skos:exactMatch`` links for the entities with a verified Wikidata
    id (:func:`treatykg.wikidata.wikidata_quads`).
    """
    from . import rdf

    kwargs: dict = {"generated_at": generated_at, "evidence": evidence}
    if base:
        kwargs["base"] = base
    if wikidata_triples:
        from .wikidata import wikidata_quads

        b = base or rdf.DEFAULT_BASE
        quads = list(rdf.record_quads(record, base=b, generated_at=generated_at, evidence=evidence))
        return rdf.serialize_quads(quads + list(wikidata_quads(record, base=b)), fmt, base=b)
    return rdf.serialize(record, fmt, **kwargs)


def validate(path: str | Path, *, engine: str = "auto", **kwargs):
    """Validate an RDF file, or a treaty text (converted first), against the shapes.

    ``engine``: see :func:`treatykg.validate.validate_quads` (auto, fast, pyshacl)."""
    from . import validate as v

    from .errors import InputError

    p = Path(path)
    if not p.exists():
        raise InputError("no such file", path=str(path))
    if p.is_dir():
        raise InputError("is a folder, not a file", path=str(path))
    if p.suffix.lower() in _BY_SUFFIX:
        return v.validate_file(p, engine=engine)
    return v.validate_record(extract(p, **kwargs), engine=engine)
