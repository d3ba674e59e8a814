"""IRI minting: one identity for every thing treatykg names, the same in every document.

Rules (see the README's "Identity" section):

* a **document** is ``{base}doc/{key}``, the key a hash of its text (:func:`text_key`): the same
  whatever the reader makes of the text (a misread date or name, fixed by a better reader
  or a curator's correction, leaves the IRI alone), and the same for two exports of one text
  that differ only in encoding, byte-order mark, line ends or spaces. A document whose text
  is edited gets a new IRI; a build keeps the old one as an alias (:mod:`treatykg.aliases`).
  Its graphs are ``{doc}/graph``, ``{doc}/evidence`` …;
* a **state** is ``{base}state/{id}`` with the gazetteer's id (ISO 3166: ``state/nz``, ``state/suhh``);
  an **international organisation** ``{base}organization/{id}``; a **place** ``{base}place/{id}``
  — the gazetteer's entity valid at the document's date, a place told apart from its
  namesakes by the state it lies in (圣地亚哥 in Chile, not in the United States);
* a **party** is the state itself (``state/cn`` for 中华人民共和国), an organisation, or an
  organ of a state ``{base}agent/{state id}-{organ id}`` (``agent/nz-government``,
  ``agent/cn-mfa``; an organ no list names gets its kind and a short hash of its printed
  name: ``agent/cn-ministry-1a2b3c4d``); only a party whose state the gazetteer does not
  know is minted from its printed name (``agent/{percent-encoded name}``);
* a **cited document or event** that recurs across a collection has one IRI: a well-known
  instrument from ``data/instruments.tsv`` is ``{base}instrument/{id}``; any other is
  ``{base}cited/{hash}`` (documents) or ``{base}event/{hash}`` (events), the hash over its
  normalised name and date, so the same reference in two documents is one node;
* a **person** follows :mod:`treatykg.identity`.

IRIs minted from text percent-encode everything outside unreserved ASCII and are bounded
in length (a hash suffix keeps long names distinct).
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import pyoxigraph as ox

from .errors import RDFError
from .lexicon import doc_types
from .model import DOC_TYPES, Party, Record, Reference
from .namespaces import DEFAULT_BASE

#: doc_type value -> local name of its class in the tkg: namespace (``data/lexicon/doc_types.tsv``).
DOC_TYPE_CLASSES: dict[str, str] = {t.value: t.cls for t in doc_types()}

PRC = "cn"  # the gazetteer id of the People's Republic of China
_MAX_SEGMENT = 120  # characters of percent-encoded text in one minted segment
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def iri_segment(text: str) -> str:
    """One IRI path segment minted from ``text``: always valid, at most ~130 characters.

    The text is NFC-normalised with whitespace collapsed, then every character
    outside unreserved ASCII (``A-Z a-z 0-9 - _ ~``; ``.`` too, so that a name
    can never be ``.`` or ``..``) is percent-encoded as UTF-8. Longer results
    are cut at a character boundary and get ``-`` plus 8 hex digits of the
    SHA-1 of the full text, so distinct long names stay distinct.
    """
    norm = normalise(text)
    if not norm:
        raise RDFError("cannot mint an IRI from an empty name")
    enc = quote(norm, safe="").replace(".", "%2E")
    if len(enc) <= _MAX_SEGMENT:
        return enc
    out = []
    size = 0
    for ch in norm:
        piece = quote(ch, safe="").replace(".", "%2E")
        if size + len(piece) > _MAX_SEGMENT - 9:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out) + "-" + sha1(norm)[:8]


def check_base(base: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", base or ""):
        raise RDFError(f"invalid base IRI: {base!r}")
    if not base.endswith(("/", "#")):
        raise RDFError(f"base IRI must end with '/' or '#': {base!r}")
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise RDFError(f"invalid base IRI {base!r}: {exc}") from None
    return base


def check_date(value: str, field: str) -> str:
    m = _DATE_RE.match(value or "")
    if not m:
        raise RDFError(f"{field}: {value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.groups()
    try:
        if day:
            _dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            raise ValueError
    except ValueError:
        raise RDFError(f"{field}: {value!r} is not a calendar date") from None
    return value


#: Characters a text key leaves out: every kind of space and line end, and the invisible ones.
_NOT_IN_KEY = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def text_key(text: str) -> str:
    """The identity of a text: ``t`` and the first 16 hex digits of the SHA-256 of the text in
    Unicode NFKC with every space, line end and invisible character left out. Frozen: this
    rule does not follow the reader's normalisation, so that improving the reader never
    moves a published IRI."""
    folded = _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", text))
    return "t" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:16]


def document_iri(record: Record, base: str = DEFAULT_BASE) -> str:
    """``{base}doc/{key}``: the key of the record's text (:func:`text_key`, kept in
    ``record.source.key``; a record made by hand without one: ``s`` and 16 hex digits of
    its source's SHA-256). Raises :class:`RDFError` for an unknown doc_type."""
    check_base(base)
    if record.doc_type not in DOC_TYPE_CLASSES:
        raise RDFError(f"doc_type: unknown value {record.doc_type!r} "
                       f"(expected one of {', '.join(DOC_TYPES)})")
    key = record.source.key or f"s{record.source.sha256[:16]}"
    return f"{base}doc/{iri_segment(key)}"


def graph_iri(doc: str) -> str:
    """The document's graph: the facts read from its text, with their evidence."""
    return f"{doc}/graph"


def curated_graph_iri(doc: str) -> str:
    """The document's curated graph: facts a curator asserted (treatykg.corrections)."""
    return f"{doc}/curated"


def metadata_graph_iri(doc: str) -> str:
    """The document's metadata graph: facts taken from database metadata (treatykg.metadata)."""
    return f"{doc}/metadata"


def validation_graph_iri(doc: str) -> str:
    """The validation report of a document that does not conform, kept with it in a build."""
    return f"{doc}/validation"


def evidence_graph_iri(doc: str) -> str:
    """The document's evidence: one annotation per fact read from the text, and the text itself."""
    return f"{doc}/evidence"


def text_iri(doc: str) -> str:
    """The document's text (the original, decoded: what evidence offsets count code points of);
    ``{text}#char=START,END`` (RFC 5147) is a span of it."""
    return f"{doc}/text"


def document_graphs(graph: str) -> list[str]:
    """Every named graph a document may have, from its document graph's IRI (``{doc}/graph``)."""
    doc = graph[: -len("/graph")] if graph.endswith("/graph") else graph
    return [graph_iri(doc), evidence_graph_iri(doc), curated_graph_iri(doc), metadata_graph_iri(doc),
            validation_graph_iri(doc)]


def agent_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """A party no gazetteer state or organisation stands behind: ``{base}agent/{printed name}``."""
    return f"{base}agent/{iri_segment(name)}"


def entity_iri(entry, base: str = DEFAULT_BASE) -> str:
    """An entity of the gazetteer, the same in every document: ``{base}{type}/{gazetteer id}``."""
    return f"{base}{entry.type}/{iri_segment(entry.id)}"


def _gazetteer():
    from .gazetteer import default

    return default()


def place_iri(name: str, base: str = DEFAULT_BASE, date: str | None = None,
              within: tuple[str, ...] = ()) -> str:
    """A place: the gazetteer's entity where the name is one place at ``date`` — told apart from
    its namesakes by the states it may lie ``within`` (tried in order) — else by name."""
    gaz = _gazetteer()
    for state in within:
        entry = gaz.lookup(normalise(name), "place", date, within=state)
        if entry is not None:
            return entity_iri(entry, base)
    entry = gaz.lookup(normalise(name), "place", date)
    if entry is not None:
        return entity_iri(entry, base)
    return f"{base}place/{iri_segment(name)}"


# -- organs and parties ------------------------------------------------------------------------
def organ_slug(organ: str) -> str:
    """The organ's part of an agent IRI: its id in ``organs.tsv`` (政府 -> government); an organ a
    suffix row reads (…部) gets that row's id and 8 hex digits of its printed name."""
    from .lexicon import organ_of

    row = organ_of(organ)
    if row is None:
        return f"organ-{sha1(normalise(organ))[:8]}"
    if row.suffix:
        return f"{row.id}-{sha1(normalise(organ))[:8]}"
    return row.id


def party_iri(party: Party, base: str = DEFAULT_BASE) -> str:
    """The IRI of a party (see the module docstring)."""
    gaz = _gazetteer()
    entry = gaz.by_id(party.entity) if party.entity else None
    if entry is not None and entry.type == "state" and not party.organ:
        return entity_iri(entry, base)
    if entry is not None and entry.type == "organization":
        return entity_iri(entry, base)
    if party.state and party.organ:
        return f"{base}agent/{iri_segment(party.state)}-{organ_slug(party.organ)}"
    return agent_iri(party.name, base)


# -- references --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Instrument:
    id: str
    kind: str
    zh: str
    names: tuple[str, ...]
    date: str | None
    en: str


def reference_key(label: str) -> str:
    """A reference's name as compared across documents: simplified, no 《》, quotes or spaces."""
    from .ingest import to_simplified

    text = to_simplified(unicodedata.normalize("NFKC", label))
    return re.sub(r"[\s《》〈〉“”\"'「」『』]", "", text)


@lru_cache(maxsize=1)
def instruments() -> dict[str, Instrument]:
    """The well-known instruments of ``data/instruments.tsv``, by every normalised name."""
    from .resources import resource_path

    path = resource_path("data", "instruments.tsv")
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    out: dict[str, Instrument] = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        names = (row["zh"],) + tuple(v for v in (row.get("variants") or "").split("|") if v)
        inst = Instrument(row["id"], row["kind"], row["zh"], names, row.get("date") or None, row.get("en") or "")
        for n in names:
            out[reference_key(n)] = inst
    return out


_LEADING_DATE = re.compile(r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年(?:的)?")


def instrument_of(ref: Reference) -> Instrument | None:
    """The well-known instrument a reference names, where its name (a year printed before it set
    aside) is one of the table's and the years agree."""
    key = _LEADING_DATE.sub("", reference_key(ref.label))
    inst = instruments().get(key)
    if inst is None or inst.kind != ref.kind:
        return None
    if ref.date and inst.date and ref.date[:4] != inst.date[:4]:
        return None
    return inst


def reference_iri(ref: Reference, base: str = DEFAULT_BASE) -> str:
    """One IRI per cited document or event across a collection (see the module docstring)."""
    inst = instrument_of(ref)
    if inst is not None:
        return f"{base}instrument/{inst.id}"
    kind = "event" if ref.kind == "event" else "cited"
    return f"{base}{kind}/{sha1(reference_key(ref.label) + '|' + (ref.date or ''))[:12]}"


# -- names in a record resolved to the entities the graph has ----------------------------------
class Resolver:
    """Resolves the names a record prints (a host, an actor, a side, a place) to the IRIs the
    graph gives those entities: a party of the record, a gazetteer entity at the record's date,
    or — only where neither is known — an agent minted from the printed name."""

    def __init__(self, record: Record, base: str = DEFAULT_BASE):
        self.record = record
        self.base = base
        self.date = record.signed_date
        self.gaz = _gazetteer()

    def states(self) -> tuple[str, ...]:
        """The gazetteer ids of the parties' states, in order, without repeats."""
        return tuple(dict.fromkeys(p.state for p in self.record.parties if p.state))

    def party_named(self, name: str) -> Party | None:
        n = normalise(name).replace(" ", "")
        return next((p for p in self.record.parties if normalise(p.name).replace(" ", "") == n), None)

    def state_entry(self, name: str):
        """The state a name is, or opens with (朝鲜民主主义人民共和国, 联合王国政府, 中方, 朝)."""
        from .extract.document import _known

        text = normalise(name).replace(" ", "")
        if not text:
            return None
        if len(text) <= 2 and text.endswith("方") or len(text) == 1:
            ch = text[0]
            mine = [e for s in self.states() if (e := self.gaz.by_id(s)) is not None
                    and (ch in e.abbr or e.zh.startswith(ch) or any(v.startswith(ch) for v in e.variants))]
            return mine[0] if len(mine) == 1 else None
        hit = _known(self.gaz).at(text, 0, self.date)
        if hit is not None and hit[1] is not None and hit[1].type == "state":
            return hit[1]
        return None

    def state_iri(self, name: str) -> str | None:
        entry = self.state_entry(name)
        return entity_iri(entry, self.base) if entry is not None else None

    def agent(self, name: str) -> str:
        """A party, a state, an organisation or an organ named ``name`` (an actor, a host)."""
        party = self.party_named(name)
        if party is not None:
            return party_iri(party, self.base)
        text = normalise(name).replace(" ", "")
        org = self.gaz.lookup(text, "organization", self.date)
        if org is not None:
            return entity_iri(org, self.base)
        entry = self.state_entry(text)
        if entry is not None:
            rest = _state_rest(text, entry)
            if not rest:
                return entity_iri(entry, self.base)
            for p in self.record.parties:
                if p.state == entry.id and p.organ and normalise(p.organ) == rest:
                    return party_iri(p, self.base)
            from .lexicon import organ_of

            if organ_of(rest) is not None:
                return f"{self.base}agent/{iri_segment(entry.id)}-{organ_slug(rest)}"
        return agent_iri(name, self.base)

    def place(self, name: str, *within: str | None) -> str:
        states = tuple(s for s in within if s) + self.states()
        return place_iri(name, self.base, self.date, tuple(dict.fromkeys(states)))


def _state_rest(text: str, entry) -> str:
    """What follows the state's name in ``text`` (its organ), or ''."""
    for n in sorted((entry.zh,) + tuple(entry.variants), key=len, reverse=True):
        from .ingest import to_simplified

        n = to_simplified(n)
        if text.startswith(n):
            return text[len(n):]
    return text
