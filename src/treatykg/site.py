"""A static site for a collection build: ``OUT/site/``.

:func:`build_site` reads the build folder ``OUT`` (``treatykg build DIR --out OUT``) and
writes:

``index.html``
    the documents in a table (date, type, title, parties, place) sortable by clicking a
    column header (the headers are buttons: keyboard usable), the two pictures, and the
    lists of states and persons.
``doc/<name>.html``
    one page per document: the annotated text of :func:`treatykg.view.render_document`
    when the original text is at hand (the ``texts`` mapping or ``src_dir``) and its SHA-256
    is the one the graph records; otherwise a page listing the facts of the graph with their
    quotes and offsets, without the text.
``person/<name>.html``, ``state/<name>.html``
    who signed or took part in talks, for which side, in which document, with the office
    printed beside the name at the document's date (``tkg:officeTitle`` of each
    ``tkg:Signature`` / ``tkg:Participation``): offices are held by date, not forever.
    A party (``eli:passed_by``, e.g. 中华人民共和国政府) belongs to the gazetteer state whose
    name begins it at the document's date; a party no state name begins has its own page.
``timeline.svg``, ``partners.svg``
    documents per year by type, and the partner states (every state party but the PRC)
    by number of documents: bar charts written here, with a ``<title>`` tooltip per bar;
    also inlined in ``index.html``.

The work is shared by four modules: :mod:`treatykg.collection` reads the collection from the
store (:func:`load_collection`, :func:`load_annotations`), :mod:`treatykg.charts` draws the
pictures (:func:`timeline_svg`, :func:`partners_svg`), :mod:`treatykg.site_pages` renders the
pages from the templates ``templates/site/`` (:class:`~treatykg.site_pages.Pages`), and this
module decides which pages to write and writes them; those names are importable from here too.

Every link is relative, so the site works from the file system and over HTTP. Every file
is written atomically and only when its bytes change; pages of documents no longer in the
build are removed. An annotated document page is not even rendered again when nothing it
is made from changed: ``OUT/.site-pages.json`` keeps, per page, a SHA-256 of its inputs
(treatykg's code, templates, static files and gazetteer, the text's path and SHA-256, the
document IRI, the base, the page's links) and of the page written, and a page is skipped only
when both match.

Where the data comes from: ``OUT/store`` opened read-only under the shared lock of
:mod:`treatykg.store` (``build`` turns its own lock shared to call :func:`build_site`);
when the store is absent or a build holds it exclusively, ``OUT/graphs/*.nq`` loaded into
memory. What is held for the whole site is a summary per document (title, date, parties,
signatories); the evidence annotations a facts page lists are read one document graph at
a time, while the document pages are written. The lock is held until then; the build's
store itself is closed once the summary is read and opened again only if a page needs
annotations (:class:`_StoreForPages`).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from .charts import partners_svg, timeline_svg
from .collection import (DOC_TYPE_LABELS, Collection, Document, Person, Role, State, load_annotations,
                         load_collection)
from .collection import open_source as _open_source
from .errors import InputError, OutputError
from .site_pages import Pages
from .store import open_read_only, release_freed_memory
from .view import render_document

__all__ = ["build_site", "load_collection", "load_annotations", "Collection", "Document", "Person", "Role",
           "State", "timeline_svg", "partners_svg", "DOC_TYPE_LABELS", "PAGE_CACHE"]

SITE_DIR = "site"
#: In the build folder, beside ``site/`` (not in it: it is no page to publish): for each
#: annotated document page, a key of its inputs and the SHA-256 of the page.
PAGE_CACHE = ".site-pages.json"

#: Besides the modules, the package folders an annotated page is made from.
_PAGE_MATERIAL = ("templates", "static")


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """SHA-256 over every treatykg module, the templates and static files, the gazetteer and
    the Python and Unicode versions: what an annotated page depends on besides its text, its
    IRIs and its links."""
    import sys
    import unicodedata

    from .resources import resource_path

    h = hashlib.sha256(f"{sys.version_info[:2]} {unicodedata.unidata_version}\0".encode())
    pkg = Path(__file__).resolve().parent
    files = sorted(p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and (p.suffix == ".py" or p.relative_to(pkg).parts[0] in _PAGE_MATERIAL))
    for f in files + [resource_path("data", "gazetteer.tsv")]:
        name = f.relative_to(pkg).as_posix() if f.is_relative_to(pkg) else f.name
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


#: below this many pages to render, rendering in this process is faster than starting workers
_PARALLEL_PAGES = 64
#: documents whose pages are planned and rendered together (bounds the memory of the pages in flight)
_PAGES_AT_ONCE = 512


def _render_annotated(job: tuple) -> tuple[str | None, str | None]:
    """(annotated page, None), or (None, why not) — in a worker process or this one.
    ``job``: the text's path, the document IRI, the base, the links, the navigation, and the
    document's curation in the build (its metadata row and corrections: the page marks the
    facts they assert)."""
    from . import rdf
    from .view import read_record

    path, iri, base, links, nav = job[:5]
    curation = job[5] if len(job) > 5 else None
    try:
        record, text = read_record(Path(path))
        if curation:
            from .build import curate

            record, _, _ = curate(record, curation, Path(path).name)
        same = rdf.document_iri(record, base) == iri
    except Exception as exc:  # a text that no longer extracts: fall back to the facts
        return None, f"the text no longer extracts ({type(exc).__name__}) · 原文无法抽取"
    if not same:
        return None, "the text gives another document now · 原文现对应另一文件"
    return render_document(record, text, base=base, links=links, nav=nav), None


class _StoreForPages:
    """The store that the pages of documents without their text read annotations from.

    The build's store is closed as soon as the collection is read: RocksDB keeps the index
    and filter blocks of every table file a query has read in memory, which grows with the
    store (~160 MiB at 20,000 documents), and most pages are rendered from their texts
    without it. It is opened again, read-only under the lock :func:`build_site` holds,
    when the first page that needs it comes. A store in memory (``graphs/*.nq`` loaded)
    is kept as it is."""

    def __init__(self, out: Path, store=None):
        self.out, self._store = out, store

    def get(self):
        if self._store is None:
            self._store = open_read_only(self.out)
        return self._store


class _Site(Pages):
    """The site being written: which pages are current, which to render, where they go."""

    def __init__(self, out: Path, col: Collection, texts: dict[str, Path], store: _StoreForPages | None = None):
        super().__init__(out, col)
        self.root = out / SITE_DIR
        self.texts = texts
        self.curations = _curations_from(out)
        self.store = store  # for the annotations of facts pages; None: pages without them
        self.cache_path = out / PAGE_CACHE
        try:
            old = json.loads(self.cache_path.read_text(encoding="utf-8"))
            self.old_pages: dict[str, list[str]] = old if isinstance(old, dict) else {}
        except (OSError, ValueError):
            self.old_pages = {}
        self.pages: dict[str, list[str]] = {}  # what PAGE_CACHE will hold
        self.written: set[Path] = set()

    def save_page_cache(self) -> None:
        from .output import write_atomic

        if hasattr(os, "sync"):
            os.sync()  # the pages written so far, durable before the cache that names them
        data = json.dumps(self.pages, sort_keys=True, indent=0).encode("utf-8")
        try:
            if self.cache_path.read_bytes() == data:
                return
        except OSError:
            pass
        write_atomic(self.cache_path, data)

    def write(self, rel: str, text: str) -> Path:
        from .output import write_atomic

        path = self.root / rel
        data = text.encode("utf-8")
        self.written.add(path)
        try:
            if path.is_file() and path.read_bytes() == data:
                return path  # unchanged: not rewritten (a build with nothing new rewrites nothing)
        except OSError:
            pass
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder: {exc.strerror or exc}", path=str(path.parent)) from None
        # whole or absent (atomic), made durable together by save_page_cache's sync: a page the
        # cache records is checked against its SHA-256 before it is kept; the mode the umask
        # gives, as every file treatykg writes
        write_atomic(path, data, durable=False)
        self.written.add(path)
        return path

    # -- one document ----------------------------------------------------------------
    def document(self, d: Document) -> str:
        page_html, _ = self._document(d)
        assert page_html is not None
        return page_html

    def write_document(self, d: Document) -> None:
        """Write the page of ``d`` (see :meth:`write_documents`)."""
        self.write_documents([d])

    def write_documents(self, docs: list[Document], workers: int = 1) -> None:
        """Write the pages of ``docs``, in order. An annotated page whose inputs (see
        :meth:`_plan`) and file are those PAGE_CACHE records is left as it is, without
        extracting its text again; the others are rendered by ``workers`` processes when
        there are enough of them to pay for starting the processes (the pages are the
        same whichever process renders them). Planned, rendered and written
        :data:`_PAGES_AT_ONCE` documents at a time: memory does not grow with the
        collection."""
        pool = None
        try:
            for i in range(0, len(docs), _PAGES_AT_ONCE):
                plans = [(d, self._plan(d, self.old_pages.get(f"doc/{d.slug}.html")))
                         for d in docs[i:i + _PAGES_AT_ONCE]]
                jobs = [job for _, (kind, _key, job) in plans if kind == "render"]
                if pool is None and workers > 1 and len(jobs) >= _PARALLEL_PAGES:
                    from concurrent.futures import ProcessPoolExecutor
                    from multiprocessing import get_context

                    from .pool import worker_setup

                    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                                               initializer=worker_setup, initargs=(os.getpid(),))
                if pool is not None and len(jobs) > 1:
                    self._write_plans(plans, iter(pool.map(_render_annotated, jobs, chunksize=8)))
                else:
                    self._write_plans(plans, map(_render_annotated, jobs))
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _write_plans(self, plans, rendered) -> None:
        for d, (kind, key, job) in plans:
            rel = f"doc/{d.slug}.html"
            if kind == "cached":  # the page on disk is current
                self.written.add(self.root / rel)
                self.pages[rel] = self.old_pages[rel]
                continue
            if kind == "render":
                page_html, reason = next(rendered)
                if page_html is None:
                    self.write(rel, self.facts_page(d, reason))
                    continue
                self.write(rel, page_html)
                self.pages[rel] = [key, hashlib.sha256(page_html.encode("utf-8")).hexdigest()]
                continue
            self.write(rel, self.facts_page(d, job))

    def _document(self, d: Document, cached: list[str] | None = None) -> tuple[str | None, str | None]:
        """(page, key): see :meth:`_plan`; ``page`` is None when the page on disk is current."""
        kind, key, job = self._plan(d, cached)
        if kind == "cached":
            return None, key
        if kind == "render":
            page_html, reason = _render_annotated(job)
            if page_html is not None:
                return page_html, key
            job = reason
        return self.facts_page(d, job), None

    def _plan(self, d: Document, cached: list[str] | None) -> tuple[str, str | None, Any]:
        """What the page of ``d`` needs: ``("cached", key, None)``, ``("render", key, job)``
        (an annotated page: ``job`` for :func:`_render_annotated`) or ``("facts", None,
        reason)``. ``key`` is a SHA-256 of all an annotated page is made from (the code,
        the text's path and SHA-256, the document IRI, the base, the links); "cached"
        when ``cached`` (``[key, SHA-256 of the page]``) has that key and the page on disk
        has that SHA-256."""
        path = self.texts.get(d.graph) or self.texts.get(d.iri)
        if path is None:
            return "facts", None, "the original text was not given to the site generator · 未提供原文"
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            return "facts", None, f"the original text cannot be read ({exc.strerror or exc}) · 无法读取原文"
        sha = hashlib.sha256(data).hexdigest()
        if d.sha256 and sha != d.sha256:
            return "facts", None, "the text has changed since the build (SHA-256 differs) · 原文在构建后已改动"
        links = {iri: href for iri in self._iris_of(d) if (href := self.link(iri))}
        curation = self.curations.get(d.graph) or {}
        key = hashlib.sha256(json.dumps(
            [_code_fingerprint(), str(p), sha, d.iri, self.col.base, sorted(links.items()), curation],
            ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
        if (isinstance(cached, list) and len(cached) == 2 and cached[0] == key
                and _file_sha256(self.root / f"doc/{d.slug}.html") == cached[1]):
            return "cached", key, None
        return "render", key, (str(p), d.iri, self.col.base, links, str(self.nav()), curation)

    def _iris_of(self, d: Document) -> set[str]:
        roles = self.roles_of_doc.get(d.iri, [])
        out = {a for a, _ in d.parties} | {r.person for r in roles} | {r.agent for r in roles if r.agent}
        return out | set(self.state_by_iri)

    def annotations_of(self, d: Document) -> list[dict[str, Any]]:
        """The annotations of ``d``'s graph, their quotes from the text the build published
        (none when the site has no store to read them from)."""
        if self.store is None:
            return []
        published = _published_texts(self.out).get(d.graph)
        try:
            text = published.read_text(encoding="utf-8") if published is not None else None
        except (OSError, UnicodeDecodeError):
            text = None
        return load_annotations(self.store.get(), d.graph, text)


def _curations_from(out: Path) -> dict[str, dict[str, Any]]:
    """Graph IRI -> the document's curation in the build (its metadata row and corrections)."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {e["graph"]: e["curation"] for e in (manifest.get("documents") or {}).values()
                if isinstance(e, dict) and e.get("graph") and e.get("curation")}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _published_texts(out: Path) -> dict[str, Path]:
    """Graph IRI -> the text the build published with it (``OUT/texts/<name>.txt``, by the
    manifest): what the graph's evidence offsets count, whatever became of the source."""
    published: dict[str, Path] = {}
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        for entry in (manifest.get("documents") or {}).values():
            if isinstance(entry, dict) and isinstance(entry.get("graph"), str) and isinstance(entry.get("name"), str):
                path = out / "texts" / f"{entry['name']}.txt"
                if path.is_file():
                    published[entry["graph"]] = path
    except (OSError, ValueError, AttributeError):
        pass
    return published


def _texts_from(out: Path, src_dir: Path | None, col: Collection) -> dict[str, Path]:
    """Graph IRI -> original text: under ``src_dir`` by the build manifest (its keys are paths
    relative to the source folder), else by the source file name (``tkg:fileName``) anywhere
    under ``src_dir``; else the text the build published (:func:`_published_texts`)."""
    found: dict[str, Path] = {}
    if src_dir is not None:
        try:
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            for rel, entry in (manifest.get("documents") or {}).items():
                if isinstance(entry, dict) and entry.get("graph") and (src_dir / rel).is_file():
                    found[entry["graph"]] = src_dir / rel
        except (OSError, ValueError, AttributeError):
            pass
        missing = [d for d in col.documents.values() if d.graph not in found and d.file_name]
        if missing:
            by_name: dict[str, list[Path]] = defaultdict(list)
            for p in Path(src_dir).rglob("*.txt"):
                by_name[p.name].append(p)
            for d in missing:
                if len(by_name.get(d.file_name, [])) == 1:
                    found[d.graph] = by_name[d.file_name][0]
    return {**_published_texts(out), **found}


def build_site(out_dir: Path, *, texts: dict[str, Path] | None = None, src_dir: Path | None = None,
               base: str | None = None, workers: int | None = None) -> Path:
    """Write the static site of build folder ``out_dir`` into ``out_dir/site`` and return
    the path of its ``index.html``.

    ``texts`` maps a graph or document IRI to its original text file; ``src_dir`` (the
    folder the collection was built from) finds the others through the build manifest or
    the source file name. Documents without a text get a page listing their facts.
    Also writes ``out_dir/.site-pages.json`` (:data:`PAGE_CACHE`), so that the next call
    renders only the annotated pages whose inputs changed. ``workers`` processes render
    the annotated pages (default: one per CPU; the pages do not depend on it).
    Raises :class:`InputError` (no build in ``out_dir``), :class:`RDFError` (a graph file
    that does not parse) or :class:`OutputError` (the site cannot be written).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise InputError("no such folder" if not out.exists() else "is not a folder", path=str(out))
    store, fd = _open_source(out)
    site: _Site | None = None
    try:
        col = load_collection(store, base)
        mapping = _texts_from(out, Path(src_dir) if src_dir else None, col)
        for key, path in (texts or {}).items():
            mapping[key] = Path(path)
            if key in col.documents:
                mapping[col.documents[key].graph] = Path(path)
        if fd is not None:
            # The build's store: closed now, opened again only for a page that reads
            # annotations (see _StoreForPages); the lock stays held until the end.
            store = None
            release_freed_memory()
        site = _Site(out, col, mapping, _StoreForPages(out, store))
        if site.root.is_dir():  # temporary files of a killed run: never valid output
            for p in site.root.rglob(".*.part"):
                try:
                    p.unlink()
                except OSError:
                    pass
        # document pages first, while the lock is held: a page without its text reads
        # its graph's annotations then (one query per such page)
        site.write_documents(list(col.documents.values()),
                             workers=workers if workers is not None else (os.cpu_count() or 1))
    finally:
        if site is not None:
            site.store = None
        del store
        if fd is not None:
            release_freed_memory()
            os.close(fd)
    timeline, partners = timeline_svg(col), partners_svg(col)
    site.write("timeline.svg", timeline)
    site.write("partners.svg", partners)
    for p in col.persons.values():
        site.write(f"person/{p.slug}.html", site.person(p))
    for s in col.states.values():
        site.write(f"state/{s.slug}.html", site.state(s))
    index = site.write("index.html", site.index(timeline, partners))
    site.save_page_cache()
    # pages of documents, persons and states that are gone
    for p in site.root.rglob("*"):
        if p.is_file() and p.suffix in (".html", ".svg") and p not in site.written:
            try:
                p.unlink()
            except OSError:
                pass
    return index
