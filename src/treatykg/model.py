"""The record: plain dataclasses for what one treaty text says.

Every extracted value carries its evidence, a :class:`Span` of the *original*
text (the decoded file, byte-order mark removed, line ends untouched). Offsets
are Unicode code points, ``start`` inclusive and ``end`` exclusive, so that for
every span ``original[span.start:span.end] == span.exact`` (Python slicing, the
same unit as W3C Web Annotation's TextPositionSelector).

Values themselves are given in the *normalised* form: simplified script,
full-width Chinese punctuation, stray spaces inside Chinese runs removed.

``Record.to_json()`` gives the JSON record described in the corpus README (keys
always present, ``null`` or ``[]`` where the text does not say) plus
``evidence`` (field path -> list of spans) and ``warnings``.

:data:`FIELDS` declares, once, what each record field *is*: its path in the record, the
attribute holding its evidence span, the RDF node its evidence is about and the statement it
supports, its highlight kind, its place in ``view``'s panel and how ``view`` and
``extract --format text`` show its value. :meth:`Record.evidence`, :mod:`treatykg.rdf` (the
annotation bodies, the simple facts of the work), :mod:`treatykg.view` (and so the site's
document pages) and ``extract --format text`` all read it. Adding a field: its attribute and
JSON key on :class:`Record`, its :class:`Field`, the extractor that fills it, its term in
``ontology/`` and its shape in ``shapes/``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .lexicon import doc_types

#: The record's document types (``data/lexicon/doc_types.tsv``, :func:`treatykg.lexicon.doc_types`).
DOC_TYPES: tuple[str, ...] = tuple(t.value for t in doc_types())


@dataclass(frozen=True)
class Span:
    """Where a value stands in the original text (code-point offsets, end exclusive)."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "exact": self.exact,
                "prefix": self.prefix, "suffix": self.suffix}


@dataclass(frozen=True)
class Source:
    """The file a record came from."""

    name: str
    sha256: str
    encoding: str
    size: int  # bytes
    length: int  # code points of the original text
    text_sha256: str = ""  # SHA-256 of the original text as UTF-8: the text evidence fragments point into
    key: str = ""  # the text's identity, whatever its encoding or spacing (treatykg.iris.text_key): its document IRI


@dataclass
class Party:
    """A party as the title (or preamble) names it, and what it is.

    ``kind``: ``state`` (the state itself), ``organ`` (a government, ministry … of ``state``),
    ``organization`` (an international organisation) or ``unknown``. ``entity`` is the
    gazetteer id of the state or organisation named, ``state`` the id of the state the party
    is or acts for; ``review`` says why a person should look at a party the gazetteer could
    not resolve (it is kept, never dropped).
    """

    name: str
    span: Span | None = None
    entity: str | None = None
    state: str | None = None
    organ: str | None = None
    kind: str = "unknown"
    review: str | None = None


@dataclass
class Signatory:
    name: str | None  # None where the block names the party but the name was lost
    title: str | None = None
    party: str | None = None
    name_span: Span | None = None
    title_span: Span | None = None


@dataclass
class Reference:
    """Another document (``kind='document'``) or an outside event (``kind='event'``)."""

    label: str
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD: as precise as the text says
    kind: str = "document"
    place: str | None = None
    span: Span | None = None
    date_span: Span | None = None
    stance: str | None = None  # "supports", "condemns" or "in_accordance_with", where the text says so
    place_span: Span | None = None


@dataclass
class Participant:
    """A participant in the talks, with the title printed beside the name (the office held then)."""

    name: str
    title: str | None = None
    side: str | None = None
    span: Span | None = None  # title and name as printed
    name_span: Span | None = None
    title_span: Span | None = None


@dataclass
class Mention:
    """A state, organisation, person, place or language named in the text (found by the gazetteer)."""

    text: str  # as written in the original
    type: str
    start: int  # code points into the original text
    end: int
    id: str  # the gazetteer's id
    label: str = ""  # the gazetteer's canonical (simplified) name
    wikidata: str | None = None  # only where the gazetteer has a verified id
    span: Span | None = None


@dataclass
class Visit:
    """The visit that occasioned the document."""

    delegation: str | None = None
    led_by: str | None = None
    host: str | None = None
    start: str | None = None
    end: str | None = None
    places_visited: list[str] = field(default_factory=list)
    span: Span | None = None  # the sentence that tells of the visit
    date_span: Span | None = None
    places_span: Span | None = None
    delegation_span: Span | None = None
    led_by_span: Span | None = None
    host_span: Span | None = None


@dataclass
class Commitment:
    """What the document itself decides or promises, by when (``双方`` where both sides act)."""

    actor: str
    action: str
    deadline: str | None = None  # YYYY-MM-DD (a year's or month's end where the text says 年底/月底)
    span: Span | None = None
    deadline_span: Span | None = None
    actor_span: Span | None = None


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from when it was not read from the text: asserted by a curator
    (``kind='curator'``: who, when, why) or taken from database metadata (``kind='metadata'``:
    the metadata file, the database's URL). Facts read from the text have no Provenance:
    their evidence is a span of the text."""

    kind: str                   # "curator" | "metadata"
    agent: str | None = None    # the curator's name; the metadata file
    date: str | None = None     # when the curator asserted it (YYYY-MM-DD)
    note: str | None = None
    source: str | None = None   # the corrections file, or the record's URL in the database

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "agent": self.agent, "date": self.date, "note": self.note,
                "source": self.source}


@dataclass
class Repair:
    """A repair ingest made to the text (page-break join, stray space, script, punctuation)."""

    kind: str
    span: Span
    detail: str = ""


@dataclass
class Record:
    source: Source
    title: str | None = None
    title_span: Span | None = None
    doc_type: str = "other"
    parties: list[Party] = field(default_factory=list)
    signed_date: str | None = None
    signed_date_span: Span | None = None
    signed_place: str | None = None
    signed_place_span: Span | None = None
    signatories: list[Signatory] = field(default_factory=list)
    authentic_languages: list[str] | None = None
    authentic_languages_span: Span | None = None
    articles: int = 0
    article_spans: list[Span] = field(default_factory=list)
    referenced: list[Reference] = field(default_factory=list)
    entry_into_force: str | None = None
    entry_into_force_span: Span | None = None
    entry_into_force_date: str | None = None  # YYYY-MM-DD, where the text resolves it
    entry_into_force_date_span: Span | None = None
    validity_months: int | None = None  # how long it stays in force, in months (有效期五年 -> 60)
    validity_months_span: Span | None = None
    visit: Visit | None = None
    talks_participants: list[Participant] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    source_url: str | None = None  # the document's page in the database (from metadata)
    repairs: list[Repair] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: field path (as in the JSON record: "parties", "parties[2]", "signed_date") -> where a fact
    #: that was not read from the text comes from; a path covers its items ("parties" covers
    #: "parties[0]" …). Facts without an entry were read from the text.
    provenance: dict[str, Provenance] = field(default_factory=dict)
    #: (field, value, provenance) of what was read and then replaced or removed by a curator
    rejected: list[tuple[str, Any, Provenance]] = field(default_factory=list)

    def origin(self, path: str) -> Provenance | None:
        """Where the fact at ``path`` comes from: its Provenance, or None for a fact read from the text."""
        entry = self.origin_entry(path)
        return entry[1] if entry else None

    def origin_entry(self, path: str) -> tuple[str, Provenance] | None:
        """(the provenance path that covers ``path``, its Provenance), or None for a fact read from the text."""
        while path:
            if path in self.provenance:
                return path, self.provenance[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    # -- JSON -------------------------------------------------------------
    def evidence(self) -> dict[str, list[Span]]:
        """Field path (as in the JSON record) -> the spans it was read from, in :data:`FIELDS` order."""
        ev: dict[str, list[Span]] = {}
        for fld, path, owner, _ in self.fields():
            got = getattr(owner, fld.span)
            got = [x for x in (got if isinstance(got, list) else [got]) if x is not None]
            if got:
                ev[path] = got
        return ev

    def fields(self, data: dict[str, Any] | None = None) -> Iterator[tuple[Field, str, Any, Any]]:
        """``(field, path, owner, value)`` of every field the record holds, in :data:`FIELDS` order
        (the fields of a list, item after item): ``owner`` the object that holds the field's span
        (the record, an item, the visit), ``value`` its value in the JSON record ``data`` (the
        item's dict for a field of a list or of the visit; None when ``data`` is None)."""
        for head, group in _GROUPS:
            if group[0].many:
                for i, item in enumerate(getattr(self, head) or []):
                    value = data[head][i] if data is not None else None
                    for fld in group:
                        yield fld, fld.at(i), item, value
            elif any(f.sub is not None for f in group):  # the visit
                owner = getattr(self, head)
                if owner is not None:
                    for fld in group:
                        yield fld, fld.path, owner, data[head] if data is not None else None
            else:
                for fld in group:
                    yield fld, fld.path, self, data[head] if data is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": {"name": self.source.name, "sha256": self.source.sha256,
                       "encoding": self.source.encoding, "bytes": self.source.size,
                       "length": self.source.length, "text_sha256": self.source.text_sha256,
                       "key": self.source.key},
            "title": self.title,
            "doc_type": self.doc_type,
            "parties": [p.name for p in self.parties],
            "party_details": [{"name": p.name, "kind": p.kind, "state": p.state, "entity": p.entity,
                               "organ": p.organ, "review": p.review} for p in self.parties],
            "signed_date": self.signed_date,
            "signed_place": self.signed_place,
            "signatories": [{"name": s.name, "title": s.title, "party": s.party}
                            for s in self.signatories],
            "authentic_languages": self.authentic_languages,
            "articles": self.articles,
            "referenced": [{"label": r.label, "date": r.date, "kind": r.kind, "place": r.place,
                            "stance": r.stance} for r in self.referenced],
            "entry_into_force": self.entry_into_force,
            "entry_into_force_date": self.entry_into_force_date,
            "validity_months": self.validity_months,
            "visit": None if self.visit is None else {
                "delegation": self.visit.delegation, "led_by": self.visit.led_by, "host": self.visit.host,
                "start": self.visit.start, "end": self.visit.end,
                "places_visited": list(self.visit.places_visited)},
            "talks_participants": [{"name": p.name, "title": p.title, "side": p.side}
                                   for p in self.talks_participants],
            "commitments": [{"actor": c.actor, "action": c.action, "deadline": c.deadline}
                            for c in self.commitments],
            "mentions": [{"text": m.text, "type": m.type, "start": m.start, "end": m.end, "id": m.id,
                          "label": m.label, "wikidata": m.wikidata} for m in self.mentions],
            "evidence": {k: [s.to_json() for s in v] for k, v in self.evidence().items()},
            "repairs": [{"kind": r.kind, "detail": r.detail, **r.span.to_json()} for r in self.repairs],
            "warnings": list(self.warnings),
            "source_url": self.source_url,
            "provenance": {k: v.to_json() for k, v in sorted(self.provenance.items())},
            "rejected": [{"field": f, "value": v, "by": p.to_json()} for f, v, p in self.rejected],
        }


# ---------------------------------------------------------------- the fields, declared once
def _shown(value: Any) -> str | None:
    return None if value is None else str(value)


def _listed(value: list[str] | None) -> str | None:
    return "、".join(value) if value else None


@dataclass(frozen=True)
class Field:
    """What one record field is (see :data:`FIELDS`).

    ``path``: as in the JSON record, ``[]`` where an item's index goes (``signatories[].name``).
    ``span``: the attribute holding its span (or list of spans) on the record, the item or the visit.
    ``node``: the RDF node its evidence is about (an annotation's ``oa:hasBody``), a key of
    ``treatykg.rdf``'s node table (``document``, ``signing``, ``party``, ``signatory`` …).
    ``supports``: the statement it supports, (subject node, predicate CURIE), the predicate
    possibly chosen by the JSON item (a reference's kind); ``literal``: for a simple fact of the
    work (the document node, one value), how its value is written (``zh``: stripped, tagged
    ``@zh``; ``date``: ``xsd:date``, ``gYearMonth`` or ``gYear``; ``integer``): ``treatykg.rdf``
    then writes the statement from here alone. ``kind``: its highlight in ``view`` and on the
    site; ``section``: its group in ``view``'s panel. ``view`` and ``text``: the value shown by ``view`` and printed by
    ``extract --format text`` (from its JSON value; None: not shown there, or not this time);
    ``text_at``: the position of its group in the text listing; ``note``: a line printed under it.
    """

    path: str
    span: str
    kind: str
    node: str
    supports: tuple[str, str | Callable[[Any], str]] | None
    section: str = "document"
    view: Callable[[Any], str | None] | None = _shown
    text: Callable[[Any], str | None] | None = None
    text_at: int = 99
    literal: str | None = None
    note: Callable[[Any], str] | None = None

    @property
    def head(self) -> str:
        """``signatories[].name`` -> ``signatories``."""
        return self.path.split("[", 1)[0].split(".", 1)[0]

    @property
    def many(self) -> bool:
        """Whether it is a field of each item of a list."""
        return "[]" in self.path

    @property
    def sub(self) -> str | None:
        """``signatories[].name`` -> ``name``; ``visit.start`` -> ``start``; None for ``title``."""
        return self.path.split(".", 1)[1] if "." in self.path else None

    def at(self, index: int) -> str:
        """The path of the field of item ``index``: ``signatories[2].name``."""
        return self.path.replace("[]", f"[{index}]")

    def predicate(self, value: Any = None) -> str | None:
        """The CURIE of the statement's predicate (for the JSON item ``value``)."""
        if self.supports is None:
            return None
        pred = self.supports[1]
        return pred(value) if callable(pred) else pred


def _item(key: str, *, always: bool = False) -> Callable[[Any], str | None]:
    """The value of ``key`` of a JSON item; None when empty unless ``always`` (then as ``str``)."""
    return (lambda v: str(v[key])) if always else (lambda v: v[key] or None)


def _ref_predicate(ref: Any) -> str:
    kind = ref["kind"] if isinstance(ref, dict) else "document"
    return "eli:cites" if kind == "document" else "tkg:refersToEvent"


def _ref_text(r: dict[str, Any]) -> str:
    stance = f", {r['stance']}" if r["stance"] else ""
    return f"{r['label']} ({r['kind']}{stance})"


def _mention_text(m: dict[str, Any]) -> str:
    wd = f" {m['wikidata']}" if m["wikidata"] else ""
    return f"{m['label']} ({m['type']}: {m['id']}{wd})"


#: Every record field that can carry evidence, in the order of the record's evidence (and so of
#: the annotations' numbers). Fields of a list or of the visit stand together.
FIELDS: tuple[Field, ...] = (
    Field("title", "title_span", "title", "document", ("document", "dcterms:title"),
          text=_shown, text_at=0),
    Field("doc_type", "title_span", "title", "document", ("document", "rdf:type"), text=_shown, text_at=1),
    Field("parties[]", "span", "party", "party", ("document", "eli:passed_by"), section="parties",
          view=lambda p: p, text=str, text_at=5),
    Field("signed_date", "signed_date_span", "date", "signing", ("signing", "dcterms:date"),
          text=_shown, text_at=2),
    Field("signed_place", "signed_place_span", "place", "place", ("signing", "prov:atLocation"),
          text=_shown, text_at=3),
    Field("signatories[].name", "name_span", "signatory", "signatory", ("signature", "prov:agent"),
          section="signatories", view=lambda s: s["name"] or "", text=_item("name", always=True), text_at=6),
    Field("signatories[].title", "title_span", "signatory", "signature", ("signature", "tkg:officeTitle"),
          section="signatories", view=_item("title"), text=_item("title", always=True), text_at=6,
          note=lambda s: f"party: {s['party']}"),
    Field("authentic_languages", "authentic_languages_span", "clause", "document",
          ("document", "tkg:authenticLanguage"), view=_listed, text=_listed, text_at=7),
    Field("articles", "article_spans", "clause", "document", ("document", "tkg:articleCount"),
          view=str, text=str, text_at=8),
    Field("referenced[].label", "span", "reference", "reference", ("document", _ref_predicate),
          section="referenced", view=lambda r: r["label"], text=_ref_text, text_at=9),
    Field("referenced[].date", "date_span", "date", "reference", ("reference", "dcterms:date"),
          section="referenced", view=_item("date"), text=_item("date"), text_at=9),
    Field("referenced[].place", "place_span", "place", "reference", ("reference", "prov:atLocation"),
          section="referenced", view=_item("place")),
    Field("entry_into_force", "entry_into_force_span", "clause", "document",
          ("document", "tkg:entryIntoForceClause"), text=_shown, text_at=4, literal="zh"),
    Field("entry_into_force_date", "entry_into_force_date_span", "clause", "document",
          ("document", "eli:first_date_entry_in_force"), literal="date"),
    Field("visit", "span", "visit", "visit", ("document", "tkg:occasion"), section="visit",
          view=lambda v: v["delegation"] or v["led_by"] or v["host"] or "",
          text=lambda v: f"{v['delegation']} led by {v['led_by']} in {v['host']}", text_at=10),
    Field("visit.start", "date_span", "date", "visit", ("visit", "sem:hasBeginTimeStamp"), section="visit",
          view=lambda v: f"{v['start'] or ''} … {v['end'] or ''}", text=lambda v: f"{v['start']} … {v['end']}",
          text_at=10),
    Field("visit.places_visited", "places_span", "place", "visit", ("visit", "prov:atLocation"),
          section="visit", view=lambda v: "、".join(v["places_visited"]),
          text=lambda v: "、".join(v["places_visited"]), text_at=10),
    Field("visit.delegation", "delegation_span", "visit", "visit", ("visit", "tkg:delegation"),
          section="visit", view=_item("delegation")),
    Field("visit.led_by", "led_by_span", "visit", "visit", ("visit", "tkg:ledBy"), section="visit",
          view=_item("led_by")),
    Field("visit.host", "host_span", "visit", "visit", ("visit", "tkg:host"), section="visit",
          view=_item("host")),
    Field("talks_participants[].name", "name_span", "participant", "participant",
          ("participation", "prov:agent"), section="talks_participants", view=lambda p: p["name"],
          text=lambda p: f"{p['name']} ({p['side']})", text_at=11),
    Field("talks_participants[].title", "title_span", "participant", "participation",
          ("participation", "tkg:officeTitle"), section="talks_participants", view=_item("title"),
          text=_item("title", always=True), text_at=11),
    Field("mentions[]", "span", "mention", "mention", ("document", "tkg:mentions"), section="mentions",
          view=lambda m: m["label"] or m["text"], text=_mention_text, text_at=13),
    Field("commitments[].action", "span", "commitment", "commitment", ("commitment", "tkg:action"),
          section="commitments", view=lambda c: c["action"], text=lambda c: f"{c['actor']}: {c['action']}",
          text_at=12),
    Field("commitments[].deadline", "deadline_span", "date", "commitment", ("commitment", "tkg:deadline"),
          section="commitments", view=_item("deadline"), text=_item("deadline", always=True), text_at=12),
    Field("commitments[].actor", "actor_span", "commitment", "commitment", ("commitment", "tkg:actor"),
          section="commitments", view=lambda c: c["actor"]),
    Field("validity_months", "validity_months_span", "clause", "document", ("document", "tkg:validityMonths"),
          text=_shown, text_at=4, literal="integer"),
)

_BY_PATH: dict[str, Field] = {f.path: f for f in FIELDS}
#: (head, its fields) in declaration order: a list's or the visit's fields stand together.
_GROUPS: list[tuple[str, list[Field]]] = []
for _f in FIELDS:
    if _GROUPS and _GROUPS[-1][0] == _f.head and (_f.many or _f.sub is not None):
        _GROUPS[-1][1].append(_f)
    else:
        _GROUPS.append((_f.head, [_f]))
del _f


def field_of(path: str) -> tuple[Field, int | None] | None:
    """The :class:`Field` of a record path and the item's index: ``signatories[2].name`` ->
    (the ``signatories[].name`` field, 2); a bare list path (``parties``) gives its first field;
    None for a path no field declares."""
    head, _, rest = path.partition("[")
    index = None
    if rest:
        num, _, tail = rest.partition("]")
        if not num.isdigit():
            return None
        index, path = int(num), f"{head}[]{tail}"
    fld = _BY_PATH.get(path)
    if fld is None:
        fld = next((f for f in FIELDS if f.head == path), None)
    return (fld, index) if fld is not None else None
