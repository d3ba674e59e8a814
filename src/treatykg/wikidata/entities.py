"""What :func:`~treatykg.wikidata.reconcile` links: our entities, their candidates, the outcome.

An entity's key names it across documents and runs (it is what the decisions file
remembers): ``state:{gazetteer id}`` (``state:nz``, ``state:suhh``), ``organization:{id}``,
``state:{name}`` for a party whose state the gazetteer does not know,
``person:{name}@{date}``, ``place:{name}``, ``office:{title}``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..gazetteer import Entry, Gazetteer, default as default_gazetteer
from ..model import Record
from ..namespaces import DEFAULT_BASE
from .common import _norm
from .triples import _OurIRIs, party_entry, party_is_entity, state_name, verified


@dataclass
class Entity:
    """Something of ours to link: a state (the party's), an organisation, a person, a place
    or an office."""

    key: str                 # "state:kp", "person:金一@1958-02-19", "place:平壤"
    kind: str                # state | organization | person | place | office
    name: str
    date: str | None
    iris: list[str] = field(default_factory=list)     # our IRIs that are this entity
    organs: list[str] = field(default_factory=list)   # our party IRIs that are organs of it
    en: str | None = None
    gazetteer_qid: str | None = None
    entry: Entry | None = None                        # the gazetteer's entry, where known


@dataclass
class Candidate:
    qid: str
    label: str = ""
    description: str = ""
    score: float = 0.0
    survives: bool = True
    reasons: list[str] = field(default_factory=list)


@dataclass
class Link:
    entity: Entity
    qid: str
    source: str  # gazetteer | accept | verified | auto
    how: str = ""  # how it was found or verified ("ISO 3166-1 alpha-2 NZ via P297, unique")


@dataclass
class ReviewRow:
    entity: Entity
    candidate: Candidate | None  # None: no candidate found
    note: str = ""


def entities_of(record: Record, *, base: str = DEFAULT_BASE, gazetteer: Gazetteer | None = None,
                offices: bool = False) -> list[Entity]:
    """The entities of a record to link: the state (or organisation) of each party, each
    signatory, the signing place and the places visited (and, with ``offices``, each office
    title).

    A state's IRIs are its own (``{base}state/{id}``, :func:`treatykg.rdf.entity_iri`) and
    the party's where the party is the state itself; a party that is an organ of the state
    is listed among its ``organs`` (linked with ``wdt:P17``, never ``owl:sameAs``)."""
    from .. import rdf

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
        entry = party_entry(party, date, gaz)
        agent = ours.agent(party.name)
        itself = party_is_entity(party, entry)
        if entry is None:  # a state the gazetteer does not know: by name
            sname = state_name(party.name)
            put(Entity(f"state:{sname}", "state", sname, date),
                iri=agent if itself else None, organ=None if itself else agent)
            continue
        ent = Entity(f"{entry.type}:{entry.id}", entry.type, entry.zh, date, en=entry.en or None,
                     gazetteer_qid=verified(entry), entry=entry)
        put(ent, iri=rdf.entity_iri(entry, base))
        put(ent, iri=agent if itself else None, organ=None if itself else agent)
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
