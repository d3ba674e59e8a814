"""What a careful user calls wrong, the shapes call wrong (issue 19).

Each case mutates the RDF of a real document (:func:`treatykg.rdf.record_quads` of a text of
``tests/corpus/``, compact evidence unless the case concerns the Web Annotation selectors of
``evidence="full"``) in one way, and says what must come of it:

* ``MUST_FAIL``: a Violation whose message is the one given (the text a user reads);
* ``MUST_WARN``: the data still conforms, with a Warning whose message is the one given;
* ``UNCHANGED``: nothing meaningful changed, so both engines report exactly what they report on
  the real document (no result added, none lost);
* ``BLIND``: wrong, but nothing in the graph can tell (it needs the text, or knowledge the data
  does not hold); the data conforms. Listed so that what the shapes cannot see is written down,
  and so that a shape that starts to see one of them moves it into ``MUST_FAIL``.

Every case runs through both engines, which must give the same results (``same`` of
``tests/test_shacl_fast.py``). The real graphs are built once per module.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union

import pyoxigraph as ox
import pytest

from test_shacl_fast import same
from treatykg import api, rdf

CORPUS = Path(__file__).resolve().parent / "corpus"
KP = "1958-02-19_cn-kp_joint-statement"       # visit, talks, commitments, cited documents, events
FJ = "006_cn_fj_diplomatic_relations_1975"    # small: signatures, a commitment
YE = "009_cn_ye_culture_protocol_1980"        # visit, entry into force
GH = "004_cn_gh_friendship_treaty_1961"       # a treaty, documents cited by year
US = "008_cn_us_diplomatic_relations_1978"    # commitments with deadlines

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "tkg": "https://w3id.org/treatykg/ontology#",
    "eli": "http://data.europa.eu/eli/ontology#", "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/", "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "oa": "http://www.w3.org/ns/oa#", "org": "http://www.w3.org/ns/org#",
    "cito": "http://purl.org/spar/cito/", "id": "https://w3id.org/treatykg/id/",
}


def N(qname: str) -> ox.NamedNode:
    prefix, local = qname.split(":", 1)
    return ox.NamedNode(NS[prefix] + local)


def typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=N(f"xsd:{datatype}"))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal]


class Doc:
    """A document's quads, with its nodes at hand; every change returns a new Doc."""

    def __init__(self, quads: list[ox.Quad], like: "Doc | None" = None):
        self.quads = quads
        if like is not None:  # a changed copy: the same document, whatever the change removed
            self.iri, self.graph, self.evidence = like.iri, like.graph, like.evidence
            return
        graphs = {q.subject for q in quads if q.predicate == N("rdf:type") and q.object == N("tkg:DocumentGraph")}
        self.iri = next(q.object for q in quads if q.subject in graphs and q.predicate == N("dcterms:subject"))
        self.graph = next(iter(graphs))
        self.evidence = ox.NamedNode(self.iri.value + "/evidence")

    def node(self, suffix: str) -> ox.NamedNode:
        """A node of the document: ``/signing``, ``/signature/1``, ``/visit``, ``/text`` …"""
        return ox.NamedNode(self.iri.value + suffix)

    def values(self, s: Term, p: str) -> list[Term]:
        return [q.object for q in self.quads if q.subject == s and q.predicate == N(p)]

    def value(self, s: Term, p: str) -> Term:
        found = self.values(s, p)
        assert found, f"{s} has no {p}"
        return found[0]

    def without(self, s: Term | None = None, p: str | None = None, o: Term | None = None) -> "Doc":
        def match(q):
            return (s is None or q.subject == s) and (p is None or q.predicate == N(p)) \
                and (o is None or q.object == o)
        kept = [q for q in self.quads if not match(q)]
        assert len(kept) < len(self.quads), f"nothing to remove: {s} {p} {o}"
        return Doc(kept, self)

    def plus(self, s: Term, p: str, o: Term) -> "Doc":
        graph = next((q.graph_name for q in self.quads if q.subject == s), self.graph)
        return Doc(self.quads + [ox.Quad(s, N(p), o, graph)], self)

    def setting(self, s: Term, p: str, o: Term) -> "Doc":
        """Every value of ``s p`` replaced by ``o`` (in the graph that held them)."""
        out, done = [], False
        for q in self.quads:
            if q.subject == s and q.predicate == N(p):
                if not done:
                    out.append(ox.Quad(s, q.predicate, o, q.graph_name))
                    done = True
                continue
            out.append(q)
        assert done, f"{s} has no {p}"
        return Doc(out, self)


Expected = Union[str, Callable[[Doc], str], None]


@dataclass(frozen=True)
class Case:
    kind: str                        # what a user would call it
    doc: str
    mutate: Callable[[Doc], Doc]
    expect: Expected = None          # the message a user reads (None: see the list it is in)
    evidence: str = "compact"
    spec_sparql: bool = False        # ill-typed numbers: rdflib's SPARQL compares them, SPARQL 1.1 does not

    @property
    def id(self) -> str:
        return self.kind


# ---------------------------------------------------------------- the messages a user reads
def not_a_date(value: str) -> str:
    return (f"{value} is not a date: a date is written YYYY-MM-DD (xsd:date, a day the calendar has), "
            "YYYY-MM (xsd:gYearMonth) or YYYY (xsd:gYear)")


def out_of_range(value: str) -> str:
    return f"date {value} is out of range: before 1800 or after today"


def contradicts(signing: str, document: str) -> str:
    return f"the signing is dated {signing} but the document's eli:date_document is {document}"


def link(p: str) -> str:
    return f"{p} must link to a resource (an IRI), not a literal or a blank node"


def in_chinese(p: str) -> str:
    return f"{p} holds Chinese text read from the document: it must be tagged @zh (zh-Hant and other zh- tags match)"


def quote_length(n: int, longer: int = 0, wider: int = 0) -> Callable[["Doc"], str]:
    """The message on annotation ``n``'s quote once it is ``longer`` and its span ``wider``."""
    def message(d: Doc) -> str:
        length = len(d.value(d.node(f"/evidence/{n}/quote"), "oa:exact").value) + longer
        pos = d.node(f"/evidence/{n}/position")
        span = int(d.value(pos, "oa:end").value) - int(d.value(pos, "oa:start").value) + wider
        return f"the quote (oa:exact) is {length} code points long but its offsets span {span} (oa:end - oa:start)"
    return message


NO_DOC_TYPE = ("the document has no document-type class (tkg:Treaty, tkg:Agreement, tkg:JointStatement, ...): "
               "no shape of documents applies to it")
NOT_A_PERSON = ("the signatory or talks participant (prov:agent) must be one person: an IRI typed prov:Person, "
                "not a name as a literal, an organisation or a state")
LEADER = "the leader of the visit (tkg:ledBy) must be one person: an IRI typed prov:Person"
SIGNATURE_ALONE = ("the signature belongs to no document: no signing (prov:qualifiedAssociation) that "
                   "generated a document (prov:wasGeneratedBy) has it")
TWO_PARTIES = "a signatory signs for one party: more than one tkg:onBehalfOf"
ORDER = "a signature's position in the block (tkg:signatureOrder) must be one integer from 1"
NO_LENGTH = ("text or source file without one length in code points (tkg:characterCount, a non-negative "
             "integer): without it no offset can be checked")
DANGLING = ("the body of an evidence annotation (oa:hasBody) is described nowhere in the data (it has no "
            "rdf:type): the evidence supports nothing")
GRAPH_SUBJECT = "a graph must name the one document it describes (dcterms:subject, an IRI)"
EMPTY = "empty text: a label, title or name must be a literal with a character other than white space"
CONTROL = ("a control character in a label or title: U+0000-U+001F other than a tab or a line end (LF, CR LF), "
           "U+007F-U+009F, or a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069)")
TWO_DATES = "more than one date (dcterms:date): a signing, a talks, a cited document or event has one"
# caught before issue 19
NO_TITLE = "missing title: the document has no dcterms:title"
NO_DATE = "missing signing date: no eli:date_document (nor a year or month of signing)"
DATE_TYPE = "eli:date_document must be one xsd:date, not before 1800-01-01"
NO_PARTY = "no party: the document has no eli:passed_by"
ARTICLES = "tkg:articleCount must be one non-negative xsd:integer"
VALIDITY = "tkg:validityMonths must be one positive xsd:integer (the months the document stays in force)"
PARTY_LABEL = "a party has no rdfs:label"
PERSON_LABEL = "signatory without a name: the person has no rdfs:label"
SIGNATURE_PARTY = "signatory without a party: the signature has no tkg:onBehalfOf"
NO_ACTOR = "commitment without an actor (who is to act)"
NO_ACTION = "commitment without an action (what is to be done)"
NO_PARTICIPANT = "talks participant without a person (name)"
NO_BODY = "evidence annotation without a body (the resource it supports)"
NO_TARGET = "evidence annotation without a target (an IRI)"
START = "annotation offset: oa:start must be one non-negative integer, not after oa:end"
END = "annotation offset: oa:end must be one non-negative integer"
NO_EXACT = "text quote selector without exactly one oa:exact"
NO_SOURCE = "annotation target without a source (oa:hasSource)"
NO_SELECTOR = "annotation target without a selector (oa:hasSelector)"
# warnings
NO_NAME = "signatory without a name: the signature has no prov:agent (the name is not in the text)"
NO_OFFICE = "signatory without an office title (tkg:officeTitle)"
ONE_TITLE = "the document should have exactly one title, a language-tagged string"
TEXT_SHA = "text without one SHA-256 of its UTF-8 bytes, 64 lower-case hex digits"
NO_FIELD = "evidence annotation should name the record field it supports (tkg:field)"
NO_TOOL = "document graph without tkg:toolVersion"


def fragment(text: str) -> str:
    return (f"evidence target {text} is not a span START,END (START <= END) inside a text the data describes "
            "(a tkg:Text with its tkg:characterCount)")


# ---------------------------------------------------------------- handy nodes
def signing(d: Doc) -> Term:
    return d.node("/signing")


def person_of(d: Doc, n: int) -> Term:
    return d.value(d.node(f"/signature/{n}"), "prov:agent")


def party_of(d: Doc, n: int) -> Term:
    return d.value(d.node(f"/signature/{n}"), "tkg:onBehalfOf")


def cited(d: Doc, n: int = 0) -> Term:
    return d.values(d.iri, "eli:cites")[n]


def event(d: Doc) -> Term:
    return next(e for e in d.values(d.iri, "tkg:refersToEvent") if d.values(e, "dcterms:date"))


def annotation(d: Doc, n: int = 1) -> Term:
    return d.node(f"/evidence/{n}")


def quote(d: Doc, n: int = 1) -> Term:
    return d.node(f"/evidence/{n}/quote")


def position(d: Doc, n: int = 1) -> Term:
    return d.node(f"/evidence/{n}/position")


def shorter(d: Doc, n: int = 1) -> Doc:
    exact = d.value(quote(d, n), "oa:exact").value
    return d.setting(quote(d, n), "oa:exact", ox.Literal(exact[:-1]))


def shifted(d: Doc, p: str, by: int, n: int = 1) -> Doc:
    value = int(d.value(position(d, n), p).value)
    return d.setting(position(d, n), p, typed(str(value + by), "integer"))


def with_fragment(d: Doc, start: int, end: int) -> Doc:
    ann = annotation(d)
    target = d.values(ann, "oa:hasTarget")[0]
    text = target.value.partition("#")[0]
    return d.without(ann, "oa:hasTarget", target).plus(ann, "oa:hasTarget", ox.NamedNode(f"{text}#char={start},{end}"))


def first_fragment(d: Doc) -> str:
    return d.values(annotation(d), "oa:hasTarget")[0].value.partition("#")[0]


def reordered(d: Doc) -> Doc:
    quads = list(d.quads)
    random.Random(19).shuffle(quads)
    return Doc(quads, d)


def dated(value: str) -> Callable[[Doc], str]:
    return lambda d: contradicts(value, d.value(d.iri, "eli:date_document").value)


# ---------------------------------------------------------------- the cases
MUST_FAIL = [
    # -- dates, anywhere one is written: impossible, ill-typed, not a date at all
    Case("signing date 1958-02-30", KP, lambda d: d.setting(signing(d), "dcterms:date", typed("1958-02-30", "date")),
         not_a_date("1958-02-30")),
    Case("signing date a 13th month", KP,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1958-13", "gYearMonth")),
         not_a_date("1958-13")),
    Case("signing date a plain string", KP, lambda d: d.setting(signing(d), "dcterms:date", ox.Literal("1958-02-19")),
         not_a_date("1958-02-19")),
    Case("signing date in Chinese words", KP, lambda d: d.setting(signing(d), "dcterms:date", zh("1958年2月19日")),
         not_a_date("1958年2月19日")),
    Case("signing date a dateTime", KP,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1958-02-19T10:00:00", "dateTime")),
         not_a_date("1958-02-19T10:00:00")),
    Case("signing date an IRI", FJ, lambda d: d.setting(signing(d), "dcterms:date", N("id:date/1975-11-05")),
         not_a_date(NS["id"] + "date/1975-11-05")),
    Case("visit begins on 31 April", YE,
         lambda d: d.setting(d.node("/visit"), "sem:hasBeginTimeStamp", typed("1980-04-31", "date")),
         not_a_date("1980-04-31")),
    Case("visit ends in a 13th month", YE,
         lambda d: d.setting(d.node("/visit"), "sem:hasEndTimeStamp", typed("1980-13", "gYearMonth")),
         not_a_date("1980-13")),
    Case("visit begin a plain string", YE,
         lambda d: d.setting(d.node("/visit"), "sem:hasBeginTimeStamp", ox.Literal("1980-04-20")),
         not_a_date("1980-04-20")),
    Case("visit ends on 29 February of a common year", KP,
         lambda d: d.setting(d.node("/visit"), "sem:hasEndTimeStamp", typed("1958-02-29", "date")),
         not_a_date("1958-02-29")),
    Case("deadline 1958-02-30", KP,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:deadline", typed("1958-02-30", "date")),
         not_a_date("1958-02-30")),
    Case("deadline a 13th month", US,
         lambda d: d.setting(d.node("/commitment/2"), "tkg:deadline", typed("1979-13", "gYearMonth")),
         not_a_date("1979-13")),
    Case("deadline a plain string", FJ,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:deadline", ox.Literal("1975-11-05")),
         not_a_date("1975-11-05")),
    Case("deadline typed as a year but written as a day", FJ,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:deadline", typed("1975-11-05", "gYear")),
         not_a_date("1975-11-05")),
    Case("cited document dated 29 February 1955", KP,
         lambda d: d.setting(N("id:instrument/warsaw-pact"), "dcterms:date", typed("1955-02-29", "date")),
         not_a_date("1955-02-29")),
    Case("cited document dated 29 February 1900 (a century, not leap)", US,
         lambda d: d.setting(cited(d), "dcterms:date", typed("1900-02-29", "date")),
         not_a_date("1900-02-29")),
    Case("cited document dated by a plain year string", GH,
         lambda d: d.setting(N("id:instrument/five-principles"), "dcterms:date", ox.Literal("1954")),
         not_a_date("1954")),
    Case("cited document year of two digits", GH,
         lambda d: d.setting(N("id:instrument/five-principles"), "dcterms:date", typed("54", "gYear")),
         not_a_date("54")),
    Case("event dated in a 13th month", KP,
         lambda d: d.setting(event(d), "dcterms:date", typed("1957-13", "gYearMonth")),
         not_a_date("1957-13")),
    Case("event dated in month 00", KP,
         lambda d: d.setting(event(d), "dcterms:date", typed("1957-00", "gYearMonth")),
         not_a_date("1957-00")),
    Case("event month written as a date", KP,
         lambda d: d.setting(event(d), "dcterms:date", typed("1957-11", "date")),
         not_a_date("1957-11")),
    Case("entry into force on 31 September", YE,
         lambda d: d.setting(d.iri, "eli:first_date_entry_in_force", typed("1980-09-31", "date")),
         not_a_date("1980-09-31")),
    Case("entry into force a plain string", YE,
         lambda d: d.setting(d.iri, "eli:first_date_entry_in_force", ox.Literal("1980-09-23")),
         not_a_date("1980-09-23")),
    Case("entry into force in a 13th month", YE,
         lambda d: d.setting(d.iri, "eli:first_date_entry_in_force", typed("1980-13", "gYearMonth")),
         not_a_date("1980-13")),
    Case("talks dated 1958-02-30", KP,
         lambda d: d.setting(d.node("/talks"), "dcterms:date", typed("1958-02-30", "date")),
         not_a_date("1958-02-30")),
    Case("document date 1958-02-30", KP, lambda d: d.setting(d.iri, "eli:date_document", typed("1958-02-30", "date")),
         DATE_TYPE),
    Case("document date a plain string", FJ, lambda d: d.setting(d.iri, "eli:date_document", ox.Literal("1975-11-05")),
         DATE_TYPE),
    Case("document date in the future", FJ,
         lambda d: d.setting(d.iri, "eli:date_document", typed("2999-12-31", "date")),
         out_of_range("2999-12-31")),
    Case("signing year before 1800", FJ, lambda d: d.setting(signing(d), "dcterms:date", typed("1700", "gYear")),
         out_of_range("1700")),
    Case("cited document dated before 1800", GH,
         lambda d: d.setting(N("id:instrument/five-principles"), "dcterms:date", typed("1700", "gYear")),
         out_of_range("1700")),
    Case("event dated in the future", KP, lambda d: d.setting(event(d), "dcterms:date", typed("2999-01", "gYearMonth")),
         out_of_range("2999-01")),
    Case("visit ends before it begins", YE,
         lambda d: d.setting(d.node("/visit"), "sem:hasEndTimeStamp", typed("1980-04-19", "date")),
         "visit ends (1980-04-19) before it starts"),
    # -- the signing's date against the document's
    Case("signing a day after the document's date", KP,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1958-02-20", "date")), dated("1958-02-20")),
    Case("document's date a day before the signing", KP,
         lambda d: d.setting(d.iri, "eli:date_document", typed("1958-02-18", "date")),
         contradicts("1958-02-19", "1958-02-18")),
    Case("signing in another month than the document's date", FJ,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1975-12", "gYearMonth")), dated("1975-12")),
    Case("signing in another year than the document's date", FJ,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1976", "gYear")), dated("1976")),
    Case("two signing dates", KP, lambda d: d.plus(signing(d), "dcterms:date", typed("1958-02-20", "date")),
         TWO_DATES),
    # -- the document's type
    Case("document loses its document-type class", KP, lambda d: d.without(d.iri, "rdf:type", N("tkg:JointStatement")),
         NO_DOC_TYPE),
    Case("document loses every type", GH, lambda d: d.without(d.iri, "rdf:type"), NO_DOC_TYPE),
    Case("document typed as a cited document instead", YE,
         lambda d: d.without(d.iri, "rdf:type", N("tkg:Protocol")).plus(d.iri, "rdf:type", N("tkg:CitedDocument")),
         NO_DOC_TYPE),
    Case("document with two document-type classes", FJ, lambda d: d.plus(d.iri, "rdf:type", N("tkg:Treaty")),
         f"the document has two document-type classes, {NS['tkg']}JointCommunique and {NS['tkg']}Treaty: "
         "it is one kind of document"),
    # -- who signs, who talks, who leads
    Case("signatory a name as a literal", KP,
         lambda d: d.setting(d.node("/signature/1"), "prov:agent", zh("周恩来")), NOT_A_PERSON),
    Case("signatory a state", KP, lambda d: d.setting(d.node("/signature/1"), "prov:agent", N("id:state/cn")),
         NOT_A_PERSON),
    Case("signatory an organisation (the party itself)", FJ,
         lambda d: d.setting(d.node("/signature/2"), "prov:agent", party_of(d, 2)), NOT_A_PERSON),
    Case("signatory a blank node", FJ, lambda d: d.setting(d.node("/signature/1"), "prov:agent", ox.BlankNode("who")),
         NOT_A_PERSON),
    Case("signatory an IRI nothing describes", FJ,
         lambda d: d.setting(d.node("/signature/1"), "prov:agent", N("id:person/nobody")), NOT_A_PERSON),
    Case("one signature, two signatories", FJ,
         lambda d: d.plus(d.node("/signature/1"), "prov:agent", person_of(d, 2)), NOT_A_PERSON),
    Case("talks participant a name as a literal", KP,
         lambda d: d.setting(d.node("/participant/1"), "prov:agent", zh("周恩来")), NOT_A_PERSON),
    Case("talks participant an organisation", KP,
         lambda d: d.setting(d.node("/participant/4"), "prov:agent", N("id:organization/pla")), NOT_A_PERSON),
    Case("visit led by a state", YE, lambda d: d.setting(d.node("/visit"), "tkg:ledBy", N("id:state/yar")), LEADER),
    Case("visit led by a name as a literal", YE, lambda d: d.setting(d.node("/visit"), "tkg:ledBy", zh("叶海亚")),
         LEADER),
    Case("a person who is also an organisation", KP,
         lambda d: d.plus(N("id:person/zhou-enlai"), "rdf:type", N("org:Organization")),
         f"a person (prov:Person) is also typed {NS['org']}Organization: an agent is a person or an "
         "organisation, not both"),
    Case("a state typed as a person", FJ, lambda d: d.plus(N("id:state/fj"), "rdf:type", N("prov:Person")),
         f"a person (prov:Person) is also typed {NS['tkg']}State: an agent is a person or an organisation, not both"),
    Case("signature without a party", FJ, lambda d: d.without(d.node("/signature/1"), "tkg:onBehalfOf"),
         SIGNATURE_PARTY),
    Case("signatory signing for two parties", FJ,
         lambda d: d.plus(d.node("/signature/1"), "tkg:onBehalfOf", party_of(d, 2)),
         TWO_PARTIES),
    Case("signature position a plain string", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:signatureOrder", ox.Literal("1")), ORDER),
    Case("signature position 0", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:signatureOrder", typed("0", "integer")), ORDER),
    Case("signature with two positions", FJ,
         lambda d: d.plus(d.node("/signature/1"), "tkg:signatureOrder", typed("2", "integer")), ORDER),
    Case("signature cut loose from the signing", FJ,
         lambda d: d.without(signing(d), "prov:qualifiedAssociation", d.node("/signature/1")), SIGNATURE_ALONE),
    Case("signing cut loose from the document", FJ, lambda d: d.without(d.iri, "prov:wasGeneratedBy"),
         SIGNATURE_ALONE),
    # -- evidence
    Case("quote one character short of its span", FJ, shorter, quote_length(1, longer=-1), evidence="full"),
    Case("quote one character longer than its span", FJ,
         lambda d: d.setting(quote(d, 3), "oa:exact", ox.Literal(d.value(quote(d, 3), "oa:exact").value + "。")),
         quote_length(3, longer=1), evidence="full"),
    Case("end offset one past the quote", FJ, lambda d: shifted(d, "oa:end", 1, n=2), quote_length(2, wider=1),
         evidence="full"),
    Case("start offset one before the quote", FJ, lambda d: shifted(d, "oa:start", -1, n=2),
         quote_length(2, wider=1), evidence="full"),
    Case("source file without its length", FJ, lambda d: d.without(d.node("/source"), "tkg:characterCount"),
         NO_LENGTH),
    Case("source file without its length, full evidence", FJ,
         lambda d: d.without(d.node("/source"), "tkg:characterCount"), NO_LENGTH, evidence="full"),
    Case("text without its length", FJ, lambda d: d.without(d.node("/text"), "tkg:characterCount"), NO_LENGTH),
    Case("text without its length, full evidence", FJ, lambda d: d.without(d.node("/text"), "tkg:characterCount"),
         NO_LENGTH, evidence="full"),
    Case("annotation source a text the data does not describe", FJ,
         lambda d: d.setting(d.node("/evidence/1/target"), "oa:hasSource", d.node("/copy")), NO_LENGTH,
         evidence="full"),
    Case("text longer than its source file", FJ,
         lambda d: d.setting(d.node("/text"), "tkg:characterCount", typed("466", "integer")),
         "the text is 466 code points long but the source file it was read from (prov:wasDerivedFrom) is 465"),
    Case("source file shorter than its text", FJ,
         lambda d: d.setting(d.node("/source"), "tkg:characterCount", typed("400", "integer")),
         "the text is 465 code points long but the source file it was read from (prov:wasDerivedFrom) is 400"),
    Case("text length a string", FJ,
         lambda d: d.setting(d.node("/text"), "tkg:characterCount", typed("465", "string")), NO_LENGTH),
    Case("text with two lengths", FJ, lambda d: d.plus(d.node("/text"), "tkg:characterCount", typed("500", "integer")),
         NO_LENGTH),
    Case("dangling annotation body in the document", FJ,
         lambda d: d.setting(annotation(d), "oa:hasBody", d.node("/nowhere")), DANGLING),
    Case("dangling annotation body, a person nobody describes", FJ,
         lambda d: d.setting(annotation(d, 7), "oa:hasBody", N("id:person/nobody")), DANGLING),
    Case("dangling annotation body, full evidence", FJ,
         lambda d: d.setting(annotation(d), "oa:hasBody", d.node("/nowhere")), DANGLING, evidence="full"),
    Case("annotation body a literal", FJ, lambda d: d.setting(annotation(d), "oa:hasBody", zh("标题")), NO_BODY),
    Case("annotation without a body", FJ, lambda d: d.without(annotation(d), "oa:hasBody"), NO_BODY),
    Case("annotation without a target", FJ, lambda d: d.without(annotation(d), "oa:hasTarget"), NO_TARGET),
    Case("compact evidence past the end of the text", FJ, lambda d: with_fragment(d, 460, 999),
         lambda d: fragment(f"{first_fragment(d)}#char=460,999")),
    Case("compact evidence backwards", FJ, lambda d: with_fragment(d, 20, 10),
         lambda d: fragment(f"{first_fragment(d)}#char=20,10")),
    Case("offsets swapped", FJ,
         lambda d: d.setting(position(d), "oa:start", d.value(position(d), "oa:end"))
                    .setting(position(d), "oa:end", d.value(position(d), "oa:start")), START, evidence="full"),
    Case("end offset past the text", FJ, lambda d: d.setting(position(d), "oa:end", typed("999", "integer")),
         "end offset 999 is past the end of the source text (465 characters)", evidence="full"),
    Case("negative start offset", FJ, lambda d: d.setting(position(d), "oa:start", typed("-1", "integer")), START,
         evidence="full"),
    Case("end offset not a number", FJ, lambda d: d.setting(position(d), "oa:end", typed("abc", "integer")), END,
         evidence="full", spec_sparql=True),
    Case("two start offsets", FJ, lambda d: d.plus(position(d), "oa:start", typed("0", "integer")), START,
         evidence="full"),
    Case("quote selector without its quote", FJ, lambda d: d.without(quote(d), "oa:exact"), NO_EXACT,
         evidence="full"),
    Case("two quotes for one span", FJ, lambda d: d.plus(quote(d), "oa:exact", ox.Literal("另一段")), NO_EXACT,
         evidence="full"),
    Case("annotation target without its source", FJ,
         lambda d: d.without(d.node("/evidence/1/target"), "oa:hasSource"), NO_SOURCE, evidence="full"),
    Case("annotation target without selectors", FJ,
         lambda d: d.without(d.node("/evidence/1/target"), "oa:hasSelector"), NO_SELECTOR, evidence="full"),
    # -- links that must be IRIs
    Case("signature's party a literal", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:onBehalfOf", zh("中华人民共和国政府")), link("tkg:onBehalfOf")),
    Case("commitment's actor a literal", FJ,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:actor", zh("双方")), link("tkg:actor")),
    Case("visit's host a literal", YE, lambda d: d.setting(d.node("/visit"), "tkg:host", zh("中国")), link("tkg:host")),
    Case("talks participant's side a literal", KP,
         lambda d: d.setting(d.node("/participant/1"), "tkg:side", zh("中方")), link("tkg:side")),
    Case("signing place a literal", KP, lambda d: d.setting(signing(d), "prov:atLocation", zh("平壤")),
         link("prov:atLocation")),
    Case("cited document a literal", GH, lambda d: d.setting(d.iri, "eli:cites", zh("和平共处五项原则")),
         link("eli:cites")),
    Case("event a blank node", KP, lambda d: d.setting(d.iri, "tkg:refersToEvent", ox.BlankNode("meeting")),
         link("tkg:refersToEvent")),
    Case("mention a literal", KP, lambda d: d.plus(d.iri, "tkg:mentions", zh("平壤")), link("tkg:mentions")),
    Case("visit a literal", KP, lambda d: d.setting(d.iri, "tkg:occasion", zh("访问")), link("tkg:occasion")),
    Case("commitment a literal", KP, lambda d: d.plus(d.iri, "tkg:commitment", zh("撤军")), link("tkg:commitment")),
    Case("state of an agent a literal", FJ,
         lambda d: d.setting(N("id:agent/fj-government"), "tkg:ofState", zh("斐济")), link("tkg:ofState")),
    Case("stance towards a literal", KP, lambda d: d.plus(d.iri, "cito:supports", zh("日内瓦协议")),
         link("cito:supports")),
    Case("language a literal", FJ, lambda d: d.setting(d.node("/expression/zh"), "dcterms:language", ox.Literal("zh")),
         link("dcterms:language")),
    Case("annotation source a literal", FJ,
         lambda d: d.setting(d.node("/evidence/1/target"), "oa:hasSource", ox.Literal("text")), link("oa:hasSource"),
         evidence="full"),
    Case("party a literal", FJ, lambda d: d.without(d.iri, "eli:passed_by").plus(d.iri, "eli:passed_by", zh("斐济政府")),
         NO_PARTY),
    # -- graphs that name their document
    Case("document graph names no document", FJ, lambda d: d.without(d.graph, "dcterms:subject"), GRAPH_SUBJECT),
    Case("evidence graph names its document by a literal", FJ,
         lambda d: d.setting(d.evidence, "dcterms:subject", ox.Literal("the document")), GRAPH_SUBJECT),
    Case("document graph names two documents", FJ, lambda d: d.plus(d.graph, "dcterms:subject", N("id:doc/other")),
         GRAPH_SUBJECT),
    # -- empty titles and labels
    Case("empty title", KP, lambda d: d.setting(d.iri, "dcterms:title", zh("")), EMPTY),
    Case("title of spaces", KP, lambda d: d.setting(d.iri, "dcterms:title", zh("   ")), EMPTY),
    Case("title of ideographic spaces", FJ, lambda d: d.setting(d.iri, "dcterms:title", zh("\u3000\u3000")), EMPTY),
    Case("empty name of a signatory", FJ, lambda d: d.setting(person_of(d, 1), "rdfs:label", zh("")), EMPTY),
    Case("party label of a space", FJ, lambda d: d.setting(party_of(d, 1), "rdfs:label", zh(" ")), EMPTY),
    Case("office title of a zero-width space", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", zh("\u200b")), EMPTY),
    Case("empty commitment action", KP, lambda d: d.setting(d.node("/commitment/1"), "tkg:action", zh("")), EMPTY),
    Case("empty delegation", KP, lambda d: d.setting(d.node("/visit"), "tkg:delegation", zh("")), EMPTY),
    Case("empty expression title", FJ, lambda d: d.setting(d.node("/expression/zh"), "eli:title", zh("\n")), EMPTY),
    Case("label an IRI", FJ, lambda d: d.setting(person_of(d, 1), "rdfs:label", N("id:name/zhu")), EMPTY),
    # -- control characters in labels and titles
    Case("bell in the title", KP,
         lambda d: d.setting(d.iri, "dcterms:title", zh(d.value(d.iri, "dcterms:title").value + "\x07")), CONTROL),
    Case("terminal escape in a signatory's name", FJ,
         lambda d: d.setting(person_of(d, 1), "rdfs:label", zh("\x1b[31m朱启祯")), CONTROL),
    Case("C1 control (NEL) in a party label", FJ,
         lambda d: d.setting(party_of(d, 1), "rdfs:label", zh("中华人民共和国政府\x85")), CONTROL),
    Case("DEL in an office title", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", zh("大使\x7f")), CONTROL),
    Case("carriage return alone in the original title", KP,
         lambda d: d.setting(d.iri, "tkg:originalTitle", zh("中华人民共和国政府和朝鲜民主主义\r人民共和国政府联合声明")),
         CONTROL),
    Case("right-to-left override in a label", FJ,
         lambda d: d.setting(person_of(d, 2), "rdfs:label", zh("拉曼\u202e纳")), CONTROL),
    Case("NUL in the title", FJ, lambda d: d.setting(d.iri, "dcterms:title", zh("联合公报\x00")), CONTROL),
    Case("form feed in the entry-into-force clause", YE,
         lambda d: d.setting(d.iri, "tkg:entryIntoForceClause", zh("本议定书\x0c生效。")), CONTROL),
    # -- language tags
    Case("title tagged English", KP,
         lambda d: d.setting(d.iri, "dcterms:title", ox.Literal(d.value(d.iri, "dcterms:title").value, language="en")),
         "the title is the document's Chinese text but is tagged @en, not @zh"),
    Case("office title tagged English", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", ox.Literal("大使", language="en")),
         in_chinese("tkg:officeTitle")),
    Case("office title without a tag", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", ox.Literal("大使")),
         in_chinese("tkg:officeTitle")),
    Case("authentic language tagged Japanese", YE,
         lambda d: d.without(d.iri, "tkg:authenticLanguage", zh("中文"))
                    .plus(d.iri, "tkg:authenticLanguage", ox.Literal("中文", language="ja")),
         in_chinese("tkg:authenticLanguage")),
    Case("commitment action tagged Korean", KP,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:action", ox.Literal("分批全部撤出朝鲜", language="ko")),
         in_chinese("tkg:action")),
    Case("expression title tagged English", FJ,
         lambda d: d.setting(d.node("/expression/zh"), "eli:title",
                             ox.Literal(d.value(d.node("/expression/zh"), "eli:title").value, language="en")),
         in_chinese("eli:title")),
    # -- single values given twice
    Case("two document dates", KP, lambda d: d.plus(d.iri, "eli:date_document", typed("1958-02-20", "date")),
         DATE_TYPE),
    Case("visit with two beginnings", YE,
         lambda d: d.plus(d.node("/visit"), "sem:hasBeginTimeStamp", typed("1980-04-21", "date")),
         "more than one beginning (sem:hasBeginTimeStamp)"),
    Case("visit with two ends", YE,
         lambda d: d.plus(d.node("/visit"), "sem:hasEndTimeStamp", typed("1980-04-25", "date")),
         "more than one end (sem:hasEndTimeStamp)"),
    Case("commitment with two deadlines", KP,
         lambda d: d.plus(d.node("/commitment/1"), "tkg:deadline", typed("1958-10-31", "date")),
         "more than one deadline (tkg:deadline)"),
    Case("two dates of entry into force", YE,
         lambda d: d.plus(d.iri, "eli:first_date_entry_in_force", typed("1980-10-01", "date")),
         "more than one date of entry into force (eli:first_date_entry_in_force)"),
    Case("cited document with two dates", GH,
         lambda d: d.plus(N("id:instrument/five-principles"), "dcterms:date", typed("1953", "gYear")), TWO_DATES),
    Case("two article counts", FJ, lambda d: d.plus(d.iri, "tkg:articleCount", typed("3", "integer")), ARTICLES),
    # -- required facts missing or malformed (caught before issue 19)
    Case("no title", KP, lambda d: d.without(d.iri, "dcterms:title"), NO_TITLE),
    Case("no document date, a full date only on the signing", FJ, lambda d: d.without(d.iri, "eli:date_document"),
         NO_DATE),
    Case("no party", FJ, lambda d: d.without(d.iri, "eli:passed_by"), NO_PARTY),
    Case("party without a label", FJ, lambda d: d.without(party_of(d, 2), "rdfs:label"), PARTY_LABEL),
    Case("signatory without a name", FJ, lambda d: d.without(person_of(d, 1), "rdfs:label"), PERSON_LABEL),
    Case("commitment without an actor", KP, lambda d: d.without(d.node("/commitment/2"), "tkg:actor"), NO_ACTOR),
    Case("commitment without an action", KP, lambda d: d.without(d.node("/commitment/2"), "tkg:action"), NO_ACTION),
    Case("talks participant without a person", KP, lambda d: d.without(d.node("/participant/3"), "prov:agent"),
         NO_PARTICIPANT),
    Case("negative article count", FJ, lambda d: d.setting(d.iri, "tkg:articleCount", typed("-1", "integer")),
         ARTICLES),
    Case("article count a plain string", FJ, lambda d: d.setting(d.iri, "tkg:articleCount", ox.Literal("3")),
         ARTICLES),
    Case("validity a plain string", GH, lambda d: d.setting(d.iri, "tkg:validityMonths", ox.Literal("120")),
         VALIDITY),
    Case("validity of zero months", GH, lambda d: d.setting(d.iri, "tkg:validityMonths", typed("0", "integer")),
         VALIDITY),
    Case("validity as a duration", GH, lambda d: d.setting(d.iri, "tkg:validityMonths", typed("P10Y", "duration")),
         VALIDITY),
    Case("two validities", GH, lambda d: d.plus(d.iri, "tkg:validityMonths", typed("60", "integer")), VALIDITY),
]

MUST_WARN = [
    Case("signatory whose name the source lost", FJ, lambda d: d.without(d.node("/signature/1"), "prov:agent"),
         NO_NAME),
    Case("signatory without an office", FJ, lambda d: d.without(d.node("/signature/2"), "tkg:officeTitle"), NO_OFFICE),
    Case("title without a language tag", FJ,
         lambda d: d.setting(d.iri, "dcterms:title", ox.Literal(d.value(d.iri, "dcterms:title").value)), ONE_TITLE),
    Case("two titles", FJ, lambda d: d.plus(d.iri, "dcterms:title", zh("建交公报")), ONE_TITLE),
    Case("signatory signs for a state that is not a party", FJ,
         lambda d: d.setting(d.node("/signature/2"), "tkg:onBehalfOf", N("id:state/au")),
         f"signatory signs for {NS['id']}state/au, which is not among the document's parties (eli:passed_by)"),
    Case("text checksum in upper case", FJ,
         lambda d: d.setting(d.node("/text"), "tkg:sha256",
                             ox.Literal(d.value(d.node("/text"), "tkg:sha256").value.upper())),
         TEXT_SHA),
    Case("annotation that names no field", FJ, lambda d: d.without(annotation(d), "tkg:field"), NO_FIELD),
    Case("document graph without the tool's version", FJ, lambda d: d.without(d.graph, "tkg:toolVersion"), NO_TOOL),
]

UNCHANGED = [
    Case("quads in another order", KP, reordered),
    Case("quads in another order, full evidence", FJ, reordered, evidence="full"),
    Case("a second label, in English, for a signatory", FJ,
         lambda d: d.plus(person_of(d, 1), "rdfs:label", ox.Literal("Zhu Qizhen", language="en"))),
    Case("an English label for the document", FJ,
         lambda d: d.plus(d.iri, "rdfs:label", ox.Literal("Joint Communiqué of China and Fiji", language="en"))),
    Case("a quad given twice", FJ, lambda d: Doc(d.quads + d.quads[:1], d)),
    Case("a fact repeated in the evidence graph", FJ,
         lambda d: Doc(d.quads + [ox.Quad(q.subject, q.predicate, q.object, d.evidence)
                                  for q in d.quads if q.subject == d.iri and q.predicate == N("dcterms:title")], d)),
    Case("a comment on the document", FJ,
         lambda d: d.plus(d.iri, "rdfs:comment", ox.Literal("checked", language="en"))),
    Case("no evidence at all (as --evidence none)", FJ,
         lambda d: Doc([q for q in d.quads if q.graph_name != d.evidence], d)),
    Case("no mentions", KP, lambda d: d.without(d.iri, "tkg:mentions")),
    Case("a state without its English label", FJ,
         lambda d: d.without(N("id:state/fj"), "rdfs:label", next(v for v in d.values(N("id:state/fj"), "rdfs:label")
                                                               if v.language == "en"))),
    Case("a deadline in the future", KP,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:deadline", typed("2999-12-31", "date"))),
    Case("a deadline given as a year", FJ,
         lambda d: d.setting(d.node("/commitment/1"), "tkg:deadline", typed("1975", "gYear"))),
    Case("a cited document dated on a leap day", KP,
         lambda d: d.setting(N("id:instrument/warsaw-pact"), "dcterms:date", typed("1956-02-29", "date"))),
    Case("a cited document dated 29 February 2000", US,
         lambda d: d.setting(cited(d), "dcterms:date", typed("2000-02-29", "date"))),
    Case("the signing's month agrees with the document's day", FJ,
         lambda d: d.setting(signing(d), "dcterms:date", typed("1975-11", "gYearMonth"))),
    Case("original title on two lines of a CRLF text", KP,
         lambda d: d.setting(d.iri, "tkg:originalTitle", zh("中华人民共和国政府和朝鲜民主主义\r\n人民共和国政府联合声明"))),
    Case("office title on two lines", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", zh("中华人民共和国政府代表\n驻澳大利亚大使馆临时代办"))),
    Case("title tagged zh-Hans", FJ,
         lambda d: d.setting(d.iri, "dcterms:title",
                             ox.Literal(d.value(d.iri, "dcterms:title").value, language="zh-Hans"))),
    Case("office title tagged zh-Hant", FJ,
         lambda d: d.setting(d.node("/signature/1"), "tkg:officeTitle", ox.Literal("大使", language="zh-Hant"))),
    Case("quotes without prefix and suffix", FJ, lambda d: d.without(p="oa:prefix").without(p="oa:suffix"),
         evidence="full"),
    Case("the generation time (as --timestamp)", FJ,
         lambda d: d.plus(d.graph, "prov:generatedAtTime", typed("2026-01-01T00:00:00Z", "dateTime"))),
]

BLIND = [
    # Needs the text: the graphs carry its length and checksum, not its characters.
    Case("both offsets shifted by one (the quote no longer the span)", FJ,
         lambda d: shifted(shifted(d, "oa:start", 1, n=2), "oa:end", 1, n=2), evidence="full"),
    Case("compact evidence pointing at other characters", FJ, lambda d: with_fragment(d, 1, 5)),
    Case("a checksum of another text, well formed", FJ,
         lambda d: d.setting(d.node("/text"), "tkg:sha256", ox.Literal("0" * 64))),
    Case("an annotation naming another field", FJ,
         lambda d: d.setting(annotation(d), "tkg:field", ox.Literal("signed_place"))),
    # Needs knowledge the data does not hold.
    Case("a treaty typed as an agreement", GH,
         lambda d: d.without(d.iri, "rdf:type", N("tkg:Treaty")).plus(d.iri, "rdf:type", N("tkg:Agreement"))),
    Case("the two signatories' names swapped", FJ,
         lambda d: d.setting(d.node("/signature/1"), "prov:agent", person_of(d, 2))
                    .setting(d.node("/signature/2"), "prov:agent", person_of(d, 1))),
    Case("signed elsewhere (another place the data describes)", KP,
         lambda d: d.setting(signing(d), "prov:atLocation", N("id:place/moscow"))),
    Case("another date, consistently on the document and its signing", FJ,
         lambda d: d.setting(d.iri, "eli:date_document", typed("1975-11-06", "date"))
                    .setting(signing(d), "dcterms:date", typed("1975-11-06", "date"))),
    # Retroactive entry into force exists (a tax protocol may apply from 1 January), so an entry
    # into force before the signing is no error in itself.
    Case("entry into force before the signing", YE,
         lambda d: d.setting(d.iri, "eli:first_date_entry_in_force", typed("1900-01-01", "date"))),
    # Gazetteer names in English: no shape reads the script of a label tagged @en (a SPARQL test
    # on every labelled node would cost pySHACL a query per node; see shapes/README.md).
    Case("a state's English label in Chinese characters", FJ,
         lambda d: d.without(N("id:state/fj"), "rdfs:label", next(v for v in d.values(N("id:state/fj"), "rdfs:label")
                                                               if v.language == "en"))
                    .plus(N("id:state/fj"), "rdfs:label", ox.Literal("斐济", language="en"))),
]


# ---------------------------------------------------------------- running them
@pytest.fixture(scope="module")
def real():
    """(document, evidence) -> (its quads, both engines' report on them), built once."""
    cache: dict[tuple[str, str], tuple[list[ox.Quad], object]] = {}

    def get(doc: str, evidence: str):
        if (doc, evidence) not in cache:
            quads = list(rdf.record_quads(api.extract(CORPUS / f"{doc}.txt"), evidence=evidence))
            report = same(quads)
            assert report.conforms, report
            cache[(doc, evidence)] = quads, report
        return cache[(doc, evidence)]
    return get


def run(case: Case, real):
    quads, baseline = real(case.doc, case.evidence)
    doc = Doc(list(quads))
    mutated = case.mutate(doc)
    assert mutated.quads != doc.quads or case in UNCHANGED
    try:
        report = same(mutated.quads, spec_sparql=case.spec_sparql)
    except AssertionError as exc:
        raise AssertionError(f"the engines disagree on: {case.kind}") from exc
    expected = case.expect(doc) if callable(case.expect) else case.expect
    return report, baseline, expected


def test_the_suite_has_at_least_84_kinds_each_named_once():
    kinds = [c.kind for c in MUST_FAIL + MUST_WARN + UNCHANGED + BLIND]
    assert len(set(kinds)) == len(kinds)
    assert len(MUST_FAIL + MUST_WARN + UNCHANGED) >= 84


@pytest.mark.parametrize("case", MUST_FAIL, ids=lambda c: c.id)
def test_what_a_careful_user_calls_wrong_is_a_violation(case, real):
    report, _, expected = run(case, real)
    assert not report.conforms, f"{case.kind}: passes every shape"
    assert expected in [r.message for r in report.violations], \
        f"{case.kind}: {sorted({r.message for r in report.violations})}"


@pytest.mark.parametrize("case", MUST_WARN, ids=lambda c: c.id)
def test_what_is_worth_a_look_is_a_warning(case, real):
    report, _, expected = run(case, real)
    assert report.conforms, report
    assert expected in [r.message for r in report.warnings], report


@pytest.mark.parametrize("case", UNCHANGED, ids=lambda c: c.id)
def test_what_changes_nothing_meaningful_is_not_reported(case, real):
    report, baseline, _ = run(case, real)
    assert report.results == baseline.results, report


@pytest.mark.parametrize("case", BLIND, ids=lambda c: c.id)
def test_what_the_graph_cannot_tell_passes_for_now(case, real):
    """Wrong, and undetectable from the graph alone: written down here. A shape that catches
    one of these should move it into MUST_FAIL."""
    report, baseline, _ = run(case, real)
    assert report.conforms
    assert report.results == baseline.results
