"""SHACL validation: what conforms, what does not, and how it is reported."""
from __future__ import annotations

import dataclasses
import json

import pytest
import rdflib

from treatykg.iris import text_key
from treaty_fixtures import joint_statement_1958  # noqa: I001

from treatykg import rdf
from treatykg.errors import RDFError
from treatykg.model import Span
from treatykg.resources import shapes_path
from treatykg.validate import (ValidationReport, load_shapes, validate_dataset, validate_file,
                               validate_record)

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def messages(report: ValidationReport, severity: str = "Violation") -> list[str]:
    return [r.message for r in report.results if r.severity == severity]


def test_the_1958_joint_statement_conforms():
    report = validate_record(joint_statement_1958())
    assert report.conforms, str(report)
    assert report.results == []
    assert str(report).startswith("conforms")


def test_missing_title_is_a_violation():
    rec = joint_statement_1958()
    rec.title, rec.title_span = None, None
    report = validate_record(rec)
    assert not report.conforms
    assert any("missing title" in m for m in messages(report))


def test_missing_signing_date_is_a_violation():
    rec = joint_statement_1958()
    rec.signed_date, rec.signed_date_span = None, None
    report = validate_record(rec)
    assert not report.conforms
    assert any("missing signing date" in m for m in messages(report))


def test_partial_signing_date_is_enough():
    rec = joint_statement_1958()
    rec.signed_date = "1958-02"
    assert validate_record(rec).conforms


def test_signatory_without_party_is_a_violation():
    rec = joint_statement_1958()
    rec.signatories[0].party = None
    report = validate_record(rec)
    assert not report.conforms
    [result] = report.violations
    assert "signatory without a party" in result.message
    assert result.focus.endswith("/signature/1")
    assert result.document == rdf.document_iri(rec)


def test_no_party_is_a_violation():
    rec = joint_statement_1958()
    rec.parties = []
    report = validate_record(rec)
    assert not report.conforms
    assert any("no party" in m for m in messages(report))
    # the signatories now sign for agents the document does not list: a warning each
    assert len(report.warnings) == 2


def test_signatory_whose_name_is_lost_is_kept_with_a_warning():
    rec = joint_statement_1958()
    rec.signatories[1].name, rec.signatories[1].name_span = None, None
    report = validate_record(rec)
    assert report.conforms  # the signature and its party stay; a reviewer is told the name is missing
    assert any("signatory without a name" in r.message for r in report.warnings)


def test_signatory_without_office_is_only_a_warning():
    rec = joint_statement_1958()
    rec.signatories[1].title, rec.signatories[1].title_span = None, None
    report = validate_record(rec)
    assert report.conforms  # warnings alone conform
    assert [r.message for r in report.warnings] == ["signatory without an office title (tkg:officeTitle)"]
    assert "1 warning" in str(report)


@pytest.mark.parametrize("date", ["1799-12-31", "2999-01-01"])
def test_signing_date_out_of_range(date):
    rec = joint_statement_1958()
    rec.signed_date = date
    report = validate_record(rec)
    assert not report.conforms
    assert any("out of range" in m or "1800-01-01" in m for m in messages(report))


@pytest.mark.parametrize("date", ["1799", "2999-05"])
def test_partial_reference_date_out_of_range(date):
    rec = joint_statement_1958()
    rec.referenced[0].date = date
    report = validate_record(rec)
    assert not report.conforms
    [result] = report.violations
    assert result.message == f"date {date} is out of range: before 1800 or after today"
    assert result.value == date


@pytest.mark.parametrize("span", [Span(10, 5, "x"), Span(-3, 5, "x"), Span(5, 10_000, "x")])
@pytest.mark.parametrize("evidence, message", [("full", "annotation offset"), ("compact", "evidence target")])
def test_bad_annotation_offsets(span, evidence, message):
    rec = joint_statement_1958()
    rec.entry_into_force = "本声明自签字之日起生效。"
    rec.entry_into_force_span = span
    report = validate_record(rec, evidence=evidence)
    assert not report.conforms
    if evidence == "full" and span.end == 10_000:
        message = "end offset 10000 is past the end"
    assert any(m.startswith(message) for m in messages(report)), messages(report)


def test_report_formats():
    rec = joint_statement_1958()
    rec.title, rec.title_span = None, None
    report = validate_record(rec)
    text = str(report)
    assert text.splitlines()[0] == "does not conform: 1 violation, 0 warnings"
    assert rdf.document_iri(rec) in text and "path:  dcterms:title" in text
    data = json.loads(json.dumps(report.to_json()))
    assert data["conforms"] is False and data["violations"] == 1
    assert data["results"][0]["document"] == rdf.document_iri(rec)
    graph = rdflib.Graph().parse(data=report.to_turtle(), format="turtle")
    assert (None, SH.conforms, None) in graph


def test_results_are_grouped_by_document():
    good, bad = joint_statement_1958(), joint_statement_1958()
    bad.title = "中华人民共和国政府和朝鲜民主主义人民共和国政府联合公报"
    bad.source = dataclasses.replace(bad.source, key=text_key("another text"))  # another document
    bad.signatories[0].party = None
    ds = rdf.quads_to_dataset(list(rdf.record_quads(good)) + list(rdf.record_quads(bad)))
    report = validate_dataset(ds)
    assert not report.conforms
    assert set(report.by_document()) == {rdf.document_iri(bad)}


@pytest.mark.parametrize("fmt,ext", [("turtle", ".ttl"), ("trig", ".trig"), ("nt", ".nt"),
                                     ("nq", ".nq"), ("jsonld", ".jsonld")])
def test_validate_file_by_extension(tmp_path, fmt, ext):
    path = tmp_path / f"doc{ext}"
    path.write_bytes(rdf.serialize(joint_statement_1958(), fmt))
    assert validate_file(path).conforms


def test_validate_file_reports_bad_input_in_one_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("<a> <b> .\n@prefix : <x\n", encoding="utf-8")
    with pytest.raises(RDFError) as err:
        validate_file(path)
    assert "broken.ttl" in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 6
    with pytest.raises(RDFError, match="extension"):
        validate_file(tmp_path / "data.xyz")
    with pytest.raises(RDFError, match="no such file"):
        validate_file(tmp_path / "missing.nq")


def test_every_shape_has_a_message_and_a_severity():
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    named = set(shapes.subjects(rdflib.RDF.type, SH.NodeShape)) | set(shapes.subjects(rdflib.RDF.type, SH.PropertyShape))
    inline = set(shapes.objects(None, SH.property))
    assert len(named | inline) >= 20
    for shape in named | inline:
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        assert shapes.value(shape, SH.message) is not None, shape


def test_shapes_are_parsed_once():
    assert load_shapes() is load_shapes()


def test_flattened_turtle_results_still_name_their_document(tmp_path):
    rec = joint_statement_1958()
    rec.signatories[1].party = None
    path = tmp_path / "doc.ttl"
    path.write_bytes(rdf.serialize(rec, "turtle"))
    report = validate_file(path)
    assert not report.conforms
    assert [r.document for r in report.violations] == [rdf.document_iri(rec)]


def test_validate_a_plain_graph():
    rec = joint_statement_1958()
    rec.parties = []
    graph = rdflib.Graph()
    for s, p, o, _g in rdf.to_dataset(rec).quads((None, None, None, None)):
        graph.add((s, p, o))
    report = validate_dataset(graph)
    assert not report.conforms and any("no party" in m for m in messages(report))


def test_visit_dates_are_range_checked_but_deadlines_are_not():
    from treatykg.model import Commitment, Visit
    rec = joint_statement_1958()
    rec.commitments = [Commitment(actor="双方", action="继续合作", deadline="2999-12-31")]
    assert validate_record(rec).conforms
    rec.visit = Visit(delegation="代表团", start="1758-02-14")
    report = validate_record(rec)
    assert [r.value for r in report.violations] == ["1758-02-14"]


def test_a_full_date_only_on_the_signing_is_not_enough():
    from treatykg.namespaces import ELI
    ds = rdf.to_dataset(joint_statement_1958())
    for g in ds.graphs():
        g.remove((None, ELI.date_document, None))
    report = validate_dataset(ds)
    assert not report.conforms
    [result] = report.violations
    assert result.message.startswith("missing signing date")
    assert result.path == str(ELI.date_document)


def test_warnings_alone_conform_with_both_engines_as_the_docs_say():
    """validate.py and shapes/README.md said pySHACL fails on warnings while the code passes
    allow_warnings=True. Docs and code now agree: pySHACL is called with allow_warnings=True and
    allow_infos=True, so a report of warnings alone conforms, with either engine, in treatykg's
    verdict and in the report graph's sh:conforms alike."""
    import inspect

    from treatykg import validate as v

    rec = joint_statement_1958()
    rec.signatories[0].title, rec.signatories[0].title_span = None, None   # a Warning, no Violation
    for engine in ("fast", "pyshacl"):
        report = validate_record(rec, engine=engine)
        assert report.conforms, (engine, str(report))
        assert "signatory without an office title" in " ".join(messages(report, "Warning")), engine
        assert set(report.graph.objects(None, SH.conforms)) == {rdflib.Literal(True)}, engine
    assert "allow_warnings=True" in inspect.getsource(v._validate_union)
    assert "allow_warnings=True" in v.__doc__
    readme = (shapes_path().parent / "README.md").read_text(encoding="utf-8")
    assert "allow_warnings=True" in readme and "false on any" not in readme
