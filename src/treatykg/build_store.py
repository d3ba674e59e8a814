"""The build's store, in a process of its own.

A build never opens its Oxigraph store (``OUT/store``) in the process that runs it. RocksDB
keeps, for every table file of the store, its index and filter blocks in memory, and a store
of 20,000 documents has many; the queries that describe the collection at the end fill its
caches. All of that grows with the collection. So the store lives in a child process
(:class:`StoreProcess`), started at the beginning of the build and ended at its end, and the
build process stays as small at 20,000 documents as at 1,000.

The rules:

* The child is the only writer of the store and of the files that go with the graphs in it
  (``graphs/*.nq``, ``texts/*.txt``): a batch of document graphs is replaced in the store
  (``remove_graph`` each, then one ``bulk_load``) and only then are their files written, as
  before (see :class:`treatykg.build._GraphWriter`).
* Requests are answered in the order they were sent, but ``put``, which is never answered:
  each graph is put as the build gets it (the child keeps the batch, the build holds none),
  and ``load`` has the graphs put so far loaded. A thread of the child takes requests off
  the pipe as they come and queues them for the store, so the build goes on taking results
  from its workers while the store loads earlier batches. At most :data:`IN_FLIGHT` loads
  are on their way (the build waits for the oldest answer before sending one more): what
  waits is bounded. What waits behind a load when the store turns to it is loaded with it
  (a store that falls behind loads bigger batches, which costs it less). Every other
  request waits for its answer (and so for the loads before it), but one sent with
  ``start`` (the collection's description, made while the build writes its reports), whose
  answer ``wait`` takes; an error of a load is raised by the next request, once (the loads
  merged with it are not done either, and no file of theirs is written).
* The child ignores Ctrl-C (the build decides what to finish) and dies with its parent
  (``PR_SET_PDEATHSIG``). When it dies (killed, out of memory) the next request raises
  :class:`~treatykg.errors.OutputError` saying so; the manifest, written only after the graphs
  it names are loaded, still describes what the store holds.
* What the child reads of the manifest it reads from the database file, read-only, after the
  build committed it: nothing that grows with the collection is sent between the processes.
"""
from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Any

from .errors import OutputError

__all__ = ["StoreProcess"]

# Batch: graph IRI -> (stable name, N-Quads, the text its evidence points into or None)
Batch = dict[str, tuple[str, bytes, "bytes | None"]]

#: batches sent and not yet answered, at most: the store loads one while the next ones wait
#: (in the child's queue), and the build never waits on a batch that is being loaded.
IN_FLIGHT = 3

#: files of loaded batches waiting for the files thread, at most (two a document)
_FILES_WAITING = 2000


class StoreProcess:
    """The build side of the store process: one method per request (see the module docstring)."""

    def __init__(self, path: Path, out: Path, graphs_dir: Path, texts_dir: Path):
        import multiprocessing

        from .pool import _interrupts_ignored

        self.path = Path(path)
        ctx = multiprocessing.get_context("spawn")
        # one pipe each way: the child receives on one thread and answers on another
        requests, self._requests = ctx.Pipe(duplex=False)
        self._answers, answers = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_serve, name="treatykg-store",
                                 args=(requests, answers, str(path), str(graphs_dir), str(texts_dir),
                                       os.getpid()),
                                 daemon=True)
        with _interrupts_ignored():
            self._proc.start()
        requests.close()
        answers.close()
        self._in_flight = 0
        self._answer()  # the store opened, or why not

    # -- requests ----------------------------------------------------------------------------
    def put(self, graph: str, name: str, nq: bytes, text: bytes | None) -> None:
        """Add a graph to the batch the store process keeps (a graph of the same IRI already
        there is replaced); never waits, never answered."""
        self._send("put", graph, (name, nq, text))

    def load(self, batch: Batch | None = None) -> None:
        """Replace the graphs put so far (and ``batch``'s) in the store and write their files;
        waits only when :data:`IN_FLIGHT` batches are on their way (for the oldest)."""
        for graph, (name, nq, text) in (batch or {}).items():
            self.put(graph, name, nq, text)
        self._catch_up(IN_FLIGHT - 1)
        self._send("load")
        self._in_flight += 1

    def start(self, op: str, *args: Any) -> None:
        """Send request ``op`` without waiting for it: :meth:`wait` (or the next request) takes
        its answer and raises its error. For work whose answer is nothing (``describe``)."""
        self._send(op, *args)
        self._in_flight += 1

    def wait(self) -> None:
        """Wait until every request sent so far is done; raise the first error."""
        self._catch_up()

    def call(self, op: str, *args: Any) -> Any:
        """Run request ``op`` (a method of :class:`_Store`) and return its answer."""
        self._catch_up()
        self._send(op, *args)
        return self._answer()

    def close(self) -> None:
        """Finish what was sent, flush and close the store, end the process."""
        try:
            if self._proc.is_alive():
                self.call("close")
        finally:
            self._proc.join(timeout=30)
            if self._proc.is_alive():  # pragma: no cover - a store that does not close
                self._proc.kill()
                self._proc.join()
            self._requests.close()
            self._answers.close()

    # -- the pipes -----------------------------------------------------------------------------
    def _catch_up(self, keep: int = 0) -> None:
        """Take the answers of the requests not waited for (loads, :meth:`start`) until at most
        ``keep`` are on their way."""
        while self._in_flight > keep:
            self._in_flight -= 1
            self._answer()

    def _send(self, op: str, *args: Any) -> None:
        try:
            self._requests.send((op, args))
        except (OSError, EOFError):
            raise self._died() from None

    def _answer(self) -> Any:
        try:
            kind, value = self._answers.recv()
        except (OSError, EOFError):
            raise self._died() from None
        if kind == "ok":
            return value
        message, path, hint = value
        raise OutputError(message, path=path or str(self.path), hint=hint)

    def _died(self) -> OutputError:
        from .pool import _death

        self._proc.join(timeout=5)
        why = _death(self._proc.exitcode).replace("worker process", "store process")
        return OutputError(f"the build's store process ended: {why}", path=str(self.path),
                           hint="the store is rebuilt from graphs/ by the next build")


# ---------------------------------------------------------------- the child
def _serve(requests, answers, path: str, graphs_dir: str, texts_dir: str, parent: int) -> None:
    from .pool import worker_setup

    worker_setup(parent)
    try:
        store = _Store(path, Path(graphs_dir), Path(texts_dir))
    except Exception as exc:  # noqa: BLE001 - said to the build, which raises it
        answers.send(("error", _said(exc)))
        return
    answers.send(("ok", None))
    # Requests are taken off the pipe as they come (the store's work releases the GIL) and
    # wait here; the build sends at most IN_FLIGHT batches ahead, so this stays small.
    waiting: queue.Queue = queue.Queue()

    def receive() -> None:
        while True:
            try:
                waiting.put(requests.recv())
            except (EOFError, OSError):  # the build is gone
                waiting.put(None)
                return

    threading.Thread(target=receive, name="treatykg-store-requests", daemon=True).start()
    held: list[Any] = []  # a request taken off the queue too early, next in line
    batch: Batch = {}  # the graphs put since the last load
    while True:
        request = held.pop() if held else waiting.get()
        if request is None:
            break
        op, args = request
        if op == "put":  # not answered
            batch[args[0]] = args[1]
            continue
        count = 1
        if op == "load":  # what waits behind it is loaded with it (one bulk load is cheaper than several)
            count = _loads_waiting(batch, waiting, held)
            args, batch = (batch,), {}
        elif op == "drop":  # not loaded after it is dropped
            batch.pop(args[0], None)
        try:
            if op != "load":  # every other request sees the files of the batches before it written
                store.written()
            answer: tuple[str, Any] = ("ok", getattr(store, op)(*args))
        except Exception as exc:  # noqa: BLE001 - said to the build, which raises it
            answer = ("error", _said(exc))
        try:
            answers.send(answer)
            for _ in range(count - 1):  # one answer per request; an error is said once (the
                answers.send(("ok", None))  # batches loaded with the one that failed are not loaded)
        except (OSError, EOFError):
            break
        if op == "close":
            break


def _loads_waiting(batch: Batch, waiting: queue.Queue, held: list[Any]) -> int:
    """Add to ``batch`` the graphs put by the requests that wait right behind a load (a later
    graph replaces an earlier one, as in one batch), and return how many load requests that
    is, the first included; a request of another kind taken off ``waiting`` goes to ``held``,
    next in line."""
    count = 1
    while True:
        try:
            following = waiting.get_nowait()
        except queue.Empty:
            break
        if following is None or following[0] not in ("put", "load"):
            held.append(following)
            break
        if following[0] == "put":
            batch[following[1][0]] = following[1][1]
        else:
            count += 1
    return count


def _said(exc: BaseException) -> tuple[str, str | None, str | None]:
    """(message, path, hint) of an error of the store process, for an OutputError in the build."""
    from .errors import TreatyKGError

    if isinstance(exc, TreatyKGError):
        return exc.message, exc.path, exc.hint
    if isinstance(exc, OSError):
        return f"cannot write: {exc.strerror or exc}", exc.filename, None
    from .build_job import _one_line

    return f"the store failed: {type(exc).__name__}: {_one_line(str(exc))}", None, None


class _Store:
    """The child side: the store and the requests it answers."""

    def __init__(self, path: str, graphs_dir: Path, texts_dir: Path):
        import pyoxigraph as ox

        try:
            self.store = ox.Store(path)
        except (OSError, RuntimeError) as exc:
            raise OutputError(f"cannot open the store: {' '.join(str(exc).split())[:200]}", path=path,
                              hint="is another process using it?") from None
        self.graphs_dir, self.texts_dir = graphs_dir, texts_dir
        self._folders: set[Path] = set()  # folders known to exist (made once)
        # A batch's files are written by a thread of their own, after the batch is loaded, while
        # the store goes on to the next batch: creating a file can wait long on the file
        # system's journal (the store's own writes and syncs), and the loads need not wait with it.
        self._files: queue.Queue = queue.Queue(maxsize=_FILES_WAITING)
        self._write_error: BaseException | None = None
        threading.Thread(target=self._writer, name="treatykg-store-files", daemon=True).start()

    def written(self) -> None:
        """Wait until the files of every batch loaded so far are written; raise what failed."""
        self._files.join()
        if self._write_error is not None:
            exc, self._write_error = self._write_error, None
            raise exc

    def _writer(self) -> None:
        while True:
            path, data = self._files.get()
            try:
                if self._write_error is None:  # after a failure, nothing more: the build stops
                    if data is None:
                        path.unlink(missing_ok=True)
                    else:
                        self._write(path, data)
            except BaseException as exc:  # noqa: BLE001 - raised by the next request
                self._write_error = exc
            finally:
                self._files.task_done()

    def close(self) -> None:
        self.store.flush()
        del self.store

    def flush(self) -> None:
        self.store.flush()

    def clear(self) -> None:
        self.store.clear()

    def contains(self, graph: str) -> bool:
        import pyoxigraph as ox

        return self.store.contains_named_graph(ox.NamedNode(graph))

    def load_file(self, path: str) -> None:
        import pyoxigraph as ox

        self.store.load(path=path, format=ox.RdfFormat.N_QUADS)

    def drop(self, graph: str) -> None:
        """Remove a document's graphs (read, evidence, curated, metadata, report)."""
        import pyoxigraph as ox

        from .iris import document_graphs

        for g in document_graphs(graph):
            self.store.remove_graph(ox.NamedNode(g))

    def load(self, batch: Batch) -> None:
        """Replace the batch's graphs in the store, then have their files written (the files
        thread writes them; :meth:`written` waits for them)."""
        import pyoxigraph as ox

        from .iris import document_graphs

        together: list[bytes] = []
        for graph, (_, nq, _) in batch.items():
            for g in document_graphs(graph):
                node = ox.NamedNode(g)
                if self.store.contains_named_graph(node):  # a read: a removal is a write, even of nothing
                    self.store.remove_graph(node)
            if _has_blank_nodes(nq):  # one blank node label in two documents would be one node
                self.store.load(nq, format=ox.RdfFormat.N_QUADS)
            else:
                together.append(nq)
        if together:
            self.store.bulk_load(b"".join(together), format=ox.RdfFormat.N_QUADS)
        if self._write_error is not None:  # a file of an earlier batch could not be written
            self.written()
        for name, nq, text in batch.values():
            # written in this order by the files thread, durable together before the manifest
            # that vouches for them (the build syncs); the text before the graph file, which is
            # what vouches for the document
            self._files.put((self.texts_dir / f"{name}.txt", text))
            self._files.put((self.graphs_dir / f"{name}.nq", nq))

    def _write(self, path: Path, data: bytes) -> None:
        """One file of a batch, replaced atomically as :func:`treatykg.output.write_atomic` does
        (whole under a temporary name, then renamed; made durable by the build's one sync), but
        lean: these are the store process's own files, two per document, and most of a batch's
        time went to the checks a user's output path needs. Mode ``0666 & ~umask``."""
        folder = path.parent
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        part = folder / f".{path.name}.part"  # the store process is the only writer here
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        os.replace(part, path)

    def remove_orphans(self, manifest_out: str, keep: list[str]) -> bool:
        """Remove every graph that neither ``keep`` names nor a document of the (committed)
        manifest owns; True when one was removed."""
        from .iris import document_graphs
        from .manifest import Manifest

        manifest = Manifest.reader(Path(manifest_out))
        changed = False
        try:
            kept = set(keep)
            for g in list(self.store.named_graphs()):
                doc = g.value.rsplit("/", 1)[0]
                if g.value in kept or (g.value in document_graphs(doc + "/graph") and manifest.holders(doc + "/graph")):
                    continue
                self.store.remove_graph(g)
                changed = True
        finally:
            manifest.close()
        return changed

    def collection_graph(self, path: str, graph_iri: str, data: bytes) -> bool:
        """Put a graph about the whole collection (N-Quads ``data``; empty: no graph) in the
        store and in ``path``, when it changed; True when it did."""
        import pyoxigraph as ox

        from .output import write_atomic

        file, graph = Path(path), ox.NamedNode(graph_iri)
        old = file.read_bytes() if file.is_file() else None
        has = self.store.contains_named_graph(graph)
        if (old or b"") == data and (not data or has):
            return False
        if has:
            self.store.remove_graph(graph)
        if data:
            file.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(file, data)
            self.store.load(data, format=ox.RdfFormat.N_QUADS)
        elif old is not None:
            file.unlink()
        return True

    def collection_graphs(self, out: str, base: str, renamed: dict[str, str]) -> bool:
        """The links between the collection's documents (graph/citations) and the IRIs that
        moved (graph/aliases, ``aliases.tsv``; ``renamed``: old -> new in this build), from the
        committed manifest; True when one changed."""
        from . import aliases
        from .citations import CITATIONS_NAME, citations_graph, links
        from .manifest import Manifest
        from .output import write_atomic
        from .rdf import serialize_quads

        def nq(quads: list) -> bytes:
            return serialize_quads(quads, "nq", base=base) if quads else b""

        manifest = Manifest.reader(Path(out))
        try:
            docs = sorted((e["document"], e["citation"]) for _, e in manifest.items()
                          if isinstance(e.get("citation"), dict) and isinstance(e.get("document"), str))
            changed = self.collection_graph(str(self.graphs_dir / f"{CITATIONS_NAME}.nq"), citations_graph(base),
                                            nq(list(links(docs, base))))
            del docs
            path = Path(out) / aliases.ALIASES_FILE
            table = aliases.update(aliases.load(path), renamed, (doc for _, doc, _ in manifest.names() if doc))
        finally:
            manifest.close()
        changed |= self.collection_graph(str(self.graphs_dir / f"{aliases.ALIASES_NAME}.nq"),
                                         aliases.aliases_graph(base), nq(aliases.quads(table, base)))
        if table or path.is_file():
            data = aliases.to_tsv(table)
            if not path.is_file() or path.read_bytes() != data:
                write_atomic(path, data)
        return changed

    def describe(self, out: str, base: str, settings: Any, wikidata: tuple[str, str],
                 dataset: tuple[str, str]) -> None:
        """The collection's links to Wikidata (``wikidata``: file, graph), then its VoID + DCAT
        description: ``void.ttl`` for people, and the same statements in the graph and file
        ``dataset`` (but the subset of each document graph, which grows with the collection)."""
        from datetime import datetime, timezone

        import pyoxigraph as ox

        from .dataset import description, partitions, wikidata_links
        from .manifest import Manifest
        from .output import write_atomic
        from .rdf import serialize_quads

        links = wikidata_links(self.store, base)
        self.collection_graph(wikidata[0], wikidata[1], serialize_quads(links, "nq", base=base) if links else b"")
        g = ox.NamedNode(dataset[1])
        now = datetime.now(timezone.utc)
        parts = partitions(self.store, base)  # queried once for both descriptions
        manifest = Manifest.reader(Path(out))
        try:
            write_atomic(Path(out) / "void.ttl", serialize_quads(
                description(self.store, manifest.documents(), base, settings, len(links), now, partitions=parts),
                "turtle", base=base, in_order=True))
            quads = [ox.Quad(q.subject, q.predicate, q.object, g) for q in
                     description(self.store, manifest.documents(), base, settings, len(links), now, subsets=False,
                                 partitions=parts)]
        finally:
            manifest.close()
        self.collection_graph(dataset[0], dataset[1], serialize_quads(quads, "nq", base=base) if quads else b"")


def _has_blank_nodes(nq: bytes) -> bool:
    """Whether N-Quads may hold a blank node (treatykg makes none; a literal may look like one)."""
    return nq.startswith(b"_:") or b" _:" in nq
