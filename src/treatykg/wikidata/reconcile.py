"""Reconciliation: link our entities to Wikidata where exactly one candidate survives."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..gazetteer import Gazetteer, default as default_gazetteer
from ..model import Record
from ..namespaces import DEFAULT_BASE, VOCABULARIES
from .classes import HUMAN
from .client import Facts, WikidataClient
from .common import WD, WDT, _QID, _nn, _norm
from .decisions import Decision, Decisions
from .triples import _OurIRIs, is_state_itself, state_entry, state_name, verified

@dataclass
class Entity:
    """Something of ours to link: a state (the party's), a person, a place or an office."""

    key: str                 # "state:中华人民共和国", "person:金一@1958-02-19", "place:平壤"
    kind: str                # state | person | place | office
    name: str
    date: str | None
    iris: list[str] = field(default_factory=list)     # our IRIs that are this entity
    organs: list[str] = field(default_factory=list)   # our party IRIs that are organs of it
    en: str | None = None
    gazetteer_qid: str | None = None


@dataclass
class Candidate:
    qid: str
    label: str = ""
    description: str = ""
    score: float = 0.0
    survives: bool = True
    reasons: list[str] = field(default_factory=list)



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


def entities_of(record: Record, *, base: str = DEFAULT_BASE, gazetteer: Gazetteer | None = None,
                offices: bool = False) -> list[Entity]:
    """The entities of a record to link: the state of each party, each signatory, the
    signing place and the places visited (and, with ``offices``, each office title)."""
    gaz = gazetteer or default_gazetteer()
    date = record.signed_date
    out: dict[str, Entity] = {}
    ours = _OurIRIs(record, base)

    def put(ent: Entity, iri: str | None = None, organ: str | None = None) -> None:
        got = out.setdefault(ent.key, ent)
        if iri and iri not in got.iris:
            got.iris.append(iri)
        if organ and organ not in got.organs:
            got.organs.append(organ)

    for party in record.parties:
        if not _norm(party.name):
            continue
        entry = state_entry(party.name, date, gaz)
        sname = entry.zh if entry else state_name(party.name)
        ent = Entity(f"state:{sname}", "state", sname, date, en=entry.en if entry else None,
                     gazetteer_qid=verified(entry))
        if is_state_itself(party.name, entry):
            put(ent, iri=ours.agent(party.name))
        else:
            put(ent, iri=ours.agent(sname), organ=ours.agent(party.name))
    for sig in record.signatories:
        if not sig.name or not _norm(sig.name):
            continue
        name = _norm(sig.name)
        entry = gaz.lookup(name, "person", date)
        put(Entity(f"person:{name}@{date or 'undated'}", "person", name, date,
                   en=entry.en if entry else None),
            iri=ours.person(sig.name))
        if offices and sig.title and _norm(sig.title):
            title = _norm(sig.title)
            put(Entity(f"office:{title}", "office", title, date))
    places = [record.signed_place] if record.signed_place else []
    if record.visit:
        places += list(record.visit.places_visited)
    for place in places:
        if not place or not _norm(place):
            continue
        entry = gaz.lookup(_norm(place), "place", date)
        name = entry.zh if entry else _norm(place)
        put(Entity(f"place:{name}", "place", name, date, en=entry.en if entry else None,
                   gazetteer_qid=verified(entry)),
            iri=ours.place(place))
    return list(out.values())


@dataclass
class Link:
    entity: Entity
    qid: str
    source: str  # gazetteer | accept | auto


@dataclass
class ReviewRow:
    entity: Entity
    candidate: Candidate | None  # None: no candidate found
    note: str = ""


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


def reconcile(records: Iterable[Record], client: WikidataClient, *,
              decisions: Decisions | None = None, base: str = DEFAULT_BASE,
              gazetteer: Gazetteer | None = None, languages: tuple[str, ...] = ("zh", "en", "ko"),
              facts_via: str = "sparql", offices: bool = False,
              position_classes: Iterable[str] = (), state_classes: Iterable[str] = ()
              ) -> ReconcileResult:
    """Link the entities of ``records`` to Wikidata where exactly one candidate survives.

    Order for each entity: a verified gazetteer id links at once; a decision
    (``accept``/``auto``) links without a lookup; a ``reject`` with no QID skips the
    entity. Otherwise the entity is searched (``wbsearchentities`` in each of
    ``languages``, with its Chinese name and, for ``en``, its English gazetteer label),
    candidates rejected in the decisions are dropped, the constraints of
    :func:`check_candidate` are applied to each candidate's facts, and the entity is
    linked (a new ``auto`` decision) only when exactly one candidate survives;
    otherwise every candidate, with its score and the reasons it failed, goes to review.
    """
    gaz = gazetteer or default_gazetteer()
    decisions = decisions if decisions is not None else Decisions()
    entities: dict[str, Entity] = {}
    for record in records:
        for ent in entities_of(record, base=base, gazetteer=gaz, offices=offices):
            got = entities.setdefault(ent.key, ent)
            if got is not ent:
                got.iris += [i for i in ent.iris if i not in got.iris]
                got.organs += [o for o in ent.organs if o not in got.organs]
    before = client.requests_made
    links: list[Link] = []
    review: list[ReviewRow] = []
    lookups = 0
    for key in sorted(entities):
        ent = entities[key]
        if ent.gazetteer_qid:
            links.append(Link(ent, ent.gazetteer_qid, "gazetteer"))
            continue
        known = decisions.linked(key)
        if known:
            links.append(Link(ent, known.qid, known.decision))
            continue
        rejected = decisions.rejected(key)
        if "" in rejected:
            continue
        lookups += 1
        names = {_norm(ent.name)} | ({_norm(ent.en)} if ent.en else set())
        cands: dict[str, Candidate] = {}
        for lang in languages:
            text = ent.en if (lang == "en" and ent.en) else ent.name
            for rank, hit in enumerate(client.search(text, lang)):
                qid = hit.get("id") or ""
                if not _QID.match(qid):
                    continue
                score = _score(hit, names, rank)
                c = cands.get(qid)
                if c is None:
                    cands[qid] = Candidate(qid, hit.get("label") or "", hit.get("description") or "", score)
                elif score > c.score:
                    c.score = score
        for qid in rejected:
            if qid in cands:
                cands[qid].survives = False
                cands[qid].reasons.append("rejected in the decisions file")
        live = [c for c in cands.values() if c.survives]
        facts = client.facts([c.qid for c in live], via=facts_via) if live else {}
        for c in live:
            why = check_candidate(ent.kind, facts.get(c.qid, Facts(c.qid)), ent.date,
                                  position_classes=position_classes, state_classes=state_classes)
            if why:
                c.survives = False
                c.reasons += why
        ordered = sorted(cands.values(), key=lambda c: (not c.survives, -c.score, int(c.qid[1:])))
        survivors = [c for c in ordered if c.survives]
        if len(survivors) == 1:
            c = survivors[0]
            links.append(Link(ent, c.qid, "auto"))
            decisions.add(Decision(key, c.qid, "auto",
                                   f"only candidate surviving the constraints (score {c.score}, "
                                   f"{len(cands)} found): {c.label}"))
            continue
        if not ordered:
            review.append(ReviewRow(ent, None, "no candidate found"))
        note = ("several candidates survive the constraints" if len(survivors) > 1
                else "no candidate survives the constraints")
        for c in ordered:
            review.append(ReviewRow(ent, c, note))
    return ReconcileResult(links, review, decisions, lookups, client.requests_made - before)


def links_turtle(result: ReconcileResult) -> bytes:
    """The links as Turtle: ``owl:sameAs`` and ``skos:exactMatch`` ``wd:Q…`` from each of
    our IRIs of a linked entity, and ``wdt:P17`` (country) from parties that are organs
    of a linked state."""
    from ..rdf import serialize_quads

    same, exact = _nn(VOCABULARIES["owl"] + "sameAs"), _nn(VOCABULARIES["skos"] + "exactMatch")
    quads = []
    for link in result.links:
        target = _nn(WD + link.qid)
        for iri in link.entity.iris:
            quads += [ox.Quad(_nn(iri), same, target), ox.Quad(_nn(iri), exact, target)]
        for iri in link.entity.organs:
            quads.append(ox.Quad(_nn(iri), _nn(WDT + "P17"), target))
    return serialize_quads(quads, "turtle")


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


