"""QuickStatements v1: one item per document, every statement referenced, verified ids only."""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..gazetteer import Gazetteer, default as default_gazetteer
from ..model import Record
from .classes import wikidata_class
from .common import _DATE, _QID, _norm
from .decisions import Decisions
from .triples import party_entry, state_name, verified

def qs_time(date: str) -> str:
    """``1958-02-19`` → ``+1958-02-19T00:00:00Z/11``; ``1957-11`` → ``…-11-00…/10``; ``1957`` → ``/9``."""
    m = _DATE.match(date or "")
    if not m:
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {date!r}")
    y, mo, d = m.groups()
    precision = 11 if d else 10 if mo else 9
    return f"+{y}-{mo or '00'}-{d or '00'}T00:00:00Z/{precision}"


def _qs_string(text: str) -> str | None:
    text = " ".join((text or "").split())
    if not text or '"' in text:
        return None
    return f'"{text}"'


@dataclass
class ExportResult:
    """QuickStatements commands (one ``CREATE`` block per document) and what was left out."""

    commands: list[str]
    review: list[tuple[str, str, str, str]]  # document, field, value, reason
    documents: int = 0

    def text(self) -> str:
        return "".join(c + "\n" for c in self.commands)

    def review_tsv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(["document", "field", "value", "reason"])
        w.writerows(self.review)
        return buf.getvalue()


def quickstatements(records: Iterable[Record], *, source_url: str | dict[str, str] | None = None,
                    stated_in: str | None = None, retrieved: str | None = None,
                    item_class: str | None = None, en_titles: dict[str, str] | None = None,
                    decisions: Decisions | None = None, gazetteer: Gazetteer | None = None
                    ) -> ExportResult:
    """QuickStatements v1 commands creating one item per document.

    For each document: ``CREATE``; ``LAST Lzh "<title>"`` (and ``Len`` from
    ``en_titles``, keyed by source file name); ``P31`` (``item_class``, else the verified
    class of the document type, :func:`wikidata_class`: treaty or bilateral treaty for a
    treaty, agreement, protocol or exchange of notes; none, listed for review, for a joint
    statement, communiqué, declaration or memorandum); ``P1891`` for each party whose state
    has a verified id,
    qualified with ``P585`` (the date) and ``P1932`` (the party as printed); ``P585``;
    ``P1071`` (the signing place, if linked); ``P407`` for each authentic language with a
    verified id; ``P1476 zh:"…"``; ``P953`` (the source URL, if known). Every statement
    carries ``S854`` (the source URL) or ``S248`` (``stated_in``), and ``S813`` (the
    retrieval date, default today). Dates carry their precision (/11, /10, /9).

    Ids come only from the gazetteer (verified) and ``accept`` or ``verified`` decisions
    (:meth:`Decisions.confirmed`; ``verified``: the only item holding the state's ISO code);
    persons never get an item; everything left out is listed in ``review``. ``source_url`` is one URL
    or a mapping of source file name → URL. A document with neither a source URL nor
    ``stated_in`` is skipped (it could not be referenced) and listed for review.
    Raises ``ValueError`` for a malformed ``stated_in``, ``item_class`` or ``retrieved``.
    """
    retrieved = _checked(stated_in, item_class, retrieved)
    export = _Export(gazetteer or default_gazetteer(), decisions or Decisions(), en_titles or {}, item_class)
    for record in records:
        url = source_url.get(record.source.name) if isinstance(source_url, dict) else source_url
        export.add(record, url, stated_in, retrieved)
    return ExportResult(export.commands, export.review, export.done)


def _checked(stated_in: str | None, item_class: str | None, retrieved: str | None) -> str:
    """The retrieval date (default today), once ``stated_in``, ``item_class`` and it are well formed."""
    for name, value in (("stated_in", stated_in), ("item_class", item_class)):
        if value and not _QID.match(value):
            raise ValueError(f"{name}: {value!r} is not a Wikidata item id (Q…)")
    retrieved = retrieved or _dt.date.today().isoformat()
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", retrieved):
        raise ValueError(f"retrieved: {retrieved!r} is not a date YYYY-MM-DD")
    return retrieved


class _Export:
    """The commands and the review list, a document at a time: one method per part of an item.

    Every statement ends with the document's reference (``ref``); what is left out is listed in
    ``review`` in the order the parts are written."""

    def __init__(self, gaz: Gazetteer, decisions: Decisions, en_titles: dict[str, str], item_class: str | None):
        self.gaz = gaz
        self.decisions = decisions
        self.en_titles = en_titles
        self.item_class = item_class
        self.commands: list[str] = []
        self.review: list[tuple[str, str, str, str]] = []
        self.done = 0

    def add(self, record: Record, url: str | None, stated_in: str | None, retrieved: str) -> None:
        """The item of one document, or its entry in the review list when it cannot have one."""
        doc = record.source.name
        ref = self._reference(doc, url, stated_in, retrieved)
        if ref is None:
            return
        title = _qs_string(record.title or "")
        if not title:
            self.review.append((doc, "title", record.title or "", "no title, or an ASCII quote in it: "
                                "document skipped"))
            return
        self.done += 1
        date = record.signed_date if record.signed_date and _DATE.match(record.signed_date) else None
        self.commands.append("CREATE")
        self.commands.append(f"LAST\tLzh\t{title}")
        en = _qs_string(self.en_titles.get(doc, ""))
        if en:
            self.commands.append(f"LAST\tLen\t{en}")
        self._class(record, ref)
        self._parties(record, date, ref)
        if date:
            self._stmt(ref, "P585", qs_time(date))
        else:
            self.review.append((doc, "signed_date", record.signed_date or "", "no date: P585 left out"))
        self._place(record, date, ref)
        self._languages(record, date, ref)
        self._stmt(ref, "P1476", f"zh:{title}")
        if url:
            self._stmt(ref, "P953", f'"{url}"')
        for sig in record.signatories:
            self.review.append((doc, "signatories", sig.name, "a person: no item is created and no "
                                "statement made (link persons with `treatykg wikidata reconcile`)"))

    def _reference(self, doc: str, url: str | None, stated_in: str | None, retrieved: str) -> list[str] | None:
        """``S854``/``S248`` and ``S813`` of the document's statements; None (listed for review)
        when the URL is not one, or there is neither a URL nor ``stated_in``."""
        if url and (not re.match(r"^https?://\S+$", url) or '"' in url):
            self.review.append((doc, "source_url", url, "not an http(s) URL: document skipped"))
            return None
        if not url and not stated_in:
            self.review.append((doc, "reference", "", "no source URL and no stated-in item: "
                                "every statement needs a reference; document skipped"))
            return None
        ref = (["S854", f'"{url}"'] if url else []) + (["S248", stated_in] if stated_in else [])
        return ref + ["S813", qs_time(retrieved)]

    def _stmt(self, ref: list[str], *parts: str) -> None:
        self.commands.append("\t".join(("LAST",) + parts + tuple(ref)))

    def _class(self, record: Record, ref: list[str]) -> None:
        """``P31``: ``item_class``, else the verified class of the document type, else review."""
        cls = wikidata_class(record, self.item_class)
        if cls:
            self._stmt(ref, "P31", cls)
        else:
            self.review.append((record.source.name, "doc_type", record.doc_type, "no verified Wikidata class for "
                                "this document type: P31 left out (add it by hand, or pass --class QID)"))

    def _parties(self, record: Record, date: str | None, ref: list[str]) -> None:
        """``P1891`` per party with a verified id (once per item), qualified by date and name as printed."""
        seen_states: set[str] = set()
        for party in record.parties:
            if not _norm(party.name):
                continue
            entry = party_entry(party, date, self.gaz)
            key = f"{entry.type}:{entry.id}" if entry else f"state:{state_name(party.name)}"
            qid = verified(entry) or self.decisions.confirmed(key)
            if not qid:
                self.review.append((record.source.name, "parties", party.name, f"no verified Wikidata id for {key} "
                                    "(gazetteer, or an accept or verified decision)"))
                continue
            if qid in seen_states:
                continue
            seen_states.add(qid)
            quals = ["P585", qs_time(date)] if date else []
            printed = _qs_string(party.name)
            if printed:
                quals += ["P1932", printed]
            self._stmt(ref, "P1891", qid, *quals)

    def _place(self, record: Record, date: str | None, ref: list[str]) -> None:
        """``P1071``: the signing place, when it has a verified id."""
        if not (record.signed_place and _norm(record.signed_place)):
            return
        entry = self.gaz.lookup(_norm(record.signed_place), "place", date)
        pname = entry.zh if entry else _norm(record.signed_place)
        qid = verified(entry) or self.decisions.confirmed(f"place:{pname}")
        if qid:
            self._stmt(ref, "P1071", qid)
        else:
            self.review.append((record.source.name, "signed_place", record.signed_place,
                                f"no verified Wikidata id for place:{pname} (gazetteer, or an "
                                "accept decision)"))

    def _languages(self, record: Record, date: str | None, ref: list[str]) -> None:
        """``P407`` per authentic language with a verified id in the gazetteer."""
        languages: set[str] = set()
        for lang in record.authentic_languages or []:
            qid = verified(self.gaz.lookup(_norm(lang), "language", date))
            if qid:
                if qid not in languages:
                    languages.add(qid)
                    self._stmt(ref, "P407", qid)
            else:
                self.review.append((record.source.name, "authentic_languages", lang,
                                    "no verified Wikidata id in the gazetteer"))
