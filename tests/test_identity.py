"""One identity per real person across documents (treatykg.identity), on the reference texts."""
from __future__ import annotations

from pathlib import Path

import pytest

from treatykg import identity, rdf
from treatykg.extract import extract_file
from treatykg.namespaces import DEFAULT_BASE

CORPUS = Path(__file__).parent / "corpus"
JOINT_1958 = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
GHANA_1961 = CORPUS / "004_cn_gh_friendship_treaty_1961.txt"
YEMEN_1995 = CORPUS / "012_cn_ye_mfa_mou_1995.txt"
PERSON = "http://www.w3.org/ns/prov#Person"
AGENT = "http://www.w3.org/ns/prov#agent"


def signatory_iris(record) -> dict[str, str]:
    """Signatory label -> the IRI of the person in the record's RDF (what a user sees)."""
    quads = list(rdf.record_quads(record))
    agents = {q.object.value for q in quads if q.predicate.value == AGENT}
    labels = {q.subject.value: q.object.value for q in quads
              if q.subject.value in agents and q.predicate.value.endswith("#label")
              and q.object.language == "zh"}
    return {label: iri for iri, label in labels.items()}


def redated(tmp_path: Path, source: Path, old: str, new: str, name: str) -> Path:
    """The real text with only its date of signature changed (the same bytes otherwise)."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def test_zhou_enlai_is_one_person_in_the_1958_statement_and_the_1961_treaty():
    a = signatory_iris(extract_file(JOINT_1958))
    b = signatory_iris(extract_file(GHANA_1961))
    assert a["周恩来"] == b["周恩来"] == f"{DEFAULT_BASE}person/zhou-enlai"
    # the office stays per document, on the signature node, not on the person
    offices = {}
    for path in (JOINT_1958, GHANA_1961):
        rec = extract_file(path)
        offices[path.name] = {s.title for s in rec.signatories if s.name == "周恩来"}
    assert offices[JOINT_1958.name] == {"中华人民共和国国务院总理"}
    assert offices[GHANA_1961.name] == {"中华人民共和国全权代表"}


def test_an_unknown_name_in_documents_of_different_decades_gives_two_iris(tmp_path):
    y1995 = extract_file(YEMEN_1995)
    y1985 = extract_file(redated(tmp_path, YEMEN_1995, "一九九五年", "一九八五年", "memo-1985.txt"))
    y1998 = extract_file(redated(tmp_path, YEMEN_1995, "一九九五年", "一九九八年", "memo-1998.txt"))
    assert (y1995.signed_date, y1985.signed_date, y1998.signed_date) == ("1995-06-24", "1985-06-24", "1998-06-24")
    a, b, c = (signatory_iris(r)["田曾佩"] for r in (y1995, y1985, y1998))
    assert a != b, "the same name in two decades must not be merged"
    assert a == c, "the same name, type and decade is one person"
    assert a.endswith("-1990s") and b.endswith("-1980s")
    assert a.startswith(f"{DEFAULT_BASE}person/")


def test_gazetteer_person_only_within_the_life_period():
    doc = f"{DEFAULT_BASE}doc/x"
    assert identity.person_iri("周恩来", doc=doc, date="1958-02-19") == f"{DEFAULT_BASE}person/zhou-enlai"
    assert identity.person_iri("周恩來", doc=doc, date="1961") == f"{DEFAULT_BASE}person/zhou-enlai"
    # after his death the name is someone else's: name + decade, never the gazetteer id
    later = identity.person_iri("周恩来", doc=doc, date="1985-01-01")
    assert later != f"{DEFAULT_BASE}person/zhou-enlai" and later.endswith("-1980s")


def test_traditional_script_and_stray_spaces_do_not_split_a_person():
    doc = f"{DEFAULT_BASE}doc/x"
    assert identity.person_iri("喬冠華", doc=doc, date="1972-03-13") == \
        identity.person_iri("乔冠华", doc=doc, date="1972-03-13") == f"{DEFAULT_BASE}person/qiao-guanhua"
    assert identity.person_iri("王 首 道", doc=doc, date="1954-07-20") == \
        identity.person_iri("王首道", doc=doc, date="1954-07-01")
    assert identity.normalise_name("米.列师") == identity.normalise_name("米·列师")


def test_undated_documents_keep_persons_document_scoped():
    doc = f"{DEFAULT_BASE}doc/undated-treaty-0000abcd"
    iri = identity.person_iri("周恩来", doc=doc, date=None)
    assert iri.startswith(doc + "/person/")
    assert rdf.person_iri(doc, "周恩来") == iri  # rdf delegates to identity


@pytest.mark.parametrize("date, expected", [("1958-02-19", "1950s"), ("1961", "1960s"), ("2000-01", "2000s"),
                                            (None, None), ("", None), ("19xx", None)])
def test_decade(date, expected):
    assert identity.decade(date) == expected


def test_custom_base_is_used_for_global_persons():
    base = "https://example.org/t/"
    rec = extract_file(GHANA_1961)
    iris = {q.object.value for q in rdf.record_quads(rec, base=base) if q.predicate.value == AGENT}
    assert f"{base}person/zhou-enlai" in iris
    assert all(i.startswith(base) for i in iris)


# ---------------------------------------------------------------- parties, states, places, hosts
def _corpus_quads():
    import pyoxigraph as ox

    from collection import corpus_build

    _, out, report, _ = corpus_build()
    assert report.ok
    store = ox.Store.read_only(str(out / "store"))
    return list(store.quads_for_pattern(None, None, None, None))


def test_party_state_and_place_iris_are_readable_ids_wherever_the_gazetteer_has_one():
    """No percent-encoded Chinese in an IRI of a party, state, organisation or place the gazetteer
    knows: every party of the reference texts is `state/{id}` or `agent/{state}-{organ}`."""
    quads = _corpus_quads()
    passed_by = {q.object.value for q in quads if q.predicate.value == "http://data.europa.eu/eli/ontology#passed_by"}
    assert passed_by and all("%" not in iri for iri in passed_by), sorted(passed_by)
    assert {f"{DEFAULT_BASE}state/cn", f"{DEFAULT_BASE}agent/cn-government", f"{DEFAULT_BASE}agent/kp-government",
            f"{DEFAULT_BASE}state/gh", f"{DEFAULT_BASE}agent/cshh-government"} <= passed_by
    of_state = {(q.subject.value, q.object.value) for q in quads
                if q.predicate.value == "https://w3id.org/treatykg/ontology#ofState"}
    assert all(any(s == p for s, _ in of_state) for p in passed_by), "every party points to its state"
    located = {q.object.value for q in quads if q.predicate.value == "http://www.w3.org/ns/prov#atLocation"}
    assert f"{DEFAULT_BASE}place/pyongyang" in located and all("%" not in iri for iri in located), sorted(located)


def test_no_literal_where_the_graph_has_the_entity():
    """host, leader, actor and side are IRIs of the entities the graph describes."""
    import pyoxigraph as ox

    tkg = "https://w3id.org/treatykg/ontology#"
    quads = _corpus_quads()
    for local in ("host", "ledBy", "actor", "side", "onBehalfOf"):
        objects = [q.object for q in quads if q.predicate.value == tkg + local]
        assert objects, local
        assert all(isinstance(o, ox.NamedNode) for o in objects), local
    hosts = {q.object.value for q in quads if q.predicate.value == tkg + "host"}
    assert f"{DEFAULT_BASE}state/kp" in hosts and f"{DEFAULT_BASE}state/mm" in hosts
    leaders = {q.object.value for q in quads if q.predicate.value == tkg + "ledBy"}
    assert f"{DEFAULT_BASE}person/zhou-enlai" in leaders
    actors = {q.object.value for q in quads if q.predicate.value == tkg + "actor"}
    assert f"{DEFAULT_BASE}organization/cpv" in actors  # 中国人民志愿军 in the 1958 statement
