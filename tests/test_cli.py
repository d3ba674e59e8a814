"""The command line, in process: exit codes, outputs, and the validate round trip."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from treatykg.cli import cli, main

CORPUS = Path(__file__).parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
COMMANDS = sorted(cli.commands)


def run(args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)


def run_main(args, capsys):
    """Through main(), which maps errors to exit codes and one-line messages."""
    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_command_has_help_with_exit_codes(command):
    result = run(([command] if command else []) + ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "3  input error" in result.output


def test_extract_json_is_the_record_of_the_corpus_readme():
    result = run(["extract", SEED, "--format", "json"])
    record = json.loads(result.output)
    for key in ("title", "doc_type", "parties", "signed_date", "signed_place", "signatories",
                "authentic_languages", "articles", "referenced", "entry_into_force", "evidence"):
        assert key in record
    assert record["signed_date"] == "1958-02-19"


def test_extract_text_shows_each_fact_beside_its_quote():
    result = run(["extract", SEED, "--format", "text"])
    line = next(ln for ln in result.output.splitlines() if ln.startswith("signed_date"))
    assert "1958-02-19" in line and "«1958年2月19日»" in line


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("trig", "trig"), ("nt", "nt"),
                                           ("nq", "nquads"), ("jsonld", "json-ld")])
def test_convert_writes_parsable_rdf_in_each_format(tmp_path, fmt, parse_as):
    out = tmp_path / f"seed.{fmt}"
    assert run(["convert", SEED, "-o", out, "--format", fmt]).exit_code == 0
    ds = rdflib.Dataset()
    ds.parse(out, format=parse_as)
    titles = {str(o) for _, _, o, _ in ds.quads((None, rdflib.URIRef("http://purl.org/dc/terms/title"), None, None))}
    assert "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明" in titles


def test_convert_is_byte_identical_on_rerun(tmp_path):
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    run(["convert", SEED, "-o", a])
    run(["convert", SEED, "-o", b])
    assert a.read_bytes() == b.read_bytes()


def test_timestamp_is_only_there_when_asked(tmp_path):
    plain, stamped = tmp_path / "p.nq", tmp_path / "s.nq"
    run(["convert", SEED, "-o", plain])
    run(["convert", SEED, "-o", stamped, "--timestamp"])
    assert "generatedAtTime" not in plain.read_text() and "generatedAtTime" in stamped.read_text()


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_every_reference_text_conforms(tmp_path, path, capsys):
    out = tmp_path / "doc.trig"
    assert run(["convert", path, "-o", out]).exit_code == 0
    code, text, _ = run_main(["validate", out], capsys)
    assert code == 0, text


@pytest.mark.parametrize("predicate", ["eli/ontology#date_document", "dc/terms/title"])
def test_deleting_the_date_or_the_title_makes_validate_exit_1(tmp_path, predicate, capsys):
    out = tmp_path / "doc.nq"
    run(["convert", SEED, "-o", out])
    kept = [ln for ln in out.read_text(encoding="utf-8").splitlines() if predicate not in ln]
    assert len(kept) < len(out.read_text(encoding="utf-8").splitlines())
    broken = tmp_path / "broken.nq"
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, text, _ = run_main(["validate", broken], capsys)
    assert code == 1
    assert re.search(r"(?i)violation", text)


def test_validate_json_report(tmp_path, capsys):
    out = tmp_path / "doc.ttl"
    run(["convert", SEED, "-o", out])
    code, text, _ = run_main(["validate", out, "--format", "json"], capsys)
    assert code == 0 and json.loads(text)["conforms"] is True


def test_validate_reads_a_treaty_text_directly(capsys):
    code, text, _ = run_main(["validate", SEED], capsys)
    assert code == 0


@pytest.mark.parametrize("args, code, message", [
    (["extract", "/nonexistent/x.txt"], 3, "no such file"),
    (["extract", CORPUS], 3, "is a folder"),
    (["extract", SEED, "--max-bytes", "100"], 3, "over the limit"),
    (["validate", "/nonexistent/x.ttl"], 3, "no such file"),
])
def test_bad_input_is_one_line_with_a_documented_exit_code(args, code, message, capsys):
    got, _, err = run_main(args, capsys)
    assert got == code
    assert message in err and str(args[1]) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unparsable_rdf_is_exit_6_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> \"unterminated .\n", encoding="utf-8")
    code, _, err = run_main(["validate", bad], capsys)
    assert code == 6 and "bad.ttl" in err and len(err.strip().splitlines()) == 1


def test_usage_error_is_exit_2(capsys):
    code, _, _ = run_main(["extract", "--no-such-option"], capsys)
    assert code == 2


def test_strict_turns_warnings_into_exit_1(tmp_path, capsys):
    text = SEED.read_text(encoding="utf-8")
    no_sig = tmp_path / "nosig.txt"
    no_sig.write_text(text[: text.index("1958年2月19日于平壤")], encoding="utf-8")
    code, _, err = run_main(["extract", no_sig], capsys)
    assert code == 0 and "warning" in err
    code, _, err = run_main(["extract", no_sig, "--strict"], capsys)
    assert code == 1 and "nosig.txt" in err


def test_python_dash_m_treatykg_is_the_treatykg_command():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "treatykg", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout and "build" in proc.stdout
