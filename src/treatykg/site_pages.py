"""The pages of a collection's site, rendered from the templates ``templates/site/*.html``.

:class:`Pages` holds what the pages of a :class:`~treatykg.collection.Collection` share — who
acted in which document and for which state, one label per party, the link from any IRI to the
page describing it — and renders each page: :meth:`Pages.index`, :meth:`Pages.facts_page` (a
document whose text is not at hand), :meth:`Pages.person`, :meth:`Pages.state`. What a page
shows and in which order is decided here; the markup is the templates' (autoescaped, see
:mod:`treatykg.templating`). The annotated document pages are :func:`treatykg.view.render_document`'s.

Links are relative, to a page one folder down (``doc/``, ``person/``, ``state/``); the index,
at the top, drops the ``../``. Writing the pages is :mod:`treatykg.site`'s.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .collection import DOC_TYPE_LABELS, Collection, Document, Person, Role, State
from .templating import environment, render
from .view import readable_iri

__all__ = ["Pages"]


class Pages:
    """The pages of collection ``col`` built into ``out`` (whose ``review.tsv`` the index lists)."""

    def __init__(self, out: Path, col: Collection):
        self.out = out
        self.col = col
        self.roles_of_person: dict[str, list[Role]] = defaultdict(list)
        self.roles_of_state: dict[str, list[Role]] = defaultdict(list)
        self.roles_of_doc: dict[str, list[Role]] = defaultdict(list)
        for r in col.roles:
            self.roles_of_person[r.person].append(r)
            self.roles_of_doc[r.document].append(r)
            if r.agent in col.state_of_agent:
                self.roles_of_state[col.state_of_agent[r.agent]].append(r)
        # an agent may be printed differently in different documents (中华人民共和国政府 and
        # 中华人民共和国中央人民政府 are one government): one label, the same whatever the order
        # the store returns the documents in
        every: dict[str, set[str]] = defaultdict(set)
        for d in col.documents.values():
            for a, label in d.parties:
                every[a].add(label)
        for r in col.roles:
            if r.agent_label:
                every[r.agent].add(r.agent_label)
        self.labels = {a: min(ls) for a, ls in every.items()}
        self.state_by_iri = {s.iri: s for s in col.states.values()}
        self._docs_of_state: dict[str, list[Document]] | None = None
        self._type_labels: dict[str, Markup] = {}
        self._site_macros = None

    # -- links --------------------------------------------------------------------------
    def link(self, iri: str) -> str | None:
        """The page describing ``iri``, relative to a page one folder down; None if none does."""
        col = self.col
        if iri in col.documents:
            return f"../doc/{col.documents[iri].slug}.html"
        if iri in col.persons:
            return f"../person/{col.persons[iri].slug}.html"
        if iri in col.state_of_agent:
            return f"../state/{col.states[col.state_of_agent[iri]].slug}.html"
        if iri in self.state_by_iri:
            return f"../state/{self.state_by_iri[iri].slug}.html"
        return None

    def readable(self, iri: str) -> str:
        return readable_iri(iri, self.col.base)

    def type_label(self, local: str) -> Markup:
        """A document type, in English and Chinese (markup: the macro ``bi``)."""
        if local not in self._type_labels:
            _, en, zh = DOC_TYPE_LABELS.get(local, ("", local, ""))
            self._type_labels[local] = environment().globals["bi"](en, zh)
        return self._type_labels[local]

    def nav(self) -> Markup:
        """The links back to the index from a page one folder down (markup: the site macro ``nav``)."""
        return self._macros().nav("../")

    def _macros(self):
        """The site's macros, with this site's ``link`` and ``readable``."""
        if self._site_macros is None:
            self._site_macros = environment().get_template("site/macros.html").make_module(
                {"link": self.link, "readable": self.readable})
        return self._site_macros

    def _render(self, name: str, title: str, **context: Any) -> str:
        return render(name, title=title, style=None, link=self.link, readable=self.readable,
                      type_label=self.type_label, sm=self._macros(), **context)

    # -- the index ------------------------------------------------------------------------
    def sorted_docs(self) -> list[Document]:
        return sorted(self.col.documents.values(), key=lambda d: (d.date or "9999", d.title, d.iri))

    def docs_of_state(self) -> dict[str, list[Document]]:
        """State key -> the documents it is a party to, in index order (sorted once, not per state)."""
        if self._docs_of_state is None:
            self._docs_of_state = defaultdict(list)
            for d in self.sorted_docs():
                for key in dict.fromkeys(self.col.state_of_agent.get(a) for a, _ in d.parties):
                    if key is not None:
                        self._docs_of_state[key].append(d)
        return self._docs_of_state

    def review(self) -> list[dict[str, Any]]:
        """The documents a curator should look at (the build's review.tsv): kept without conforming,
        warnings, stale corrections, disagreements with the database metadata; by file name."""
        try:
            lines = (self.out / "review.tsv").read_text(encoding="utf-8").splitlines()[1:]
        except OSError:
            return []
        by_doc: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        files: dict[str, str] = {}
        for line in lines:
            file, kind, fld, detail, doc = (line.split("\t") + [""] * 5)[:5]
            by_doc[doc or file].append((kind, fld, detail))
            files[doc or file] = file
        return [{"file": files[key], "doc": self.col.documents.get(key), "lines": by_doc[key],
                 "kinds": ", ".join(f"{k} ×{n}" if n > 1 else k
                                    for k, n in sorted(Counter(k for k, _, _ in by_doc[key]).items()))}
                for key in sorted(by_doc, key=lambda k: files[k])]

    def index(self, timeline: str, partners: str) -> str:
        """The index: the documents (sortable), what to review, the pictures, states and persons."""
        col = self.col
        return self._render(
            "site/index.html", "Treaty collection · 条约集", script="site.js", col=col,
            documents=self.sorted_docs(), review=self.review(),
            # Markup: SVG written by treatykg.charts, which escapes every text it puts in
            timeline=Markup(timeline), partners=Markup(partners),
            states=sorted(col.states.values(), key=lambda s: (s.en or s.zh, s.zh)),
            persons=sorted(col.persons.values(), key=lambda p: (p.zh, p.iri)))

    # -- the other pages ----------------------------------------------------------------
    def annotations_of(self, d: Document) -> list[dict[str, Any]]:
        """The evidence annotations a facts page of ``d`` lists (see
        :func:`treatykg.collection.load_annotations`): none here; a site with a store reads them."""
        return []

    def facts_page(self, d: Document, reason: str) -> str:
        """The page of ``d`` without its text: ``reason`` why, and the facts of its graph."""
        return self._render("site/facts.html", d.title or d.file_name or d.iri, script=None, d=d,
                            reason=reason, annotations=self.annotations_of(d))

    def _roles_table(self, roles: list[Role], *, show_person: bool) -> Markup:
        docs = self.col.documents
        # total: rows that tie on date, title and role would otherwise keep the store's order
        roles = sorted(roles, key=lambda r: (docs[r.document].date or "9999", docs[r.document].title, r.role,
                                             r.person, r.agent, r.document, r.office, r.agent_label))
        rows = [(r, docs[r.document], self.col.persons[r.person] if show_person else None) for r in roles]
        return self._macros().roles_table(rows, show_person)

    def person(self, p: Person) -> str:
        """A person's page: the offices held, by date."""
        return self._render("site/person.html", p.zh or p.iri, script=None, p=p,
                            roles_table=self._roles_table(self.roles_of_person.get(p.iri, []), show_person=False))

    def state(self, s: State) -> str:
        """A state's page: the names it acted under, its documents, the people who acted for it."""
        col = self.col
        documents = [(d, "、".join(label for a, label in d.parties if col.state_of_agent.get(a) == s.key))
                     for d in self.docs_of_state().get(s.key, [])]
        return self._render(
            "site/state.html", s.zh, script=None, s=s,
            wikidata=s.wikidata if s.wikidata and re.fullmatch(r"Q\d+", s.wikidata) else None,
            acting_as=[self.labels.get(a, self.readable(a)) for a in sorted(s.agents - {s.iri})],
            documents=documents,
            roles_table=self._roles_table(self.roles_of_state.get(s.key, []), show_person=True))
