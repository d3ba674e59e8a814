"""Reconciliation: link our entities to Wikidata by a unique key, or where exactly one
candidate survives; everything else goes to a review table.

The gazetteer's states are :mod:`.states`' (ISO code, else label and years); every other
entity goes through :class:`_Search` (``wbsearchentities``, then the constraints of
:func:`check_candidate` on each candidate's facts).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..gazetteer import Gazetteer, default as default_gazetteer
from ..model import Record
from ..namespaces import DEFAULT_BASE, VOCABULARIES
from .classes import HUMAN
from .client import Facts, WikidataClient
from .common import WD, WDT, _QID, _nn, _norm
from .decisions import Decision, Decisions
from .entities import Candidate, Entity, Link, ReviewRow, entities_of
from .states import StateReconciler


def _before(a: str, b: str) -> bool:
    """Whether date ``a`` is surely before ``b`` (partial dates compared on their common prefix)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def check_candidate(kind: str, facts: Facts, date: str | None, *,
                    position_classes: Iterable[str] = (),
                    state_classes: Iterable[str] = ()) -> list[str]:
    """Why a candidate fails the constraints of ``kind`` at ``date`` (empty: it passes).

    * person: a human (P31 Q5), born (P569) on or before and not dead (P570) before the date;
    * state: not a human; founded (P571) on or before, not dissolved (P576) before the
      date; of one of ``state_classes`` (P31) when given;
    * place: not a human; existing at the date (P571/P576) where Wikidata says;
    * office: a position — P31 or P279 one of ``position_classes`` (none given: never passes,
      so offices always go to review).
    """
    why: list[str] = []
    if kind == "person":
        if HUMAN not in facts.instance_of:
            why.append("not a human (P31 Q5)")
        if date:
            if facts.born and all(_before(date, b) for b in facts.born):
                why.append(f"born {facts.born[0]}, after {date}")
            if facts.died and all(_before(d, date) for d in facts.died):
                why.append(f"died {facts.died[0]}, before {date}")
        return why
    if kind == "office":
        classes = set(position_classes)
        if not classes or not (classes & (facts.instance_of | facts.subclass_of)):
            why.append("not known to be a position")
        return why
    if HUMAN in facts.instance_of:
        why.append("a human")
    if kind == "state" and state_classes and not (set(state_classes) & facts.instance_of):
        why.append("not of a state class (P31)")
    if date:
        if facts.inception and all(_before(date, b) for b in facts.inception):
            why.append(f"founded {facts.inception[0]}, after {date}")
        if facts.dissolved and all(_before(d, date) for d in facts.dissolved):
            why.append(f"dissolved {facts.dissolved[0]}, before {date}")
    return why


@dataclass
class ReconcileResult:
    """What :func:`reconcile` decided: links, rows to review, the updated decisions."""

    links: list[Link]
    review: list[ReviewRow]
    decisions: Decisions
    lookups: int = 0           # entities looked up (cache or network)
    requests_made: int = 0     # HTTP requests actually sent

    def __str__(self) -> str:
        pending = len({r.entity.key for r in self.review})
        return (f"{len(self.links)} linked, {pending} to review, {self.lookups} looked up, "
                f"{self.requests_made} requests sent")


def _score(hit: dict[str, Any], names: set[str], rank: int) -> float:
    match = hit.get("match") or {}
    label = _norm(hit.get("label") or "")
    text = _norm(match.get("text") or "")
    if label in names:
        base = 1.0
    elif text in names:
        base = 0.9 if match.get("type") == "alias" else 0.95
    else:
        base = 0.5
    return round(max(0.0, base - 0.02 * rank), 3)


class _Search:
    """The search route (``wbsearchentities``, then constraints on the candidates' facts)
    for every entity but the gazetteer's states."""

    def __init__(self, client: WikidataClient, decisions: Decisions, *, languages: tuple[str, ...],
                 facts_via: str, position_classes: Iterable[str], state_classes: Iterable[str]):
        self.client, self.decisions = client, decisions
        self.languages, self.facts_via = languages, facts_via
        self.position_classes, self.state_classes = position_classes, state_classes
        self.links: list[Link] = []
        self.review: list[ReviewRow] = []
        self.lookups = 0

    def one(self, ent: Entity) -> None:
        if ent.gazetteer_qid:
            self.links.append(Link(ent, ent.gazetteer_qid, "gazetteer",
                                   ent.entry.wikidata_source if ent.entry else ""))
            return
        known = self.decisions.linked(ent.key)
        if known:
            self.links.append(Link(ent, known.qid, known.decision, known.note))
            return
        rejected = self.decisions.rejected(ent.key)
        if "" in rejected:
            return
        self.lookups += 1
        cands = self._candidates(ent)
        for qid in rejected:
            if qid in cands:
                cands[qid].survives = False
                cands[qid].reasons.append("rejected in the decisions file")
        self._constrain(ent, [c for c in cands.values() if c.survives])
        ordered = sorted(cands.values(), key=lambda c: (not c.survives, -c.score, int(c.qid[1:])))
        survivors = [c for c in ordered if c.survives]
        if len(survivors) == 1:
            c = survivors[0]
            how = (f"only candidate surviving the constraints (score {c.score}, "
                   f"{len(cands)} found): {c.label}")
            self.links.append(Link(ent, c.qid, "auto", how))
            self.decisions.add(Decision(ent.key, c.qid, "auto", how))
            return
        if not ordered:
            self.review.append(ReviewRow(ent, None, "no candidate found"))
        note = ("several candidates survive the constraints" if len(survivors) > 1
                else "no candidate survives the constraints")
        for c in ordered:
            self.review.append(ReviewRow(ent, c, note))

    def _candidates(self, ent: Entity) -> dict[str, Candidate]:
        names = {_norm(ent.name)} | ({_norm(ent.en)} if ent.en else set())
        cands: dict[str, Candidate] = {}
        for lang in self.languages:
            text = ent.en if (lang == "en" and ent.en) else ent.name
            for rank, hit in enumerate(self.client.search(text, lang)):
                qid = hit.get("id") or ""
                if not _QID.match(qid):
                    continue
                score = _score(hit, names, rank)
                c = cands.get(qid)
                if c is None:
                    cands[qid] = Candidate(qid, hit.get("label") or "", hit.get("description") or "", score)
                elif score > c.score:
                    c.score = score
        return cands

    def _constrain(self, ent: Entity, live: list[Candidate]) -> None:
        facts = self.client.facts([c.qid for c in live], via=self.facts_via) if live else {}
        for c in live:
            why = check_candidate(ent.kind, facts.get(c.qid, Facts(c.qid)), ent.date,
                                  position_classes=self.position_classes,
                                  state_classes=self.state_classes)
            if why:
                c.survives = False
                c.reasons += why


def _collect(records: Iterable[Record], *, base: str, gazetteer: Gazetteer,
             offices: bool) -> dict[str, Entity]:
    """The entities of every record, one per key, with the IRIs of all records."""
    entities: dict[str, Entity] = {}
    for record in records:
        for ent in entities_of(record, base=base, gazetteer=gazetteer, offices=offices):
            got = entities.setdefault(ent.key, ent)
            if got is not ent:
                got.iris += [i for i in ent.iris if i not in got.iris]
                got.organs += [o for o in ent.organs if o not in got.organs]
    return entities


def _is_gazetteer_state(ent: Entity) -> bool:
    return ent.entry is not None and ent.entry.type == "state"


def reconcile(records: Iterable[Record], client: WikidataClient, *,
              decisions: Decisions | None = None, base: str = DEFAULT_BASE,
              gazetteer: Gazetteer | None = None, languages: tuple[str, ...] = ("zh", "en", "ko"),
              facts_via: str = "sparql", offices: bool = False,
              position_classes: Iterable[str] = (), state_classes: Iterable[str] = ()
              ) -> ReconcileResult:
    """Link the entities of ``records`` to Wikidata by a unique key, or where exactly one
    candidate survives.

    The gazetteer's states go by their ISO 3166 code, else by label and the years they
    existed (:class:`~treatykg.wikidata.states.StateReconciler`: the gazetteer's verified
    id first and never overwritten; decisions; one SPARQL look-up for all codes; a code
    held by exactly one item is a ``verified`` link).

    Every other entity: a verified gazetteer id links at once; a decision
    (``accept``/``verified``/``auto``) links without a lookup; a ``reject`` with no QID
    skips the entity. Otherwise the entity is searched (``wbsearchentities`` in each of
    ``languages``, with its Chinese name and, for ``en``, its English gazetteer label),
    candidates rejected in the decisions are dropped, the constraints of
    :func:`check_candidate` are applied to each candidate's facts, and the entity is
    linked (a new ``auto`` decision) only when exactly one candidate survives;
    otherwise every candidate, with its score and the reasons it failed, goes to review.

    Raises :class:`~treatykg.errors.EndpointError` when Wikidata cannot be reached.
    """
    gaz = gazetteer or default_gazetteer()
    decisions = decisions if decisions is not None else Decisions()
    entities = _collect(records, base=base, gazetteer=gaz, offices=offices)
    before = client.requests_made
    states = StateReconciler(client, decisions)
    states.run(e for e in entities.values() if _is_gazetteer_state(e))
    search = _Search(client, decisions, languages=languages, facts_via=facts_via,
                     position_classes=position_classes, state_classes=state_classes)
    for key in sorted(entities):
        if not _is_gazetteer_state(entities[key]):
            search.one(entities[key])
    links = sorted(states.links + search.links, key=lambda link: link.entity.key)
    review = sorted(states.review + search.review, key=lambda row: row.entity.key)
    return ReconcileResult(links, review, decisions, states.lookups + search.lookups,
                           client.requests_made - before)


def links_turtle(result: ReconcileResult) -> bytes:
    """The links as Turtle: ``owl:sameAs`` and ``skos:exactMatch`` ``wd:Q…`` from each of
    our IRIs of a linked entity (a state's own ``{base}state/{id}``, a party that is the
    state itself, a place), and ``wdt:P17`` (country) from parties that are organs of a
    linked state. Every link of the result is written: the gazetteer's, ``accept`` and
    ``verified`` decisions, and ``auto`` ones (unique survivors, to be checked)."""
    from ..rdf import serialize_quads

    same, exact = _nn(VOCABULARIES["owl"] + "sameAs"), _nn(VOCABULARIES["skos"] + "exactMatch")
    quads: dict[ox.Quad, None] = {}
    for link in result.links:
        target = _nn(WD + link.qid)
        for iri in link.entity.iris:
            quads.update({ox.Quad(_nn(iri), same, target): None, ox.Quad(_nn(iri), exact, target): None})
        for iri in link.entity.organs:
            quads[ox.Quad(_nn(iri), _nn(WDT + "P17"), target)] = None
    return serialize_quads(list(quads), "turtle")


def review_tsv(result: ReconcileResult) -> str:
    """The review table: one row per candidate of each entity not linked."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(["key", "kind", "name", "date", "qid", "label", "description", "score",
                "survives", "why", "note"])
    for r in result.review:
        c = r.candidate
        w.writerow([r.entity.key, r.entity.kind, r.entity.name, r.entity.date or "",
                    c.qid if c else "", c.label if c else "", c.description if c else "",
                    c.score if c else "", ("yes" if c.survives else "no") if c else "",
                    "; ".join(c.reasons) if c else "", r.note])
    return buf.getvalue()


