"""Record -> RDF: one core generator of quads, and thin wrappers around it.

The mapping (see ``ontology/treatykg.ttl`` for every term):

* the agreement as a work ``<{base}doc/{date}-{type}-{hash}>`` is an
  ``eli:LegalResource`` and an instance of its doc-type class
  (``tkg:JointStatement`` ...), with ``dcterms:title``/``rdfs:label`` (@zh, the
  normalised form; ``tkg:originalTitle`` when the printed form differs),
  ``eli:date_document`` (``xsd:date``, full dates only), ``eli:passed_by`` its
  parties, ``eli:cites`` the documents it cites, ``tkg:refersToEvent`` the
  events it names, ``tkg:articleCount``, ``tkg:authenticLanguage`` (as printed)
  with ``dcterms:language`` (ISO 639-1, where known) and
  ``tkg:entryIntoForceClause``;
* the Chinese text is an ``eli:LegalExpression`` ``<{doc}/expression/zh>``
  (``eli:realizes`` the work, carries ``eli:title``, ELI's domain for it) embodied
  by the source file ``<{doc}/source>`` (``eli:Format``, ``prov:Entity``);
* the signing is a ``tkg:Signing`` (a ``prov:Activity`` and ``sem:Event``)
  ``<{doc}/signing>`` that generated the work (``prov:wasGeneratedBy``), at a
  place (``prov:atLocation``), on a date (``dcterms:date``, as precise as the
  text); each signature is a qualified association ``<{doc}/signature/{n}>``
  (``prov:agent`` the person, ``prov:hadRole tkg:signatoryRole``,
  ``tkg:onBehalfOf`` the party, ``tkg:officeTitle`` as printed);
* the visit that occasioned the document, when the text tells of one, is a
  ``tkg:Visit`` ``<{doc}/visit>`` (``tkg:occasion``; SEM begin/end time stamps,
  places visited); what the document decides is one ``tkg:Commitment``
  ``<{doc}/commitment/{n}>`` each (``tkg:commitment``: actor, action, deadline);
* each value read from the text has a W3C Web Annotation
  ``<{doc}/evidence/{n}>`` whose target selects the span of the source text
  (``oa:TextPositionSelector`` + ``oa:TextQuoteSelector``);
* everything lies in one named graph per document, ``<{doc}/graph>``, which
  describes itself (``prov:wasDerivedFrom`` the source, ``tkg:toolVersion``,
  ``prov:generatedAtTime`` only when ``generated_at`` is given so that the
  default output is byte-identical from run to run).

No blank nodes are produced. IRIs minted from text percent-encode everything
outside unreserved ASCII and are bounded in length (a hash suffix keeps long
names distinct).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from .errors import RDFError
from .model import DOC_TYPES, Record, Span
from .namespaces import DEFAULT_BASE, VOCABULARIES, bind_prefixes, prefixes

__all__ = [
    "DEFAULT_BASE", "FORMATS", "DOC_TYPE_CLASSES", "LANGUAGE_CODES",
    "document_iri", "agent_iri", "place_iri", "person_iri", "graph_iri", "iri_segment",
    "date_literal", "record_quads", "records_quads", "to_dataset", "to_store",
    "serialize", "serialize_quads", "quads_to_dataset", "tool_version",
]

# ---------------------------------------------------------------- vocabulary
_V = VOCABULARIES


def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(_V[prefix] + local)


RDF_TYPE = _n("rdf", "type")
RDFS_LABEL = _n("rdfs", "label")
XSD_DATE = _n("xsd", "date")
XSD_GYEAR = _n("xsd", "gYear")
XSD_GYEARMONTH = _n("xsd", "gYearMonth")
XSD_INTEGER = _n("xsd", "integer")
XSD_NNI = _n("xsd", "nonNegativeInteger")
XSD_DATETIME = _n("xsd", "dateTime")


def _tkg(local: str) -> ox.NamedNode:
    return _n("tkg", local)


#: doc_type value -> local name of its class in the tkg: namespace.
DOC_TYPE_CLASSES: dict[str, str] = {
    "joint_statement": "JointStatement",
    "joint_communique": "JointCommunique",
    "joint_declaration": "JointDeclaration",
    "treaty": "Treaty",
    "agreement": "Agreement",
    "protocol": "Protocol",
    "exchange_of_notes": "ExchangeOfNotes",
    "memorandum": "Memorandum",
    "other": "OtherDocument",
}
assert set(DOC_TYPE_CLASSES) == set(DOC_TYPES)

#: language as printed in the texts -> ISO 639-1 code (id.loc.gov vocabulary).
LANGUAGE_CODES: dict[str, str] = {
    "中文": "zh", "汉文": "zh", "中国文": "zh",
    "英文": "en", "俄文": "ru", "波文": "pl", "波兰文": "pl",
    "朝鲜文": "ko", "朝文": "ko", "韩文": "ko", "韩国文": "ko",
    "法文": "fr", "阿拉伯文": "ar", "阿文": "ar", "日文": "ja", "日本文": "ja",
    "德文": "de", "西班牙文": "es", "西文": "es", "葡萄牙文": "pt", "葡文": "pt",
    "越南文": "vi", "越文": "vi", "蒙文": "mn", "蒙古文": "mn",
    "捷文": "cs", "捷克文": "cs", "斯洛伐克文": "sk", "匈文": "hu", "匈牙利文": "hu",
    "罗文": "ro", "罗马尼亚文": "ro", "保文": "bg", "保加利亚文": "bg",
    "阿尔巴尼亚文": "sq", "塞尔维亚文": "sr", "克罗地亚文": "hr", "斯洛文尼亚文": "sl",
    "马其顿文": "mk", "意大利文": "it", "意文": "it", "希腊文": "el", "荷兰文": "nl",
    "瑞典文": "sv", "芬兰文": "fi", "挪威文": "no", "丹麦文": "da", "冰岛文": "is",
    "乌克兰文": "uk", "白俄罗斯文": "be", "立陶宛文": "lt", "拉脱维亚文": "lv",
    "爱沙尼亚文": "et", "哈萨克文": "kk", "吉尔吉斯文": "ky", "乌兹别克文": "uz",
    "塔吉克文": "tg", "土库曼文": "tk", "格鲁吉亚文": "ka", "亚美尼亚文": "hy",
    "阿塞拜疆文": "az", "土耳其文": "tr", "波斯文": "fa", "普什图文": "ps",
    "乌尔都文": "ur", "印地文": "hi", "孟加拉文": "bn", "尼泊尔文": "ne",
    "僧伽罗文": "si", "泰米尔文": "ta", "缅文": "my", "缅甸文": "my", "老挝文": "lo",
    "柬文": "km", "柬埔寨文": "km", "高棉文": "km", "泰文": "th", "马来文": "ms",
    "印尼文": "id", "印度尼西亚文": "id", "菲律宾文": "tl", "希伯来文": "he",
    "斯瓦希里文": "sw", "葡萄牙语": "pt",
}

FORMATS = ("turtle", "trig", "nt", "nq", "jsonld")
_FORMAT_ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "trig": "trig",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "nq": "nq", "nquads": "nq", "n-quads": "nq",
    "jsonld": "jsonld", "json-ld": "jsonld",
}

# ---------------------------------------------------------------- IRIs
_MAX_SEGMENT = 120  # characters of percent-encoded text in one minted segment
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def iri_segment(text: str) -> str:
    """One IRI path segment minted from ``text``: always valid, at most ~130 characters.

    The text is NFC-normalised with whitespace collapsed, then every character
    outside unreserved ASCII (``A-Z a-z 0-9 - _ ~``; ``.`` too, so that a name
    can never be ``.`` or ``..``) is percent-encoded as UTF-8. Longer results
    are cut at a character boundary and get ``-`` plus 8 hex digits of the
    SHA-1 of the full text, so distinct long names stay distinct.
    """
    norm = _normalise(text)
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
    return "".join(out) + "-" + _sha1(norm)[:8]


def _check_base(base: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", base or ""):
        raise RDFError(f"invalid base IRI: {base!r}")
    if not base.endswith(("/", "#")):
        raise RDFError(f"base IRI must end with '/' or '#': {base!r}")
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise RDFError(f"invalid base IRI {base!r}: {exc}") from None
    return base


def _check_date(value: str, field: str) -> str:
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


def document_iri(record: Record, base: str = DEFAULT_BASE) -> str:
    """``{base}doc/{signed_date|undated}-{doc-type}-{8 hex}``.

    The hash is the first 8 hex digits of the SHA-1 of the normalised title,
    or of ``source.sha256`` when there is no title.
    """
    _check_base(base)
    if record.doc_type not in DOC_TYPE_CLASSES:
        raise RDFError(f"doc_type: unknown value {record.doc_type!r} "
                       f"(expected one of {', '.join(DOC_TYPES)})")
    date = _check_date(record.signed_date, "signed_date") if record.signed_date else "undated"
    title = _normalise(record.title or "")
    digest = _sha1(title if title else record.source.sha256)[:8]
    return f"{base}doc/{date}-{record.doc_type.replace('_', '-')}-{digest}"


def graph_iri(doc: str) -> str:
    return f"{doc}/graph"


def agent_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """A party (state, government, ministry): global, ``{base}agent/{name}``."""
    return f"{base}agent/{iri_segment(name)}"


def place_iri(name: str, base: str = DEFAULT_BASE, date: str | None = None) -> str:
    """A place: the gazetteer's identity where it knows the name (``{base}place/{id}``), else by name."""
    entry = _gazetteer_lookup(name, "place", date)
    if entry is not None:
        return entity_iri(entry, base)
    return f"{base}place/{iri_segment(name)}"


def entity_iri(entry, base: str = DEFAULT_BASE) -> str:
    """An entity of the gazetteer, the same in every document: ``{base}{type}/{gazetteer id}``."""
    return f"{base}{entry.type}/{iri_segment(entry.id)}"


def _gazetteer_lookup(name: str, type: str | None, date: str | None):
    from .gazetteer import default

    return default().lookup(_normalise(name), type, date)


def person_iri(doc: str, name: str, date: str | None = None, base: str = DEFAULT_BASE) -> str:
    """A person named in document ``doc`` dated ``date``: the rule of :mod:`treatykg.identity`
    (gazetteer id valid at the date, else name + decade; undated: ``{doc}/person/{name}``)."""
    from .identity import person_iri as _identity_person_iri
    return _identity_person_iri(name, doc=doc, date=date, base=base)


def date_literal(value: str, field: str = "date") -> ox.Literal:
    """``YYYY`` -> xsd:gYear, ``YYYY-MM`` -> xsd:gYearMonth, ``YYYY-MM-DD`` -> xsd:date (never padded)."""
    _check_date(value, field)
    dtype = {4: XSD_GYEAR, 7: XSD_GYEARMONTH, 10: XSD_DATE}[len(value)]
    return ox.Literal(value, datatype=dtype)


@lru_cache(maxsize=1)
def tool_version() -> str:
    """treatykg's version: ``treatykg.__version__``, else the installed metadata, else ``0+unknown``."""
    try:
        from . import __version__  # type: ignore[attr-defined]
        return str(__version__)
    except ImportError:
        pass
    try:
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("treatykg")
        except PackageNotFoundError:
            return "0+unknown"
    except ImportError:  # pragma: no cover
        return "0+unknown"


# ---------------------------------------------------------------- quads
_FIELD_RE = re.compile(r"^(parties|signatories|referenced|commitments|talks_participants|mentions)\[(\d+)\](?:\.(\w+))?$")

#: The stance a document takes towards what it refers to (record value -> tkg: individual).
STANCES = {"supports": "supports", "condemns": "condemns", "in_accordance_with": "inAccordanceWith"}

#: Classes of the gazetteer's entity types (prefix, local name).
ENTITY_CLASSES = {
    "state": (("tkg", "State"), ("org", "Organization"), ("prov", "Agent")),
    "organization": (("org", "Organization"), ("prov", "Agent")),
    "person": (("prov", "Person"), ("prov", "Agent")),
    "place": (("sem", "Place"), ("prov", "Location")),
    "language": (("dcterms", "LinguisticSystem"),),
}


def _zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def record_quads(record: Record, *, base: str = DEFAULT_BASE,
                 generated_at: _dt.datetime | str | None = None) -> Iterator[ox.Quad]:
    """The quads of one record, all in the named graph ``<{doc}/graph>``, without duplicates.

    ``generated_at`` (a datetime or an ISO 8601 string) adds
    ``prov:generatedAtTime`` to the graph node; leave it ``None`` for
    byte-identical output across runs. Raises :class:`RDFError` on values that
    cannot be mapped (unknown doc_type, malformed date, invalid base).
    """
    doc_s = document_iri(record, base)
    g = ox.NamedNode(graph_iri(doc_s))
    doc = ox.NamedNode(doc_s)
    seen: set[ox.Quad] = set()

    def q(s: ox.NamedNode, p: ox.NamedNode, o: Any) -> Iterator[ox.Quad]:
        quad = ox.Quad(s, p, o, g)
        if quad not in seen:
            seen.add(quad)
            yield quad

    def many(triples: Iterable[tuple]) -> list[ox.Quad]:
        """The quads of an evidence annotation. Their subjects (``{doc}/evidence/{n}``,
        ``…/target``, ``…/position``, ``…/quote``) are the annotation's alone and its
        triples are distinct, so none can repeat a quad: no need to look them up in ``seen``."""
        return [ox.Quad(s, p, o, g) for s, p, o in triples]

    def typ(s: ox.NamedNode, *classes: ox.NamedNode) -> Iterator[ox.Quad]:
        for c in classes:
            yield from q(s, RDF_TYPE, c)

    def agent(name: str) -> ox.NamedNode:
        return ox.NamedNode(agent_iri(name, base))

    def describe_agent(name: str) -> Iterator[ox.Quad]:
        a = agent(name)
        yield from typ(a, _n("org", "Organization"), _n("prov", "Agent"))
        yield from q(a, RDFS_LABEL, _zh(_normalise(name)))

    def describe_place(name: str) -> Iterator[ox.Quad]:
        p = ox.NamedNode(place_iri(name, base))
        yield from typ(p, _n("sem", "Place"), _n("prov", "Location"))
        yield from q(p, RDFS_LABEL, _zh(_normalise(name)))

    src = ox.NamedNode(f"{doc_s}/source")
    expr = ox.NamedNode(f"{doc_s}/expression/zh")

    # -- the graph describes itself ------------------------------------------
    yield from typ(g, _tkg("DocumentGraph"), _n("prov", "Entity"))
    yield from q(g, _n("dcterms", "subject"), doc)
    yield from q(g, _n("prov", "wasDerivedFrom"), src)
    yield from q(g, _tkg("toolVersion"), ox.Literal(tool_version()))
    if generated_at is not None:
        stamp = generated_at.isoformat() if isinstance(generated_at, _dt.datetime) else str(generated_at)
        yield from q(g, _n("prov", "generatedAtTime"), ox.Literal(stamp, datatype=XSD_DATETIME))
    for w in record.warnings:
        yield from q(g, _tkg("extractionWarning"), ox.Literal(w))

    # -- source file and Chinese expression -----------------------------------
    s = record.source
    yield from typ(src, _tkg("SourceFile"), _n("eli", "Format"), _n("prov", "Entity"))
    yield from q(src, _tkg("fileName"), ox.Literal(s.name))
    yield from q(src, _tkg("sha256"), ox.Literal(s.sha256))
    yield from q(src, _tkg("encoding"), ox.Literal(s.encoding))
    yield from q(src, _tkg("byteSize"), ox.Literal(str(s.size), datatype=XSD_NNI))
    yield from q(src, _tkg("characterCount"), ox.Literal(str(s.length), datatype=XSD_NNI))
    yield from q(src, _n("eli", "embodies"), expr)
    yield from typ(expr, _n("eli", "LegalExpression"))
    yield from q(expr, _n("eli", "realizes"), doc)
    yield from q(expr, _n("eli", "is_embodied_by"), src)
    yield from q(expr, _n("dcterms", "language"), _n("iso6391", "zh"))

    # -- the work --------------------------------------------------------------
    yield from typ(doc, _tkg(DOC_TYPE_CLASSES[record.doc_type]), _n("eli", "LegalResource"))
    yield from q(doc, _n("eli", "is_realized_by"), expr)
    title = _normalise(record.title or "")
    if title:
        yield from q(doc, _n("dcterms", "title"), _zh(title))
        yield from q(doc, RDFS_LABEL, _zh(title))
        yield from q(expr, _n("eli", "title"), _zh(title))
        if record.title_span is not None and _normalise(record.title_span.exact) != title:
            yield from q(doc, _tkg("originalTitle"), _zh(record.title_span.exact))
    if record.signed_date and len(record.signed_date) == 10:
        yield from q(doc, _n("eli", "date_document"), date_literal(record.signed_date, "signed_date"))
    for p in record.parties:
        if _normalise(p.name):
            yield from q(doc, _n("eli", "passed_by"), agent(p.name))
            yield from describe_agent(p.name)
    yield from q(doc, _tkg("articleCount"), ox.Literal(str(int(record.articles)), datatype=XSD_INTEGER))
    for lang in record.authentic_languages or []:
        if not _normalise(lang):
            continue
        yield from q(doc, _tkg("authenticLanguage"), _zh(_normalise(lang)))
        code = LANGUAGE_CODES.get(_normalise(lang))
        if code:
            yield from q(doc, _n("dcterms", "language"), _n("iso6391", code))
    if record.entry_into_force and record.entry_into_force.strip():
        yield from q(doc, _tkg("entryIntoForceClause"), _zh(record.entry_into_force.strip()))

    # -- the signing -------------------------------------------------------------
    signing = ox.NamedNode(f"{doc_s}/signing")
    has_signing = bool(record.signed_date or record.signed_place or record.signatories)
    signature_nodes: list[ox.NamedNode | None] = []
    person_nodes: list[ox.NamedNode | None] = []
    if has_signing:
        yield from typ(signing, _tkg("Signing"), _n("prov", "Activity"), _n("sem", "Event"))
        yield from q(doc, _n("prov", "wasGeneratedBy"), signing)
        if title:
            yield from q(signing, RDFS_LABEL, _zh(f"{title}的签署"))
        if record.signed_date:
            yield from q(signing, _n("dcterms", "date"), date_literal(record.signed_date, "signed_date"))
        if record.signed_place and _normalise(record.signed_place):
            yield from q(signing, _n("prov", "atLocation"), ox.NamedNode(place_iri(record.signed_place, base)))
            yield from describe_place(record.signed_place)
    for i, sig in enumerate(record.signatories, start=1):
        node = ox.NamedNode(f"{doc_s}/signature/{i}")
        signature_nodes.append(node)
        yield from typ(node, _tkg("Signature"), _n("prov", "Association"))
        yield from q(signing, _n("prov", "qualifiedAssociation"), node)
        yield from q(node, _n("prov", "hadRole"), _tkg("signatoryRole"))
        yield from q(node, _tkg("signatureOrder"), ox.Literal(str(i), datatype=XSD_INTEGER))
        person = None
        if sig.name and _normalise(sig.name):
            person = ox.NamedNode(person_iri(doc_s, sig.name, record.signed_date, base))
            yield from typ(person, _n("prov", "Person"), _n("prov", "Agent"))
            yield from q(person, RDFS_LABEL, _zh(_normalise(sig.name)))
            yield from q(node, _n("prov", "agent"), person)
            yield from q(signing, _n("prov", "wasAssociatedWith"), person)
        person_nodes.append(person)
        if sig.title and _normalise(sig.title):
            yield from q(node, _tkg("officeTitle"), _zh(_normalise(sig.title)))
        if sig.party and _normalise(sig.party):
            yield from q(node, _tkg("onBehalfOf"), agent(sig.party))
            if person is not None:
                yield from q(person, _n("prov", "actedOnBehalfOf"), agent(sig.party))
            yield from describe_agent(sig.party)

    # -- references ----------------------------------------------------------------
    ref_nodes: list[ox.NamedNode] = []
    for i, ref in enumerate(record.referenced, start=1):
        node = ox.NamedNode(f"{doc_s}/ref/{i}")
        ref_nodes.append(node)
        if ref.kind == "document":
            yield from typ(node, _tkg("CitedDocument"))
            yield from q(doc, _n("eli", "cites"), node)
        elif ref.kind == "event":
            yield from typ(node, _n("sem", "Event"))
            yield from q(doc, _tkg("refersToEvent"), node)
        else:
            raise RDFError(f"referenced[{i - 1}].kind: unknown value {ref.kind!r} (expected 'document' or 'event')")
        if _normalise(ref.label):
            yield from q(node, RDFS_LABEL, _zh(_normalise(ref.label)))
        if ref.date:
            yield from q(node, _n("dcterms", "date"), date_literal(ref.date, f"referenced[{i - 1}].date"))
        if ref.place and _normalise(ref.place):
            yield from q(node, _n("prov", "atLocation"), ox.NamedNode(place_iri(ref.place, base)))
            yield from describe_place(ref.place)
        if ref.stance:
            if ref.stance not in STANCES:
                raise RDFError(f"referenced[{i - 1}].stance: unknown value {ref.stance!r}")
            yield from q(node, _tkg("stance"), _tkg(STANCES[ref.stance]))

    # -- the visit that occasioned the document ---------------------------------------
    visit = ox.NamedNode(f"{doc_s}/visit")
    v = getattr(record, "visit", None)
    if v is not None:
        yield from typ(visit, _tkg("Visit"), _n("sem", "Event"))
        yield from q(doc, _tkg("occasion"), visit)
        if v.delegation and _normalise(v.delegation):
            yield from q(visit, _tkg("delegation"), _zh(_normalise(v.delegation)))
            yield from q(visit, RDFS_LABEL, _zh(_normalise(v.delegation)))
        if v.led_by and _normalise(v.led_by):
            yield from q(visit, _tkg("ledBy"), _zh(_normalise(v.led_by)))
        if v.host and _normalise(v.host):
            yield from q(visit, _tkg("host"), _zh(_normalise(v.host)))
        if v.start:
            yield from q(visit, _n("sem", "hasBeginTimeStamp"), date_literal(v.start, "visit.start"))
        if v.end:
            yield from q(visit, _n("sem", "hasEndTimeStamp"), date_literal(v.end, "visit.end"))
        for name in v.places_visited:
            if _normalise(name):
                yield from q(visit, _n("prov", "atLocation"), ox.NamedNode(place_iri(name, base)))
                yield from describe_place(name)

    # -- the talks and their participants (offices as printed at the document's date) ----
    talks = ox.NamedNode(f"{doc_s}/talks")
    participation_nodes: list[ox.NamedNode] = []
    participant_persons: list[ox.NamedNode | None] = []
    participants = getattr(record, "talks_participants", None) or []
    if participants:
        yield from typ(talks, _tkg("Talks"), _n("prov", "Activity"), _n("sem", "Event"))
        yield from q(doc, _tkg("talks"), talks)
        if record.signed_date:
            yield from q(talks, _n("dcterms", "date"), date_literal(record.signed_date, "signed_date"))
    for i, p in enumerate(participants, start=1):
        node = ox.NamedNode(f"{doc_s}/participant/{i}")
        participation_nodes.append(node)
        yield from typ(node, _tkg("Participation"), _n("prov", "Association"))
        yield from q(talks, _n("prov", "qualifiedAssociation"), node)
        yield from q(node, _n("prov", "hadRole"), _tkg("talksParticipantRole"))
        person = None
        if _normalise(p.name):
            person = ox.NamedNode(person_iri(doc_s, p.name, record.signed_date, base))
            yield from typ(person, _n("prov", "Person"), _n("prov", "Agent"))
            yield from q(person, RDFS_LABEL, _zh(_normalise(p.name)))
            yield from q(node, _n("prov", "agent"), person)
            yield from q(talks, _n("sem", "hasActor"), person)
        participant_persons.append(person)
        if p.title and _normalise(p.title):
            yield from q(node, _tkg("officeTitle"), _zh(_normalise(p.title)))
        if p.side and _normalise(p.side):
            side = _gazetteer_lookup(p.side, None, record.signed_date)
            side_node = ox.NamedNode(entity_iri(side, base) if side else agent_iri(p.side, base))
            yield from q(node, _tkg("side"), side_node)
            yield from q(side_node, RDFS_LABEL, _zh(_normalise(p.side)))

    # -- mentions of gazetteer entities ---------------------------------------------------
    mention_nodes: list[ox.NamedNode] = []
    described: set[str] = set()
    for m in getattr(record, "mentions", None) or []:
        from .gazetteer import default as _gaz

        entry = next((e for e in _gaz().entries if e.id == m.id), None)
        node = ox.NamedNode(entity_iri(entry, base) if entry else f"{base}{m.type}/{iri_segment(m.id)}")
        mention_nodes.append(node)
        if node.value in described:
            continue
        described.add(node.value)
        yield from q(doc, _tkg("mentions"), node)
        yield from typ(node, *(_n(pfx, local) for pfx, local in ENTITY_CLASSES.get(m.type, ())))
        yield from q(node, RDFS_LABEL, _zh(m.label or _normalise(m.text)))
        if entry is not None and entry.en:
            yield from q(node, RDFS_LABEL, ox.Literal(entry.en, language="en"))

    # -- commitments -------------------------------------------------------------------
    commitment_nodes: list[ox.NamedNode] = []
    for i, c in enumerate(getattr(record, "commitments", None) or [], start=1):
        node = ox.NamedNode(f"{doc_s}/commitment/{i}")
        commitment_nodes.append(node)
        yield from typ(node, _tkg("Commitment"))
        yield from q(doc, _tkg("commitment"), node)
        if c.actor and _normalise(c.actor):
            yield from q(node, _tkg("actor"), _zh(_normalise(c.actor)))
        if c.action and _normalise(c.action):
            yield from q(node, _tkg("action"), _zh(_normalise(c.action)))
            yield from q(node, RDFS_LABEL, _zh(_normalise(c.action)))
        if c.deadline:
            yield from q(node, _tkg("deadline"), date_literal(c.deadline, f"commitments[{i - 1}].deadline"))

    # -- evidence ----------------------------------------------------------------------
    def body_for(path: str) -> ox.NamedNode:
        if path == "visit" or path.startswith("visit."):
            return visit if v is not None else doc
        if path == "signed_place" and record.signed_place and _normalise(record.signed_place):
            return ox.NamedNode(place_iri(record.signed_place, base))
        if path == "signed_date" and has_signing:
            return signing
        m = _FIELD_RE.match(path)
        if m:
            kind, idx, sub = m.group(1), int(m.group(2)), m.group(3)
            if kind == "parties" and idx < len(record.parties) and _normalise(record.parties[idx].name):
                return agent(record.parties[idx].name)
            if kind == "signatories" and idx < len(signature_nodes):
                if sub == "name" and person_nodes[idx] is not None:
                    return person_nodes[idx]  # type: ignore[return-value]
                return signature_nodes[idx]  # type: ignore[return-value]
            if kind == "referenced" and idx < len(ref_nodes):
                return ref_nodes[idx]
            if kind == "commitments" and idx < len(commitment_nodes):
                return commitment_nodes[idx]
            if kind == "talks_participants" and idx < len(participation_nodes):
                if sub == "name" and participant_persons[idx] is not None:
                    return participant_persons[idx]  # type: ignore[return-value]
                return participation_nodes[idx]
            if kind == "mentions" and idx < len(mention_nodes):
                return mention_nodes[idx]
        return doc

    n = 0
    for path, spans in record.evidence().items():
        for span in spans:
            n += 1
            yield from many(_annotation(f"{doc_s}/evidence/{n}", body_for(path), path, span, src))


# The terms of an evidence annotation, made once (a long text has ~10k annotations).
_OA_ANNOTATION = _n("oa", "Annotation")
_OA_END = _n("oa", "end")
_OA_EXACT = _n("oa", "exact")
_OA_HAS_BODY = _n("oa", "hasBody")
_OA_HAS_SELECTOR = _n("oa", "hasSelector")
_OA_HAS_SOURCE = _n("oa", "hasSource")
_OA_HAS_TARGET = _n("oa", "hasTarget")
_OA_MOTIVATED_BY = _n("oa", "motivatedBy")
_OA_PREFIX = _n("oa", "prefix")
_OA_SPECIFIC_RESOURCE = _n("oa", "SpecificResource")
_OA_START = _n("oa", "start")
_OA_SUFFIX = _n("oa", "suffix")
_OA_TEXT_POSITION_SELECTOR = _n("oa", "TextPositionSelector")
_OA_TEXT_QUOTE_SELECTOR = _n("oa", "TextQuoteSelector")
_TKG_EVIDENCING = _tkg("evidencing")
_TKG_FIELD = _tkg("field")


def _annotation(iri: str, body: ox.NamedNode, path: str, span: Span,
                src: ox.NamedNode) -> list[tuple[ox.NamedNode, ox.NamedNode, Any]]:
    """The triples of one evidence annotation, in order (a plain list: a long text has ~10k
    annotations, and a generator per triple was a third of its conversion time)."""
    ann = ox.NamedNode(iri)
    target = ox.NamedNode(f"{iri}/target")
    pos = ox.NamedNode(f"{iri}/position")
    quote_sel = ox.NamedNode(f"{iri}/quote")
    return [
        (ann, RDF_TYPE, _OA_ANNOTATION),
        (ann, _OA_MOTIVATED_BY, _TKG_EVIDENCING),
        (ann, _OA_HAS_BODY, body),
        (ann, _TKG_FIELD, ox.Literal(path)),
        (ann, _OA_HAS_TARGET, target),
        (target, RDF_TYPE, _OA_SPECIFIC_RESOURCE),
        (target, _OA_HAS_SOURCE, src),
        (target, _OA_HAS_SELECTOR, pos),
        (target, _OA_HAS_SELECTOR, quote_sel),
        (pos, RDF_TYPE, _OA_TEXT_POSITION_SELECTOR),
        # xsd:nonNegativeInteger as the Web Annotation vocabulary says; a negative
        # offset (an extractor bug) is written as is and the shapes report it.
        (pos, _OA_START, ox.Literal(str(span.start), datatype=XSD_NNI)),
        (pos, _OA_END, ox.Literal(str(span.end), datatype=XSD_NNI)),
        (quote_sel, RDF_TYPE, _OA_TEXT_QUOTE_SELECTOR),
        (quote_sel, _OA_EXACT, ox.Literal(span.exact)),
        (quote_sel, _OA_PREFIX, ox.Literal(span.prefix)),
        (quote_sel, _OA_SUFFIX, ox.Literal(span.suffix)),
    ]


def records_quads(records: Iterable[Record], *, base: str = DEFAULT_BASE,
                  generated_at: _dt.datetime | str | None = None) -> Iterator[ox.Quad]:
    """The quads of several records, one named graph each."""
    for record in records:
        yield from record_quads(record, base=base, generated_at=generated_at)


# ---------------------------------------------------------------- containers
def _to_rdflib_term(term: Any):
    from rdflib import BNode, Literal, URIRef
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _V["xsd"] + "string":
            return Literal(term.value)
        # lexical form kept as is (ill-typed values, e.g. a negative offset, survive)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise RDFError(f"unsupported RDF term: {term!r}")


def rdflib_triples(quads: Iterable[ox.Quad | ox.Triple]) -> Iterator[tuple[Any, Any, Any, Any]]:
    """``(s, p, o, graph_name)`` with s, p, o as rdflib terms and ``graph_name`` the pyoxigraph
    graph name (``None`` for a triple). Each distinct term is converted once: a document
    repeats the same few hundred terms thousands of times."""
    memo: dict[Any, Any] = {}
    for quad in quads:
        spo = []
        for t in (quad.subject, quad.predicate, quad.object):
            r = memo.get(t)
            if r is None:
                r = memo[t] = _to_rdflib_term(t)
            spo.append(r)
        yield spo[0], spo[1], spo[2], getattr(quad, "graph_name", None)


def quads_to_dataset(quads: Iterable[ox.Quad | ox.Triple], base: str | None = None):
    """An rdflib Dataset holding ``quads`` (triples go to the default graph), prefixes bound."""
    from rdflib import Dataset, URIRef
    ds = Dataset()
    bind_prefixes(ds, base)
    graphs: dict[str, Any] = {}
    for s, p, o, gname in rdflib_triples(quads):
        if gname is None or isinstance(gname, ox.DefaultGraph):
            ds.default_graph.add((s, p, o))
            continue
        key = gname.value
        if key not in graphs:
            graphs[key] = ds.graph(URIRef(key) if isinstance(gname, ox.NamedNode)
                                   else _to_rdflib_term(gname))
        graphs[key].add((s, p, o))
    return ds


def to_dataset(record: Record, *, base: str = DEFAULT_BASE,
               generated_at: _dt.datetime | str | None = None):
    """The record as an ``rdflib.Dataset`` (one named graph), treatykg prefixes bound."""
    return quads_to_dataset(record_quads(record, base=base, generated_at=generated_at), base)


def to_store(record: Record, store: ox.Store | None = None, *, base: str = DEFAULT_BASE,
             generated_at: _dt.datetime | str | None = None) -> ox.Store:
    """Add the record's quads to ``store`` (a new in-memory pyoxigraph Store when None) and return it."""
    if store is None:
        store = ox.Store()
    store.extend(list(record_quads(record, base=base, generated_at=generated_at)))
    return store


# ---------------------------------------------------------------- serialisation
_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=1 << 16)
def _natural(text: str) -> tuple:
    """``.../evidence/2`` before ``.../evidence/10`` (str and int parts alternate, so they compare).

    Cached: a document's quads repeat the same few thousand terms."""
    return tuple(int(t) if i % 2 else t for i, t in enumerate(_DIGITS.split(text)))


def quad_order(quad: ox.Quad) -> tuple:
    """The sort key of the Turtle/TriG statement order (numbers in IRIs and literals
    compare as numbers)."""
    g = quad.graph_name
    return (() if isinstance(g, ox.DefaultGraph) else _natural(g.value), _natural(quad.subject.value),
            quad.predicate != RDF_TYPE, str(quad.predicate), _natural(str(quad.object)))


def _with_header(body: bytes, base: str, vocab: dict[str, str]) -> bytes:
    """Replace pyoxigraph's directive lines (unordered, and relativised against the base)
    by a fixed header: ``@base`` then the prefixes that are used, in :data:`VOCABULARIES` order."""
    lines = body.decode("utf-8").split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("@prefix ") or lines[i].startswith("@base ")):
        i += 1
    rest = "\n".join(lines[i:])
    header = [f"@base <{base}> ."]
    header += [f"@prefix {p}: <{iri}> ." for p, iri in vocab.items()
               if re.search(rf"(?<![\w.:-]){re.escape(p)}:", rest)]
    return ("\n".join(header) + "\n\n" + rest).encode("utf-8")


def _jsonld_context() -> dict[str, Any]:
    from .resources import context_path
    try:
        data = json.loads(context_path().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RDFError(f"cannot read the JSON-LD context: {exc}") from exc
    return data["@context"] if isinstance(data, dict) and "@context" in data else data


def _canonical_json(value: Any) -> Any:
    """Sort the arrays of a JSON-LD document (they are sets: treatykg writes no @list)."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _canonical_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def serialize_quads(quads: Iterable[ox.Quad], fmt: str, *, base: str = DEFAULT_BASE,
                    in_order: bool = False) -> bytes:
    """Serialise quads deterministically: ``turtle`` (graphs dropped), ``trig``, ``nt`` (graphs
    dropped), ``nq`` or ``jsonld`` (with the local context, no network access).

    N-Triples/N-Quads lines are sorted; Turtle/TriG statements are sorted by
    graph, subject, then ``rdf:type`` first, predicate and object (:func:`quad_order`);
    JSON-LD keys and arrays are sorted. ``in_order=True`` (Turtle and TriG) promises
    that ``quads`` are distinct and already in that order: they are then streamed to
    the serialiser, never held together. Raises ``ValueError`` for an unknown format.
    """
    key = _FORMAT_ALIASES.get(fmt.lower())
    if key is None:
        raise ValueError(f"unknown RDF format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if key in ("nt", "nq"):
        # The lines are deduplicated and sorted, which is canonical and far cheaper than
        # sorting terms. Equal quads give equal lines, so the quads need no set of their own;
        # UTF-8 bytes sort in code point order, so sorting bytes (no decode, no encode) gives
        # the order of the text. Split on "\n" only: a literal may hold U+2028 or U+0085,
        # which N-Quads writes as is and str.splitlines() would cut.
        quads = quads if isinstance(quads, list) else list(quads)
        if key == "nt":
            data = ox.serialize([qd.triple for qd in quads], format=ox.RdfFormat.N_TRIPLES)
        else:
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        lines = sorted(set(data.split(b"\n")) - {b""})
        return b"\n".join(lines) + b"\n" if lines else b""
    if not (in_order and key in ("turtle", "trig")):
        quads = sorted(set(quads), key=quad_order)
    vocab = {k: v for k, v in prefixes(base).items() if k != "id"}
    if key == "turtle":
        return _with_header(ox.serialize((qd.triple for qd in quads), format=ox.RdfFormat.TURTLE,
                                         prefixes=vocab, base_iri=base), base, vocab)
    if key == "trig":
        return _with_header(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=vocab,
                                         base_iri=base), base, vocab)
    # JSON-LD: rdflib with the local context (a dict, so nothing is fetched).
    ds = quads_to_dataset(quads, base)
    text = ds.serialize(format="json-ld", context=_jsonld_context(), auto_compact=True)
    doc = _canonical_json(json.loads(text))
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def serialize(record: Record, fmt: str, *, base: str = DEFAULT_BASE,
              generated_at: _dt.datetime | str | None = None) -> bytes:
    """One record as bytes in ``fmt`` (turtle | trig | nt | nq | jsonld); same record -> same bytes."""
    return serialize_quads(record_quads(record, base=base, generated_at=generated_at), fmt, base=base)
