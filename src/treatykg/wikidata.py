"""Wikidata: links that are right, and candidate edits a human can review and upload.

Three things, all without writing anything to Wikidata:

* :func:`wikidata_quads` — Wikidata-shaped statements (``wdt:`` triples) and
  ``owl:sameAs`` / ``skos:exactMatch`` links for the entities of a record whose
  Wikidata id is *verified* in the gazetteer (``data/gazetteer.tsv``, an id with its
  source, valid at the document's date), so that queries written for Wikidata run
  on our data (``treatykg convert --wikidata-triples``). The mapping of our terms to
  Wikidata properties is ``ontology/wikidata-alignment.ttl``.
* :func:`reconcile` — looks parties (as the state they stand for), signatories and
  places up live (``wbsearchentities`` in zh/en/ko, then the facts of each candidate
  from the Wikidata SPARQL endpoint or ``wbgetentities``), filters the candidates with
  constraints (a person is a human alive at the document's date; a state or place
  existed then; an office is a position), links only when exactly one candidate
  survives, and sends everything else to a review table. Human decisions (accept,
  reject) are kept in a decisions file, so no entity is asked about twice.
* :func:`quickstatements` — QuickStatements v1 commands creating one item per
  document, every statement referenced, only verified ids; what cannot be stated is
  listed for review.

Rules:

* A party is mapped to its state by stripping the organ (``中华人民共和国政府`` →
  ``中华人民共和国``, see :data:`ORGAN_SUFFIXES`); the party itself is linked to the
  state with ``wdt:P17`` (country), never ``owl:sameAs`` (a government is not its state).
* No id is invented: only the gazetteer's verified ids, human ``accept`` decisions
  and (for :func:`reconcile`'s output only) unique surviving candidates are used.
  Persons never get an item.
* :class:`WikidataClient` is polite: a descriptive User-Agent, one request at a time,
  ``maxlag=5`` on the MediaWiki API, ``Retry-After`` honoured (HTTP 429/503 and maxlag
  errors), every successful answer cached on disk keyed by the request. Failures raise
  :class:`~treatykg.errors.EndpointError`.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__
from .errors import EndpointError, InputError, OutputError
from .gazetteer import Entry, Gazetteer, default as default_gazetteer
from .ingest import to_simplified
from .model import Record
from .namespaces import DEFAULT_BASE, VOCABULARIES

__all__ = [
    "WD", "WDT", "P", "PQ", "PR", "USER_AGENT", "DEFAULT_API_URL", "DEFAULT_SPARQL_URL",
    "DEFAULT_CACHE_DIR", "default_user_agent", "TREATY", "BILATERAL_TREATY", "ORGAN_SUFFIXES",
    "state_name", "state_entry", "is_state_itself", "verified", "wikidata_class", "wikidata_quads",
    "WikidataClient", "Facts", "Candidate", "Entity", "Decision", "Decisions",
    "check_candidate", "entities_of", "reconcile", "ReconcileResult", "Link", "ReviewRow", "links_turtle",
    "review_tsv", "quickstatements", "ExportResult", "qs_time",
]

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PQ = "http://www.wikidata.org/prop/qualifier/"
PR = "http://www.wikidata.org/prop/reference/"

#: Class ids named in issue 6 (the only QIDs treatykg writes that are not in the gazetteer).
TREATY = "Q131569"
BILATERAL_TREATY = "Q9557810"
#: The one class id the constraints need: human (P31 Q5).
HUMAN = "Q5"

DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
DEFAULT_SPARQL_URL = "https://query.wikidata.org/sparql"
DEFAULT_CACHE_DIR = Path("~/.cache/treatykg/wikidata").expanduser()
PROJECT_URL = "https://w3id.org/treatykg"
#: Who to contact about the requests; set TREATYKG_WIKIDATA_CONTACT to your e-mail or user page.
CONTACT_PLACEHOLDER = "set TREATYKG_WIKIDATA_CONTACT"


def default_user_agent(contact: str | None = None) -> str:
    """The User-Agent Wikimedia asks for: tool/version (project URL; contact) library."""
    contact = contact or os.environ.get("TREATYKG_WIKIDATA_CONTACT") or CONTACT_PLACEHOLDER
    return f"treatykg/{__version__} ({PROJECT_URL}; contact: {contact}) python-requests"


USER_AGENT = default_user_agent(CONTACT_PLACEHOLDER)

#: Organ names stripped from a party to find its state, longest first.
ORGAN_SUFFIXES = (
    "全国人民代表大会常务委员会", "最高人民会议常任委员会", "中央人民政府", "人民政府",
    "部长会议", "外交部长", "国务院", "外交部", "政府", "内阁",
)

_QID = re.compile(r"^Q[1-9]\d*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _norm(text: str) -> str:
    return "".join(to_simplified(text or "").split())


# ======================================================================= gazetteer links
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


def wikidata_class(record: Record, override: str | None = None) -> str:
    """P31 of a document: ``override`` (configuration), else bilateral treaty (Q9557810)
    when there are exactly two parties, else treaty (Q131569)."""
    if override:
        return override
    return BILATERAL_TREATY if len([p for p in record.parties if _norm(p.name)]) == 2 else TREATY


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


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
        from . import rdf

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
      creation), ``wdt:P407`` (language of work); and always ``wdt:P31`` (treaty /
      bilateral treaty), ``wdt:P1476`` (title, @zh) and ``wdt:P585`` (point in time,
      ``xsd:dateTime`` as Wikidata gives it; full dates only);
    * the signing: ``wdt:P276`` (location);
    * our agent and place IRIs: ``owl:sameAs`` and ``skos:exactMatch`` ``wd:Q…`` where
      our resource *is* the entity (a state named as such, a place); a party that is an
      organ of the state (a government, a ministry) gets ``wdt:P17`` (country) instead.

    Persons are not linked (the gazetteer verifies no person ids; see :func:`reconcile`).
    """
    from . import rdf

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

    yield from q(doc, "P31", _nn(WD + wikidata_class(record)))
    title = " ".join((record.title or "").split())
    if title:
        yield from q(doc, "P1476", ox.Literal(title, language="zh"))
    if date and len(date) == 10:
        yield from q(doc, "P585", ox.Literal(f"{date}T00:00:00Z",
                                             datatype=_nn(VOCABULARIES["xsd"] + "dateTime")))
    for party in record.parties:
        if not _norm(party.name):
            continue
        entry = state_entry(party.name, date, gaz)
        qid = verified(entry)
        if not qid:
            continue
        agent = _nn(ours.agent(party.name))
        yield from q(doc, "P1891", _nn(WD + qid))
        if is_state_itself(party.name, entry):
            yield from q(agent, same, _nn(WD + qid))
            yield from q(agent, exact, _nn(WD + qid))
        else:
            yield from q(agent, "P17", _nn(WD + qid))
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


# ======================================================================= HTTP client
@dataclass
class Facts:
    """What the constraints need to know about one Wikidata item."""

    qid: str
    instance_of: set[str] = field(default_factory=set)   # P31
    subclass_of: set[str] = field(default_factory=set)   # P279
    born: list[str] = field(default_factory=list)        # P569 (YYYY-MM-DD or shorter)
    died: list[str] = field(default_factory=list)        # P570
    inception: list[str] = field(default_factory=list)   # P571
    dissolved: list[str] = field(default_factory=list)   # P576

    _BY_PROP = {"P31": "instance_of", "P279": "subclass_of", "P569": "born", "P570": "died",
                "P571": "inception", "P576": "dissolved"}

    def add(self, prop: str, value: str, precision: int | None = None) -> None:
        """Add a value: an item (``Q…`` or its IRI) or a Wikidata time (``+1898-03-05T00:00:00Z``)."""
        attr = self._BY_PROP.get(prop)
        if attr is None:
            return
        target = getattr(self, attr)
        if isinstance(target, set):
            if value.startswith(WD):
                value = value[len(WD):]
            target.add(value)
        else:
            d = _wikidata_date(value, precision)
            if d and d not in target:
                target.append(d)


def _wikidata_date(value: str, precision: int | None = None) -> str | None:
    """``+1898-03-05T00:00:00Z`` → ``1898-03-05`` (cut to the precision; 00 parts dropped)."""
    m = re.match(r"^\+?(\d{4,})-(\d{2})-(\d{2})", value or "")
    if not m:
        return None
    y, mo, d = m.groups()
    if len(y) > 4:
        y = y.lstrip("0").rjust(4, "0")
        if len(y) > 4:
            return None
    if precision is not None and precision <= 9 or mo == "00":
        return y
    if precision == 10 or d == "00":
        return f"{y}-{mo}"
    return f"{y}-{mo}-{d}"


def _retry_after(headers: Any, default: float) -> float:
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, (when - _dt.datetime.now(when.tzinfo)).total_seconds())
        except (TypeError, ValueError):
            return default


class WikidataClient:
    """A polite, caching client for the Wikidata API and SPARQL endpoint.

    ``api_url`` and ``sparql_url`` point anywhere (tests use local fakes);
    ``cache_dir=None`` disables the disk cache. ``requests_made`` counts the HTTP
    requests actually sent (cache hits are not requests). Raises
    :class:`~treatykg.errors.EndpointError` on connection errors, timeouts, HTTP
    errors and API errors, and after ``max_retries`` waits.
    """

    def __init__(self, *, api_url: str = DEFAULT_API_URL, sparql_url: str = DEFAULT_SPARQL_URL,
                 cache_dir: str | Path | None = DEFAULT_CACHE_DIR, maxlag: int = 5,
                 max_retries: int = 5, max_wait: float = 120.0, timeout: float = 60.0,
                 user_agent: str | None = None, session: Any = None,
                 sleep: Callable[[float], None] = time.sleep):
        import requests

        self.api_url = api_url
        self.sparql_url = sparql_url
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self.maxlag = maxlag
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent or default_user_agent()
        self.requests_made = 0
        self.cache_hits = 0

    # -- cache -----------------------------------------------------------------------
    def _cache_file(self, url: str, params: dict[str, Any]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([url, sorted((k, str(v)) for k, v in params.items() if k != "maxlag")],
                         ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.json"

    def _cache_get(self, path: Path | None) -> Any:
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["response"]
        except (OSError, ValueError, KeyError):
            return None  # a broken cache entry is refetched

    def _cache_put(self, path: Path | None, url: str, params: dict[str, Any], data: Any) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"url": url, "params": params, "response": data}, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write the Wikidata cache: {exc}", path=str(path),
                              hint="pass another --cache-dir or --no-cache") from exc

    # -- requests ----------------------------------------------------------------------
    def _get(self, url: str, params: dict[str, Any], *, accept: str, api: bool) -> Any:
        path = self._cache_file(url, params)
        cached = self._cache_get(path)
        if cached is not None:
            self.cache_hits += 1
            return cached
        import requests

        sent = dict(params)
        if api:
            sent["maxlag"] = self.maxlag
        for attempt in range(self.max_retries + 1):
            self.requests_made += 1
            try:
                resp = self.session.get(url, params=sent, headers={"Accept": accept},
                                        timeout=self.timeout)
            except requests.RequestException as exc:
                raise EndpointError(f"GET {url} failed: {type(exc).__name__}: {exc}",
                                    hint="check the network or --api-url/--sparql-url") from exc
            wait = None
            if resp.status_code in (429, 503):
                wait = _retry_after(resp.headers, 5.0)
            elif resp.status_code != 200:
                first = " ".join(resp.text.strip().splitlines()[:2])[:200]
                raise EndpointError(f"GET {url} answered HTTP {resp.status_code}: {first}")
            else:
                try:
                    data = resp.json()
                except ValueError as exc:
                    raise EndpointError(f"GET {url} answered something that is not JSON: "
                                        f"{resp.text[:120]!r}") from exc
                err = data.get("error") if isinstance(data, dict) else None
                if err and err.get("code") == "maxlag":
                    wait = _retry_after(resp.headers, float(err.get("lag") or 5))
                elif err:
                    raise EndpointError(f"GET {url}: API error {err.get('code')}: {err.get('info')}")
                else:
                    self._cache_put(path, url, params, data)
                    return data
            if attempt < self.max_retries:
                self.sleep(min(wait or 0.0, self.max_wait))
        raise EndpointError(f"GET {url}: the server is busy (HTTP 429/503 or maxlag) after "
                            f"{self.max_retries + 1} attempts", hint="try again later")

    def api(self, **params: Any) -> Any:
        """One MediaWiki API GET (``format=json`` and ``maxlag`` added)."""
        return self._get(self.api_url, {**params, "format": "json"},
                         accept="application/json", api=True)

    def sparql(self, query: str) -> list[dict[str, dict[str, str]]]:
        """A SPARQL SELECT: the result bindings (JSON results format)."""
        data = self._get(self.sparql_url, {"query": query},
                         accept="application/sparql-results+json", api=False)
        try:
            return list(data["results"]["bindings"])
        except (KeyError, TypeError) as exc:
            raise EndpointError(f"GET {self.sparql_url}: not SPARQL JSON results") from exc

    # -- Wikidata ------------------------------------------------------------------------
    def search(self, text: str, language: str, limit: int = 7) -> list[dict[str, Any]]:
        """``wbsearchentities``: items whose label or alias matches ``text`` in ``language``."""
        data = self.api(action="wbsearchentities", search=text, language=language,
                        uselang=language, type="item", limit=limit)
        return list(data.get("search") or [])

    def facts(self, qids: Iterable[str], via: str = "sparql") -> dict[str, Facts]:
        """P31, P279, P569, P570, P571, P576 of each item, from SPARQL or ``wbgetentities``."""
        ids = sorted({q for q in qids if _QID.match(q)}, key=lambda s: int(s[1:]))
        out = {q: Facts(q) for q in ids}
        for i in range(0, len(ids), 50):
            chunk = ids[i:i + 50]
            if via == "api":
                data = self.api(action="wbgetentities", ids="|".join(chunk), props="claims")
                for qid, ent in (data.get("entities") or {}).items():
                    facts = out.get(qid)
                    if facts is None:
                        continue
                    for prop, claims in (ent.get("claims") or {}).items():
                        for claim in claims:
                            if claim.get("rank") == "deprecated":
                                continue
                            value = (claim.get("mainsnak") or {}).get("datavalue", {}).get("value")
                            if isinstance(value, dict) and "id" in value:
                                facts.add(prop, value["id"])
                            elif isinstance(value, dict) and "time" in value:
                                facts.add(prop, value["time"], value.get("precision"))
            else:
                values = " ".join(f"wd:{q}" for q in chunk)
                query = (f"PREFIX wd: <{WD}>\nPREFIX wdt: <{WDT}>\n"
                         f"SELECT ?item ?p ?o WHERE {{\n  VALUES ?item {{ {values} }}\n"
                         "  VALUES ?p { wdt:P31 wdt:P279 wdt:P569 wdt:P570 wdt:P571 wdt:P576 }\n"
                         "  ?item ?p ?o .\n}")
                for row in self.sparql(query):
                    qid = row["item"]["value"].rsplit("/", 1)[-1]
                    prop = row["p"]["value"].rsplit("/", 1)[-1]
                    if qid in out:
                        out[qid].add(prop, row["o"]["value"])
        return out


# ======================================================================= reconciliation
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


@dataclass
class Decision:
    key: str
    qid: str
    decision: str  # accept | reject | auto
    note: str = ""


class Decisions:
    """The decisions file: TSV ``key  qid  decision  note`` (header line first).

    ``accept`` (a human linked the key to the QID), ``reject`` (a human refused the
    QID for the key; an empty QID refuses every candidate), ``auto`` (reconcile linked
    the only candidate that survived the constraints; change it to ``accept`` once
    checked). A key with ``accept`` or ``auto`` is never looked up again.
    """

    HEADER = ("key", "qid", "decision", "note")
    VALUES = ("accept", "reject", "auto")

    def __init__(self, rows: Iterable[Decision] = ()):
        self.rows: list[Decision] = list(rows)

    @classmethod
    def load(cls, path: str | Path | None) -> "Decisions":
        if path is None or not Path(path).exists():
            return cls()
        rows = []
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the decisions file: {exc}", path=str(path)) from exc
        for n, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
            if not row or row[0].startswith("#") or (n == 1 and row[0] == "key"):
                continue
            row = (row + ["", "", ""])[:4]
            key, qid, decision, note = (c.strip() for c in row)
            if decision not in cls.VALUES or (qid and not _QID.match(qid)):
                raise InputError(f"line {n}: expected key, QID (or empty), one of "
                                 f"{'/'.join(cls.VALUES)}, note; got {row!r}", path=str(path))
            rows.append(Decision(key, qid, decision, note))
        return cls(rows)

    def linked(self, key: str) -> Decision | None:
        """The accepted (else automatic) link of ``key``, or None."""
        for wanted in ("accept", "auto"):
            for d in self.rows:
                if d.key == key and d.decision == wanted and d.qid:
                    return d
        return None

    def accepted(self, key: str) -> str | None:
        for d in self.rows:
            if d.key == key and d.decision == "accept" and d.qid:
                return d.qid
        return None

    def rejected(self, key: str) -> set[str]:
        return {d.qid for d in self.rows if d.key == key and d.decision == "reject"}

    def add(self, decision: Decision) -> None:
        if not any(d.key == decision.key and d.qid == decision.qid for d in self.rows):
            self.rows.append(decision)

    def to_tsv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(self.HEADER)
        for d in self.rows:
            w.writerow([d.key, d.qid, d.decision, d.note])
        return buf.getvalue()


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
    from .rdf import serialize_quads

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


# ======================================================================= QuickStatements
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
    ``en_titles``, keyed by source file name); ``P31`` (``item_class``, else
    :func:`wikidata_class`); ``P1891`` for each party whose state has a verified id,
    qualified with ``P585`` (the date) and ``P1932`` (the party as printed); ``P585``;
    ``P1071`` (the signing place, if linked); ``P407`` for each authentic language with a
    verified id; ``P1476 zh:"…"``; ``P953`` (the source URL, if known). Every statement
    carries ``S854`` (the source URL) or ``S248`` (``stated_in``), and ``S813`` (the
    retrieval date, default today). Dates carry their precision (/11, /10, /9).

    Ids come only from the gazetteer (verified) and ``accept`` decisions; persons never
    get an item; everything left out is listed in ``review``. ``source_url`` is one URL
    or a mapping of source file name → URL. A document with neither a source URL nor
    ``stated_in`` is skipped (it could not be referenced) and listed for review.
    Raises ``ValueError`` for a malformed ``stated_in``, ``item_class`` or ``retrieved``.
    """
    gaz = gazetteer or default_gazetteer()
    decisions = decisions or Decisions()
    en_titles = en_titles or {}
    for name, value in (("stated_in", stated_in), ("item_class", item_class)):
        if value and not _QID.match(value):
            raise ValueError(f"{name}: {value!r} is not a Wikidata item id (Q…)")
    retrieved = retrieved or _dt.date.today().isoformat()
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", retrieved):
        raise ValueError(f"retrieved: {retrieved!r} is not a date YYYY-MM-DD")
    commands: list[str] = []
    review: list[tuple[str, str, str, str]] = []
    done = 0
    for record in records:
        doc = record.source.name
        url = source_url.get(doc) if isinstance(source_url, dict) else source_url
        if url and (not re.match(r"^https?://\S+$", url) or '"' in url):
            review.append((doc, "source_url", url, "not an http(s) URL: document skipped"))
            continue
        if not url and not stated_in:
            review.append((doc, "reference", "", "no source URL and no stated-in item: "
                           "every statement needs a reference; document skipped"))
            continue
        ref = (["S854", f'"{url}"'] if url else []) + (["S248", stated_in] if stated_in else [])
        ref += ["S813", qs_time(retrieved)]
        title = _qs_string(record.title or "")
        if not title:
            review.append((doc, "title", record.title or "", "no title, or an ASCII quote in it: "
                           "document skipped"))
            continue
        done += 1
        date = record.signed_date if record.signed_date and _DATE.match(record.signed_date) else None

        def stmt(*parts: str) -> None:
            commands.append("\t".join(("LAST",) + parts + tuple(ref)))

        commands.append("CREATE")
        commands.append(f"LAST\tLzh\t{title}")
        en = _qs_string(en_titles.get(doc, ""))
        if en:
            commands.append(f"LAST\tLen\t{en}")
        stmt("P31", wikidata_class(record, item_class))
        seen_states: set[str] = set()
        for party in record.parties:
            if not _norm(party.name):
                continue
            entry = state_entry(party.name, date, gaz)
            sname = entry.zh if entry else state_name(party.name)
            qid = verified(entry) or decisions.accepted(f"state:{sname}")
            if not qid:
                review.append((doc, "parties", party.name, f"no verified Wikidata id for the state "
                               f"{sname} (gazetteer or an accept decision for state:{sname})"))
                continue
            if qid in seen_states:
                continue
            seen_states.add(qid)
            quals = ["P585", qs_time(date)] if date else []
            printed = _qs_string(party.name)
            if printed:
                quals += ["P1932", printed]
            stmt("P1891", qid, *quals)
        if date:
            stmt("P585", qs_time(date))
        else:
            review.append((doc, "signed_date", record.signed_date or "", "no date: P585 left out"))
        if record.signed_place and _norm(record.signed_place):
            entry = gaz.lookup(_norm(record.signed_place), "place", date)
            pname = entry.zh if entry else _norm(record.signed_place)
            qid = verified(entry) or decisions.accepted(f"place:{pname}")
            if qid:
                stmt("P1071", qid)
            else:
                review.append((doc, "signed_place", record.signed_place,
                               f"no verified Wikidata id (gazetteer or an accept decision for place:{pname})"))
        languages: set[str] = set()
        for lang in record.authentic_languages or []:
            qid = verified(gaz.lookup(_norm(lang), "language", date))
            if qid:
                if qid not in languages:
                    languages.add(qid)
                    stmt("P407", qid)
            else:
                review.append((doc, "authentic_languages", lang, "no verified Wikidata id in the gazetteer"))
        stmt("P1476", f"zh:{title}")
        if url:
            stmt("P953", f'"{url}"')
        for sig in record.signatories:
            review.append((doc, "signatories", sig.name, "a person: no item is created and no "
                           "statement made (link persons with `treatykg wikidata reconcile`)"))
    return ExportResult(commands, review, done)
