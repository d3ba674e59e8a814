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
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOC_TYPES = (
    "joint_statement",
    "joint_communique",
    "joint_declaration",
    "treaty",
    "agreement",
    "protocol",
    "exchange_of_notes",
    "memorandum",
    "other",
)


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
        """Field path (as in the JSON record) -> the spans it was read from."""
        ev: dict[str, list[Span]] = {}

        def put(path: str, *spans: Span | None) -> None:
            got = [s for s in spans if s is not None]
            if got:
                ev[path] = got

        put("title", self.title_span)
        put("doc_type", self.title_span)
        for i, p in enumerate(self.parties):
            put(f"parties[{i}]", p.span)
        put("signed_date", self.signed_date_span)
        put("signed_place", self.signed_place_span)
        for i, s in enumerate(self.signatories):
            put(f"signatories[{i}].name", s.name_span)
            put(f"signatories[{i}].title", s.title_span)
        put("authentic_languages", self.authentic_languages_span)
        put("articles", *self.article_spans)
        for i, r in enumerate(self.referenced):
            put(f"referenced[{i}].label", r.span)
            put(f"referenced[{i}].date", r.date_span)
            put(f"referenced[{i}].place", r.place_span)
        put("entry_into_force", self.entry_into_force_span)
        put("entry_into_force_date", self.entry_into_force_date_span)
        if self.visit:
            put("visit", self.visit.span)
            put("visit.start", self.visit.date_span)
            put("visit.places_visited", self.visit.places_span)
            put("visit.delegation", self.visit.delegation_span)
            put("visit.led_by", self.visit.led_by_span)
            put("visit.host", self.visit.host_span)
        for i, p in enumerate(self.talks_participants):
            put(f"talks_participants[{i}].name", p.name_span)
            put(f"talks_participants[{i}].title", p.title_span)
        for i, m in enumerate(self.mentions):
            put(f"mentions[{i}]", m.span)
        for i, c in enumerate(self.commitments):
            put(f"commitments[{i}].action", c.span)
            put(f"commitments[{i}].deadline", c.deadline_span)
            put(f"commitments[{i}].actor", c.actor_span)
        return ev

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
