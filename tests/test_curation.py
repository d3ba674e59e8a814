"""Curating a collection (issue 17): corrections with provenance, database metadata, nothing dropped
silently, several and symlinked source folders, the review — each through the CLI."""
from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest

from treatykg.corrections import parse
from treatykg.errors import InputError

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SCHEMA = HERE.parent / "schemas" / "corrections.schema.json"
DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")
# a communiqué whose title and preamble name no party the reader can take (invented)
NO_PARTIES = DISCLAIMER + """联合新闻公报
应双方商定，两国外长于一九八五年五月六日在北京举行了会谈，就共同关心的问题交换了意见。
一九八五年五月六日于北京
"""
UNDATED = DISCLAIMER + """中华人民共和国政府和新西兰政府文化合作协定
中华人民共和国政府和新西兰政府达成协议如下：
第一条 双方交换文化代表团。
中华人民共和国政府代表　　　　新西兰政府代表
梁一平　　　　　　　　　　　　约翰·布朗
"""
TKG = "https://w3id.org/treatykg/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
PROV = "http://www.w3.org/ns/prov#"


@pytest.fixture
def run(run_main):
    """The real entry point (its errors become one line and an exit code): (code, stdout + stderr)."""
    def go(*args) -> tuple[int, str]:
        code, out, err = run_main(*[str(a) for a in args])
        return code, out + err
    return go


def store_rows(out: Path, query: str):
    store = ox.Store.read_only(str(out / "store"))
    result = store.query(query)
    return bool(result) if isinstance(result, ox.QueryBoolean) else list(result)


def docs(out: Path) -> dict[str, dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]


@pytest.fixture
def src(tmp_path) -> Path:
    s = tmp_path / "texts"
    s.mkdir()
    (s / "nameless.txt").write_text(NO_PARTIES, encoding="utf-8")
    return s


CORRECTION = """
[[correction]]
document = "nameless.txt"
field = "parties"
action = "set"
value = ["中华人民共和国政府", "新西兰政府"]
expect = []
curator = "Li Ming"
date = 2026-11-30
note = "the preamble abbreviates both governments"
"""


def test_a_document_without_parties_is_kept_not_dropped_and_the_build_says_so(src, tmp_path, run):
    out = tmp_path / "out"
    code, output = run("build", src, "--out", out, "-q")
    assert code == 8 and "kept, does not conform: nameless.txt" in output
    graph = docs(out)["nameless.txt"]["graph"]
    doc = graph[: -len("/graph")]
    # still in the store, with its SHACL report attached
    assert store_rows(out, f"ASK {{ GRAPH <{graph}> {{ <{doc}> a <{ELI}LegalResource> }} }}")
    assert store_rows(out, f"""ASK {{ GRAPH <{doc}/validation> {{ ?r a <http://www.w3.org/ns/shacl#ValidationReport> ;
                                   <http://www.w3.org/ns/shacl#conforms> false }} }}""")
    lines = (out / "validation.json").read_text(encoding="utf-8").splitlines()
    assert any('"nameless.txt"' in ln and '"status": "kept"' in ln for ln in lines)
    assert "nameless.txt\tviolation\tparties" in (out / "review.tsv").read_text(encoding="utf-8")


def test_strict_drops_a_document_that_does_not_conform(src, tmp_path, run):
    out = tmp_path / "out"
    code, output = run("build", src, "--out", out, "-q", "--strict")
    assert code == 8 and "failed: nameless.txt: does not conform" in output
    assert "nameless.txt" not in docs(out)
    assert not store_rows(out, f"ASK {{ GRAPH ?g {{ ?d a <{ELI}LegalResource> }} }}")


def test_a_correction_gives_the_parties_and_they_carry_the_curators_provenance(src, tmp_path, run):
    out = tmp_path / "out"
    corrections = tmp_path / "corrections.toml"
    corrections.write_text(CORRECTION, encoding="utf-8")
    code, output = run("build", src, "--out", out, "-q", "--corrections", corrections)
    assert code == 0, output
    doc = docs(out)["nameless.txt"]["document"]
    # the parties, asserted by the curator, in the document's curated graph, resolved to their states
    rows = store_rows(out, f"""SELECT ?p ?state WHERE {{ GRAPH <{doc}/curated> {{ <{doc}> <{ELI}passed_by> ?p .
                                ?p <{TKG}ofState> ?state }} }} ORDER BY ?p""")
    assert [r["state"].value.rsplit("/", 1)[1] for r in rows] == ["cn", "nz"]
    who = store_rows(out, f"""SELECT ?name ?note ?date WHERE {{ GRAPH <{doc}/curated> {{
        ?c a <{TKG}Correction> ; <{TKG}field> "parties" ; <{PROV}wasAssociatedWith> ?curator ;
           <http://www.w3.org/2000/01/rdf-schema#comment> ?note ; <http://purl.org/dc/terms/date> ?date .
        ?curator <http://www.w3.org/2000/01/rdf-schema#label> ?name }} }}""")
    assert [(r["name"].value, r["note"].value, r["date"].value) for r in who] == [
        ("Li Ming", "the preamble abbreviates both governments", "2026-11-30")]
    # only the facts read from the text: no party there
    assert not store_rows(out, f"ASK {{ GRAPH <{doc}/graph> {{ <{doc}> <{ELI}passed_by> ?p }} }}")
    # a changed correction redoes the document, an unchanged one does not
    code, output = run("build", src, "--out", out, "-q", "--corrections", corrections)
    assert "0 built, 1 unchanged" in output


def test_a_stale_correction_is_reported_not_applied(src, tmp_path, run):
    out = tmp_path / "out"
    corrections = tmp_path / "corrections.toml"
    corrections.write_text(CORRECTION.replace("expect = []", 'expect = ["中华人民共和国政府"]'), encoding="utf-8")
    code, _ = run("build", src, "--out", out, "-q", "--corrections", corrections)
    assert code == 8  # not applied: the document still lacks its parties
    review = (out / "review.tsv").read_text(encoding="utf-8")
    assert "nameless.txt\tstale-correction\tparties\tcorrection 1: the reader now gives []" in review
    code, text = run("review", out)
    assert code == 0 and "stale-correction: parties: correction 1" in text


def test_metadata_adds_what_the_text_does_not_print_and_disagreements_go_to_review(tmp_path, run):
    src, out = tmp_path / "texts", tmp_path / "out"
    src.mkdir()
    (src / "undated.txt").write_text(UNDATED, encoding="utf-8")
    (src / "dated.txt").write_text((CORPUS / "1958-02-19_cn-kp_joint-statement.txt").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    meta = tmp_path / "metadata.tsv"
    meta.write_text("file\tsigned_date\tsigned_place\tpartner\tsource_url\n"
                    "undated.txt\t1988-09-10\t北京\tnz\thttps://example.org/treaty/1\n"
                    "dated.txt\t1958-02-20\t平壤\tkp\t\n", encoding="utf-8")
    code, output = run("build", src, "--out", out, "-q", "--metadata", meta)
    assert code == 0, output
    doc = docs(out)["undated.txt"]["document"]
    from treatykg import rdf
    from treatykg.api import extract

    assert doc == rdf.document_iri(extract(src / "undated.txt"))  # what the metadata adds does not move it
    rows = store_rows(out, f"""SELECT ?d ?src WHERE {{ GRAPH <{doc}/metadata> {{
        <{doc}/signing> <http://purl.org/dc/terms/date> ?d .
        <{doc}/metadata> <{PROV}wasDerivedFrom> ?src }} }}""")
    assert [(r["d"].value, r["src"].value) for r in rows] == [("1988-09-10", "https://example.org/treaty/1")]
    review = (out / "review.tsv").read_text(encoding="utf-8")
    assert "dated.txt\tmetadata\tsigned_date\tthe text gives '1958-02-19', the metadata '1958-02-20'" in review


def test_several_and_symlinked_source_folders_build_and_what_is_skipped_is_said(tmp_path, run):
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    a.mkdir()
    b.mkdir()
    (a / "one.txt").write_bytes((CORPUS / "004_cn_gh_friendship_treaty_1961.txt").read_bytes())
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "two.TXT").write_bytes((CORPUS / "007_cn_fr_shipping_tax_notes_1975.txt").read_bytes())
    (real / "notes.md").write_text("not a text", encoding="utf-8")
    os.symlink(real, b / "linked")
    os.symlink(b, b / "linked" / "loop")  # a link loop: read once
    code, output = run("build", a, b, "--out", out, "-q")
    assert code == 0, output
    assert set(docs(out)) == {"a/one.txt", "b/linked/two.TXT"}
    assert "skipped 1 (not a .txt text): b/linked/notes.md" in output
    assert "a folder already read" in output


def test_convert_and_view_apply_corrections_and_mark_them(src, tmp_path, run):
    corrections = tmp_path / "corrections.toml"
    corrections.write_text(CORRECTION, encoding="utf-8")
    out = tmp_path / "doc.trig"
    code, output = run("convert", src / "nameless.txt", "--corrections", corrections, "-o", out)
    assert code == 0, output
    trig = out.read_text(encoding="utf-8")
    assert "/curated> {" in trig and "tkg:Correction" in trig
    page = tmp_path / "page.html"
    code, _ = run("view", src / "nameless.txt", "--corrections", corrections, "-o", page)
    html = page.read_text(encoding="utf-8")
    assert code == 0 and 'data-provenance="curator"' in html and "Li Ming" in html


# ---------------------------------------------------------------- the file format
def test_the_corrections_schema_and_the_reader_agree():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    good = [CORRECTION,
            '[[correction]]\nsha256 = "ab"\nfield = "signed_date"\naction = "set"\nvalue = "1980-04-23"\ncurator = "x"\n',
            '[[correction]]\ndocument = "a.txt"\nfield = "signatories"\naction = "add"\n'
            'value = { name = "王毅", party = "中华人民共和国政府" }\ncurator = "x"\n',
            '[[correction]]\ndocument = "a.txt"\nfield = "articles"\naction = "set"\nvalue = 3\ncurator = "x"\n']
    bad = ['[[correction]]\ndocument = "a.txt"\nfield = "partys"\naction = "set"\nvalue = []\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "parties"\naction = "replace"\nvalue = []\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "parties"\naction = "set"\nvalue = []\n',
           '[[correction]]\nfield = "parties"\naction = "set"\nvalue = []\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "signed_date"\naction = "set"\nvalue = "May 6"\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "title"\naction = "add"\nvalue = "x"\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "parties"\naction = "add"\nvalue = ["x"]\ncurator = "x"\n',
           '[[correction]]\ndocument = "a.txt"\nfield = "parties"\naction = "set"\nvalue = []\ncurator = "x"\nwho = "y"\n']

    def as_json(text: str):
        def plain(x):
            if isinstance(x, (dt.date, dt.datetime)):
                return x.isoformat()
            if isinstance(x, dict):
                return {k: plain(v) for k, v in x.items()}
            if isinstance(x, list):
                return [plain(v) for v in x]
            return x
        return plain(tomllib.loads(text))

    validator = jsonschema.Draft202012Validator(schema)
    for text in good:
        assert not list(validator.iter_errors(as_json(text))), text
        parse(tomllib.loads(text))
    for text in bad:
        assert list(validator.iter_errors(as_json(text))), text
        with pytest.raises(InputError):
            parse(tomllib.loads(text))


def test_a_bad_corrections_file_is_a_one_line_error_naming_it(src, tmp_path, run):
    corrections = tmp_path / "c.toml"
    corrections.write_text('[[correction]]\ndocument = "nameless.txt"\nfield = "partys"\n', encoding="utf-8")
    code, output = run("build", src, "--out", tmp_path / "out", "--corrections", corrections)
    assert code not in (0, 1, 8) and "c.toml" in output and "correction 1" in output
    assert "Traceback" not in output and not (tmp_path / "out" / "store").exists()
