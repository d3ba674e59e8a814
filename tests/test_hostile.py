"""Hostile and broken input (issue 8): clear errors, nothing lost, nothing hangs.

Every broken input is built here from the real seed text (tests/corpus). Each one
gives either a record with warnings (lenient default) or exactly one line on
standard error naming the file and the problem, with the documented exit code;
``--strict`` turns warnings into exit 1. No traceback, ever.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from treatykg.extract import extract_bytes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib internals

TREATYKG = Path(sys.executable).with_name("treatykg")
TITLE = "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
SIGNERS = ["周恩来", "金日成"]


def one_line_error(err: str, path: Path, *needles: str) -> None:
    """stderr is exactly one line, a treatykg error naming the file and the problem."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("treatykg: error: "), err
    assert str(path) in lines[0], err
    for needle in needles:
        assert needle in lines[0], err


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err


@pytest.fixture(scope="module")
def seed_lines(seed_text: str) -> list[str]:
    return seed_text.split("\n")


@pytest.fixture(scope="module")
def cuts(seed_lines: list[str]) -> dict[str, int]:
    """Line numbers of the seed's section boundaries, found from the text, not hard-coded."""
    title = next(i for i, ln in enumerate(seed_lines) if ln.endswith("联合声明"))
    date = next(i for i, ln in enumerate(seed_lines) if ln.strip() == "1958年2月19日于平壤")
    sig = next(i for i, ln in enumerate(seed_lines) if i > date and ln.strip())
    return {"title": title, "date": date, "sig": sig}


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# --------------------------------------------------------------------------- unreadable inputs

@pytest.mark.parametrize("name,data,needle", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b" \r\n\t\n  \n", "empty"),
    ("binary.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary"),
    ("zeros.bin", b"\x00" * 4096, "binary"),
    ("latin1.txt", "Traité d'amitié signé à Genève, été 1954 - ça".encode("latin-1") + bytes(range(0x80, 0xA0)) * 4,
     "not UTF-8, UTF-16 or GB18030"),
])
def test_unreadable_input_is_one_line_exit_3(tmp_path, run_main, name, data, needle):
    """Empty, blank, binary and undecodable files: exit 3, one line naming the file."""
    p = write(tmp_path, name, data)
    for command in ("extract", "convert"):
        code, out, err = run_main(command, p)
        assert code == 3, err
        assert out == ""
        one_line_error(err, p, needle)


def test_missing_file_and_folder_are_input_errors(tmp_path, run_main):
    code, _, err = run_main("extract", tmp_path / "nope.txt")
    assert code == 3
    one_line_error(err, tmp_path / "nope.txt", "no such file")
    code, _, err = run_main("convert", tmp_path)
    assert code == 3
    one_line_error(err, tmp_path, "is a folder")


def test_only_the_disclaimer_is_an_input_error(tmp_path, run_main, seed_lines, cuts):
    """Truncated before the title: nothing but the database's disclaimer is left."""
    p = write(tmp_path, "disclaimer.txt", "\n".join(seed_lines[:cuts["title"]]).encode())
    code, out, err = run_main("extract", p)
    assert code == 3 and out == ""
    one_line_error(err, p, "no text after the database disclaimer")


def test_truncated_mid_character_gives_a_record_with_a_warning(tmp_path, run_main, seed_text):
    """A download cut inside a UTF-8 character: the text before the cut is read, with a warning;
    --strict refuses it; an explicit --encoding is taken at its word and refuses it in one line."""
    data = seed_text.encode()
    cut = next(i for i in range(1000, 1010) if (data[i] & 0xC0) == 0x80)
    p = write(tmp_path, "cut.txt", data[:cut])
    code, out, err = run_main("extract", p)
    assert code == 0
    no_traceback(err)
    assert "ends inside a character" in err and err.startswith(f"treatykg: warning: {p}: ")
    record = json.loads(out)
    assert record["title"] == "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
    code, out, err = run_main("extract", p, "--strict")
    assert code == 1
    code, out, err = run_main("extract", p, "--encoding", "utf-8")
    assert code == 3
    one_line_error(err, p, "cannot decode as utf-8")


def test_a_file_broken_in_the_middle_is_still_refused(tmp_path, run_main, seed_text):
    data = seed_text.encode()
    p = write(tmp_path, "broken.txt", data[:500] + b"\xff\xfe\x80" + data[500:])
    code, out, err = run_main("extract", p)
    assert code == 3 and out == ""
    one_line_error(err, p, "not UTF-8")


def test_max_bytes_exceeded(tmp_path, run_main, corpus_dir):
    p = corpus_dir / "1958-02-19_cn-kp_joint-statement.txt"
    size = p.stat().st_size
    code, out, err = run_main("extract", p, "--max-bytes", size - 1)
    assert code == 3 and out == ""
    one_line_error(err, p, f"has {size} bytes", f"limit of {size - 1}", "--max-bytes")
    code, out, _ = run_main("extract", p, "--max-bytes", size)
    assert code == 0 and json.loads(out)["title"] == TITLE


def test_max_bytes_zero_is_a_usage_error(run_main, corpus_dir):
    code, _, err = run_main("extract", corpus_dir / "1958-02-19_cn-kp_joint-statement.txt", "--max-bytes", "0")
    assert code == 2
    assert "Traceback" not in err and "--max-bytes" in err


# --------------------------------------------------------------------------- damaged treaty texts

def _variants(seed_lines: list[str], cuts: dict[str, int]) -> dict[str, tuple[str, list[str]]]:
    """name -> (text, the warnings a reader expects)."""
    t, d, s = cuts["title"], cuts["date"], cuts["sig"]
    return {
        "cut_after_title": ("\n".join(seed_lines[:t + 1]),
                            ["no date of signature found", "no signature block found"]),
        "cut_after_body": ("\n".join(seed_lines[:d]),
                           ["no date of signature found", "no signature block found"]),
        "cut_after_closing": ("\n".join(seed_lines[:d + 1]), ["no signature block found"]),
        "cut_in_signature_block": ("\n".join(seed_lines[:s + 1]), ["no signature block found"]),
        "no_title": ("\n".join(seed_lines[:t] + seed_lines[t + 1:]),
                     ["no title line found", "no parties found in the title or preamble"]),
        "no_date": ("\n".join(seed_lines[:d] + seed_lines[d + 1:]), ["no date of signature found"]),
        "no_signature_block": ("\n".join(seed_lines[:d + 1]), ["no signature block found"]),
    }


@pytest.mark.parametrize("variant", ["cut_after_title", "cut_after_body", "cut_after_closing",
                                     "cut_in_signature_block", "no_title", "no_date", "no_signature_block"])
def test_damaged_text_gives_record_with_warnings_and_strict_fails(tmp_path, run_main, seed_lines, cuts, variant):
    text, expected = _variants(seed_lines, cuts)[variant]
    p = write(tmp_path, f"{variant}.txt", text.encode())
    code, out, err = run_main("extract", p)
    assert code == 0, err
    no_traceback(err)
    record = json.loads(out)
    assert [ln for ln in err.splitlines()] == [f"treatykg: warning: {p}: {w}" for w in expected]
    if variant != "no_title":
        assert record["title"] == TITLE
    # what the text still has is still read
    if "no date of signature found" not in expected:
        assert record["signed_date"] == "1958-02-19"
    if "no signature block found" not in expected:
        assert [s["name"] for s in record["signatories"]] == SIGNERS
    # --strict: the same warnings fail, in one line, exit 1, nothing on stdout
    code, out, err = run_main("extract", p, "--strict")
    assert code == 1 and out == ""
    one_line_error(err, p, *expected)
    code, out, err = run_main("convert", p, "--strict")
    assert code == 1 and out == ""
    one_line_error(err, p, "--strict")


def test_duplicated_signature_block_counts_each_signatory_once(tmp_path, run_main, seed_lines, cuts):
    text = "\n".join(seed_lines + seed_lines[cuts["date"]:])
    p = write(tmp_path, "dup.txt", text.encode())
    code, out, err = run_main("extract", p, "--strict")
    assert code == 0, err
    record = json.loads(out)
    assert [s["name"] for s in record["signatories"]] == SIGNERS
    assert record["signed_date"] == "1958-02-19"


def _full_record(data: bytes, name: str) -> dict:
    rec = extract_bytes(data, name=name).to_json()
    rec.pop("source")
    return rec


def test_traditional_only_reads_as_the_simplified_seed(seed_text):
    trad = opencc.OpenCC("s2t").convert(seed_text)
    assert trad != seed_text and "聯合聲明" in trad
    rec = extract_bytes(trad.encode(), name="trad.txt")
    assert rec.warnings == []
    assert rec.title == TITLE  # scripts normalised to simplified
    assert [p.name for p in rec.parties] == ["中华人民共和国政府", "朝鲜民主主义人民共和国政府"]
    assert (rec.signed_date, rec.signed_place) == ("1958-02-19", "平壤")
    assert [s.name for s in rec.signatories] == SIGNERS
    # evidence still quotes the traditional original
    assert trad[rec.title_span.start:rec.title_span.end] == rec.title_span.exact
    assert "聯合聲明" in rec.title_span.exact


def test_ascii_punctuation_reads_like_full_width(seed_text):
    ascii_text = seed_text.translate(str.maketrans({"，": ",", "。": ".", "；": ";", "：": ":",
                                                    "（": "(", "）": ")"}))
    assert "，" not in ascii_text
    rec = extract_bytes(ascii_text.encode(), name="ascii.txt")
    assert rec.warnings == []
    assert (rec.title, rec.signed_date, rec.signed_place) == (TITLE, "1958-02-19", "平壤")
    assert [s.name for s in rec.signatories] == SIGNERS


def test_pinyin_readings_are_removed_as_repairs(tmp_path, run_main, seed_text):
    """國(guó): readings inserted after characters are dropped from the view and recorded as repairs."""
    trad = opencc.OpenCC("s2t").convert(seed_text)
    text = trad.replace("國", "國(guó)").replace("鮮", "鮮(xiǎn)")
    p = write(tmp_path, "pinyin.txt", text.encode())
    code, out, err = run_main("extract", p)
    assert code == 0, err
    no_traceback(err)
    record = json.loads(out)
    assert record["signed_date"] == "1958-02-19"
    assert [s["name"] for s in record["signatories"]] == SIGNERS
    assert record["title"] == "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
    assert record["parties"] == ["中华人民共和国政府", "朝鲜民主主义人民共和国政府"]
    assert err == ""  # nothing missing: no warning
    removed = [r for r in record["repairs"] if r["kind"] == "pinyin_removed"]
    assert removed and {r["exact"] for r in removed} == {"(guó)", "(xiǎn)"}
    code, out, err = run_main("extract", p, "--strict")
    assert code == 0


@pytest.mark.parametrize("encoding,prefix,detected", [
    ("utf-16-le", b"", "utf-16-le"), ("utf-16-be", b"", "utf-16-be"),
    ("utf-16-le", b"\xff\xfe", "utf-16"), ("utf-16-be", b"\xfe\xff", "utf-16"),
    ("gb18030", b"", "gb18030"), ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
])
def test_encodings_give_the_same_record(seed_text, encoding, prefix, detected):
    """UTF-16 LE/BE with and without BOM, GB18030, UTF-8 with BOM: the UTF-8 record, same offsets."""
    expected = _full_record(seed_text.encode(), "seed.txt")
    data = prefix + seed_text.encode(encoding)
    assert _full_record(data, "other.txt") == expected
    assert extract_bytes(data, name="x").source.encoding == detected


def test_crlf_gives_the_same_facts_with_offsets_into_the_crlf_text(seed_text):
    crlf = seed_text.replace("\n", "\r\n")
    rec = extract_bytes(crlf.encode(), name="crlf.txt")
    ref = extract_bytes(seed_text.encode(), name="seed.txt")
    a, b = rec.to_json(), ref.to_json()
    for key in ("title", "parties", "signed_date", "signed_place", "signatories", "referenced", "commitments"):
        assert a[key] == b[key], key
    for spans in rec.evidence().values():
        for s in spans:
            assert crlf[s.start:s.end] == s.exact


# --------------------------------------------------------------------------- big inputs

def _big(seed_text: str, size: int) -> bytes:
    """The seed with its body paragraphs repeated until the file has ``size`` bytes."""
    paras = [p for p in seed_text.split("\n\n") if "。" in p and len(p) > 100]
    head, _, tail = seed_text.partition(paras[0])
    body, n, i = [], 0, 0
    while n < size:
        p = paras[i % len(paras)]
        body.append(p)
        n += len(p.encode()) + 2
        i += 1
    return (head + "\n\n".join(body) + tail).encode()


def test_one_megabyte_file_converts_and_parses(tmp_path, run_main, seed_text):
    import pyoxigraph

    p = write(tmp_path, "big1.txt", _big(seed_text, 1_000_000))
    out = tmp_path / "big1.nq"
    code, _, err = run_main("convert", p, "-o", out)
    assert code == 0, err
    assert err == ""
    store = pyoxigraph.Store()
    store.load(out.read_bytes(), format=pyoxigraph.RdfFormat.N_QUADS)
    assert len(store) > 100


def test_twenty_megabyte_file_completes(tmp_path, run_main, seed_text):
    """Repeated body paragraphs, 20 MB: completes (linear time), same title, date and signatories."""
    p = write(tmp_path, "big20.txt", _big(seed_text, 20_000_000))
    out = tmp_path / "big20.json"
    code, _, err = run_main("extract", p, "-o", out)
    assert code == 0, err
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["source"]["bytes"] > 20_000_000
    assert (record["title"], record["signed_date"]) == (TITLE, "1958-02-19")
    assert [s["name"] for s in record["signatories"]] == SIGNERS


# --------------------------------------------------------------------------- output files

def test_failing_convert_leaves_existing_output_untouched(tmp_path, run_main):
    out = tmp_path / "out.ttl"
    out.write_bytes(b"precious\n")
    empty = write(tmp_path, "empty.txt", b"")
    code, _, err = run_main("convert", empty, "-o", out)
    assert code == 3
    one_line_error(err, empty, "empty")
    assert out.read_bytes() == b"precious\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["empty.txt", "out.ttl"]


def test_failure_while_writing_leaves_output_and_no_part_file(tmp_path, run_main, corpus_dir, monkeypatch):
    """The disk fails mid-write (fsync raises): exit 5, one line, old file intact, no .part left."""
    out = tmp_path / "out.ttl"
    out.write_bytes(b"precious\n")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    code, _, err = run_main("convert", corpus_dir / "1958-02-19_cn-kp_joint-statement.txt", "-o", out)
    assert code == 5
    one_line_error(err, out, "No space left on device")
    assert out.read_bytes() == b"precious\n"
    assert [x.name for x in tmp_path.iterdir()] == ["out.ttl"]


@pytest.mark.parametrize("where", ["folder", "missing_folder"])
def test_unwritable_output_path_is_exit_5(tmp_path, run_main, corpus_dir, where):
    target = tmp_path if where == "folder" else tmp_path / "no" / "such" / "out.ttl"
    for command in ("convert", "extract"):
        code, out, err = run_main(command, corpus_dir / "1958-02-19_cn-kp_joint-statement.txt", "-o", target)
        assert code == 5
        assert out == ""
        one_line_error(err, target, "folder")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- IRIs from hostile text

HOSTILE_TITLES = {
    "sparql": '中华人民共和国政府和"} ; DROP ALL ; INSERT DATA {<a> <b> <c>} #>国政府协定',
    "angle": "中华人民共和国政府和<>国政府<script>协定",
    "spaces": "中华人民共和国政府和 甲 乙 \t 国政府 关于 a b 的协定",
    "emoji": "中华人民共和国政府和🇨🇳🙂国政府协定\U0001F600",
    "quotes": "中华人民共和国政府和\\\"'''\"\"\"国政府协定\\u0000",
    "long": "中华人民共和国政府和" + "长" * 5000 + "国政府协定",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_TITLES))
def test_hostile_text_gives_rdf_that_parses(tmp_path, run_main, seed_lines, cuts, kind):
    import pyoxigraph
    import rdflib

    lines = list(seed_lines)
    lines[cuts["title"]] = HOSTILE_TITLES[kind]
    # hostile signatory names and places too
    lines[cuts["date"]] = "1958年2月19日于平壤"
    lines.insert(cuts["sig"], '"} DROP ALL #> 全权代表 <x> 🙂 王首道')
    p = write(tmp_path, f"{kind} <>🙂 title.txt", "\n".join(lines).encode())
    formats = {"nq": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG,
               "ttl": pyoxigraph.RdfFormat.TURTLE, "nt": pyoxigraph.RdfFormat.N_TRIPLES}
    for ext, ox_format in formats.items():
        out = tmp_path / f"out.{ext}"
        code, _, err = run_main("convert", p, "-o", out)
        assert code == 0, err
        no_traceback(err)
        data = out.read_bytes()
        store = pyoxigraph.Store()
        store.load(data, format=ox_format)
        assert len(store) > 10
        g = rdflib.Dataset() if ext in ("nq", "trig") else rdflib.Graph()
        g.parse(data=data, format={"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt"}[ext])
        assert len(g) > 0 if ext in ("ttl", "nt") else len(list(g.quads((None, None, None, None)))) > 10
        # a string made into an IRI never escapes it: every IRI is a valid IRI on its own
        for quad in store:
            for term in (quad.subject, quad.object, quad.graph_name):
                if isinstance(term, pyoxigraph.NamedNode):
                    assert pyoxigraph.NamedNode(term.value) == term
                    assert not any(c in term.value for c in ' <>"{}|\\^`')
        # the hostile text survives as a literal, unchanged
        record = extract_bytes(p.read_bytes(), name=p.name)
        if record.title:
            assert any(isinstance(q.object, pyoxigraph.Literal) and q.object.value == record.title
                       for q in store)
    out = tmp_path / "out.jsonld"
    code, _, err = run_main("convert", p, "-o", out)
    assert code == 0, err
    rdflib.Dataset().parse(data=out.read_bytes(), format="json-ld")


# --------------------------------------------------------------------------- the real entry point

def _cli(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(TREATYKG), *map(str, args)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TREATYKG_DEBUG": ""})


def test_entry_point_exit_codes(tmp_path, corpus_dir):
    """The installed `treatykg` script: 0, 2, 3 and 5, each error one line, no traceback."""
    seed = corpus_dir / "1958-02-19_cn-kp_joint-statement.txt"
    ok = _cli("convert", seed, "-o", tmp_path / "seed.ttl")
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == "" and (tmp_path / "seed.ttl").stat().st_size > 0

    empty = write(tmp_path, "empty.txt", b"")
    r = _cli("extract", empty)
    assert r.returncode == 3 and r.stdout == ""
    one_line_error(r.stderr, empty, "empty")

    binary = write(tmp_path, "x.bin", bytes(range(256)) * 64)
    r = _cli("convert", binary)
    assert r.returncode == 3
    one_line_error(r.stderr, binary, "binary")

    r = _cli("extract", seed, "--max-bytes", "100")
    assert r.returncode == 3
    one_line_error(r.stderr, seed, "--max-bytes")

    r = _cli("convert", seed, "-o", tmp_path / "missing" / "x.ttl")
    assert r.returncode == 5
    one_line_error(r.stderr, tmp_path / "missing" / "x.ttl", "folder")

    r = _cli("extract", seed, "--no-such-option")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "--no-such-option" in r.stderr


def test_entry_point_strict(tmp_path, seed_lines, cuts):
    p = write(tmp_path, "nosig.txt", "\n".join(seed_lines[:cuts["date"] + 1]).encode("utf-16"))
    r = _cli("extract", p)
    assert r.returncode == 0
    assert r.stderr.splitlines() == [f"treatykg: warning: {p}: no signature block found"]
    r = _cli("extract", p, "--strict")
    assert r.returncode == 1 and r.stdout == ""
    one_line_error(r.stderr, p, "no signature block found", "--strict")
