"""The library's front door: one function per command.

Every ``treatykg`` command calls the function of this module named in :data:`COMMANDS` (the
README's table "Commands and their library functions"; a test checks both). The functions
for the collection commands hand their options to the module that does the work, named in
each docstring, and return its result object.

>>> from treatykg.api import extract, convert
>>> record = extract("tests/corpus/1958-02-19_cn-kp_joint-statement.txt")
>>> record.signed_date, [s.name for s in record.signatories]
('1958-02-19', ['周恩来', '金日成'])
>>> len(convert(record, "nq").splitlines()) > 100
True
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from .errors import ExtractionError, StrictModeError
from .extract import extract_file, holds_no_treaty
from .ingest import DEFAULT_MAX_BYTES
from .model import Record

#: command (as typed) -> the function of this module it calls.
COMMANDS = {
    "extract": "extract", "convert": "convert", "validate": "validate", "build": "build",
    "site": "site", "view": "view", "docs": "docs", "review": "review", "query": "query",
    "serve": "serve", "push": "push", "publish-config": "publish_config",
    "wikidata reconcile": "reconcile", "wikidata export": "quickstatements",
}

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


def build(sources, out: str | Path, **options):
    """Build the collection of the folders ``sources`` into ``out``: graphs, store, site data,
    manifest (:func:`treatykg.build.build`, whose keyword options these are); a
    :class:`treatykg.build.BuildReport`."""
    from .build import build as run

    return run(sources, out, **options)


def site(out: str | Path, **options) -> Path:
    """Write the browsable site of build ``out`` to ``out/site`` and return its index
    (:func:`treatykg.site.build_site`)."""
    from .site import build_site

    return build_site(Path(out), **options)


def view(path: str | Path, output: str | Path, **options) -> list[str]:
    """Write the annotated page of one text ``path`` to ``output``; the record's warnings
    (:func:`treatykg.view.view_file`)."""
    from .view import view_file

    return view_file(path, output, **options)


def docs(out: str | Path) -> list[Path]:
    """Write the ontology's and the shapes' documentation pages into ``out``
    (:func:`treatykg.docs.write_docs`)."""
    from .docs import write_docs

    return write_docs(out)


def review(out: str | Path):
    """What a curator should look at in build ``out`` (:func:`treatykg.review.review`)."""
    from .review import review as run

    return run(out)


def query(text: str, *, store: str | Path | None = None, endpoint_url: str | None = None, **options):
    """Run the SPARQL ``text`` on the embedded store of build ``store``
    (:func:`treatykg.sparql.query_store`) or on the query endpoint ``endpoint_url``
    (:func:`treatykg.sparql.query_endpoint`); a :class:`treatykg.sparql.QueryResult`."""
    from . import sparql

    if (store is None) == (endpoint_url is None):
        raise ValueError("give exactly one of store and endpoint_url")
    if store is not None:
        return sparql.query_store(store, text, **options)
    return sparql.query_endpoint(endpoint_url, text, **options)  # type: ignore[arg-type]


def serve(out: str | Path, **options):
    """Start the SPARQL endpoint, query page and site over build ``out``; returns the running
    :class:`treatykg.serve.Server` once it answers (:func:`treatykg.serve.start`)."""
    from .serve import start

    return start(out, **options)


def push(path: str | Path, endpoint: str, **options):
    """Replace each named graph under ``path`` in the store at ``endpoint`` and read it back
    (:func:`treatykg.publish.push`)."""
    from .publish import push as run

    return run(path, endpoint, **options)


def publish_config(out: str | Path, base_url: str | None, **options):
    """Write the w3id.org rules and PUBLISH.md for build ``out``
    (:func:`treatykg.publish_config.write_config`); with ``base_url`` None, the build's own
    ``download`` setting for the static target; ValueError when there is none."""
    from .publish_config import dataset_settings, write_config

    if base_url is None and options.get("target", "static") == "static":
        base_url = dataset_settings(out).get("download")
    if not base_url:
        raise ValueError("give --base-url (the build has no `download` setting to use instead)")
    return write_config(out, base_url, **options)


def reconcile(records, client, **options):
    """Link the entities of ``records`` to Wikidata through ``client``
    (:func:`treatykg.wikidata.reconcile`)."""
    from .wikidata import reconcile as run

    return run(records, client, **options)


def quickstatements(records, **options):
    """QuickStatements commands creating one Wikidata item per record, for review
    (:func:`treatykg.wikidata.quickstatements`)."""
    from .wikidata import quickstatements as run

    return run(records, **options)
