"""Wikidata-shaped triples for a record, from the gazetteer's verified ids only.

A party is mapped to its state by stripping the organ (``中华人民共和国政府`` →
``中华人民共和国``, see :data:`ORGAN_SUFFIXES`); the party itself is linked to the
state with ``wdt:P17`` (country), never ``owl:sameAs`` (a government is not its state).
"""
from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from ..gazetteer import Entry, Gazetteer, default as default_gazetteer
from ..model import Party, Record
from ..namespaces import DEFAULT_BASE, VOCABULARIES
from .classes import wikidata_class
from .common import WD, WDT, _QID, _nn, _norm

#: Organ names stripped from a party to find its state, longest first.
ORGAN_SUFFIXES = (
    "全国人民代表大会常务委员会", "最高人民会议常任委员会", "中央人民政府", "人民政府",
    "部长会议", "外交部长", "国务院", "外交部", "政府", "内阁",
)


def state_name(party: str) -> str:
    """The state a party stands for: the party with its organ suffix stripped
    (``中华人民共和国政府`` → ``中华人民共和国``; a state's name is returned as is)."""
    name = _norm(party)
    for suffix in ORGAN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def verified(entry: Entry | None) -> str | None:
    """The entry's Wikidata id if it is verified (an id *and* its source), else None."""
    if entry is not None and entry.wikidata and entry.wikidata_source and _QID.match(entry.wikidata):
        return entry.wikidata
    return None


def state_entry(party: str, date: str | None, gaz: Gazetteer | None = None) -> Entry | None:
    """The gazetteer state (or organisation) a party stands for at ``date``, or None."""
    gaz = gaz or default_gazetteer()
    name = _norm(party)
    names = [name] + [name[: -len(sfx)] for sfx in ORGAN_SUFFIXES
                      if name.endswith(sfx) and len(name) > len(sfx)]
    for name in names:
        for typ in ("state", "organization"):
            e = gaz.lookup(name, typ, date)
            if e is not None:
                return e
    return None


def is_state_itself(party: str, entry: Entry | None) -> bool:
    """Whether a party names the state (or organisation) itself, not an organ of it."""
    if entry is not None:
        return _norm(party) in {_norm(n) for n in entry.names()}
    return _norm(party) == state_name(party)


def party_entry(party: Party, date: str | None, gaz: Gazetteer | None = None) -> Entry | None:
    """The gazetteer state or organisation a party is or acts for: the organisation a party
    of kind ``organization`` names, else ``party.state`` (the reader's resolution), else
    ``party.entity``, else the party's name with its organ stripped (:func:`state_entry`)."""
    gaz = gaz or default_gazetteer()
    ids = [party.entity, party.state] if party.kind == "organization" else [party.state, party.entity]
    for id_ in ids:
        entry = gaz.by_id(id_) if id_ else None
        if entry is not None and entry.type in ("state", "organization"):
            return entry
    return state_entry(party.name, date, gaz)


def party_is_entity(party: Party, entry: Entry | None) -> bool:
    """Whether the party *is* the state or organisation (kind ``state``/``organization``),
    not an organ acting for it (kind ``organ``); an unknown kind is judged by its name."""
    if party.kind in ("state", "organization"):
        return True
    if party.kind == "organ":
        return False
    return is_state_itself(party.name, entry)


_KIND_CLASSES = {
    "agent": VOCABULARIES["org"] + "Organization",
    "person": VOCABULARIES["prov"] + "Person",
    "place": VOCABULARIES["sem"] + "Place",
}


class _OurIRIs:
    """The IRIs :func:`treatykg.rdf.record_quads` gives a record's parties, persons and
    places, found by type and label in its output (so that links always point to the
    resources our data really has, whatever the IRI scheme)."""

    def __init__(self, record: Record, base: str):
        from .. import rdf

        self.rdf, self.base, self.record = rdf, base, record
        types: dict[str, set[str]] = {}
        labels: dict[str, set[str]] = {}
        rdf_type = VOCABULARIES["rdf"] + "type"
        label = VOCABULARIES["rdfs"] + "label"
        for quad in rdf.record_quads(record, base=base):
            s = quad.subject.value
            if quad.predicate.value == rdf_type:
                types.setdefault(s, set()).add(quad.object.value)
            elif quad.predicate.value == label and isinstance(quad.object, ox.Literal):
                labels.setdefault(s, set()).add(_norm(quad.object.value))
        self.index: dict[tuple[str, str], str] = {}
        for kind, cls in _KIND_CLASSES.items():
            for s in sorted(x for x, ts in types.items() if cls in ts):
                for name in sorted(labels.get(s, ())):
                    self.index.setdefault((kind, name), s)

    def agent(self, name: str) -> str:
        return self.index.get(("agent", _norm(name))) or self.rdf.agent_iri(" ".join(name.split()), self.base)

    def place(self, name: str) -> str:
        return self.index.get(("place", _norm(name))) or self.rdf.place_iri(" ".join(name.split()), self.base)

    def person(self, name: str) -> str | None:
        return self.index.get(("person", _norm(name)))


def wikidata_quads(record: Record, *, base: str = DEFAULT_BASE,
                   gazetteer: Gazetteer | None = None) -> Iterator[ox.Quad]:
    """Wikidata-shaped quads for a record, in the document's named graph.

    For every party, place and authentic language whose gazetteer entry has a
    verified Wikidata id valid at the document's date:

    * the document: ``wdt:P1891`` (signatory: the state), ``wdt:P1071`` (location of
      creation), ``wdt:P407`` (language of work); ``wdt:P31`` where its document type has
      a verified class (:func:`~treatykg.wikidata.classes.wikidata_class`: treaty or
      bilateral treaty), ``wdt:P1476`` (title, @zh) and ``wdt:P585`` (point in time,
      ``xsd:dateTime`` as Wikidata gives it; full dates only);
    * the signing: ``wdt:P276`` (location);
    * ``owl:sameAs`` and ``skos:exactMatch`` ``wd:Q…`` from the IRIs that *are* the entity:
      the state's (``{base}state/{id}``, :func:`treatykg.rdf.entity_iri`) or the
      organisation's, a party's own IRI when the party is the state itself, the place's;
      a party that is an organ of the state (a government, a ministry) gets ``wdt:P17``
      (country) instead — a government is not its state.

    Persons are not linked (the gazetteer verifies no person ids; see :func:`reconcile`).
    """
    from .. import rdf

    gaz = gazetteer or default_gazetteer()
    doc_s = rdf.document_iri(record, base)
    doc = _nn(doc_s)
    g = _nn(rdf.graph_iri(doc_s))
    date = record.signed_date
    same, exact = _nn(VOCABULARIES["owl"] + "sameAs"), _nn(VOCABULARIES["skos"] + "exactMatch")
    seen: set[ox.Quad] = set()
    ours = _OurIRIs(record, base)

    def q(s, p, o) -> Iterator[ox.Quad]:
        quad = ox.Quad(s, _nn(WDT + p) if isinstance(p, str) else p, o, g)
        if quad not in seen:
            seen.add(quad)
            yield quad

    cls = wikidata_class(record)
    if cls:
        yield from q(doc, "P31", _nn(WD + cls))
    title = " ".join((record.title or "").split())
    if title:
        yield from q(doc, "P1476", ox.Literal(title, language="zh"))
    if date and len(date) == 10:
        yield from q(doc, "P585", ox.Literal(f"{date}T00:00:00Z",
                                             datatype=_nn(VOCABULARIES["xsd"] + "dateTime")))
    for party in record.parties:
        if not _norm(party.name):
            continue
        entry = party_entry(party, date, gaz)
        qid = verified(entry)
        if entry is None or not qid:
            continue
        target = _nn(WD + qid)
        agent = _nn(ours.agent(party.name))
        yield from q(doc, "P1891", target)
        for iri in ([_nn(rdf.entity_iri(entry, base))]
                    + ([agent] if party_is_entity(party, entry) else [])):
            yield from q(iri, same, target)
            yield from q(iri, exact, target)
        if not party_is_entity(party, entry):
            yield from q(agent, "P17", target)
    if record.signed_place and _norm(record.signed_place):
        qid = verified(gaz.lookup(_norm(record.signed_place), "place", date))
        if qid:
            place = _nn(ours.place(record.signed_place))
            yield from q(doc, "P1071", _nn(WD + qid))
            yield from q(_nn(f"{doc_s}/signing"), "P276", _nn(WD + qid))
            yield from q(place, same, _nn(WD + qid))
            yield from q(place, exact, _nn(WD + qid))
    for lang in record.authentic_languages or []:
        qid = verified(gaz.lookup(_norm(lang), "language", date))
        if qid:
            yield from q(doc, "P407", _nn(WD + qid))


