"""States by a unique key: their ISO 3166 code, else their label and the years they existed.

Rules:

* A state of the gazetteer with an ISO code is looked up by it: an ISO 3166-1 alpha-2 code
  (``NZ``) through P297, an ISO 3166-3 alpha-4 code (``SUHH``, a dissolved state) through
  P773 — one SPARQL query per property, the codes in a ``VALUES`` block, sent through
  :class:`~treatykg.wikidata.client.WikidataClient` (one request at a time, User-Agent,
  ``Retry-After``, cache).
* A code held by exactly one item verifies the link: decision ``verified``, whose note says
  how ("ISO 3166-1 alpha-2 NZ via P297, unique"). P297 is a unique-value property, but
  Wikidata breaks the constraint now and then (a same-named item, a treaty area): a code
  held by several items is a review row and no link — never "the item with most sitelinks",
  and never the one left after the others are ruled out.
* An item that holds an alpha-4 code *and* an alpha-2 code is the item of a state that
  exists today keeping its former code (Myanmar holds BUMM): it is not the dissolved state.
  A code whose only item is ruled out so (or rejected in the decisions file) is treated as
  held by none.
* A state without an ISO code (``frg``, ``yar``, ``rvn``, ``rsv``, ``zanzibar``), or whose
  code no item holds, is looked up by label: its Chinese names (``@zh``, and ``@zh-hans``
  or ``@zh-hant`` by script) and its English label, as ``rdfs:label`` or ``skos:altLabel``. An item
  survives only if its dates agree with the gazetteer's, by year: its dissolution (P576)
  with ``valid_to`` (required for a dissolved state; a state that still exists must have
  none) and its inception (P571) with ``valid_from`` when both are known. A label alone
  never links. The one survivor is linked with decision ``auto`` (check it, then make it
  ``accept``); none or several: review.
* The gazetteer's verified id is authoritative: it is linked and never overwritten. Its
  ISO code is still looked up once (decision ``verified`` when the answer agrees); an
  answer that disagrees, or a decision naming another item, is a review row.
* A candidate rejected in the decisions file never survives.

The properties, and what verified their ids (none is written to our data; they are read):
P297 "ISO 3166-1 alpha-2 code" (zbw/sparql-queries, ``wikidata/iso3166_codelist.rq``:
``# ISO 3166-1 alpha-2 code`` ``?item wdt:P297 ?iso1Code2``), P773 "ISO 3166-3 code"
(a public ingest script: "every item with an ISO 3166-3 alpha-4 code (P773) … BUMM on
Myanmar"), P571 inception and P576 dissolved (issue 6; already read by
:meth:`WikidataClient.facts`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..gazetteer import Entry
from ..ingest import to_simplified
from .client import WikidataClient, _wikidata_date
from .common import WD, WDT, _QID
from .decisions import Decision, Decisions
from .entities import Candidate, Entity, Link, ReviewRow

ISO_ALPHA2 = ("P297", "ISO 3166-1 alpha-2")
ISO_ALPHA4 = ("P773", "ISO 3166-3 alpha-4")
_CODES_PER_QUERY = 50
_LABEL_QUERY_CHARS = 1000  # VALUES rows of one label query (a GET: its URL stays near 4 kB)

_PREFIXES = (f"PREFIX wd: <{WD}>\nPREFIX wdt: <{WDT}>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def iso_property(code: str) -> tuple[str, str]:
    """The Wikidata property of an ISO code and its name: ``("P297", "ISO 3166-1 alpha-2")``
    for ``NZ``, ``("P773", "ISO 3166-3 alpha-4")`` for ``SUHH``. Raises ValueError otherwise."""
    if re.fullmatch(r"[A-Z]{2}", code or ""):
        return ISO_ALPHA2
    if re.fullmatch(r"[A-Z]{4}", code or ""):
        return ISO_ALPHA4
    raise ValueError(f"not an ISO 3166-1 alpha-2 or ISO 3166-3 alpha-4 code: {code!r}")


@dataclass
class StateItem:
    """What a look-up says about one item: its English label, the names that found it, the
    alpha-2 codes it holds, its inception and dissolution dates."""

    qid: str
    label: str = ""
    names: set[str] = field(default_factory=set)
    alpha2: set[str] = field(default_factory=set)
    founded: list[str] = field(default_factory=list)
    dissolved: list[str] = field(default_factory=list)


def _literal(text: str, lang: str | None = None) -> str:
    return json.dumps(text, ensure_ascii=False) + (f"@{lang}" if lang else "")


def _qid_of(row: dict, var: str = "item") -> str:
    return row[var]["value"].rsplit("/", 1)[-1]


def _by_number(items: Iterable[StateItem]) -> list[StateItem]:
    return sorted(items, key=lambda i: int(i.qid[1:]))


def items_by_iso(client: WikidataClient, codes: Iterable[str]) -> dict[str, list[StateItem]]:
    """The items holding each code (P297 for alpha-2, P773 for alpha-4; for the latter, with
    the alpha-2 codes they also hold). Codes are sent sorted, 50 to a query."""
    found: dict[str, dict[str, StateItem]] = {c: {} for c in sorted(set(codes))}
    for pid, _ in (ISO_ALPHA2, ISO_ALPHA4):
        group = [c for c in found if iso_property(c)[0] == pid]
        for i in range(0, len(group), _CODES_PER_QUERY):
            values = " ".join(_literal(c) for c in group[i:i + _CODES_PER_QUERY])
            also = "  OPTIONAL { ?item wdt:P297 ?alpha2 }\n" if pid == ISO_ALPHA4[0] else ""
            query = (f"{_PREFIXES}SELECT ?code ?item ?label ?alpha2 WHERE {{\n"
                     f"  VALUES ?code {{ {values} }}\n  ?item wdt:{pid} ?code .\n{also}"
                     '  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }\n}')
            for row in client.sparql(query):
                code, qid = row["code"]["value"], _qid_of(row)
                if code not in found or not _QID.match(qid):
                    continue
                item = found[code].setdefault(qid, StateItem(qid))
                if "label" in row:
                    item.label = row["label"]["value"]
                if "alpha2" in row:
                    item.alpha2.add(row["alpha2"]["value"])
    return {c: _by_number(items.values()) for c, items in found.items()}


def _label_rows(entry: Entry) -> list[str]:
    """``(key name)`` rows: each Chinese name as ``@zh`` and as ``@zh-hans`` (simplified) or
    ``@zh-hant`` (traditional: it changes when simplified), the English label as ``@en``."""
    rows, seen = [], set()
    for name in entry.names():
        script = "zh-hans" if to_simplified(name) == name else "zh-hant"
        for tag in ("zh", script):
            if (name, tag) not in seen:
                seen.add((name, tag))
                rows.append(f"({_literal(entry.id)} {_literal(name, tag)})")
    if entry.en:
        rows.append(f"({_literal(entry.id)} {_literal(entry.en, 'en')})")
    return rows


def items_by_label(client: WikidataClient, entries: Iterable[Entry]) -> dict[str, list[StateItem]]:
    """The items whose label or alias is one of each entry's names (Chinese, English), with
    their inception (P571) and dissolution (P576) dates, keyed by the entry's id. Entries are
    sent sorted, a few to a query."""
    entries = sorted({e.id: e for e in entries}.values(), key=lambda e: e.id)
    found: dict[str, dict[str, StateItem]] = {e.id: {} for e in entries}
    batches: list[list[str]] = []
    for entry in entries:
        rows = _label_rows(entry)
        if batches and sum(map(len, batches[-1])) + sum(map(len, rows)) <= _LABEL_QUERY_CHARS:
            batches[-1] += rows
        else:
            batches.append(rows)
    for rows in batches:
        query = (f"{_PREFIXES}SELECT ?key ?item ?name ?label ?founded ?dissolved WHERE {{\n"
                 "  VALUES (?key ?name) {\n    " + "\n    ".join(rows) + "\n  }\n"
                 "  { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name }\n"
                 "  OPTIONAL { ?item wdt:P571 ?founded }\n  OPTIONAL { ?item wdt:P576 ?dissolved }\n"
                 '  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }\n}')
        for row in client.sparql(query):
            key, qid = row["key"]["value"], _qid_of(row)
            if key not in found or not _QID.match(qid):
                continue
            item = found[key].setdefault(qid, StateItem(qid))
            name = row["name"]
            item.names.add(f"'{name['value']}'@{name.get('xml:lang', '')}")
            if "label" in row:
                item.label = row["label"]["value"]
            for var, dates in (("founded", item.founded), ("dissolved", item.dissolved)):
                d = _wikidata_date(row[var]["value"]) if var in row else None
                if d and d not in dates:
                    dates.append(d)
    return {k: _by_number(items.values()) for k, items in found.items()}


def date_check(entry: Entry, item: StateItem) -> tuple[list[str], list[str]]:
    """Why ``item``'s dates rule it out as ``entry`` (empty: they do not), and what agrees.

    By year: the dissolution (P576) must be ``valid_to``'s year for a dissolved state and
    absent for one that exists; the inception (P571) must be ``valid_from``'s year when
    both are known. Nothing to compare is a reason too: a label alone never links."""
    why: list[str] = []
    agree: list[str] = []
    dissolved = {d[:4] for d in item.dissolved}
    founded = {d[:4] for d in item.founded}
    if entry.valid_to:
        if not dissolved:
            why.append(f"no dissolution date (P576); the gazetteer says {entry.valid_to}")
        elif entry.valid_to[:4] in dissolved:
            agree.append(f"dissolved {entry.valid_to[:4]} (P576)")
        else:
            why.append(f"dissolved {', '.join(sorted(item.dissolved))} (P576); "
                       f"the gazetteer says {entry.valid_to}")
    elif dissolved:
        why.append(f"dissolved {', '.join(sorted(item.dissolved))} (P576); the state exists")
    if entry.valid_from and founded:
        if entry.valid_from[:4] in founded:
            agree.append(f"founded {entry.valid_from[:4]} (P571)")
        else:
            why.append(f"founded {', '.join(sorted(item.founded))} (P571); "
                       f"the gazetteer says {entry.valid_from}")
    if not why and not agree:
        why.append("no date to confirm the label (P571, P576)")
    return why, agree


def _ordered(cands: list[Candidate]) -> list[Candidate]:
    return sorted(cands, key=lambda c: (not c.survives, int(c.qid[1:])))


class StateReconciler:
    """Links the gazetteer's states among the entities (see the module's rules).

    ``run`` fills ``links``, ``review`` and the decisions; ``lookups`` counts the states
    looked up (by code, label or both)."""

    def __init__(self, client: WikidataClient, decisions: Decisions):
        self.client = client
        self.decisions = decisions
        self.links: list[Link] = []
        self.review: list[ReviewRow] = []
        self.lookups = 0

    def run(self, entities: Iterable[Entity]) -> None:
        by_code: dict[str, Entity] = {}
        by_label: list[tuple[Entity, str, list[Candidate]]] = []
        for ent in sorted(entities, key=lambda e: e.key):
            route = self._settle(ent)
            if route == "iso":
                by_code[ent.entry.iso] = ent  # type: ignore[union-attr]
            elif route == "label":
                by_label.append((ent, "", []))
        self.lookups += len(by_code)
        if by_code:
            found = items_by_iso(self.client, by_code)
            for code in sorted(by_code):
                carried = self._by_iso(by_code[code], code, found.get(code, []))
                if carried is not None:
                    by_label.append((by_code[code], *carried))
        self.lookups += sum(1 for _, prior, _ in by_label if not prior)
        if by_label:
            found = items_by_label(self.client, [ent.entry for ent, _, _ in by_label])  # type: ignore[misc]
            for ent, prior, prior_cands in by_label:
                items = found.get(ent.entry.id, [])  # type: ignore[union-attr]
                self._by_label(ent, items, prior, prior_cands)

    # -- the phases --------------------------------------------------------------
    def _settle(self, ent: Entity) -> str | None:
        """Link what needs no look-up; say which look-up the rest needs: "iso", "label" or None."""
        entry = ent.entry
        assert entry is not None
        known = self.decisions.linked(ent.key)
        gq = ent.gazetteer_qid
        if gq:
            self.links.append(Link(ent, gq, "gazetteer", entry.wikidata_source or ""))
            if known and known.qid != gq:
                cand = Candidate(known.qid, survives=False,
                                 reasons=[f"the gazetteer's verified id is {gq}"])
                self.review.append(ReviewRow(ent, cand, f"the decisions file links {known.qid} "
                                             f"({known.decision}); the gazetteer's id {gq} is kept"))
                return None
            return "iso" if entry.iso and not known else None
        if "" in self.decisions.rejected(ent.key):
            return None
        if known:
            self.links.append(Link(ent, known.qid, known.decision, known.note))
            return None
        return "iso" if entry.iso else "label"

    def _by_iso(self, ent: Entity, code: str, items: list[StateItem]
                ) -> tuple[str, list[Candidate]] | None:
        """Link or review by the code. When no item (that survives) holds it, return what to
        carry to the label look-up: the note and the candidates ruled out."""
        pid, what = iso_property(code)
        how = f"{what} {code} via {pid}"
        rejected = self.decisions.rejected(ent.key)
        cands = []
        for item in items:
            c = Candidate(item.qid, item.label, f"holds {pid} {code}", 1.0)
            if item.qid in rejected:
                c.survives = False
                c.reasons.append("rejected in the decisions file")
            if pid == ISO_ALPHA4[0] and item.alpha2:
                c.survives = False
                c.reasons.append(f"holds ISO 3166-1 alpha-2 {', '.join(sorted(item.alpha2))} (P297) "
                                 "too: a state that exists today, keeping its former code")
            cands.append(c)
        # verified only when the answer is one item, and that item is not ruled out
        unique = len(cands) == 1 and cands[0].survives
        gq = ent.gazetteer_qid
        if unique and gq in (None, cands[0].qid):
            note = f"{how}, unique" + ("; the gazetteer's id" if gq else
                                       f": {cands[0].label}" if cands[0].label else "")
            if gq is None:
                self.links.append(Link(ent, cands[0].qid, "verified", note))
            self.decisions.add(Decision(ent.key, cands[0].qid, "verified", note))
            return None
        if unique:
            note = f"{how} gives {cands[0].qid}, not the gazetteer's verified id {gq}"
        elif len(cands) > 1:
            note = f"{how} is held by {len(cands)} items: not unique, no link"
        else:
            note = f"no item holds {how}" if not cands else f"no item holding {how} survives"
        if gq:
            self._add_review(ent, cands, note.replace(": not unique, no link", ", not unique")
                             + f": the gazetteer's id {gq} is kept")
            return None
        if len(cands) > 1:
            self._add_review(ent, cands, note)
            return None
        return note, cands

    def _by_label(self, ent: Entity, items: list[StateItem], prior: str,
                  prior_cands: list[Candidate]) -> None:
        entry = ent.entry
        assert entry is not None
        rejected = self.decisions.rejected(ent.key)
        cands = []
        for item in items:
            why, agree = date_check(entry, item)
            if item.qid in rejected:
                why.append("rejected in the decisions file")
            found_by = "label " + ", ".join(sorted(item.names))
            cands.append(Candidate(item.qid, item.label, "; ".join([found_by] + agree), 1.0,
                                   survives=not why, reasons=why))
        alive = [c for c in cands if c.survives]
        if len(alive) == 1:
            how = f"{alive[0].description}: the only item left" + (f" ({prior})" if prior else "")
            self.links.append(Link(ent, alive[0].qid, "auto", how))
            self.decisions.add(Decision(ent.key, alive[0].qid, "auto", how))
            return
        if alive:
            note = f"{len(alive)} items have its label and dates: no link"
        elif cands:
            note = "no item with its label has its dates"
        else:
            note = "no item has its label (zh or en)"
        self._add_review(ent, prior_cands + cands, f"{prior}; {note}" if prior else note)

    def _add_review(self, ent: Entity, cands: list[Candidate], note: str) -> None:
        if not cands:
            self.review.append(ReviewRow(ent, None, note))
        for c in _ordered(cands):
            self.review.append(ReviewRow(ent, c, note))
