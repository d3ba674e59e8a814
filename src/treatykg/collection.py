"""A collection as the site shows it, read from the store of a build: :func:`load_collection`.

What is held for a whole collection is a summary per document (:class:`Document`: title,
type, date, place, parties, source file), the persons who signed or took part in talks
(:class:`Person`, :class:`Role`: for which side, with the office printed beside the name), and
the states the parties belong to (:class:`State`). A party (``eli:passed_by``, e.g.
中华人民共和国政府) belongs to the gazetteer state whose name begins it at the document's
date (or whose IRI it is); a party no state name begins is a state of its own
(``agent-<hash>``). The evidence annotations of a document are far larger than the rest of
it: :func:`load_annotations` reads them one document graph at a time, when a page needs them.

The SPARQL lives in ``collection_queries/*.rq`` (package data, read once); the vocabularies'
prefixes are put before each query, and ``%(name)s`` in a query stands for a value given
here (see each file's comments). :func:`open_source` opens what a build folder holds: its
store read-only, or its graph files in memory.
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError
from .lexicon import doc_types
from .namespaces import DEFAULT_BASE, VOCABULARIES
from .store import open_read_only
from .view import readable_iri

__all__ = ["DOC_TYPE_LABELS", "State", "Document", "Role", "Person", "Collection", "load_collection",
           "load_annotations", "open_source"]

#: doc-type class local name -> (doc_type, English, Chinese), in the ontology's order
#: (``data/lexicon/doc_types.tsv``).
DOC_TYPE_LABELS: dict[str, tuple[str, str, str]] = {t.cls: (t.value, t.en, t.zh) for t in doc_types()}

_PFX = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in VOCABULARIES.items()) + "\n"


@dataclass
class State:
    key: str           # gazetteer id, or "agent-<hash>" for a party no state name begins
    zh: str
    en: str = ""
    iri: str = ""
    wikidata: str | None = None
    slug: str = ""
    agents: set[str] = field(default_factory=set)  # party IRIs that belong to this state


@dataclass(slots=True)
class Document:
    graph: str
    iri: str
    type_local: str
    title: str = ""
    date: str = ""
    place: str = ""
    place_iri: str = ""
    file_name: str = ""
    sha256: str = ""
    parties: list[tuple[str, str]] = field(default_factory=list)  # (agent IRI, label)
    slug: str = ""


@dataclass(slots=True)
class Role:
    """A person's part in one document: a signature or a talks participation."""

    person: str
    document: str
    role: str                 # "signatory" | "participant"
    office: str = ""
    agent: str = ""           # party signed for, or the side in the talks (IRI)
    agent_label: str = ""


@dataclass(slots=True)
class Person:
    iri: str
    zh: str = ""
    en: str = ""
    slug: str = ""


@dataclass
class Collection:
    base: str
    documents: dict[str, Document] = field(default_factory=dict)      # by document IRI
    persons: dict[str, Person] = field(default_factory=dict)
    roles: list[Role] = field(default_factory=list)
    states: dict[str, State] = field(default_factory=dict)            # by key
    state_of_agent: dict[str, str] = field(default_factory=dict)      # agent/side IRI -> state key


def _v(term) -> str:
    """A term's value, interned: the same IRI or label in thousands of rows is one string."""
    return "" if term is None else sys.intern(term.value)


@lru_cache(maxsize=None)
def _query_text(name: str) -> str:
    """``collection_queries/<name>.rq``, read once."""
    return files("treatykg").joinpath("collection_queries", f"{name}.rq").read_text(encoding="utf-8")


def _query(store, name: str, **values: str):
    """The solutions of query ``name`` with ``values`` put in, one at a time (never all of them in a list)."""
    return store.query(_PFX + _query_text(name) % values)


def open_source(out: Path):
    """(store, lock): the build's store read-only under a shared lock (a file descriptor to
    close when done), else its graphs loaded into a store in memory (lock None)."""
    import pyoxigraph as ox

    from .store import STORE_DIR, acquire

    if (out / STORE_DIR).is_dir():
        try:
            fd = acquire(out, exclusive=False)
        except (InputError, OutputError):
            fd = None
        if fd is not None:
            try:
                store = open_read_only(out)
                return store, fd
            except InputError:
                os.close(fd)
    if not (out / "graphs").is_dir():
        raise InputError("no build here: neither a readable store/ nor graphs/", path=str(out),
                         hint="run treatykg build DIR --out OUT first")
    graphs = sorted((out / "graphs").rglob("*.nq"))  # none: an empty collection, an empty site
    store = ox.Store()
    for p in graphs:
        try:
            store.load(path=str(p), format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError, ValueError) as exc:
            from .errors import RDFError
            raise RDFError(f"cannot read the graph: {' '.join(str(exc).split())[:200]}", path=str(p)) from None
    return store, None


def slug(iri: str, kind: str) -> str:
    """The file name (without ``.html``) of the page of ``iri``: its last segment when that is
    a plain name and ``iri`` is one of ``/kind/``, else ``x-`` and a hash."""
    last = iri.rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,100}", last) and f"/{kind}/" in iri:
        return last
    return f"x-{hashlib.sha1(iri.encode('utf-8')).hexdigest()[:12]}"


def _gazetteer_state(label: str, date: str | None, names: list) -> Any:
    for name, entry in names:
        if label.startswith(name) and entry.valid_at(date or None):
            return entry
    return None


# ---------------------------------------------------------------- reading the collection
def load_collection(store, base: str | None = None) -> Collection:
    """Everything the site shows, read from ``store`` (any pyoxigraph Store of document graphs)."""
    docs = _read_documents(store)
    if base is None:
        any_doc = next(iter(docs), "")
        base = any_doc[: any_doc.rfind("doc/")] if "doc/" in any_doc else DEFAULT_BASE
    col = Collection(base=base, documents=docs)
    _read_parties(store, col)
    _read_roles(store, col)
    _StateResolver(col).resolve_all()
    return col


def _read_documents(store) -> dict[str, Document]:
    tkg = VOCABULARIES["tkg"]
    docs: dict[str, Document] = {}
    for r in _query(store, "documents", types=" ".join(f"tkg:{k}" for k in DOC_TYPE_LABELS)):
        iri = _v(r["doc"])
        if iri in docs:
            continue
        docs[iri] = Document(graph=_v(r["g"]), iri=iri, type_local=_v(r["type"])[len(tkg):],
                             title=_v(r["title"]), date=_v(r["date"]), place=_v(r["placeLabel"]),
                             place_iri=_v(r["place"]), file_name=_v(r["file"]), sha256=_v(r["sha"]),
                             slug=slug(iri, "doc"))
    return docs


def _read_parties(store, col: Collection) -> None:
    for r in _query(store, "parties"):
        d = col.documents.get(_v(r["doc"]))
        if d is not None:
            party = (_v(r["party"]), _v(r["label"]) or readable_iri(_v(r["party"]), col.base))
            if party not in d.parties:
                d.parties.append(party)


def _read_roles(store, col: Collection) -> None:
    seen_roles: set[tuple[str, ...]] = set()  # membership of col.roles (a list, in store order)
    for role, cls, agent_p in (("signatory", "Signature", "tkg:onBehalfOf"), ("participant", "Participation", "tkg:side")):
        for r in _query(store, "roles", **{"class": cls, "agent": agent_p}):
            if _v(r["doc"]) not in col.documents:
                continue
            pid = _v(r["person"])
            p = col.persons.setdefault(pid, Person(iri=pid, slug=slug(pid, "person")))
            p.zh = p.zh or _v(r["zh"])
            p.en = p.en or _v(r["en"])
            item = Role(person=pid, document=_v(r["doc"]), role=role, office=_v(r["office"]),
                        agent=_v(r["agent"]), agent_label=_v(r["agentLabel"]))
            key = (item.person, item.document, item.role, item.office, item.agent, item.agent_label)
            if key not in seen_roles:
                seen_roles.add(key)
                col.roles.append(item)


class _StateResolver:
    """The states of a collection: gazetteer entities, and parties no state name begins."""

    def __init__(self, col: Collection):
        from .gazetteer import default as gazetteer
        from .ingest import to_simplified

        self.col = col
        gaz = gazetteer()
        self.names = [(to_simplified(n), e) for n, e in gaz.names() if e.type == "state"]
        self.by_id = {e.id: e for e in gaz.entries}

    def resolve_all(self) -> None:
        col = self.col
        for d in col.documents.values():
            for agent, label in d.parties:
                self.resolve(agent, label, d.date)
        for r in col.roles:
            if r.agent:
                self.resolve(r.agent, r.agent_label, col.documents[r.document].date)

    def state_for_entry(self, entry) -> str:
        col = self.col
        if entry.id not in col.states:
            from .rdf import entity_iri
            col.states[entry.id] = State(key=entry.id, zh=entry.zh, en=entry.en, iri=entity_iri(entry, col.base),
                                         wikidata=entry.wikidata, slug=slug(f"/state/{entry.id}", "state"))
        return entry.id

    def resolve(self, agent: str, label: str, date: str) -> str:
        col, base = self.col, self.col.base
        if agent in col.state_of_agent:
            return col.state_of_agent[agent]
        entry = None
        if agent.startswith(f"{base}state/"):
            from urllib.parse import unquote
            entry = self.by_id.get(unquote(agent[len(f"{base}state/"):]))
        if entry is None and label:
            entry = _gazetteer_state(label, date, self.names)
        if entry is not None:
            key = self.state_for_entry(entry)
        else:
            key = f"agent-{hashlib.sha1(agent.encode('utf-8')).hexdigest()[:12]}"
            col.states.setdefault(key, State(key=key, zh=label or readable_iri(agent, base), iri=agent, slug=key))
        col.states[key].agents.add(agent)
        col.state_of_agent[agent] = key
        return key


# ---------------------------------------------------------------- one document's evidence
_FRAGMENT = re.compile(r"#char=(\d+),(\d+)$")


def load_annotations(store, graph: str, text: str | None = None) -> list[dict[str, Any]]:
    """The evidence annotations of the document whose graph is ``graph`` in ``store``: dicts with
    ``field``, ``start``, ``end``, ``exact`` (the quote), ``body`` (IRI) and ``label``,
    ordered by position (then by every other key, so the order never depends on the store).

    Full evidence carries its quotes; compact evidence (``<{doc}/text#char=START,END>``) takes
    them from ``text``, the document's text (the quote is empty without it). Read one document
    at a time, when a page needs them: a collection's annotations together are far larger than
    the rest of it.
    """
    import pyoxigraph as ox

    from .iris import evidence_graph_iri

    doc = graph[: -len("/graph")] if graph.endswith("/graph") else graph
    facts, evidence = str(ox.NamedNode(graph)), str(ox.NamedNode(evidence_graph_iri(doc)))
    anns = []
    for r in _query(store, "annotations", evidence=evidence, facts=facts):
        start, end, exact = _v(r["start"]), _v(r["end"]), _v(r["exact"])
        if not start:
            m = _FRAGMENT.search(_v(r["target"]))
            if m is None:
                continue
            start, end = m.group(1), m.group(2)
            exact = text[int(start):int(end)] if text is not None else ""
        anns.append({"field": _v(r["field"]), "start": int(start or 0), "end": int(end or 0), "exact": exact,
                     "body": _v(r["body"]), "label": _v(r["bodyLabel"])})
    anns.sort(key=lambda a: (a["start"], -a["end"], a["field"], a["exact"], a["body"], a["label"]))
    return anns
