"""Build a whole collection: every treaty text of a folder into validated RDF and an embedded store.

:func:`build` reads every ``*.txt`` under ``src_dir`` (recursively) and writes to ``out_dir``:

``graphs/<stable-name>.nq``
    one file per input, its named graphs (the facts ``<{doc}/graph>``, the evidence
    ``<{doc}/evidence>``, and where there are any the curated, metadata and validation
    graphs) as sorted N-Quads. The stable name is the input's path relative to ``src_dir``
    without ``.txt`` (``sub/004_treaty.txt`` -> ``graphs/sub/004_treaty.nq``).
``texts/<stable-name>.txt``
    the document's text as UTF-8 (the original, decoded): the resource ``<{doc}/text>``
    whose spans ``<{doc}/text#char=START,END>`` the evidence points at. None with
    ``evidence="none"``.
``store/``
    an embedded, persistent Oxigraph store (``pyoxigraph.Store``) holding every graph.
``validation.json``
    the per-document SHACL validation summary.
``void.ttl``
    a VoID + DCAT description of the dataset: triples, documents, one ``void:subset``
    per graph, and the generation time (which is kept out of the document graphs, so
    that those stay byte-identical from build to build).
``aliases.tsv``
    the document IRIs that had to change (the text was edited), each with the IRI it moved
    to (:mod:`treatykg.aliases`); also in the graph ``{base}graph/aliases`` (``owl:sameAs``).
``manifest.sqlite``
    the build's own record (:mod:`treatykg.manifest`): for each input its SHA-256, the tool
    version, a fingerprint of the code, shapes and gazetteer, the options (``base``,
    ``strict``, ``evidence``) it was built with, its validation; on disk, committed at
    checkpoints (every 200 documents and 30 seconds, at most: each waits for the store and
    the disks), so that neither memory nor a checkpoint's cost grows with the collection; a
    killed build loses at most the work since the last one.
``manifest.json``
    the same entries exported for readers (the site, ``treatykg review``), at the end.
The annotated pages and the browsable site are a stage of their own (:func:`treatykg.site.build_site`,
``treatykg site OUT``), which reads what the build wrote.

Rules:

* **Parallel, each document under limits.** Documents are extracted, converted and
  validated (SHACL, one document at a time: :func:`treatykg.validate.validate_quads`) in
  spawned worker processes (:mod:`treatykg.pool`), one document per worker at a time. A
  document that takes longer than the time limit (300 s by default), or whose worker's
  memory passes the memory limit (the machine's memory shared by the workers and the main
  process), fails with the limit named; its worker is killed and replaced, and the build
  goes on. So does a worker that dies (killed, out of memory): it fails the one document it
  held. Workers die with the main process (kill -9 included) and leave Ctrl-C to it. The
  main process hands graphs on to the store and writes the reports, so no collection-wide
  graph is ever held in memory.
* **Incremental.** An input whose SHA-256, tool version, fingerprint and options match
  its manifest entry, and whose output file and store graph exist, is not redone: a
  second build with nothing changed converts nothing and rewrites nothing. Graphs of
  inputs that were deleted are removed from the store and ``graphs/``. ``force=True``
  redoes everything.
* **Failures are not fatal.** A document that cannot be read, extracted or mapped, or
  that runs past a limit, is reported with a one-line reason and skipped (its previous
  output, if any, is removed); one whose RDF has SHACL *violations* is kept with its
  report in its validation graph (``strict=True`` fails it instead). Failed inputs are
  retried on every build. The caller decides what a failure means (the CLI exits 8,
  ``PartialFailure``).
* **Two inputs, one document.** When two inputs give the same document IRI (the same
  text exported twice, whatever the encoding or spacing), the one whose relative path
  sorts first owns the graph; the other fails with "same document as …".
* **Crash-safe.** Every file is written atomically (:func:`treatykg.output.write_atomic`).
  Graphs go to the store in batches (up to 250 documents or 32 MiB, and at most half the
  documents still to come, so the last batches are small): each graph of the
  batch is removed (``remove_graph``), the batch is loaded with one ``bulk_load``, and only
  then are the batch's text and ``.nq`` files written (by the store process, while the
  build goes on with the workers). The manifest's changes are committed *after* the
  outputs they describe are loaded and synced to disk (every 200 documents and 30 seconds
  at most, and at the end), and an entry vouches for a graph only when its ``.nq`` file is
  there with the size it records. A build killed at any point (Ctrl-C, SIGKILL) leaves the previous version or
  the new version of each file, never half of one; the next build redoes whatever the
  manifest does not vouch for (a graph half loaded by a killed ``bulk_load`` included),
  re-loads a graph missing from the store, and deletes stray temporary files.
* **Memory that does not grow with the collection.** The store is opened only by a child
  process (:mod:`treatykg.build_store`), which loads the graphs, removes what no entry
  vouches for and writes the collection's description; RocksDB's memory, which grows with
  the store, ends with it. The main process sends each graph on to the store process as
  it comes (which keeps the batch); the inputs, their checksums and their results are rows
  of a private temporary database (:class:`~treatykg.build_report.BuildTable`, which the
  report reads from), and the manifest, the validation details and the reports stay on
  disk and are written streamed: nothing held in memory is one per input.
* **One writer.** The build holds ``OUT/.treatykg.lock`` exclusively (see
  :mod:`treatykg.store`), and refuses to start while a server, a query or the site stage
  holds it.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .aliases import ALIASES_NAME, aliases_graph
from .dataset import DATASET_NAME, WIKIDATA_NAME, Settings, dataset_graph, wikidata_graph
from .citations import CITATIONS_NAME, citations_graph
from .build_inputs import Curation, curation_key, scan, sha256_file, stable_name
from .build_job import Converted, _one_line, convert_document, curate
from .build_report import BuildEvent, BuildReport, DocumentResult
from .errors import InputError, OutputError
from .namespaces import DEFAULT_BASE
from .ingest import DEFAULT_MAX_BYTES
from .manifest import MANIFEST_FORMAT, Manifest
from .output import write_atomic
from .version import code_fingerprint, tool_version
from . import pool
from .pool import default_memory_limit

__all__ = ["build", "BuildReport", "BuildEvent", "DocumentResult", "MANIFEST_FORMAT",
           "code_fingerprint", "stable_name", "convert_document", "Converted", "Curation", "curate"]

MANIFEST = "manifest.json"  # the export for readers; the build's own state is manifest.sqlite
REVIEW = "review.tsv"
SETTINGS = ".dataset-settings.json"  # the dataset settings void.ttl was last written with
GRAPHS = "graphs"
TEXTS = "texts"
_CHECKPOINT_EVERY = 200      # documents between manifest checkpoints (a commit: its cost does not grow) ...
_CHECKPOINT_SECONDS = 30.0   # ... and seconds: a checkpoint waits for the store and the disks, the workers idle
                             # (~0.6 s on 2 CPUs: every 10 s cost ~6 % of a build, every 30 s ~2 %; a killed
                             # build loses at most the work of the last 30 s)
_BATCH_DOCS = 250            # graphs loaded into the store together, at most ...
_BATCH_BYTES = 32 << 20      # ... and their N-Quads bytes: what the store process keeps waiting is bounded
                             # (250 / 32 MiB: a 2,000-document build ~7 % faster than 100 / 16)
_LAST_BATCH_DOCS = 10        # ... but a batch is at most half the documents still to come, and at least this:
                             # the last batches are small, so the store is done soon after the workers
                             # (a whole last batch kept the build waiting ~0.6 s at its end, one CPU idle)
DEFAULT_TIME_LIMIT = 300.0   # seconds one document may take in a worker (extract, convert, validate)


@dataclass(frozen=True)
class _Limits:
    """How a build runs its documents: worker processes, and what one document may take."""

    workers: int
    seconds: float | None
    memory: int | None
    max_bytes: int


# ---------------------------------------------------------------- helpers
# ---------------------------------------------------------------- the build
def build(src_dir: str | Path | Sequence[str | Path], out_dir: str | Path, *, workers: int | None = None,
          base: str | None = None, progress: Callable[[BuildEvent], None] | None = None,
          force: bool = False, corrections: str | Path | None = None, metadata: str | Path | None = None,
          strict: bool = False, time_limit: float | None = DEFAULT_TIME_LIMIT,
          memory_limit: int | None = 0, max_bytes: int = DEFAULT_MAX_BYTES,
          evidence: str = "compact", dataset: str | Path | None = None) -> BuildReport:
    """Build the collection of ``src_dir`` (a folder, or several) into ``out_dir`` (see the module
    docstring).

    ``corrections`` is a corrections file (:mod:`treatykg.corrections`), ``metadata`` a table of
    the database's metadata (:mod:`treatykg.metadata`). A document that does not conform is kept
    with its validation report, unless ``strict``. ``evidence`` is how much evidence the graphs
    carry (:data:`treatykg.rdf.EVIDENCE_MODES`); unless ``"none"``, each document's text is
    published as ``texts/<name>.txt``, the resource its evidence points into. ``dataset`` is a
    TOML file of what the publisher says about the collection (:class:`treatykg.dataset.Settings`:
    title, licence, publisher, endpoint, download URL) for ``void.ttl``.

    Each document runs in a worker process (``workers``, default the number of CPUs) and fails,
    with the limit named, when it takes longer than ``time_limit`` seconds or its worker more
    than ``memory_limit`` bytes of memory (``0``: the machine's memory shared by the workers and
    this process, :func:`treatykg.pool.default_memory_limit`; ``None``: no limit), or when its
    file is larger than ``max_bytes``.

    Raises :class:`InputError` (no such folder, a bad corrections or metadata file),
    :class:`OutputError` (output not writable, store in use) or :class:`~treatykg.errors.RDFError`
    (invalid base). Document failures do not raise: they are in ``report.failed``.
    """
    from . import rdf
    from .build_store import StoreProcess
    from .store import STORE_DIR, locked

    base = base or DEFAULT_BASE
    rdf._check_base(base)
    if evidence not in rdf.EVIDENCE_MODES:
        raise ValueError(f"unknown evidence mode {evidence!r} (expected one of {', '.join(rdf.EVIDENCE_MODES)})")
    srcs = [Path(p) for p in ([src_dir] if isinstance(src_dir, (str, Path)) else list(src_dir))]
    if not srcs:
        raise InputError("no source folder given", path=str(out_dir))
    for src in srcs:
        if not src.is_dir():
            raise InputError("no such folder" if not src.exists() else "is not a folder", path=str(src))
    curation = Curation.load(corrections, metadata)
    settings = Settings.load(dataset)
    out = Path(out_dir)
    for src in srcs:
        if out.resolve() == src.resolve() or out.resolve() in src.resolve().parents:
            raise InputError("the source folder is the output folder or inside it, where the build reads "
                             "nothing; give --out another folder", path=str(src))
    n = workers or os.cpu_count() or 1
    limits = _Limits(n, time_limit, default_memory_limit(n) if memory_limit == 0 else memory_limit, max_bytes)
    try:
        (out / GRAPHS).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror or exc}", path=str(out)) from None
    emit = progress or (lambda event: None)

    with locked(out, exclusive=True):
        _remove_stray_temporaries(out)
        store = StoreProcess(out / STORE_DIR, out, out / GRAPHS, out / TEXTS)
        try:
            report, finished = _Builder(srcs, out, store, limits=limits, base=base, emit=emit, force=force,
                                        curation=curation, strict=strict, evidence=evidence,
                                        settings=settings).run()
        finally:
            store.close()  # before our lock is released: RocksDB's own lock goes with the process
        emit(finished)
        return report


def _remove_stray_temporaries(out: Path) -> None:
    """Temporary files of a killed build (``.name.XXXX.part``): never valid output."""
    for folder, pattern in ((out, ".*.part"), (out / GRAPHS, "**/.*.part"), (out / TEXTS, "**/.*.part")):
        for p in folder.glob(pattern):
            try:
                p.unlink()
            except OSError:
                pass


def _valid_entry(e: Any) -> bool:
    return (isinstance(e, dict) and all(isinstance(e.get(k), str) and e.get(k) for k in
                                        ("sha256", "name", "document", "graph"))
            and ".." not in e["name"].split("/") and not e["name"].startswith("/"))


class _GraphWriter:
    """Document graphs on their way to the store and to ``graphs/``, a batch at a time.

    :meth:`put` sends a graph's N-Quads (and its text) to the store process
    (:mod:`treatykg.build_store`) as it comes, without waiting: the store process keeps the
    batch, so the build holds none. When the batch is full (documents or bytes), the store
    process replaces the batch's graphs in the store (``remove_graph`` each, then one
    ``bulk_load`` of the batch: several times faster than a ``load`` transaction per document)
    and only then writes their ``.nq`` files. ``bulk_load`` is not atomic, but a graph it left
    half-loaded has no ``.nq`` file of its size yet, so no manifest entry vouches for it: the
    next build redoes the document. Flush before writing the manifest. A batch is loaded
    while the build goes on handing documents to the workers and taking their results; an
    error it met (a full disk) is raised by the next call.
    """

    def __init__(self, store, *, max_docs: int, max_bytes: int):
        self.store = store
        self.max_docs, self.max_bytes = max_docs, max_bytes
        self.docs = self.size = 0  # of the batch being sent

    def put(self, graph: str, name: str, nq: bytes, text: bytes | None = None) -> None:
        self.store.put(graph, name, nq, text)  # a later graph of the same IRI replaces it in the batch
        self.docs += 1
        self.size += len(nq) + len(text or b"")
        if self.docs >= self.max_docs or self.size >= self.max_bytes:
            self._hand_over()

    def drop(self, graph: str) -> None:
        """Remove ``graph`` from the store, and from the batch if it is waiting there."""
        self.store.call("drop", graph)

    def flush(self) -> None:
        """Load and write everything put so far, and flush the store; return when it is done."""
        self._hand_over()
        self.store.call("flush")

    def _hand_over(self) -> None:
        if self.docs:
            self.docs = self.size = 0
            self.store.load()


def batch_size(to_come: int) -> int:
    """The documents of a batch for the store when ``to_come`` documents are still to come:
    :data:`_BATCH_DOCS`, but at most half of them (and at least :data:`_LAST_BATCH_DOCS`)."""
    return max(_LAST_BATCH_DOCS, min(_BATCH_DOCS, to_come // 2))


def _files(folder: Path, suffix: str, prefix: str = "") -> Iterator[tuple[str, Path]]:
    """(name below ``folder`` without ``suffix``, path) of every file ending in ``suffix``, in
    sub-folders too: read as the directory is read (``os.scandir``), never listed whole, so a
    folder of 20,000 files costs no memory."""
    try:
        entries = os.scandir(folder)
    except OSError:
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path), suffix, f"{prefix}{entry.name}/")
            elif entry.name.endswith(suffix) and entry.is_file():
                yield f"{prefix}{entry.name[: -len(suffix)]}", Path(entry.path)


def _sync() -> None:
    """Make every file written so far durable (one ``sync`` instead of an fsync per file)."""
    if hasattr(os, "sync"):
        os.sync()


class _Builder:
    """One build under the lock, a method per phase: :meth:`run` calls them in order."""

    def __init__(self, srcs: list[Path], out: Path, store, *, limits: _Limits, base: str,
                 emit: Callable[[BuildEvent], None], force: bool, curation: Curation, strict: bool,
                 evidence: str, settings: Settings):
        self.srcs, self.out, self.store, self.limits, self.base, self.emit = srcs, out, store, limits, base, emit
        self.force, self.curation, self.strict, self.evidence, self.settings = force, curation, strict, evidence, settings
        self.version, self.fingerprint = tool_version(), code_fingerprint()
        self.options = {"base": base, "strict": strict, "evidence": evidence}
        self.report = BuildReport(out_dir=out)
        self.table = self.report.table  # every input and its result: on disk, not in memory
        self.renamed: dict[str, str] = {}  # document IRIs that changed in this build: old -> new
        self.curations: dict[str, dict[str, Any]] = {}  # of the (few) inputs that have any
        self.total = 0  # inputs to convert (counted by plan)
        self.changed = False
        self.done = 0
        self.graphs_dir = out / GRAPHS

    def nq_path(self, name: str) -> Path:
        return self.graphs_dir / f"{name}.nq"

    def text_path(self, name: str) -> Path:
        return self.out / TEXTS / f"{name}.txt"

    def run(self) -> tuple[BuildReport, BuildEvent]:
        self.report.skipped = scan(self.srcs, self.out, self.table)
        self.input_count = self.table.input_count()
        if self.force:  # from scratch: nothing of the previous build is trusted
            self.store.call("clear")
            for folder, pattern in ((self.graphs_dir, "*.nq"), (self.out / TEXTS, "*.txt")):
                for p in folder.rglob(pattern):
                    p.unlink()
        self.manifest = Manifest(self.out, fresh=self.force)
        self.writer = _GraphWriter(self.store, max_docs=_BATCH_DOCS, max_bytes=_BATCH_BYTES)
        try:
            self.remove_deleted()
            self.plan()
            self.emit(BuildEvent("start", total=self.total, inputs=self.input_count))
            self.convert()
            self.remove_orphans()
            self.write_collection_graphs()
            self.write_reports()
        finally:
            self.manifest.close()
        return self.report, BuildEvent("finish", total=self.total, completed=self.done, inputs=self.input_count)

    # -- before converting ------------------------------------------------------------------
    def drop_output(self, entry: dict[str, Any], keep_graph: str | None = None) -> None:
        """Remove a (no longer held) entry's graph, unless another input now owns it, and its files."""
        g = entry.get("graph")
        if g and g != keep_graph and not self.manifest.holders(g):
            self.writer.drop(g)
        try:
            self.nq_path(entry["name"]).unlink(missing_ok=True)
            self.text_path(entry["name"]).unlink(missing_ok=True)
        except (OSError, KeyError):
            pass

    def remove_deleted(self) -> None:
        """The outputs of inputs that are gone."""
        for rel in [r for r in self.manifest.rels() if not self.table.has_input(r)]:
            entry = self.manifest.pop(rel)
            self.changed = True
            if not _valid_entry(entry):
                continue  # its graph, if any, goes with the orphans
            self.drop_output(entry)
            self.table.set_result(DocumentResult(path=rel, status="removed", name=entry.get("name"),
                                                 document=entry.get("document"), graph=entry.get("graph")))
        self.manifest.keep_validations(self.table.has_input)

    def plan(self) -> None:
        """What is unchanged (kept, its graph re-loaded if the store lost it), what must be done."""
        for rel, path in self.table.inputs():
            try:
                sha256 = sha256_file(path)
            except OSError as exc:
                self.table.set_result(DocumentResult(path=rel, status="failed",
                                                     reason=_one_line(f"cannot read: {exc.strerror or exc}")))
                continue
            cur = self.curation.for_document(rel, sha256)
            if cur:  # most inputs have none: nothing is kept for them
                self.curations[rel] = cur
            e = self.manifest.get(rel)
            if e is not None and not _valid_entry(e):
                self.manifest.pop(rel)  # a damaged manifest entry: redo the input
                e = None
            if e is None or not self.is_current(rel, e, sha256):
                self.table.set_todo(rel, sha256)
                continue
            if not self.store.call("contains", e["graph"]):
                self.store.call("load_file", str(self.nq_path(e["name"])))  # repair
                self.report.repaired += 1
                self.changed = True
            v = e.get("validation") or {}
            self.table.set_result(DocumentResult(
                path=rel, status="unchanged", name=e["name"], document=e["document"], graph=e["graph"],
                triples=e.get("triples", 0), conforms=v.get("conforms", True), violations=v.get("violations", 0),
                warnings=v.get("warnings", 0), reason=v.get("reason")))
        self.total = self.table.todo_count()
        self.changed = self.changed or bool(self.total)

    def is_current(self, rel: str, e: dict[str, Any], sha256: str) -> bool:
        nq = self.nq_path(e["name"])
        return (e["sha256"] == sha256 and e.get("tool_version") == self.version
                and e.get("fingerprint") == self.fingerprint and e.get("options") == self.options
                and e.get("curation_key") == curation_key(self.curations.get(rel, {}))
                and nq.is_file() and nq.stat().st_size == e.get("nq_size")
                and (self.evidence == "none" or self.text_path(e["name"]).is_file()))

    # -- converting -------------------------------------------------------------------------
    def convert(self) -> None:
        """The documents to do, in worker processes; each result handled here as it comes."""
        self.every = _CHECKPOINT_EVERY  # documents between commits of the manifest, at least
        self.since_checkpoint = 0
        self.last_checkpoint = time.monotonic()
        self.writer.max_docs = batch_size(self.total)
        try:
            if self.total:
                jobs = ((rel, (path, rel, self.base, self.curations.get(rel), self.strict,
                               self.limits.max_bytes, self.evidence)) for rel, path in self.table.todo())
                pool.run(convert_document, jobs, self.handle, workers=min(self.limits.workers, self.total),
                         limits=pool.Limits(self.limits.seconds, self.limits.memory),
                         limit_names=("the time limit per document, --time-limit",
                                      "the memory limit per document, --memory-limit"))
            self.checkpoint()
        except BaseException:
            # Ctrl-C or an output error: keep what is done (every file written so far is whole;
            # the manifest only once the graphs it names are in the store).
            try:
                self.checkpoint()
            except Exception:
                pass
            raise

    def checkpoint(self) -> None:
        self.writer.flush()
        _sync()  # the files written since the last checkpoint, durable before the manifest names them
        self.manifest.commit()

    def handle(self, rel: str, res: Converted | pool.Failed) -> None:
        if isinstance(res, pool.Failed):
            res = Converted(ok=False, reason=_one_line(res.reason))
        r = self.finish(rel, res)
        self.done += 1
        self.writer.max_docs = batch_size(self.total - self.done)
        self.since_checkpoint += 1
        self.emit(BuildEvent("document", total=self.total, completed=self.done, inputs=self.input_count,
                             path=rel, status=r.status, reason=r.reason))
        if self.since_checkpoint >= self.every and time.monotonic() - self.last_checkpoint >= _CHECKPOINT_SECONDS:
            self.checkpoint()
            self.since_checkpoint = 0
            self.last_checkpoint = time.monotonic()

    def fail(self, rel: str, reason: str, validation: dict[str, Any] | None,
             document: str | None = None) -> DocumentResult:
        old = self.manifest.pop(rel)
        if old is not None:
            self.drop_output(old)
        v = validation or {}
        self.manifest.set_validation(rel, {**v, "reason": reason})
        return self.table.set_result(DocumentResult(
            path=rel, status="failed", reason=reason, document=document, conforms=v.get("conforms"),
            violations=v.get("violations", 0), warnings=v.get("warnings", 0)))

    def finish(self, rel: str, res: Converted) -> DocumentResult:
        """One finished conversion: its entry, its graph to the writer; or its failure."""
        self.report.converted += 1
        if not res.ok:
            return self.fail(rel, res.reason, res.validation, res.document)
        graph = res.graph
        others = [o for o in self.manifest.holders(graph) if o != rel and self.table.has_input(o)]
        owner = others[0] if others else None
        if owner is not None and owner < rel:
            return self.fail(rel, f"same document as {owner} ({res.document})", res.validation, res.document)
        if owner is not None:  # rel sorts first: it takes the graph over
            self.fail(owner, f"same document as {rel} ({res.document})", self.manifest.validation(owner),
                      res.document)
        name = stable_name(rel)
        if name.startswith("_collection/"):
            return self.fail(rel, "its graph file would be one of the collection's (graphs/_collection/): rename "
                                  "the text or its folder", res.validation, res.document)
        old = self.manifest.get(rel)
        if old is not None and old.get("graph") != graph:
            self.manifest.pop(rel)
            self.drop_output(old, keep_graph=graph)
            if isinstance(old.get("document"), str):
                self.renamed[old["document"]] = res.document  # the old IRI stays, as an alias
        v, cur = res.validation, self.curations.get(rel) or {}
        self.manifest.put(rel, {
            "sha256": self.table.sha256(rel), "tool_version": self.version, "fingerprint": self.fingerprint,
            "options": self.options, "name": name, "document": res.document, "graph": graph,
            "triples": res.triples, "nq_size": len(res.nq),
            "validation": {k: v.get(k) for k in ("conforms", "violations", "warnings", "reason")},
            "citation": res.citation, "curation": cur,
            **({"record": res.record} if res.record else {}),
            "curation_key": curation_key(cur), "stale": list(res.stale),
            "disagreements": list(res.disagreements)})
        self.writer.put(graph, name, res.nq, res.text)  # committed after the writer's flush
        self.manifest.set_validation(rel, {"reason": None, **v})
        return self.table.set_result(DocumentResult(
            path=rel, status="built", name=name, document=res.document, graph=graph, triples=res.triples,
            conforms=v["conforms"], violations=v["violations"], warnings=v["warnings"], reason=v.get("reason")))

    # -- after converting -------------------------------------------------------------------
    def remove_orphans(self) -> None:
        """Graphs and files no entry vouches for (left by a killed build, or by a rename)."""
        db = self.manifest.db
        collection = sorted(g(self.base) for g in (citations_graph, aliases_graph, dataset_graph, wikidata_graph))
        self.manifest.commit()  # the store process reads what is committed
        if self.store.call("remove_orphans", str(self.out), collection):
            self.changed = True
        own = {f"{n}" for n in (CITATIONS_NAME, ALIASES_NAME, DATASET_NAME, WIKIDATA_NAME)}
        for folder, suffix in ((self.graphs_dir, ".nq"), (self.out / TEXTS, ".txt")):
            orphans = []  # (few) collected first: the folder is not changed while it is read
            for name, p in _files(folder, suffix):
                if suffix == ".nq" and name in own:
                    continue
                if (suffix == ".txt" and self.evidence == "none") or not db.execute(
                        "SELECT 1 FROM documents WHERE name = ?", (name,)).fetchone():
                    orphans.append(p)
            for p in orphans:
                p.unlink()
                self.changed = True

    def write_collection_graphs(self) -> None:
        """The links between the collection's documents, and the IRIs that moved: made by the
        store process from the committed manifest (they need every document's keys at once)."""
        if self.store.call("collection_graphs", str(self.out), self.base, self.renamed):
            self.changed = True

    def write_reports(self) -> None:
        """validation.json, review.tsv, the dataset's description and manifest.json, when anything
        changed (or one is missing)."""
        out = self.out
        self.report.triples = self.manifest.triples()
        said = json.dumps(asdict(self.settings), sort_keys=True).encode("utf-8")  # what void.ttl was made from
        if not (self.changed or any(not (out / f).is_file() for f in ("void.ttl", "validation.json", MANIFEST,
                                                                        REVIEW, SETTINGS))
                or (out / SETTINGS).read_bytes() != said):
            return
        self.manifest.commit()  # the store process reads what is committed
        # the collection's links to Wikidata, then its VoID + DCAT description (treatykg.dataset),
        # made by the store process while this one writes the reports
        self.store.start("describe", str(out), self.base, self.settings,
                         (str(self.nq_path(WIKIDATA_NAME)), wikidata_graph(self.base)),
                         (str(self.nq_path(DATASET_NAME)), dataset_graph(self.base)))
        write_atomic(out / "validation.json", self.validation_json())
        write_atomic(out / REVIEW, self.review_tsv())
        self.store.wait()
        write_atomic(out / SETTINGS, said)
        _sync()
        self.manifest.commit()
        write_atomic(out / MANIFEST, self.manifest.export_json())

    def _validation_of(self, rel: str) -> dict[str, Any]:
        v = self.manifest.validation(rel)
        if v is None:
            e = self.manifest.get(rel) or {}
            v = {**(e.get("validation") or {}), "reason": None}
        return v

    def validation_json(self) -> Iterator[bytes]:
        """``validation.json``: the totals, then one input per line (streamed)."""
        failed = violations = warnings = count = 0
        for rel, r in self.table.with_inputs():
            v = self._validation_of(rel)
            failed += (r is not None and r.status == "failed") or (r is not None and r.conforms is False)
            violations += v.get("violations", 0) or 0
            warnings += v.get("warnings", 0) or 0
            count += 1
        head = json.dumps({"documents": count, "failed": failed, "conforms": failed == 0,
                           "violations": violations, "warnings": warnings}, ensure_ascii=False)
        yield (head[:-1] + ', "results": [\n').encode("utf-8")
        for i, (rel, r) in enumerate(self.table.with_inputs()):
            v = self._validation_of(rel)
            status = "failed" if r and r.status == "failed" else ("kept" if r and r.conforms is False else "ok")
            d = {"path": rel, "status": status,
                 "document": r.document if r else None, "reason": v.get("reason") or (r.reason if r else None),
                 "conforms": v.get("conforms"), "violations": v.get("violations", 0),
                 "warnings": v.get("warnings", 0), "results": v.get("results", []),
                 "extraction_warnings": v.get("extraction_warnings", [])}
            yield ((",\n" if i else "") + json.dumps(d, ensure_ascii=False)).encode("utf-8")
        yield b"\n]}\n"

    def review_tsv(self) -> Iterator[bytes]:
        """``review.tsv``: one row per thing a curator should look at (treatykg.reports.review_rows)."""
        from .reports import REVIEW_HEADER, review_rows

        yield (REVIEW_HEADER + "\n").encode("utf-8")
        for rel, r in self.table.with_inputs():
            v = dict(self._validation_of(rel))
            v["status"] = r.status if r else None
            v["document"] = r.document if r else None
            for row in review_rows(rel, self.manifest.get(rel) or {}, v):
                yield (row.tsv() + "\n").encode("utf-8")
